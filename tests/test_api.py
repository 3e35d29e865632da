"""The grading API: reference copies score full; wrong, NaN, subclass, mis-shaped and
imported answers fail with the right one-line message; grading ignores the global RNG
and restores the student's globals."""

import ast
import time

import numpy as np
import pytest

import solutions
import workbook.gradcheck
from autograder import api, grader, outputs, specs
from autograder.mistakes.base import (
    Mistake,
    all_mistakes,
    build_function,
    build_mutants,
    reference_source,
)
from autograder.mistakes.edits import Drop, Rhs, Swap, apply_edits
from autograder.outputs import GradingFailure

ALL = sorted(specs.all_specs())


def notebook(src, **extra):
    """Exec ``src`` like a notebook cell: a fresh namespace, not a course module."""
    ns = {"np": np, "__name__": "__main__", **extra}
    exec(compile(src, "/tmp/ipykernel_0/cell.py", "exec"), ns)
    return ns


def copies(name):
    """Namespace of independent copies of the reference objects the spec of ``name`` uses."""
    return {u: build_function(u) for u in specs.get(name).uses}


def slot_of(name):
    return specs.resolve(name).slot


def fails(name, obj, namespace=None):
    with pytest.raises(AssertionError) as e:
        grader.grade_in_process(name, obj, namespace)
    msg = str(e.value)
    assert "\n" not in msg, msg
    return msg


@pytest.mark.parametrize("name", ALL)
def test_reference_copy_scores_full(name):
    ns = copies(name)
    grader.grade_in_process(name, ns[slot_of(name)], ns)


def test_every_graded_name_is_specified():
    expected = {
        "rel_error", "eval_numerical_gradient", "eval_numerical_gradient_array",
        "finite_difference_errors", "softmax", "log_softmax", "nll", "softmax_loss_naive",
        "softmax_loss_vectorized", "word_embedding_forward", "word_embedding_backward",
        "temporal_affine_forward", "temporal_affine_backward", "temporal_softmax_loss_loop",
        "temporal_softmax_loss", "rnn_step_forward", "rnn_step_backward", "rnn_forward",
        "rnn_backward", "CaptioningRNN.loss", "CaptioningRNN.sample", "lstm_step_forward",
        "lstm_step_backward", "lstm_forward", "lstm_backward", "CaptioningRNN.loss:lstm",
        "CaptioningRNN.sample:lstm", "logsumexp", "clip_grad_norm",
    }  # fmt: skip
    assert set(ALL) == expected


def test_api_grade_is_the_public_entry_point():
    ns = notebook(reference_source("softmax"))
    assert api.grade("softmax", ns["softmax"]) is None
    with pytest.raises(AssertionError, match="softmax"):
        api.grade("softmax", lambda f: f)


def test_unknown_name_is_an_instructor_error():
    with pytest.raises(KeyError, match="no hidden-test spec"):
        api.grade("softmax_typo", lambda f: f)


def test_wrong_values_name_the_output_and_the_error():
    ns = notebook("def softmax(f):\n    return np.ones_like(f) / f.shape[-1]")
    msg = fails("softmax", ns["softmax"])
    assert msg.startswith("softmax [hidden case 1/3]: s is wrong: rel_error ")
    assert "> tolerance 1e-06" in msg


def test_nan_never_passes():
    ns = notebook("def nll(logp, y):\n    return np.nan")
    assert "loss contains NaN (the value); non-finite values never pass" in fails("nll", ns["nll"])
    ns = notebook("def softmax(f):\n    e = np.exp(f)\n    return e / e.sum(-1, keepdims=True)")
    msg = fails("softmax", ns["softmax"])
    assert "s for scores ~1000 contains NaN" in msg


def test_ndarray_subclass_never_passes():
    src = """
class Liar(np.ndarray):
    def __sub__(self, other):
        return np.zeros(self.shape)
    __rsub__ = __sub__
    def __eq__(self, other):
        return True

def softmax(f):
    e = np.exp(f - f.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).view(Liar)
"""
    msg = fails("softmax", notebook(src)["softmax"])
    assert "s is a Liar (an ndarray subclass); return a plain numpy array" in msg


