# ruff: noqa: NPY002  (the tests re-seed the global RNG to show it is never used)
"""Captioning data: the generated shapes set (determinism, format, tokens) and the COCO loader."""

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from workbook.data import captions, shapes
from workbook.data.captions import (
    decode_captions,
    load_captioning_data,
    load_image,
    sample_minibatch,
)
from workbook.data.coco import load_coco_data

KEYS = {
    "train_captions",
    "train_image_idxs",
    "train_features",
    "train_urls",
    "val_captions",
    "val_image_idxs",
    "val_features",
    "val_urls",
    "idx_to_word",
    "word_to_idx",
}
SMALL = dict(num_train=120, num_val=30)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("captions")


@pytest.fixture(scope="module")
def data(cache_dir):
    """The default-size set, generated once into a temporary cache (CPU time measured)."""
    start = time.process_time()
    d = load_captioning_data(base_dir=cache_dir)
    d["_seconds"] = time.process_time() - start
    return d


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_in_two_folders(tmp_path):
    a = captions.ensure_dataset(tmp_path / "a", seed=3, **SMALL)
    b = captions.ensure_dataset(tmp_path / "b", seed=3, **SMALL)
    c = captions.ensure_dataset(tmp_path / "c", seed=4, **SMALL)
    assert a.name == b.name
    assert len(digests(a)) == 12  # 8 arrays, 2 url lists, vocab, COMPLETE
    assert digests(a) == digests(b)
    assert digests(a)["train_captions.npy"] != digests(c)["train_captions.npy"]
    assert digests(a)["train_features.npy"] != digests(c)["train_features.npy"]
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".tmp")]


def test_global_rng_is_neither_used_nor_consulted(tmp_path):
    np.random.seed(1)
    state = np.random.get_state()[1].copy()
    d1 = load_captioning_data(base_dir=tmp_path / "x", max_train=20, **SMALL)
    assert np.array_equal(np.random.get_state()[1], state)
    np.random.seed(2)
    d2 = load_captioning_data(base_dir=tmp_path / "y", max_train=20, **SMALL)
    assert np.array_equal(d1["train_captions"], d2["train_captions"])


