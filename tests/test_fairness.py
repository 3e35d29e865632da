"""Fair verdicts (issue 9): correct code of any style scores full, a bug costs points once
and is named where it is; conventions are diagnosed by name; old code gets one-line help.

In-process (fast). The sandbox side of the same rules is in ``test_fairness_sandbox.py``.
"""

import numpy as np
import pytest

import solutions
from autograder import collect, grader, legacy, specs
from autograder.mistakes.base import build_function, reference_source
from autograder.notebook.hidden import DEFAULT as HIDDEN

CS231N_TEMPORAL = """
def temporal_affine_forward(x, w, b):
    N, T, D = x.shape
    M = b.shape[0]
    out = x.reshape(N * T, D).dot(w).reshape(N, T, M) + b
    cache = x, w, b, out
    return out, cache


def temporal_affine_backward(dout, cache):
    x, w, b, out = cache
    N, T, D = x.shape
    M = b.shape[0]

    dx = dout.reshape(N * T, M).dot(w.T).reshape(N, T, D)
    dw = dout.reshape(N * T, M).T.dot(x.reshape(N * T, D)).T
    db = dout.sum(axis=(0, 1))

    return dx, dw, db


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape

    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)

    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(mask_flat * np.log(probs[np.arange(N * T), y_flat])) / N
    dx_flat = probs.copy()
    dx_flat[np.arange(N * T), y_flat] -= 1
    dx_flat /= N
    dx_flat *= mask_flat[:, None]

    if verbose: print('dx_flat: ', dx_flat.shape)

    dx = dx_flat.reshape(N, T, V)

    return loss, dx
"""  # CS231n assignment 3, rnn_layers.py, as handed out (2017-2024)


def notebook(src, **extra):
    ns = {"np": np, "__name__": "__main__", **extra}
    exec(compile(src, "/tmp/ipykernel_0/cell.py", "exec"), ns)  # noqa: S102 - test code
    return ns


def verdict(name, ns, slot=None):
    graded = specs.resolve(name)
    obj = ns[slot or graded.slot]
    return grader.verdict(collect.collect(graded, obj, grader.swap_objects(graded), ns))


def copies(*names):
    return {n: build_function(n) for n in names}


# -- hidden cases are passable by every correct implementation -------------------------------
def test_cs231n_provided_temporal_code_passes_as_handed_out():
    ns = notebook(CS231N_TEMPORAL)
    ns["temporal_softmax_loss_loop"] = ns["temporal_softmax_loss"]
    for name in ("temporal_softmax_loss", "temporal_softmax_loss_loop"):
        assert verdict(name, ns).passed, verdict(name, ns).message
    for name in ("temporal_affine_forward", "temporal_affine_backward"):
        assert verdict(name, ns).passed, verdict(name, ns).message


MAX_SHIFTED_LOG_P = """
def softmax_loss_vectorized(W, X, y, reg):
    N = X.shape[0]
    scores = X.dot(W)
    scores -= np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y])) + reg * np.sum(W * W)
    probs[np.arange(N), y] -= 1
    return loss, X.T.dot(probs) / N + 2 * reg * W

def log_softmax(f):  # scipy's formula: cancellation at scores ~1000 stays far below 1e-6
    m = f.max(axis=-1, keepdims=True)
    return f - (m + np.log(np.exp(f - m).sum(axis=-1, keepdims=True)))
"""


def test_max_shifted_log_of_p_and_f_minus_logsumexp_pass():
    ns = notebook(MAX_SHIFTED_LOG_P)
    ns["softmax_loss_naive"] = ns["softmax_loss_vectorized"]
    for name in ("softmax_loss_vectorized", "softmax_loss_naive", "log_softmax"):
        assert verdict(name, ns).passed, verdict(name, ns).message


