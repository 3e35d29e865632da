"""A long-dependency task: name the symbol in the "image" after ``T`` steps of nothing.

Each example's feature vector is the one-hot code of a key, one of ``num_keys`` symbols.
The "caption" is ``<START>``, then ``T - 1`` blanks (``<NULL>``), then the key's word::

    captions[n] = [<START>, <NULL>, ..., <NULL>, key7]     # T + 1 tokens

``CaptioningRNN.loss`` reads ``captions[:, :-1]`` (the start token and the blanks) and must
predict ``captions[:, 1:]``; every target but the last is ``<NULL>`` and masked out, so the
loss is the cross-entropy of the key at the last step alone, ``T`` steps after the image set
``h0``: ``log(num_keys)`` for a model that has forgotten, ``0`` for one that remembers.
The dictionary has the keys of :func:`workbook.data.captions.load_captioning_data`, so
:class:`workbook.solver.CaptioningSolver` trains on it unchanged. Deterministic, generated
in memory in milliseconds; nothing is downloaded or cached.
"""

import numpy as np

SPECIAL = ("<NULL>", "<START>", "<END>", "<UNK>")


def vocabulary(num_keys, num_fillers):
    """``(idx_to_word, word_to_idx)``: special tokens, ``filler0``..., then ``key0``, ``key1``..."""
    fillers = [f"filler{k}" for k in range(num_fillers)]
    idx_to_word = [*SPECIAL, *fillers, *(f"key{k}" for k in range(num_keys))]
    return idx_to_word, {w: i for i, w in enumerate(idx_to_word)}


def _split(rng, n, T, num_keys, num_fillers, word_to_idx, name):
    keys = rng.integers(num_keys, size=n)
    captions = np.full((n, T + 1), word_to_idx["<NULL>"], dtype=np.int32)
    first = word_to_idx["<START>"] if num_fillers == 0 else word_to_idx["filler0"]
    captions[:, 0] = first + rng.integers(max(num_fillers, 1), size=n)
    captions[:, T] = word_to_idx["key0"] + keys
    features = np.eye(num_keys, dtype=np.float32)[keys]
    urls = np.asarray([f"recall://{name}/{i}" for i in range(n)])
    return captions, np.arange(n, dtype=np.int32), features, urls, keys


def load_recall_data(T=50, num_keys=8, num_fillers=5, num_train=2000, num_val=500, seed=0):
    """The recall task as a captioning data set (CS231n's keys).

    Parameters
    ----------
    T : int
        Steps between the image (``h0``) and the answer; captions have ``T + 1`` tokens.
    num_keys : int
        Number of symbols; chance level of the loss is ``log(num_keys)``.
    num_train, num_val : int
        Examples per split (one caption per "image").
    seed : int
        Seed of the keys.

    Returns
    -------
    data : dict
        ``train_captions`` (num_train, T + 1) int32, ``train_image_idxs`` (num_train,),
        ``train_features`` (num_train, num_keys) float32 one-hot, ``train_urls``,
        ``train_keys`` (num_train,) int, the same for ``val``, ``idx_to_word``,
        ``word_to_idx``.
    """
    if T < 1 or num_keys < 2:
        raise ValueError(f"need T >= 1 and num_keys >= 2, got T={T}, num_keys={num_keys}")
    idx_to_word, word_to_idx = vocabulary(num_keys, num_fillers)
    rng = np.random.default_rng([seed, T, num_keys, num_fillers])
    data = {"idx_to_word": idx_to_word, "word_to_idx": word_to_idx}
    for name, n in (("train", num_train), ("val", num_val)):
        parts = _split(rng, n, T, num_keys, num_fillers, word_to_idx, name)
        names = ("captions", "image_idxs", "features", "urls", "keys")
        for key, value in zip(names, parts, strict=True):
            data[f"{name}_{key}"] = value
    return data


def recall_loss(model, data, split="val"):
    """Mean cross-entropy of the key at the last step (``log(num_keys)``: nothing recalled).

    The other targets are ``<NULL>`` and masked, so this is just ``model.loss`` on the whole
    split (its gradients are discarded).
    """
    loss, _ = model.loss(data[f"{split}_features"], data[f"{split}_captions"])
    return float(loss)
