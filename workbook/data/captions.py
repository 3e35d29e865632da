"""A small captioning data set, generated deterministically (no download).

Images are 32x32 drawings of one or two coloured shapes (:mod:`workbook.data.shapes`),
each with three grammar-generated captions such as
``"a big red circle to the left of a small blue square"``. Image features play the role
of CS231n's VGG fc7 features: a fixed function of the pixels (a random, untrained
convolution layer, ReLU, max and mean pooling on a 4x4 grid, a random projection to
``feature_dim``, standardised, plus a little seeded noise).

``load_captioning_data`` returns the dictionary of CS231n's ``load_coco_data``::

    data = load_captioning_data()
    captions, features, urls = sample_minibatch(data, batch_size=25, seed=0)
    print(decode_captions(captions[0], data["idx_to_word"]))
    plt.imshow(load_image(urls[0]))

The set is generated on first use and cached (``$BACKPROP_DATA_DIR`` or ``.cache/captions``
in the repository); the same seed gives the same bytes.
"""

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from . import shapes

SPECIAL = ("<NULL>", "<START>", "<END>", "<UNK>")
MAX_LENGTH = 17  # caption columns, <START> and <END> included, as in CS231n's COCO files
ARRAYS = ("captions", "image_idxs", "features", "images")
VERSION = 1


def default_dir():
    """``$BACKPROP_DATA_DIR`` if set, else ``<repository>/.cache/captions``."""
    env = os.environ.get("BACKPROP_DATA_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / ".cache" / "captions"


def dataset_name(seed=0, num_train=3000, num_val=500, feature_dim=512):
    return f"shapes-v{VERSION}-seed{seed}-n{num_train}-{num_val}-d{feature_dim}"


def build_vocab(sentences):
    """Sorted vocabulary after the four special tokens: ``(idx_to_word, word_to_idx)``."""
    words = sorted({w for s in sentences for w in s.split()})
    idx_to_word = list(SPECIAL) + words
    return idx_to_word, {w: i for i, w in enumerate(idx_to_word)}


def encode(sentence, word_to_idx, max_length=MAX_LENGTH):
    """``<START> words <END>`` as int32 ids padded with ``<NULL>`` to ``max_length``."""
    words = ["<START>", *sentence.split(), "<END>"]
    if len(words) > max_length:
        raise ValueError(f"caption longer than {max_length} tokens: {sentence!r}")
    ids = np.full(max_length, word_to_idx["<NULL>"], dtype=np.int32)
    ids[: len(words)] = [word_to_idx.get(w, word_to_idx["<UNK>"]) for w in words]
    return ids


def decode_captions(captions, idx_to_word):
    """Turn ids into strings, dropping ``<NULL>`` and stopping after ``<END>`` (as CS231n).

    ``captions`` is ``(N, T)`` (returns a list of N strings) or ``(T,)`` (returns a string).
    """
    captions = np.asarray(captions)
    singleton = captions.ndim == 1
    decoded = []
    for row in np.atleast_2d(captions):
        words = []
        for idx in row:
            word = idx_to_word[int(idx)]
            if word != "<NULL>":
                words.append(word)
            if word == "<END>":
                break
        decoded.append(" ".join(words))
    return decoded[0] if singleton else decoded


def image_features(images, feature_dim=512, chunk=250):
    """Fixed random-convolution features of ``(N, 32, 32, 3)`` uint8 images, float64."""
    frng = np.random.default_rng(20240601)  # the "camera": the same for every seed
    filters = frng.standard_normal((75, 48)) / np.sqrt(75)
    bias = 0.1 * frng.standard_normal(48)
    x = images.astype(np.float64) / 255.0 - np.asarray(shapes.BACKGROUND) / 255.0
    pooled = []
    for start in range(0, len(x), chunk):
        patches = np.lib.stride_tricks.sliding_window_view(x[start : start + chunk], (5, 5), (1, 2))
        n, h, w = patches.shape[:3]  # (n, 28, 28, 3, 5, 5)
        a = np.maximum(patches.reshape(n * h * w, 75) @ filters + bias, 0).reshape(
            n, 4, 7, 4, 7, 48
        )
        grid = np.concatenate([a.max(axis=(2, 4)), a.mean(axis=(2, 4))], axis=-1)
        pooled.append(np.concatenate([grid.reshape(n, -1), a.mean(axis=(1, 2, 3, 4))], axis=1))
    pooled = np.concatenate(pooled)
    proj = frng.standard_normal((pooled.shape[1], feature_dim)) / np.sqrt(pooled.shape[1])
    feats = pooled @ proj
    return (feats - feats.mean(axis=0)) / (feats.std(axis=0) + 1e-8)


def generate(seed=0, num_train=3000, num_val=500, feature_dim=512, captions_per_image=3):
    """Generate the whole data set in memory: dict of arrays, vocab and url lists."""
    rng = np.random.default_rng([seed, 0])
    splits = {"train": num_train, "val": num_val}
    scenes = {s: [shapes.sample_scene(rng) for _ in range(n)] for s, n in splits.items()}
    text = {s: [shapes.describe(sc, rng, captions_per_image) for sc in scenes[s]] for s in splits}
    idx_to_word, word_to_idx = build_vocab(c for caps in text["train"] for c in caps)
    name = dataset_name(seed, num_train, num_val, feature_dim)
    images = {s: np.stack([shapes.render(sc) for sc in scenes[s]]) for s in splits}
    feats = image_features(np.concatenate([images["train"], images["val"]]), feature_dim)
    feats += 0.05 * np.random.default_rng([seed, 1]).standard_normal(feats.shape)
    out = {"idx_to_word": idx_to_word, "word_to_idx": word_to_idx}
    for s, n in splits.items():
        out[f"{s}_captions"] = np.stack([encode(c, word_to_idx) for caps in text[s] for c in caps])
        out[f"{s}_image_idxs"] = np.repeat(np.arange(n, dtype=np.int32), captions_per_image)
        out[f"{s}_features"] = (feats[:num_train] if s == "train" else feats[num_train:]).astype(
            np.float32
        )
        out[f"{s}_images"] = images[s]
        out[f"{s}_urls"] = [f"generated://{name}/{s}/{i}" for i in range(n)]
    return out


def _write(directory, data):
    for s in ("train", "val"):
        for k in ARRAYS:
            np.save(directory / f"{s}_{k}.npy", data[f"{s}_{k}"])
        (directory / f"{s}_urls.txt").write_text("\n".join(data[f"{s}_urls"]) + "\n")
    vocab = {"idx_to_word": data["idx_to_word"], "word_to_idx": data["word_to_idx"]}
    (directory / "vocab.json").write_text(json.dumps(vocab, sort_keys=True, indent=1) + "\n")


def ensure_dataset(base_dir=None, seed=0, num_train=3000, num_val=500, feature_dim=512):
    """Generate the data set into ``base_dir`` unless already there; return its folder."""
    base = Path(base_dir) if base_dir is not None else default_dir()
    final = base / dataset_name(seed, num_train, num_val, feature_dim)
    if (final / "COMPLETE").exists():
        return final
    base.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=base))
    try:
        _write(tmp, generate(seed, num_train, num_val, feature_dim))
        (tmp / "COMPLETE").write_text("ok\n")
        if final.exists():  # a half-written folder from an interrupted run
            shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
    except OSError:
        if not (final / "COMPLETE").exists():  # not another process winning the race
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def load_captioning_data(
    base_dir=None, seed=0, max_train=None, *, num_train=3000, num_val=500, feature_dim=512
):
    """Load (generating on first use) the shapes captioning set with CS231n's keys.

    Parameters
    ----------
    base_dir : str or Path, optional
        Cache folder (default :func:`default_dir`).
    seed : int
        Seed of the data set (and of the ``max_train`` subsample).
    max_train : int, optional
        Keep this many training captions, drawn without replacement.
    num_train, num_val : int
        Number of images per split (three captions each).
    feature_dim : int
        Dimension D of the image features.

    Returns
    -------
    data : dict
        ``train_captions`` (N, 17) int32, ``train_image_idxs`` (N,) int32,
        ``train_features`` (num_train, D) float32, ``train_urls`` (num_train,) str, the
        same four for ``val``, ``idx_to_word`` (list) and ``word_to_idx`` (dict);
        ``<NULL>`` = 0, ``<START>`` = 1, ``<END>`` = 2, ``<UNK>`` = 3.
    """
    folder = ensure_dataset(base_dir, seed, num_train, num_val, feature_dim)
    data = {}
    for s in ("train", "val"):
        for k in ("captions", "image_idxs", "features"):
            data[f"{s}_{k}"] = np.load(folder / f"{s}_{k}.npy")
        data[f"{s}_urls"] = np.asarray((folder / f"{s}_urls.txt").read_text().split())
    data.update(json.loads((folder / "vocab.json").read_text()))
    if max_train is not None:
        rng = np.random.default_rng([seed, 2])
        keep = np.sort(rng.choice(len(data["train_captions"]), size=max_train, replace=False))
        data["train_captions"] = data["train_captions"][keep]
        data["train_image_idxs"] = data["train_image_idxs"][keep]
    return data