def test_extreme_scores_still_catch_unshifted_and_log_of_softmax():
    unshifted = MAX_SHIFTED_LOG_P.replace("scores -= np.max(scores, axis=1, keepdims=True)", "")
    r = verdict("softmax_loss_vectorized", notebook(unshifted))
    assert not r.passed and "for scores ~1000" in r.message
    assert r.mistake == "softmax_loss_vectorized.no_max_shift"
    log_of_p = "def log_softmax(f):\n    e = np.exp(f - f.max(-1, keepdims=True))\n"
    log_of_p += "    return np.log(e / e.sum(-1, keepdims=True))"
    r = verdict("log_softmax", notebook(log_of_p))
    assert not r.passed and r.mistake == "log_softmax.log_of_softmax", r.message


def test_code_that_updates_its_inputs_in_place_passes():
    src = reference_source("temporal_softmax_loss").replace(
        "shifted = x_flat - x_flat.max(axis=1, keepdims=True)",
        "x_flat -= x_flat.max(axis=1, keepdims=True)  # a view of x: x itself changes\n"
        "    shifted = x_flat",
    )
    ns = notebook(src)
    assert "x_flat -=" in src and verdict("temporal_softmax_loss", ns).passed


# -- composites: own sub-functions first, then the reference ones ---------------------------
SIX_ITEM_CACHES = """
def rnn_step_forward(x, prev_h, Wx, Wh, b):
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    next_h = np.tanh(a)
    return next_h, (x, prev_h, Wx, Wh, a, next_h)

def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, a, next_h = cache
    da = dnext_h * (1 - next_h ** 2)
    return da.dot(Wx.T), da.dot(Wh.T), x.T.dot(da), prev_h.T.dot(da), da.sum(axis=0)

def rnn_forward(x, h0, Wx, Wh, b):
    h, caches, prev = [], [], h0
    for t in range(x.shape[1]):
        prev, c = rnn_step_forward(x[:, t], prev, Wx, Wh, b)
        h.append(prev)
        caches.append(c)
    return np.stack(h, axis=1), caches

def rnn_backward(dh, cache):
    N, T, H = dh.shape
    x0, _, _, _, _, _ = cache[0]  # the student's own six-item cache
    dx = np.zeros((N, T, x0.shape[1]))
    dWx, dWh, db = 0, 0, 0
    dprev = np.zeros((N, H))
    for t in reversed(range(T)):
        dh[:, t] += dprev  # dh updated in place
        dx[:, t], dprev, a, b_, c = rnn_step_backward(dh[:, t], cache[t])
        dWx, dWh, db = dWx + a, dWh + b_, db + c
    return dx, dprev, dWx, dWh, db
"""


def test_composite_with_its_own_cache_layout_passes_via_own():
    ns = notebook(SIX_ITEM_CACHES)
    for name in ("rnn_step_forward", "rnn_step_backward", "rnn_forward"):
        assert verdict(name, ns).passed
    r = verdict("rnn_backward", ns)
    assert (r.passed, r.via) == (True, "own"), r.message
    swapped = collect.collect(
        "rnn_backward", ns["rnn_backward"], grader.swap_objects(specs.resolve("rnn_backward")), ns
    ).swapped
    assert swapped.error and "unpack" in swapped.error  # the reference cache alone fails


LOOP_COMPOSITES = """
def rnn_forward(x, h0, Wx, Wh, b):
    h, caches, prev = [], [], h0
    for t in range(x.shape[1]):
        prev, c = rnn_step_forward(x[:, t], prev, Wx, Wh, b)
        h.append(prev)
        caches.append(c)
    return np.stack(h, axis=1), caches

def rnn_backward(dh, cache):
    N, T, H = dh.shape
    dx = np.zeros((N, T, cache[0][0].shape[1]))
    dWx, dWh, db = 0, 0, 0
    dprev = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dprev, a, b_, c = rnn_step_backward(dh[:, t] + dprev, cache[t])
        dWx, dWh, db = dWx + a, dWh + b_, db + c
    return dx, dprev, dWx, dWh, db
"""


