"""How good are the captions? BLEU-1 against the references, next to image-blind baselines.

Training loss says how well a model predicts the *next* word of a caption it is shown;
a captioner is judged on the captions it *writes*. CS231n reports BLEU; here, on the
generated shapes set, sentence BLEU-1 (clipped unigram precision times the brevity
penalty, against the image's three reference captions, averaged over images) and the
fraction of colour and shape words that are right. A number means little alone, so
:func:`caption_report` prints it next to captioners that never look at the image::

    report = caption_report(model, data, split="val")   # your model's .sample
"""

import collections
import math

import numpy as np

from .data import shapes
from .data.captions import decode_captions

SPECIAL = ("<START>", "<END>", "<NULL>")


def words_of(caption_ids, idx_to_word):
    """Caption ids -> list of words, cut at ``<END>``, without the special tokens."""
    text = decode_captions(np.asarray(caption_ids), idx_to_word)
    return [w for w in text.split() if w not in SPECIAL]


def bleu1(candidate, references):
    """Sentence BLEU-1 of ``candidate`` (list of words) against ``references`` (lists)."""
    if not candidate:
        return 0.0
    counts = collections.Counter(candidate)
    max_ref = collections.Counter()
    for ref in references:
        for w, c in collections.Counter(ref).items():
            max_ref[w] = max(max_ref[w], c)
    precision = sum(min(c, max_ref[w]) for w, c in counts.items()) / len(candidate)
    ref_len = min((abs(len(r) - len(candidate)), len(r)) for r in references)[1]
    penalty = 1.0 if len(candidate) > ref_len else math.exp(1 - ref_len / len(candidate))
    return precision * penalty


def words_right(candidates, references, vocabulary):
    """Of the words of ``vocabulary`` the candidates use, the fraction their references use."""
    hits = total = 0
    for cand, refs in zip(candidates, references, strict=True):
        ref_words = {w for r in refs for w in r}
        used = [w for w in cand if w in vocabulary]
        hits += sum(w in ref_words for w in used)
        total += len(used)
    return hits / max(total, 1)


def scores(candidates, references):
    """``{"BLEU-1", "colour words right", "shape words right"}`` of a list of captions."""
    bleu = [bleu1(c, r) for c, r in zip(candidates, references, strict=True)]
    return {
        "BLEU-1": float(np.mean(bleu)),
        "colour words right": words_right(candidates, references, set(shapes.COLORS)),
        "shape words right": words_right(candidates, references, set(shapes.SHAPES)),
    }


def references(data, split="val"):
    """The reference captions of every image of ``split``, as lists of words."""
    refs = collections.defaultdict(list)
    for cap, img in zip(data[f"{split}_captions"], data[f"{split}_image_idxs"], strict=True):
        refs[int(img)].append(words_of(cap, data["idx_to_word"]))
    return [refs[i] for i in range(len(data[f"{split}_features"]))]


def blind_captions(data, n, seed=0):
    """Captions of three captioners that never look at the image, ``n`` of each."""
    rng = np.random.default_rng(seed)
    train = [words_of(c, data["idx_to_word"]) for c in data["train_captions"]]
    most_common = collections.Counter(" ".join(c) for c in train).most_common(1)[0][0].split()
    unigram = collections.Counter(w for c in train for w in c)
    words, p = list(unigram), np.array(list(unigram.values()), dtype=float)
    lengths = [len(c) for c in train]
    return {
        "random training caption": [train[i] for i in rng.integers(len(train), size=n)],
        "most frequent training caption": [most_common] * n,
        "unigram words": [
            list(rng.choice(words, size=lengths[rng.integers(len(lengths))], p=p / p.sum()))
            for _ in range(n)
        ],
    }


def sampled_captions(model, data, split="val", max_length=16):
    """Greedy captions of every image of ``split`` by ``model.sample``, as lists of words."""
    sampled = np.asarray(model.sample(data[f"{split}_features"], max_length=max_length))
    return [words_of(s, data["idx_to_word"]) for s in sampled]


def caption_report(model, data, split="val", max_length=16, seed=0, name="your model"):
    """Print and return ``{captioner: scores}`` for ``model`` and the image-blind baselines."""
    refs = references(data, split)
    table = {name: scores(sampled_captions(model, data, split, max_length), refs)}
    for blind, captions in blind_captions(data, len(refs), seed).items():
        table[f"{blind} (image-blind)"] = scores(captions, refs)
    width = max(len(k) for k in table)
    print(f"{'captioner':{width}s}  BLEU-1  colour words right  shape words right")
    for k, m in table.items():
        print(
            f"{k:{width}s}  {m['BLEU-1']:6.3f}  {m['colour words right']:18.3f}"
            f"  {m['shape words right']:17.3f}"
        )
    return table
