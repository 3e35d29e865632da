"""The mistake catalogue: every mutant builds, loses points in the hidden tests and is
diagnosed as itself; reference copies score full; the catalogue is big, covers every
chapter, and its ids and hints are well formed and unique."""

import importlib
import re

import numpy as np
import pytest

from autograder import grader, specs
from autograder.collect import slot_of
from autograder.mistakes.base import (
    all_mistakes,
    build_function,
    build_mutant,
    find,
    mutant_source,
    reference_source,
)

MISTAKES = all_mistakes()
SPECS = specs.all_specs()  # {graded name: (chapter, Spec)}


def graded_names(mistake):
    """The graded names whose diagnosis tries ``mistake`` (both variants of a bare method)."""
    return sorted(n for n in SPECS if mistake.applies_to(n))


CASES = [(m, n) for m in MISTAKES for n in graded_names(m)]
GRADED = sorted({n for _, n in CASES})


def copies(name):
    """Independent copies of the reference objects the spec of ``name`` uses."""
    return {u: build_function(u) for u in SPECS[name][1].uses}


def grade_mutant(name, mistake):
    """Grade ``mistake``'s mutant as ``name`` with reference copies as partners."""
    ns = copies(name)
    mutant = build_mutant(mistake)
    ns[slot_of(name)] = mutant
    grader.grade_in_process(name, mutant, ns)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mutant_builds(mistake):
    src = mutant_source(mistake)
    assert src != reference_source(mistake.target)
    assert build_mutant(mistake) is not None


@pytest.mark.parametrize(("mistake", "name"), CASES, ids=[f"{m.id}@{n}" for m, n in CASES])
def test_mutant_loses_points_and_is_diagnosed_as_itself(mistake, name):
    with pytest.raises(AssertionError) as e:
        grade_mutant(name, mistake)
    msg = str(e.value)
    assert "\n" not in msg, msg
    assert msg.endswith(f" — likely mistake: {mistake.hint}"), msg


@pytest.mark.parametrize("name", GRADED)
def test_reference_copy_scores_full(name):
    ns = copies(name)
    assert grader.grade_in_process(name, ns[slot_of(name)], ns) is None


def test_every_mistake_is_tried_by_some_graded_name():
    assert all(graded_names(m) for m in MISTAKES), [m.id for m in MISTAKES if not graded_names(m)]


def test_catalogue_size_and_chapter_coverage():
    assert len(MISTAKES) >= 40, len(MISTAKES)
    for chapter in specs.CHAPTERS:
        mod = importlib.import_module(f"autograder.mistakes.{chapter}")
        own = {n for n, (c, _) in SPECS.items() if c == chapter}
        own |= {n.split(":")[0] for n in own}  # "CaptioningRNN.loss" (both variants) in rnn
        assert len(mod.MISTAKES) >= 4, chapter
        for m in mod.MISTAKES:
            assert m.function in own, f"{m.id} is in mistakes/{chapter}.py"


def test_ids_and_hints_are_well_formed_and_unique():
    ids = [m.id for m in MISTAKES]
    hints = [m.hint for m in MISTAKES]
    assert len(set(ids)) == len(ids)
    dup = {h for h in hints if hints.count(h) > 1}
    assert not dup, dup
    for m in MISTAKES:
        assert re.fullmatch(re.escape(m.target) + r"\.[A-Za-z][A-Za-z0-9_]*", m.id), m.id
        assert m.hint == m.hint.strip() and "\n" not in m.hint, m.id
        assert not m.hint.endswith("."), m.id
        assert len(m.hint) <= 120, (m.id, len(m.hint))


# Student code written differently from the reference (loops, own caches) is still
# diagnosed: the mutants reproduce the outputs of the mistake, not the reference's text.

_STUDENT = {
    "rnn_backward.dWh_not_accumulated": (
        "rnn_backward",
        ["rnn_forward"],
        """
def rnn_backward(dh, cache):
    x, h0, Wx, Wh, h = cache
    N, T, H = dh.shape
    dx, dWx, db = np.zeros_like(x), np.zeros_like(Wx), np.zeros(H)
    dprev = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        prev = h0 if t == 0 else h[:, t - 1]
        step = (x[:, t], prev, Wx, Wh, h[:, t])
        dx[:, t], dprev, dWx_t, dWh, db_t = rnn_step_backward(dh[:, t] + dprev, step)
        dWx += dWx_t
        db += db_t
    return dx, dprev, dWx, dWh, db
""",
    ),
    "rnn_step_backward.tanh_grad_of_preactivation": (
        "rnn_step_backward",
        [],
        """
def rnn_step_forward(x, prev_h, Wx, Wh, b):
    a = x @ Wx + prev_h @ Wh + b
    return np.tanh(a), (x, prev_h, Wx, Wh, a)

def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, a = cache
    da = dnext_h * (1 - a ** 2)
    return da @ Wx.T, da @ Wh.T, x.T @ da, prev_h.T @ da, np.sum(da, axis=0)
""",
    ),
    "word_embedding_backward.fancy_index_add": (
        "word_embedding_backward",
        ["word_embedding_forward"],
        """
def word_embedding_backward(dout, cache):
    x, W = cache
    dW = np.zeros_like(W)
    for n in range(x.shape[0]):
        for t in range(x.shape[1]):
            dW[x[n, t]] = dout[n, t]
    return dW
""",
    ),
    "softmax_loss_vectorized.no_division_by_N": (
        "softmax_loss_vectorized",
        [],
        """
def softmax_loss_vectorized(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    scores = scores - scores.max(axis=1, keepdims=True)
    logp = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(N), y].sum() + reg * np.sum(W * W)
    p = np.exp(logp)
    dscores = p.copy()
    dscores[np.arange(N), y] -= 1
    return loss, X.T @ dscores + 2 * reg * W
""",
    ),
    "lstm_backward.dprev_c_not_carried": (
        "lstm_backward",
        ["lstm_forward"],
        """
def lstm_backward(dh, cache):
    x, h0, Wx, Wh, ifog, c, tanh_c, h = cache
    N, T, H = dh.shape
    dx, dWx, dWh, db = np.zeros_like(x), np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(4 * H)
    dprev_h = np.zeros((N, H))
    for t in reversed(range(T)):
        prev_h = h0 if t == 0 else h[:, t - 1]
        prev_c = np.zeros((N, H)) if t == 0 else c[:, t - 1]
        i, f, o, g = np.split(ifog[:, t], 4, axis=1)
        step = (x[:, t], prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c[:, t])
        grads = lstm_step_backward(dh[:, t] + dprev_h, np.zeros((N, H)), step)
        dx[:, t], dprev_h, _, dWx_t, dWh_t, db_t = grads
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db
""",
    ),
}


@pytest.mark.parametrize("mistake_id", sorted(_STUDENT))
def test_student_written_mistake_is_diagnosed(mistake_id):
    name, partners, src = _STUDENT[mistake_id]
    ns = {"np": np, "__name__": "__main__", **{p: build_function(p) for p in partners}}
    exec(compile(src, "/tmp/ipykernel_0/cell.py", "exec"), ns)  # noqa: S102 - test code
    with pytest.raises(AssertionError) as e:
        grader.grade_in_process(name, ns[name], ns)
    assert str(e.value).endswith(f"likely mistake: {find(mistake_id).hint}"), str(e.value)