def test_correct_composite_over_a_wrong_step_passes_via_reference_and_the_step_fails():
    wrong_step = reference_source("rnn_step_backward").replace("Wh.T", "Wh")
    src = reference_source("rnn_step_forward") + wrong_step + LOOP_COMPOSITES
    ns = notebook(src)
    r = verdict("rnn_step_backward", ns)
    assert not r.passed and r.mistake == "rnn_step_backward.dprev_h_Wh_not_transposed"
    r = verdict("rnn_backward", ns)  # own run: wrong; with the reference steps: right
    assert (r.passed, r.via, r.message) == (True, "reference", None)
    assert verdict("rnn_forward", ns).via == "own"


def test_failing_composite_names_the_earlier_function_as_the_cause():
    src = SIX_ITEM_CACHES.replace("da.dot(Wh.T)", "da.dot(Wh)")  # the step's bug
    ns = notebook(src)
    r = verdict("rnn_backward", ns)  # own: wrong dx; reference: cache cannot be unpacked
    assert not r.passed and r.cause == "rnn_step_backward" and r.via is None
    assert r.message.endswith(
        "cause: your rnn_step_backward, which this uses, fails its own hidden test"
    )
    assert r.output == "dh0" and r.case == 0  # dx of the last step is right


def test_a_backward_over_a_wrong_forward_is_graded_on_the_reference_forwards_cache():
    wrong_forward = reference_source("rnn_step_forward").replace(" + b", "")  # no bias
    ns = notebook(wrong_forward + reference_source("rnn_step_backward"))
    assert not verdict("rnn_step_forward", ns).passed
    r = verdict("rnn_step_backward", ns)  # its own forward's cache: wrong; the reference's: right
    assert (r.passed, r.via) == (True, "reference forward"), r.message
    # a wrong backward still fails, on either cache, and its forward is named as the cause
    wrong_backward = reference_source("rnn_step_backward").replace("Wh.T", "Wh")
    r = verdict("rnn_step_backward", notebook(wrong_forward + wrong_backward))
    assert not r.passed and r.cause == "rnn_step_forward", r.message
    # a right forward never opens the fallback, even for a backward the reference cache suits
    other_layout = reference_source("rnn_step_forward").replace(
        "cache = (x, prev_h, Wx, Wh, next_h)", "cache = (x, prev_h, Wh, Wx, next_h)"
    )
    assert other_layout != reference_source("rnn_step_forward")
    ns = notebook(other_layout + reference_source("rnn_step_backward"))
    assert verdict("rnn_step_forward", ns).passed
    r = verdict("rnn_step_backward", ns)
    assert not r.passed and r.via is None and r.cause is None, r.message


CS231N_STYLE_SAMPLE = """
class CaptioningRNN(Base):
    def sample(self, features, max_length=30):
        N = features.shape[0]
        captions = self._null * np.ones((N, max_length), dtype=np.int32)
        W_proj, b_proj = self.params['W_proj'], self.params['b_proj']
        W_embed = self.params['W_embed']
        Wx, Wh, b = self.params['Wx'], self.params['Wh'], self.params['b']
        W_vocab, b_vocab = self.params['W_vocab'], self.params['b_vocab']
        h, _ = affine_forward(features, W_proj, b_proj)
        c = 0
        word = self._start * np.ones(N, dtype=np.int32)
        for t in range(max_length):
            x, _ = word_embedding_forward(word, W_embed)  # (N,) words
            if self.cell_type == 'rnn':
                h, _ = rnn_step_forward(x, h, Wx, Wh, b)
            else:
                h, c, _ = lstm_step_forward(x, h, c, Wx, Wh, b)  # prev_c = 0 at first
            scores, _ = affine_forward(h, W_vocab, b_vocab)
            word = np.argmax(scores, axis=1)
            captions[:, t] = word
        return captions
"""


@pytest.mark.parametrize("name", ["CaptioningRNN.sample", "CaptioningRNN.sample:lstm"])
def test_sample_passing_words_of_shape_N_and_prev_c_0_passes(name):
    class Base:  # the given __init__ of the notebook's class, without the answer methods
        __init__ = solutions.CaptioningRNN.__init__

    ns = notebook(CS231N_STYLE_SAMPLE, Base=Base)
    r = verdict(name, ns)
    assert r.passed, r.message