def sample_minibatch(data, batch_size=100, split="train", seed=None):
    """Draw captions (with replacement) and their features and urls, like CS231n's
    ``sample_coco_minibatch``, from ``numpy.random.default_rng(seed)`` (a ``Generator``
    is used as is; the global RNG never).

    Returns ``captions (B, T+1)``, ``features (B, D)``, ``urls (B,)``.
    """
    rng = np.random.default_rng(seed)
    mask = rng.choice(data[f"{split}_captions"].shape[0], batch_size)
    captions = data[f"{split}_captions"][mask]
    image_idxs = data[f"{split}_image_idxs"][mask]
    return (
        captions,
        data[f"{split}_features"][image_idxs],
        np.asarray(data[f"{split}_urls"])[image_idxs],
    )


_IMAGES = {}


def load_image(url, base_dir=None):
    """The ``(32, 32, 3)`` uint8 image behind a ``generated://<set>/<split>/<i>`` url."""
    prefix = "generated://"
    parts = url[len(prefix) :].split("/") if url.startswith(prefix) else []
    if len(parts) != 3 or parts[1] not in ("train", "val") or not parts[2].isdigit():
        raise ValueError(f"not a generated image url: {url!r}")
    name, split, i = parts[0], parts[1], int(parts[2])
    fields = name.split("-")  # shapes-v1-seed0-n3000-500-d512
    if len(fields) != 6 or fields[1] != f"v{VERSION}":
        raise ValueError(f"unknown generated data set {name!r}")
    seed, ntr, nva, dim = int(fields[2][4:]), int(fields[3][1:]), int(fields[4]), int(fields[5][1:])
    key = (str(base_dir), name, split)
    if key not in _IMAGES:
        folder = ensure_dataset(base_dir, seed, ntr, nva, dim)
        _IMAGES[key] = np.load(folder / f"{split}_images.npy", mmap_mode="r")
    return np.array(_IMAGES[key][i])


image_from_url = load_image