def test_float_subclass_never_passes():
    src = """
class AlwaysClose(float):
    def __sub__(self, other):
        return 0.0
    def __abs__(self):
        return 0.0

def nll(logp, y):
    return AlwaysClose(1.0)
"""
    assert "loss is a AlwaysClose (a subclass" in fails("nll", notebook(src)["nll"])


def test_shape_mismatch():
    ns = notebook("def softmax(f):\n    return np.zeros(f.shape[::-1])")
    msg = fails("softmax", ns["softmax"])
    assert "s has shape (6, 5), expected shape (5, 6)" in msg


def test_integer_dtype_is_rejected():
    ns = notebook("def softmax(f):\n    return np.zeros(f.shape, dtype=int)")
    assert "s has dtype int64; expected a float array" in fails("softmax", ns["softmax"])


def test_wrong_number_of_returns():
    ns = copies("rnn_step_backward")
    ns.update(notebook("def rnn_step_backward(dnext_h, cache):\n    return 1, 2"))
    msg = fails("rnn_step_backward", ns["rnn_step_backward"], ns)
    assert "rnn_step_backward must return 5 values (dx, dprev_h, dWx, dWh, db), got 2 values" in msg


def test_exception_is_one_line_naming_the_function():
    ns = notebook(
        "def helper(f):\n    raise NotImplementedError\n\ndef softmax(f):\n    return helper(f)"
    )
    msg = fails("softmax", ns["softmax"])
    assert msg == "softmax [hidden case 1/3]: raised NotImplementedError in your helper"


def test_backward_needs_the_students_forward():
    ns = notebook(reference_source("rnn_backward"))
    msg = fails("rnn_backward", ns["rnn_backward"])
    assert msg == "rnn_backward: needs your rnn_forward, which is not defined"


@pytest.mark.parametrize(
    ("name", "obj"),
    [
        ("rnn_backward", solutions.rnn_backward),
        ("softmax", solutions.softmax),
        ("rel_error", workbook.gradcheck.rel_error),
        ("eval_numerical_gradient", workbook.gradcheck.eval_numerical_gradient),
        ("CaptioningRNN.loss", solutions.CaptioningRNN),
        ("rel_error", outputs.rel_error),
    ],
)
def test_imported_course_code_scores_zero(name, obj):
    msg = fails(name, obj)
    assert "is the course's own" in msg and "scored 0" in msg


def test_imported_partner_scores_zero():
    ns = notebook(reference_source("rnn_backward"), rnn_forward=solutions.rnn_forward)
    msg = fails("rnn_backward", ns["rnn_backward"])
    assert msg.startswith("rnn_backward: your rnn_forward is the course's own solutions.rnn")


def test_subclass_of_reference_class_scores_zero():
    ns = notebook("class CaptioningRNN(Ref):\n    pass", Ref=solutions.CaptioningRNN)
    assert "scored 0" in fails("CaptioningRNN.sample", ns["CaptioningRNN"])


def test_global_rng_reseeding_does_not_change_grades():
    # a correct answer that re-seeds and consumes the global RNG still passes
    src = reference_source("rnn_step_forward").replace(
        "    a = x @ Wx", "    np.random.seed(0)\n    np.random.rand(3)\n    a = x @ Wx"
    )
    ns = notebook(src)
    for seed in (0, 1, 2):
        np.random.seed(seed)  # noqa: NPY002
        grader.grade_in_process("rnn_step_forward", ns["rnn_step_forward"])
    # a wrong answer fails identically whatever the global RNG holds
    wrong = notebook("def softmax(f):\n    return np.random.rand(*f.shape)")["softmax"]
    np.random.seed(5)  # noqa: NPY002
    before = np.random.get_state()[1].copy()  # noqa: NPY002
    first = fails("softmax", wrong)
    assert np.array_equal(np.random.get_state()[1], before)  # noqa: NPY002
    np.random.seed(99)  # noqa: NPY002
    # the same verdict (the location of the worst entry is the student's own random draw)
    assert fails("softmax", wrong).split(";")[0] == first.split(";")[0]


