"""The mistake catalogue: every mutant (every way of writing each mistake) builds, loses
points in the hidden tests and is diagnosed as itself, also when built from a renamed and
reformatted oracle; reference copies score full; the catalogue is big, covers every
chapter, and its ids and hints are well formed and unique."""

import ast
import importlib
import re

import numpy as np
import pytest

from autograder import grader, specs
from autograder.mistakes.base import (
    all_mistakes,
    build_function,
    build_mutants,
    find,
    mutant_source,
    reference_source,
)
from autograder.mistakes.edits import mentioned

MISTAKES = all_mistakes()
GRADED_ALL = specs.all_graded()  # {graded name: Graded}


def graded_names(mistake):
    """The graded names whose diagnosis tries ``mistake`` (both variants of a bare method)."""
    return sorted(n for n, g in GRADED_ALL.items() if mistake.applies_to(g))


CASES = [(m, n, v) for m in MISTAKES for n in graded_names(m) for v in range(len(m.all_edits))]
CASE_IDS = [f"{m.id}#{v}@{n}" for m, n, v in CASES]
GRADED = sorted({n for _, n, _ in CASES})


def copies(name):
    """Independent copies of the reference objects the spec of ``name`` uses."""
    return {u: build_function(u) for u in specs.get(name).uses}


def grade_mutant(name, mutant):
    """Grade ``mutant`` as ``name`` with reference copies as partners."""
    ns = copies(name)
    ns[specs.resolve(name).slot] = mutant
    grader.grade_in_process(name, mutant, ns)


def assert_diagnosed(name, mutant, mistake):
    with pytest.raises(AssertionError) as e:
        grade_mutant(name, mutant)
    msg = str(e.value)
    assert "\n" not in msg, msg
    assert msg.endswith(f" — {mistake.label}: {mistake.hint}"), msg


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mutant_builds(mistake):
    for v in range(len(mistake.all_edits)):
        assert ast.dump(ast.parse(mutant_source(mistake, v))) != ast.dump(
            ast.parse(reference_source(mistake.target))
        )
    assert all(callable(m) for m in build_mutants(mistake))


@pytest.mark.parametrize(("mistake", "name", "variant"), CASES, ids=CASE_IDS)
def test_mutant_loses_points_and_is_diagnosed_as_itself(mistake, name, variant):
    assert_diagnosed(name, build_mutants(mistake)[variant], mistake)


def renamed_and_reformatted(source, keep):
    """``source`` with every local not in ``keep`` renamed (``da`` -> ``da_r``) and laid out
    again by ``ast.unparse`` (no comments, other spacing and parentheses)."""
    tree = ast.parse(source)
    fn = tree.body[0]
    params = {a.arg for a in ast.walk(fn.args) if isinstance(a, ast.arg)}
    local = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    rename = local - params - keep
    for n in ast.walk(fn):
        if isinstance(n, ast.Name) and n.id in rename:
            n.id += "_r"
    return ast.unparse(tree), rename


def test_renaming_da_in_rnn_step_backward_keeps_its_mutants():
    src = re.sub(r"\bda\b", "dpreact", reference_source("rnn_step_backward"))  # issue 12's
    mutants = [m for m in MISTAKES if m.target == "rnn_step_backward"]
    assert len(mutants) >= 6
    for m in mutants:
        mutant = build_function(m.target, m.edits, label=m.id, source=src)
        assert_diagnosed("rnn_step_backward", mutant, m)


@pytest.mark.parametrize(("mistake", "name", "variant"), CASES, ids=CASE_IDS)
def test_mutant_of_renamed_and_reformatted_oracle_is_diagnosed(mistake, name, variant):
    edits = mistake.all_edits[variant]
    src, renamed = renamed_and_reformatted(reference_source(mistake.target), mentioned(edits))
    mutant = build_function(mistake.target, edits, label=mistake.id, source=src)
    assert_diagnosed(name, mutant, mistake)


def test_rename_test_renames_something():
    """Most mutants survive a rename of every local they do not name (not a vacuous test)."""
    renamed = [
        renamed_and_reformatted(reference_source(m.target), mentioned(m.edits))[1] for m in MISTAKES
    ]
    assert sum(bool(r) for r in renamed) >= 0.9 * len(MISTAKES)


@pytest.mark.parametrize("name", GRADED)
def test_reference_copy_scores_full(name):
    ns = copies(name)
    assert grader.grade_in_process(name, ns[specs.resolve(name).slot], ns) is None


def test_every_mistake_is_tried_by_some_graded_name():
    assert all(graded_names(m) for m in MISTAKES), [m.id for m in MISTAKES if not graded_names(m)]


def test_catalogue_size_and_chapter_coverage():
    assert len(MISTAKES) >= 40, len(MISTAKES)
    for chapter in specs.CHAPTERS:
        mod = importlib.import_module(f"autograder.mistakes.{chapter}")
        own = {n for n, g in GRADED_ALL.items() if g.chapter == chapter}
        own |= {GRADED_ALL[n].qualname for n in own}  # "CaptioningRNN.loss" in rnn
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
    m = find(mistake_id)
    assert str(e.value).endswith(f"{m.label}: {m.hint}"), str(e.value)


def _solution_code():
    """Lines and formulas (operations, calls with arguments) of every solution region of the
    source notebooks, without spaces: what no hint may print."""
    import glob
    import json
    import textwrap

    region = re.compile(r"### BEGIN SOLUTION(.*?)### END SOLUTION", re.S)
    root = specs.__file__.rsplit("/autograder/", 1)[0]
    found = set()
    for path in glob.glob(f"{root}/assignments/*/*.ipynb"):
        with open(path, encoding="utf-8") as f:
            cells = json.load(f)["cells"]  # code cells: written answers' rubrics are prose
            sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        for source in sources:
            for m in region.finditer(source):
                found |= {line.split("#")[0] for line in m.group(1).splitlines()}
                for n in ast.walk(ast.parse(textwrap.dedent(m.group(1)))):
                    if isinstance(n, (ast.BinOp, ast.Compare)) or (
                        isinstance(n, ast.Call) and n.args
                    ):
                        found.add(ast.unparse(n))
    found = {re.sub(r"\s+", "", f) for f in found}
    return {f for f in found if len(f) >= 8}


def test_no_hint_prints_a_line_or_formula_of_a_solution():
    from autograder import conventions
    from autograder.legacy import NUMPY_REMOVED, explain

    code = _solution_code()
    assert len(code) > 300, len(code)  # the regions were found
    assert "dx=da@Wx.T" in code and "1-next_h**2" in code
    g = specs.resolve("rnn_step_backward")
    hints = [m.hint for m in MISTAKES]
    hints += [conventions.keepdims(g, np.ones((1, 3)), np.ones(3), "db").hint]
    hints += [conventions.breaks_at_T1(g, [1, 2], [0]).hint]
    hints += [conventions.no_max_shift(g, {"dW for scores ~1000"}, True).hint]
    hints += [explain(f"module 'numpy' has no attribute '{n}'") for n in NUMPY_REMOVED]
    for hint in hints:
        flat = re.sub(r"\s+", "", hint)
        assert not [c for c in code if c in flat], hint