def test_carried_stand_ins_are_the_reference_so_a_wrong_loss_is_told_its_own_mistake(
    tmp_path, monkeypatch
):
    from textwrap import indent

    from autograder.mistakes.base import find, mutant_source
    from workbook.carry import carry_over

    class Base:
        __init__ = solutions.CaptioningRNN.__init__

    own = ("affine_forward", "affine_backward", "rnn_step_forward", "rnn_step_backward")
    ns = notebook("".join(reference_source(n) for n in (*own, "rnn_forward", "rnn_backward")))
    ns["Base"] = Base
    monkeypatch.chdir(tmp_path)  # no earlier notebook anywhere: as in the grading sandbox
    monkeypatch.delenv("WORKBOOK_COURSE_DIR", raising=False)
    carried = ("word_embedding_forward", "word_embedding_backward", "temporal_affine_forward")
    carried += ("temporal_affine_backward", "temporal_softmax_loss")
    carry_over("temporal_loss", ns, *carried)
    with pytest.raises(NotImplementedError, match="do that chapter first"):
        ns["word_embedding_forward"](np.zeros((1, 1), int), np.ones((2, 2)))
    mistake = find("CaptioningRNN.loss.mask_inverted")
    for source, passed in (
        (reference_source(mistake.target), True),
        (mutant_source(mistake), False),
    ):
        exec(f"class CaptioningRNN(Base):\n{indent(source, '    ')}", ns)  # noqa: S102
        r = verdict("CaptioningRNN.loss", ns)
        assert r.passed is passed, r.message
        if passed:
            assert r.via == "own"  # the student's own rnn layers, the reference's carried ones
        else:
            assert r.mistake == mistake.id and r.cause is None, r.message
            assert "not found" not in r.message and mistake.hint in r.message


def test_reference_layers_accept_what_cs231n_code_passes_and_still_reject_mismatches():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((5, 3))
    out, _ = solutions.word_embedding_forward(np.array([1, 4, 0]), W)
    assert out.shape == (3, 3) and np.array_equal(out[1], W[4])
    x, h = rng.standard_normal((2, 4)), rng.standard_normal((2, 3))
    Wx, Wh, b = rng.standard_normal((4, 12)), rng.standard_normal((3, 12)), np.zeros(12)
    h1, c1, cache = solutions.lstm_step_forward(x, h, 0, Wx, Wh, b)
    h2, c2, _ = solutions.lstm_step_forward(x, h, np.zeros((2, 3)), Wx, Wh, b)
    assert np.array_equal(h1, h2) and np.array_equal(c1, c2)
    g0 = solutions.lstm_step_backward(h1, 0, cache)
    gz = solutions.lstm_step_backward(h1, np.zeros((2, 3)), cache)
    assert all(np.array_equal(a, z) for a, z in zip(g0, gz, strict=True))
    loss_f, _ = solutions.temporal_softmax_loss(
        np.ones((2, 3, 4)), np.zeros((2, 3), int), np.ones((2, 3))
    )
    loss_b, _ = solutions.temporal_softmax_loss(
        np.ones((2, 3, 4)), np.zeros((2, 3), int), np.ones((2, 3), bool)
    )
    assert loss_f == loss_b
    with pytest.raises(ValueError, match=r"prev_c must have shape \(N, H\) = \(2, 3\), got \(3,\)"):
        solutions.lstm_step_forward(x, h, np.zeros(3), Wx, Wh, b)
    with pytest.raises(ValueError, match=r"x values must lie in \[0, 5\)"):
        solutions.word_embedding_forward(np.array([5]), W)
    with pytest.raises(ValueError, match="mask must be boolean"):
        solutions.temporal_softmax_loss(
            np.ones((2, 3, 4)), np.zeros((2, 3), int), np.full((2, 3), 0.5)
        )