def test_unwritable_cache_falls_back_to_memory(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    base = blocker / "captions"  # cannot be created (and root ignores permission bits)
    d = load_captioning_data(base_dir=base, seed=3, **SMALL)
    cached = load_captioning_data(base_dir=tmp_path / "ok", seed=3, **SMALL)
    for k in KEYS:
        if k in ("idx_to_word", "word_to_idx"):
            assert d[k] == cached[k]
        else:
            assert np.array_equal(d[k], cached[k]), k
    img = load_image(d["train_urls"][5], base_dir=base)
    assert np.array_equal(img, load_image(d["train_urls"][5], base_dir=tmp_path / "ok"))
    assert not base.exists()


def test_default_set_is_fast_and_cached(data, cache_dir):
    # CPU seconds, not wall time: other jobs on a shared machine do not count
    assert data["_seconds"] < 10, f"generating the default set took {data['_seconds']:.1f} s CPU"
    start = time.perf_counter()
    load_captioning_data(base_dir=cache_dir)
    assert time.perf_counter() - start < 1


def test_keys_shapes_dtypes(data):
    assert set(data) - {"_seconds"} == KEYS
    for split, n_img in (("train", 3000), ("val", 500)):
        caps, idxs = data[f"{split}_captions"], data[f"{split}_image_idxs"]
        feats, urls = data[f"{split}_features"], data[f"{split}_urls"]
        assert caps.dtype == np.int32 and caps.shape == (3 * n_img, 17)
        assert idxs.dtype == np.int32 and idxs.shape == (3 * n_img,)
        assert idxs.min() == 0 and idxs.max() == n_img - 1
        assert feats.dtype == np.float32 and feats.shape == (n_img, 512)
        assert np.isfinite(feats).all()
        assert urls.shape == (n_img,) and urls[7] == urls[0][:-1] + "7"
        assert urls[0].startswith("generated://shapes-") and urls[0].endswith(f"/{split}/0")
    assert isinstance(data["idx_to_word"], list) and isinstance(data["word_to_idx"], dict)


def test_special_tokens_and_caption_structure(data):
    idx_to_word, word_to_idx = data["idx_to_word"], data["word_to_idx"]
    assert idx_to_word[:4] == ["<NULL>", "<START>", "<END>", "<UNK>"]
    assert all(word_to_idx[w] == i for i, w in enumerate(idx_to_word))
    assert len(word_to_idx) == len(idx_to_word)
    for split in ("train", "val"):
        caps = data[f"{split}_captions"]
        assert (caps[:, 0] == 1).all()  # <START>
        assert ((caps == 2).sum(axis=1) == 1).all()  # exactly one <END>
        end = np.argmax(caps == 2, axis=1)
        after_end = np.arange(caps.shape[1]) > end[:, None]
        assert (caps[after_end] == 0).all() and (caps[~after_end] != 0).all()
        assert caps.max() < len(idx_to_word)
    assert not (data["train_captions"] == 3).any()  # every word of train is in the vocabulary


def test_decode_round_trip(data):
    idx_to_word, word_to_idx = data["idx_to_word"], data["word_to_idx"]
    caps = data["val_captions"][:50]
    text = decode_captions(caps, idx_to_word)
    assert isinstance(text, list) and len(text) == 50
    for row, sentence in zip(caps, text, strict=True):
        assert sentence.startswith("<START> ") and sentence.endswith(" <END>")
        assert np.array_equal(captions.encode(sentence[8:-6], word_to_idx), row)
    assert decode_captions(caps[0], idx_to_word) == text[0]  # one caption -> one string
    # decoding stops at <END> and drops <NULL>, as CS231n's decode_captions
    assert decode_captions(np.array([1, 4, 0, 2, 5]), idx_to_word) == "<START> a <END>"


def test_encode_unknown_word_and_too_long():
    _, word_to_idx = captions.build_vocab(["a red circle"])
    assert list(captions.encode("a pink circle", word_to_idx, max_length=6)) == [
        1,
        word_to_idx["a"],
        3,
        word_to_idx["circle"],
        2,
        0,
    ]
    with pytest.raises(ValueError, match="longer"):
        captions.encode("a red circle", word_to_idx, max_length=4)


def test_captions_describe_their_image(data, cache_dir):
    """Every colour word of a caption is drawn in the image; no other colour is."""
    idx_to_word = data["idx_to_word"]
    for k in range(0, 600, 7):
        sentence = decode_captions(data["train_captions"][k], idx_to_word)
        url = data["train_urls"][data["train_image_idxs"][k]]
        img = load_image(url, base_dir=cache_dir)
        pixels = {tuple(p) for p in img.reshape(-1, 3)}
        for name, rgb in shapes.COLORS.items():
            assert (name in sentence.split()) == (rgb in pixels), (sentence, name)


def test_load_image(data, cache_dir):
    img = load_image(data["val_urls"][3], base_dir=cache_dir)
    assert img.shape == (32, 32, 3) and img.dtype == np.uint8
    assert (img != shapes.BACKGROUND).any()
    img[:] = 0  # a copy: the cache is not modified
    assert load_image(data["val_urls"][3], base_dir=cache_dir).any()
    with pytest.raises(ValueError, match="url"):
        load_image("http://example.com/x.jpg")


def test_sample_minibatch(data):
    caps, feats, urls = sample_minibatch(data, batch_size=25, split="val", seed=5)
    assert caps.shape == (25, 17) and feats.shape == (25, 512) and urls.shape == (25,)
    again = sample_minibatch(data, batch_size=25, split="val", seed=5)
    assert np.array_equal(caps, again[0]) and np.array_equal(urls, again[2])
    for c, f, u in zip(caps, feats, urls, strict=True):
        row = np.flatnonzero((data["val_captions"] == c).all(axis=1))
        img = data["val_image_idxs"][row]
        assert any(np.array_equal(data["val_features"][i], f) for i in img)
        assert u in data["val_urls"][img]
    rng = np.random.default_rng(0)
    first = sample_minibatch(data, 10, seed=rng)[0]
    assert not np.array_equal(first, sample_minibatch(data, 10, seed=rng)[0])


def test_max_train_subsample(cache_dir):
    d = load_captioning_data(base_dir=cache_dir, max_train=50)
    full = load_captioning_data(base_dir=cache_dir)
    assert d["train_captions"].shape == (50, 17) and d["train_image_idxs"].shape == (50,)
    assert len({tuple(c) for c in d["train_captions"]}) >= 45  # without replacement
    assert np.array_equal(d["train_features"], full["train_features"])
    again = load_captioning_data(base_dir=cache_dir, max_train=50)
    assert np.array_equal(d["train_captions"], again["train_captions"])


def test_features_are_informative(data):
    """A ridge probe on the features predicts the colour words far above chance."""
    x, caps = data["train_features"].astype(np.float64), data["train_captions"]
    red = np.zeros(len(x))
    red[data["train_image_idxs"]] = (caps == data["word_to_idx"]["red"]).any(axis=1)
    mean = red[:2000].mean()
    gram = x[:2000].T @ x[:2000] + 30 * np.eye(x.shape[1])
    w = np.linalg.solve(gram, x[:2000].T @ (red[:2000] - mean))
    acc = ((x[2000:] @ w + mean > 0.5) == (red[2000:] > 0)).mean()
    chance = max(red[2000:].mean(), 1 - red[2000:].mean())
    assert acc > chance + 0.1


def test_workbook_data_never_imports_solutions_or_autograder():
    code = (
        "import sys, workbook.data.captions, workbook.data.coco, workbook.data.shapes\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('solutions', 'autograder')]\n"
        "assert not bad, bad\n"
    )
    root = Path(__file__).parents[1]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


# --- the real CS231n COCO files, written small in their format -----------------------------


@pytest.fixture
def coco_dir(tmp_path):
    rng = np.random.default_rng(0)
    vocab = ["<NULL>", "<START>", "<END>", "<UNK>", "a", "cat", "on", "mat"]
    with h5py.File(tmp_path / "coco2014_captions.h5", "w") as f:
        f["train_captions"] = rng.integers(0, 8, size=(12, 17)).astype(np.int32)
        f["train_image_idxs"] = np.arange(12, dtype=np.int32) % 4
        f["val_captions"] = rng.integers(0, 8, size=(6, 17)).astype(np.int32)
        f["val_image_idxs"] = np.arange(6, dtype=np.int32) % 2
    for split, n in (("train", 4), ("val", 2)):
        for suffix, dim in (("", 4096), ("_pca", 512)):
            with h5py.File(tmp_path / f"{split}2014_vgg16_fc7{suffix}.h5", "w") as f:
                f["features"] = rng.standard_normal((n, dim)).astype(np.float32)
        urls = [f"http://images.cocodataset.org/{split}2014/{i}.jpg" for i in range(n)]
        (tmp_path / f"{split}2014_urls.txt").write_text("\n".join(urls) + "\n")
    vocab_json = {"idx_to_word": vocab, "word_to_idx": {w: i for i, w in enumerate(vocab)}}
    (tmp_path / "coco2014_vocab.json").write_text(json.dumps(vocab_json))
    return tmp_path


def test_coco_loader_reads_cs231n_files(coco_dir):
    d = load_coco_data(coco_dir)
    assert set(d) == KEYS
    with h5py.File(coco_dir / "coco2014_captions.h5") as f:
        assert np.array_equal(d["train_captions"], f["train_captions"][()])
        assert np.array_equal(d["val_image_idxs"], f["val_image_idxs"][()])
    assert d["train_captions"].dtype == np.int32
    assert d["train_features"].shape == (4, 512) and d["val_features"].shape == (2, 512)
    assert d["train_features"].dtype == np.float32
    assert d["val_urls"].tolist() == [
        "http://images.cocodataset.org/val2014/0.jpg",
        "http://images.cocodataset.org/val2014/1.jpg",
    ]
    assert d["idx_to_word"][5] == "cat" and d["word_to_idx"]["mat"] == 7
    full = load_coco_data(coco_dir, pca_features=False)
    assert full["train_features"].shape == (4, 4096)
    # generated-set helpers work on COCO data too
    caps, feats, urls = sample_minibatch(d, batch_size=5, seed=0)
    assert caps.shape == (5, 17) and feats.shape == (5, 512) and urls.shape == (5,)
    assert isinstance(decode_captions(caps, d["idx_to_word"])[0], str)


def test_coco_loader_max_train(coco_dir):
    np.random.seed(0)
    state = np.random.get_state()[1].copy()
    d = load_coco_data(coco_dir, max_train=5)
    assert np.array_equal(np.random.get_state()[1], state)
    assert d["train_captions"].shape == (5, 17) and d["train_image_idxs"].shape == (5,)
    assert np.array_equal(
        d["train_captions"], load_coco_data(coco_dir, max_train=5)["train_captions"]
    )
