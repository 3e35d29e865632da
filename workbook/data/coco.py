"""Loader for the real CS231n COCO captioning files (for users who have them; no download).

``base_dir`` holds the files of CS231n's ``get_coco_captioning.sh``::

    coco2014_captions.h5           train_captions, train_image_idxs, val_captions, val_image_idxs
    coco2014_vocab.json            idx_to_word (list), word_to_idx (dict)
    train2014_vgg16_fc7.h5         features (dataset "features")
    train2014_vgg16_fc7_pca.h5     the same, PCA-reduced
    val2014_vgg16_fc7.h5, val2014_vgg16_fc7_pca.h5
    train2014_urls.txt, val2014_urls.txt

The returned dictionary has the keys of the generated set (:mod:`workbook.data.captions`),
whose ``sample_minibatch`` and ``decode_captions`` work on it unchanged.
"""

import json
from pathlib import Path

import h5py
import numpy as np


def load_coco_data(base_dir, max_train=None, pca_features=True, *, seed=0):
    """Load CS231n's COCO captioning data (as CS231n's ``coco_utils.load_coco_data``).

    Parameters
    ----------
    base_dir : str or Path
        Folder with the files listed in the module docstring.
    max_train : int, optional
        Keep this many training captions, drawn with replacement as CS231n does, but from
        ``numpy.random.default_rng(seed)`` instead of the global RNG.
    pca_features : bool
        Load ``*_vgg16_fc7_pca.h5`` (512-d) instead of ``*_vgg16_fc7.h5`` (4096-d).
    seed : int
        Seed of the ``max_train`` subsample.

    Returns
    -------
    data : dict
        ``train_captions`` (N, T+1), ``train_image_idxs`` (N,), ``train_features`` (I, D),
        ``train_urls`` (I,), the same for ``val``, ``idx_to_word`` and ``word_to_idx``.
    """
    base = Path(base_dir)
    data = {}
    with h5py.File(base / "coco2014_captions.h5", "r") as f:
        for k, v in f.items():
            data[k] = np.asarray(v)
    suffix = "_pca" if pca_features else ""
    for split in ("train", "val"):
        with h5py.File(base / f"{split}2014_vgg16_fc7{suffix}.h5", "r") as f:
            data[f"{split}_features"] = np.asarray(f["features"])
    with open(base / "coco2014_vocab.json") as f:
        data.update(json.load(f))
    for split in ("train", "val"):
        with open(base / f"{split}2014_urls.txt") as f:
            data[f"{split}_urls"] = np.asarray([line.strip() for line in f])
    if max_train is not None:
        num_train = data["train_captions"].shape[0]
        mask = np.random.default_rng(seed).integers(num_train, size=max_train)
        data["train_captions"] = data["train_captions"][mask]
        data["train_image_idxs"] = data["train_image_idxs"][mask]
    return data