SCIPY_LIKE_LOGSUMEXP = """
def logsumexp(f, axis=-1, keepdims=False):
    m = np.max(f, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(f - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def log_softmax(f):
    return f - logsumexp(f, axis=1, keepdims=True)


def softmax_loss_vectorized(W, X, y, reg):
    N = X.shape[0]
    scores = X @ W
    lse = logsumexp(scores, axis=1)
    loss = np.mean(lse - scores[np.arange(N), y]) + reg * np.sum(W * W)
    dscores = np.exp(scores - lse[:, None])
    dscores[np.arange(N), y] -= 1
    return loss, X.T @ dscores / N + 2 * reg * W
"""


def test_swapped_in_logsumexp_takes_numpys_axis_and_keepdims():
    import scipy.special

    swapped = grader.swap_reference("logsumexp")
    f = np.random.default_rng(0).standard_normal((2, 3, 4))
    for axis in (-1, 0, 1, (0, 2), None):
        for keepdims in (False, True):
            want = scipy.special.logsumexp(f, axis=axis, keepdims=keepdims)
            got = swapped(f, axis=axis, keepdims=keepdims)
            assert got.shape == np.shape(want) and np.allclose(got, want), (axis, keepdims)
    with pytest.raises(np.exceptions.AxisError):
        swapped(f, axis=3)
    with pytest.raises(TypeError):
        swapped(f, b=2.0)  # scipy's weights are not taken: the student's code is told so
    # a wrong scipy-like logsumexp costs the points of logsumexp only
    ns = notebook(SCIPY_LIKE_LOGSUMEXP.replace("np.sum(np.exp", "np.mean(np.exp"))
    assert not verdict("logsumexp", ns).passed
    for name in ("log_softmax", "softmax_loss_vectorized"):
        r = verdict(name, ns)
        assert r.passed and r.via == "reference", r.message


def test_the_rnn_model_never_swaps_in_the_lstm_functions():
    from autograder.sandbox import proxy  # what a running graded name's proxies may call

    rnn = proxy._swap("CaptioningRNN.loss") | proxy._swap("CaptioningRNN.sample")
    lstm = proxy._swap("CaptioningRNN.loss:lstm") | proxy._swap("CaptioningRNN.sample:lstm")
    assert not {n for n in rnn if n.startswith("lstm") or n == "sigmoid"}
    assert not {n for n in lstm if n.startswith("rnn")}
    assert {"rnn_forward", "rnn_backward", "word_embedding_forward"} <= rnn
    assert {"lstm_forward", "lstm_backward", "lstm_step_forward"} <= lstm


# -- visible checks never score --------------------------------------------------------------
def test_graded_part_stops_at_the_end_of_the_hidden_tests():
    src = "a = 1\n### BEGIN HIDDEN TESTS\ngrade('x', x)\n### END HIDDEN TESTS\nassert False\n"
    assert (
        HIDDEN.graded_part(src)
        == "a = 1\n### BEGIN HIDDEN TESTS\ngrade('x', x)\n### END HIDDEN TESTS\n"
    )
    assert HIDDEN.graded_part("assert x\n") == "assert x\n"


def _visible(chapter, grade_id):
    import nbformat

    path = f"{specs.__file__.rsplit('/autograder/', 1)[0]}/assignments/{chapter}/{chapter}.ipynb"
    for c in nbformat.read(path, as_version=4).cells:
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return c.source.split("### END HIDDEN TESTS")[1]
    raise KeyError(grade_id)


def _workbook_ns():
    from workbook.checks import check_close, check_gradients
    from workbook.gradcheck import eval_numerical_gradient_array

    return {"check_close": check_close, "check_gradients": check_gradients,
            "eval_numerical_gradient_array": eval_numerical_gradient_array}  # fmt: skip