def test_composites_use_reference_subfunctions_and_restore_globals():
    src = (
        "def rnn_step_forward(x, prev_h, Wx, Wh, b):\n"
        "    return np.zeros((x.shape[0], Wh.shape[0])), None  # wrong on purpose\n\n"
        "def rnn_forward(x, h0, Wx, Wh, b):\n"
        "    h, prev = [], h0\n"
        "    for t in range(x.shape[1]):\n"
        "        prev, _ = rnn_step_forward(x[:, t], prev, Wx, Wh, b)\n"
        "        h.append(prev)\n"
        "    return np.stack(h, axis=1), None\n"
    )
    ns = notebook(src)
    own_step = ns["rnn_step_forward"]
    grader.grade_in_process("rnn_forward", ns["rnn_forward"])  # the reference step is swapped in
    assert ns["rnn_step_forward"] is own_step
    assert "rnn_step_backward" not in ns and "sigmoid" not in ns
    assert "rnn_step_forward" in fails("rnn_step_forward", own_step)


def test_globals_restored_when_student_code_raises():
    src = "def rnn_forward(x, h0, Wx, Wh, b):\n    raise ValueError('boom')\n"
    ns = notebook(src, rnn_step_forward="mine")
    msg = fails("rnn_forward", ns["rnn_forward"])
    assert msg == "rnn_forward [hidden case 1/3]: raised ValueError: boom in your rnn_forward"
    assert ns["rnn_step_forward"] == "mine"


def test_captioning_grades_the_wiring_with_reference_layers():
    ns = copies("CaptioningRNN.loss")
    grader.grade_in_process("CaptioningRNN.loss:lstm", ns["CaptioningRNN"], ns)
    wrong = build_function("CaptioningRNN.loss", [Swap("(loss, grads)", "(2 * loss, grads)")])
    msg = fails("CaptioningRNN.loss", wrong)
    assert msg.startswith("CaptioningRNN.loss [hidden case 1/3]: loss is wrong")


EXAMPLES = {  # written with the machinery; the catalogue is tested in test_mistakes.py
    "rnn_backward.dprev_h_not_carried",
    "CaptioningRNN.loss.mask_inverted",
    "softmax.no_max_shift",
    "word_embedding_backward.fancy_index_add",
    "temporal_softmax_loss.mask_not_in_backward",
}


@pytest.mark.parametrize(
    "mistake", [m for m in all_mistakes() if m.id in EXAMPLES], ids=lambda m: m.id
)
def test_catalogue_mutant_fails_and_is_diagnosed(mistake):
    name = mistake.function
    ns = copies(name)
    mutant = build_mutants(mistake)[0]
    ns[slot_of(name)] = mutant
    msg = fails(name, mutant, ns)
    assert msg.endswith(f"likely mistake: {mistake.hint}"), msg


def test_edits_must_match_exactly_once():
    with pytest.raises(ValueError, match="does not occur"):
        build_mutants(Mistake("x.y", "softmax", [Swap("no_such_name", "f")], "h"))
    with pytest.raises(ValueError, match="occurs 2 times"):
        apply_edits("def f():\n    a = 1\n    a = 1\n", [Drop("a = 1")])
    with pytest.raises(ValueError, match="occurs 2 times"):
        apply_edits("def f(x):\n    a = x + 1\n    return x + 1\n", [Swap("x + 1", "x")])
    with pytest.raises(ValueError, match="not an edit"):
        apply_edits("def f():\n    pass\n", [("old", "new")])
    with pytest.raises(ValueError, match="empty edits"):
        Mistake("x.z", "softmax", [], "h")