@pytest.mark.parametrize(
    ("chapter", "grade_id", "name", "old", "new"),
    [
        ("lstm", "test_lstm_step_backward", "lstm_step_backward",
         "dnext_c = dnext_c + dtanh_c * (1 - tanh_c**2)", "dnext_c += dtanh_c * (1 - tanh_c**2)"),
        ("rnn", "test_rnn_backward", "rnn_backward",
         "dnext_h = dh[:, t] + dprev_h", "dh[:, t] += dprev_h\n        dnext_h = dh[:, t]"),
        ("lstm", "test_lstm_backward", "lstm_backward",
         "dnext_h = dh[:, t] + dprev_h", "dh[:, t] += dprev_h\n        dnext_h = dh[:, t]"),
    ],
)  # fmt: skip
def test_visible_checks_accept_a_backward_that_updates_its_upstream_gradient(
    chapter, grade_id, name, old, new
):
    src = reference_source(name)
    assert old in src
    ns = notebook(src.replace(old, new), **_workbook_ns())
    forward = name.replace("backward", "forward")
    ns[forward] = build_function(forward)
    if chapter == "lstm":
        ns["lstm_forward"], ns["lstm_step_forward"] = (
            build_function(n) for n in ("lstm_forward", "lstm_step_forward")
        )
    exec(compile(_visible(chapter, grade_id), "<visible>", "exec"), ns)  # noqa: S102


# -- conventions and real bugs, named --------------------------------------------------------
def test_db_keepdims_is_named_as_a_convention():
    src = reference_source("rnn_step_backward").replace(
        "da.sum(axis=0)", "da.sum(axis=0, keepdims=True)"
    )
    ns = notebook(src, rnn_step_forward=build_function("rnn_step_forward"))
    r = verdict("rnn_step_backward", ns)
    assert not r.passed and r.mistake == "rnn_step_backward.convention_db_keepdims"
    assert "db has shape (1, " in r.message and "convention: db keeps the summed axis" in r.message


def test_code_that_breaks_only_at_T_equals_1_is_named():
    src = reference_source("rnn_forward").replace("return h, cache", "return h.squeeze(), cache")
    r = verdict("rnn_forward", notebook(src, rnn_step_forward=build_function("rnn_step_forward")))
    assert not r.passed and r.mistake == "rnn_forward.convention_breaks_at_T1", r.message
    assert r.output == "h for T = 1"


def test_a_failure_says_where_time_steps_and_gate_blocks():
    from autograder.mistakes.base import build_mutants, find

    ns = copies("rnn_forward")
    ns["rnn_backward"] = build_mutants(find("rnn_backward.dprev_h_not_carried"))[0]
    r = verdict("rnn_backward", ns)
    assert "right at t = " in r.message and "worst at [" in r.message, r.message
    ns = copies("lstm_step_forward")
    ns["lstm_step_backward"] = build_mutants(find("lstm_step_backward.dprev_c_without_f"))[0]
    r = verdict("lstm_step_backward", ns)
    assert r.output == "dprev_c" and "worst at [" in r.message
    ns = copies("lstm_step_forward")
    ns["lstm_step_backward"] = build_mutants(find("lstm_step_backward.g_grad_as_sigmoid"))[0]
    r = verdict("lstm_step_backward", ns)
    assert "in gate block g of the 4H axis (i, f, o right)" in r.message, r.message


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("range(N)", "xrange(N)", "xrange is Python 2; use range"),
        ("np.zeros(W.shape, dtype=np.result_type(X, W))", "np.zeros(W.shape, dtype=np.float)",
         "np.float was removed from NumPy; use float (or np.float64)"),
    ],
)  # fmt: skip
def test_old_code_gets_one_line_help(old, new, says):
    src = reference_source("softmax_loss_naive").replace(old, new, 1)
    r = verdict("softmax_loss_naive", notebook(src))
    assert not r.passed and r.message.endswith(f"old code: {says}"), r.message


def test_python2_print_in_an_answer_cell_is_explained_in_the_grade_cell():
    note = legacy.undefined(
        "NameError: name 'softmax' is not defined",
        [
            (
                5,
                "def softmax(f):\n    print f\n",
                "SyntaxError: Missing parentheses in call to 'print'",
            )
        ],
    )
    assert note == (
        "cell 5, which defines softmax, did not run: SyntaxError: Missing parentheses in call"
        " to 'print' — old code: print x is Python 2 syntax; call print(x)"
    )
    assert legacy.undefined("NameError: name 'softmax' is not defined", []) is None
    assert legacy.explain("AttributeError: 'dict' object has no attribute 'iteritems'") == (
        ".iteritems() is Python 2; use items()"
    )