def test_edits_match_structure_not_text():
    src = "def f(x):\n    y = (x+1)*2  # a comment\n    return y\n"
    out = apply_edits(src, [Swap("x + 1", "x - 1", within="y"), Rhs("y", "y * 3")])
    assert ast_equal(out, "def f(x):\n    y = y * 3\n    return y\n")
    out = apply_edits(src, [Swap("(x + 1) * 2", "x")])
    assert ast_equal(out, "def f(x):\n    y = x\n    return y\n")


def ast_equal(a, b):
    return ast.dump(ast.parse(a)) == ast.dump(ast.parse(b))


def test_mutant_source_has_no_decorator_and_reference_is_untouched():
    src = reference_source("rnn_step_forward")
    assert src.startswith("def rnn_step_forward(") and "@validated" not in src
    m = Mistake("t.tanh_missing", "rnn_step_forward", [Swap("np.tanh(a)", "a")], "no tanh")
    (mutant,) = build_mutants(m)
    assert mutant.__module__ == "__mutant__" and mutant is not solutions.rnn_step_forward
    x = np.ones((2, 3))
    h, W, Wh, b = np.zeros((2, 4)), np.ones((3, 4)), np.eye(4), np.zeros(4)
    assert np.allclose(mutant(x, h, W, Wh, b)[0], 3.0)
    assert np.allclose(solutions.rnn_step_forward(x, h, W, Wh, b)[0], np.tanh(3.0))


def test_chapters_grade_within_budget():
    """Hidden tests of one notebook (reference outputs + student run) well under 2 s CPU."""
    for chapter in specs.CHAPTERS:
        names = [n for n, (c, _) in specs.all_specs().items() if c == chapter]
        spaces = {n: copies(n) for n in names}
        grader.reference_outputs.cache_clear()
        t = time.process_time()
        for n in names:
            grader.grade_in_process(n, spaces[n][slot_of(n)], spaces[n])
        assert time.process_time() - t < 1.0, chapter


def test_failures_are_assertion_errors():
    assert issubclass(GradingFailure, AssertionError)


def test_verdict_fills_the_typed_fields():
    from autograder import collect
    from autograder.mistakes.base import find

    graded = specs.resolve("rnn_backward")
    mistake = find("rnn_backward.dprev_h_not_carried")
    ns = copies("rnn_backward")
    ns["rnn_backward"] = mutant = build_mutants(mistake)[0]
    result = grader.verdict(collect.collect(graded, mutant, grader.swap_objects(graded), ns))
    assert (result.name, result.passed, result.mistake) == ("rnn_backward", False, mistake.id)
    assert result.output in ("dx", "dh0", "dWx", "dWh", "db") and result.case in (0, 1, 2)
    assert result.rel_error > graded.spec.tol and result.message.endswith(mistake.hint)
    ok = grader.verdict(collect.collect(graded, ns["rnn_forward"], {}, ns))  # wrong slot
    assert not ok.passed and ok.mistake is None
    ns["rnn_backward"] = build_function("rnn_backward")
    good = grader.verdict(collect.collect(graded, ns["rnn_backward"], {}, ns))
    assert good.passed and good.message is None and good.mistake is None


def test_a_graded_name_is_parsed_in_one_place():
    import pathlib

    g = specs.resolve("CaptioningRNN.loss:lstm")
    assert (g.slot, g.method, g.variant, g.chapter) == ("CaptioningRNN", "loss", "lstm", "lstm")
    assert g.shown == "CaptioningRNN.loss cell_type=lstm" and specs.resolve(g) is g
    root = pathlib.Path(__file__).resolve().parents[1] / "autograder"
    files = [root / f for f in ("api.py", "collect.py", "grader.py", "diagnose.py")]
    files += sorted((root / "mistakes").glob("*.py"))
    for f in files:  # no str.split/partition on ":" or "." (a module's __module__ aside)
        for node in ast.walk(ast.parse(f.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", None) in ("split", "partition", "rpartition")
                and node.args
                and getattr(node.args[0], "value", None) in (":", ".")
            ):
                assert "__module__" in ast.unparse(node.func), f"{f.name}: {ast.unparse(node)}"
