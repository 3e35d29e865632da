"""The shared gradient-checking tools (workbook.gradcheck / numgrad / checks / data)."""

import subprocess
import sys

import numpy as np
import pytest

from workbook.checks import check_close, check_gradients
from workbook.data.digits import load_digits_split
from workbook.gradcheck import (
    directional_check,
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    finite_difference_errors,
    grad_check_sparse,
    rel_error,
)

# CS231n RNN_Captioning.ipynb, rnn_step_forward check (identical 2017-2023): inputs, the
# expected values as printed, and the rel_error the notebooks print for a correct answer.
EXPECTED_NEXT_H = [
    [-0.58172089, -0.50182032, -0.41232771, -0.31410098],
    [0.66854692, 0.79562378, 0.87755553, 0.92795967],
    [0.97934501, 0.99144213, 0.99646691, 0.99854353],
]
PUBLISHED_REL_ERROR = 6.292421426471037e-09


def cs231n_rel_error(x, y):
    return np.max(np.abs(x - y) / (np.maximum(1e-8, np.abs(x) + np.abs(y))))


def global_rng_state():
    """The legacy global RNG's key (the tools must never draw from it)."""
    return np.random.get_state()[1].copy()  # noqa: NPY002


def rnn_step_next_h():
    N, D, H = 3, 10, 4
    x = np.linspace(-0.4, 0.7, num=N * D).reshape(N, D)
    prev_h = np.linspace(-0.2, 0.5, num=N * H).reshape(N, H)
    Wx = np.linspace(-0.1, 0.9, num=D * H).reshape(D, H)
    Wh = np.linspace(-0.3, 0.7, num=H * H).reshape(H, H)
    b = np.linspace(-0.2, 0.4, num=H)
    return np.tanh(x @ Wx + prev_h @ Wh + b)


def test_rel_error_reproduces_published_value():
    err = rel_error(rnn_step_next_h(), np.array(EXPECTED_NEXT_H))
    assert err == pytest.approx(PUBLISHED_REL_ERROR, rel=1e-9)


def test_rel_error_agrees_with_cs231n_formula_and_returns_python_float():
    rng = np.random.default_rng(0)
    for shape in [(), (5,), (3, 4), (2, 3, 4)]:
        x, y = rng.standard_normal(shape), rng.standard_normal(shape)
        got = rel_error(x, y)
        assert type(got) is float
        assert got == cs231n_rel_error(x, y)
    assert rel_error(1.0, 1.0) == 0.0 and rel_error(0, 0) == 0.0
    assert rel_error(np.zeros((0, 3)), np.zeros((0, 3))) == 0.0
    assert rel_error([1, 2], np.array([1.0, 2.0], dtype=np.float32)) == 0.0


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_never_passes(bad):
    x = np.ones((2, 3))
    y = x.copy()
    y[1, 2] = bad
    assert rel_error(x, y) == float("inf")
    assert rel_error(y, x) == float("inf")
    assert rel_error(y, y) == float("inf")
    assert not rel_error(np.nan, np.nan) < 1e-8


def test_shape_mismatch_and_non_numeric_raise():
    with pytest.raises(ValueError, match=r"^shapes differ: got \(3, 4\) vs \(4, 3\)$"):
        rel_error(np.ones((3, 4)), np.ones((4, 3)))
    with pytest.raises(ValueError, match="shapes differ"):
        rel_error(np.ones(1), 1.0)  # no broadcasting
    for bad in ["abc", np.array([object()]), np.array([1j]), [[1, 2], [3]], None]:
        with pytest.raises(ValueError):
            rel_error(bad, np.ones(1))


class Liar(np.ndarray):
    """An ndarray whose arithmetic always claims perfect agreement."""

    def __sub__(self, other):
        return np.zeros(self.shape).view(Liar)

    __rsub__ = __sub__

    def __abs__(self):
        return np.zeros(self.shape).view(Liar)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(np.broadcast(*inputs).shape)

    def max(self, *args, **kwargs):
        return 0.0


def test_subclass_with_overloaded_operators_does_not_fool_rel_error():
    from solutions.gradcheck import rel_error as reference_rel_error

    liar = np.full((2, 2), 5.0).view(Liar)
    truth = np.ones((2, 2))
    assert cs231n_rel_error(liar, truth) == 0.0  # the plain formula is fooled
    assert rel_error(liar, truth) == pytest.approx(4 / 6)
    assert rel_error(truth, liar) == pytest.approx(4 / 6)
    assert reference_rel_error(liar, truth) == pytest.approx(4 / 6)
    with pytest.raises(AssertionError, match="rel_error 0.67"):
        check_close("out", liar, truth)


def test_solutions_reexport_the_shared_tools_and_plain_formula():
    import solutions.gradcheck as ref
    import workbook.gradcheck as wb

    assert ref.eval_numerical_gradient is wb.eval_numerical_gradient
    assert ref.eval_numerical_gradient_array is wb.eval_numerical_gradient_array
    assert ref.finite_difference_errors is wb.finite_difference_errors
    err = ref.rel_error(rnn_step_next_h(), np.array(EXPECTED_NEXT_H))
    assert err == pytest.approx(PUBLISHED_REL_ERROR, rel=1e-9)


def test_eval_numerical_gradient_matches_analytic_and_restores_x(capsys):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 4))
    x_before = x.copy()
    f = lambda _: np.sum(np.sin(x) * x**2)  # ignores its argument: in-place perturbation
    grad = eval_numerical_gradient(f, x)
    analytic = np.cos(x) * x**2 + 2 * x * np.sin(x)
    assert rel_error(grad, analytic) < 1e-7
    assert np.array_equal(x, x_before)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 12 and lines[0].startswith("(0, 0) ")
    eval_numerical_gradient(f, x, verbose=False)
    assert capsys.readouterr().out == ""


def test_eval_numerical_gradient_array_is_a_vector_jacobian_product():
    rng = np.random.default_rng(2)
    x, W = rng.standard_normal((4, 5)), rng.standard_normal((5, 3))
    df = rng.standard_normal((4, 3))
    x_before, W_before = x.copy(), W.copy()
    out = lambda _: np.tanh(x @ W)
    dpre = df * (1 - out(x) ** 2)
    assert rel_error(eval_numerical_gradient_array(out, x, df), dpre @ W.T) < 1e-8
    assert rel_error(eval_numerical_gradient_array(out, W, df), x.T @ dpre) < 1e-8
    assert np.array_equal(x, x_before) and np.array_equal(W, W_before)
    xt = rng.standard_normal((5, 4)).T  # non-contiguous view, perturbed in place too
    df = rng.standard_normal((4, 5))
    assert rel_error(eval_numerical_gradient_array(lambda a: 3 * a, xt, df), 3 * df) < 1e-8


def test_numeric_gradient_refuses_what_it_cannot_perturb():
    with pytest.raises(ValueError, match="x must be a float ndarray"):
        eval_numerical_gradient(np.sum, np.arange(3))
    with pytest.raises(ValueError, match="x must be a float ndarray"):
        eval_numerical_gradient_array(np.sin, [1.0, 2.0], np.ones(2))


def test_grad_check_sparse_uses_its_own_rng(capsys):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 5))
    f = lambda a: np.sum(a**3)
    state = global_rng_state()
    good = grad_check_sparse(f, x, 3 * x**2, num_checks=7, seed=0)
    assert np.array_equal(global_rng_state(), state)
    assert len(good) == 7 and max(good) < 1e-8
    assert grad_check_sparse(f, x, 3 * x**2, num_checks=7, seed=0) == good
    assert min(grad_check_sparse(f, x, 2 * x**2, num_checks=7, seed=0)) > 0.1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("numerical: ") and ", relative error: " in first


def test_directional_check_scalar_function():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((20, 30))
    x_before = x.copy()
    f = lambda _: np.sum(np.sin(x) * x**2)
    right = np.cos(x) * x**2 + 2 * x * np.sin(x)
    assert directional_check(f, x, right, seed=0) < 1e-7
    assert np.array_equal(x, x_before)
    assert directional_check(f, x, 2 * x * np.sin(x), seed=0) > 1e-2  # forgot a term
    one_wrong = right.copy()
    one_wrong[3, 4] += 1.0
    assert directional_check(f, x, one_wrong, seed=0) > 1e-4  # diluted, still caught


def test_directional_check_array_function_with_upstream_gradient():
    rng = np.random.default_rng(5)
    x, W = rng.standard_normal((8, 6)), rng.standard_normal((6, 5))
    df = rng.standard_normal((8, 5))
    f = lambda _: np.tanh(x @ W)
    dpre = df * (1 - f(x) ** 2)
    state = global_rng_state()
    assert directional_check(f, W, x.T @ dpre, df, num_directions=5, seed=1) < 1e-7
    assert directional_check(f, W, x.T @ df, df, seed=1) > 1e-2  # forgot tanh'
    assert np.array_equal(global_rng_state(), state)
    with pytest.raises(ValueError, match="pass its upstream gradient df"):
        directional_check(f, W, x.T @ dpre)
    with pytest.raises(ValueError, match="analytic_grad must have the shape of x"):
        directional_check(f, W, (x.T @ dpre).T, df)


def test_finite_difference_errors_truncation_then_round_off():
    hs = np.logspace(-1, -12, 12)
    errs = finite_difference_errors(np.sin, np.cos, 1.0, hs)
    assert errs.shape == (12,)
    assert errs[0] == pytest.approx(0.1**2 / 6 * np.cos(1.0), rel=0.01)  # h^2 f'''/6
    best = int(np.argmin(errs))
    assert 2 <= best <= 7  # minimum near h ~ eps^(1/3) ~ 1e-5
    assert errs[-1] > 100 * errs[best]  # round-off dominates at tiny h
    assert np.array_equal(errs, finite_difference_errors(np.sin, np.cos(1.0), 1.0, hs))
    with pytest.raises(ValueError, match="hs must be positive"):
        finite_difference_errors(np.sin, np.cos, 1.0, [1e-3, 0.0])


def test_check_close_messages(capsys):
    check_close("next_h", rnn_step_next_h(), EXPECTED_NEXT_H)
    assert capsys.readouterr().out == "next_h: rel_error 6.3e-09 (ok, below 1e-08)\n"
    cases = [
        (np.full(3, 2.4), np.ones(3), r"^next_h: rel_error 0.41 \(want below 1e-08\)$"),
        (np.ones((4, 3)), np.ones((3, 4)), r"^next_h has shape \(4, 3\), expected \(3, 4\)$"),
        (np.array([1.0, np.nan]), np.ones(2), r"^next_h contains NaN or inf$"),
        (None, np.ones(2), r"^next_h is None"),
    ]
    for got, expected, message in cases:
        with pytest.raises(AssertionError, match=message):
            check_close("next_h", got, expected)


def test_check_gradients_lists_every_failure(capsys):
    good, bad = np.ones(3), np.full(3, 2.4)
    check_gradients({"dx": (good, good), "db": (good, good + 1e-12)})
    assert capsys.readouterr().out.count("(ok, below 1e-07)") == 2
    with pytest.raises(AssertionError) as info:
        check_gradients({"dx": (good, good), "dWh": (bad, good), "db": (np.ones(2), good)})
    assert (
        str(info.value)
        == "dWh: rel_error 0.41 (want below 1e-07); db has shape (2,), expected (3,)"
    )
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_digits_split_is_deterministic_and_standardized():
    X_train, y_train, X_val, y_val = load_digits_split()
    assert X_train.shape == (1438, 65) and X_val.shape == (359, 65)
    assert y_train.shape == (1438,) and y_val.dtype == np.int64
    assert set(np.unique(y_train)) == set(range(10))
    assert np.all(X_train[:, -1] == 1.0)
    assert np.abs(X_train[:, :-1].mean(axis=0)).max() < 1e-12
    again = load_digits_split()
    first = (X_train, y_train, X_val, y_val)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    other = load_digits_split(seed=1, bias=False, dtype=np.float32, val_frac=0.5)
    assert other[0].shape == (899, 64) and other[0].dtype == np.float32
    with pytest.raises(ValueError, match="val_frac"):
        load_digits_split(val_frac=1.0)


def test_workbook_never_imports_solutions_or_autograder():
    code = (
        "import sys, workbook.gradcheck, workbook.checks, workbook.numgrad, workbook.data.digits;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('solutions', 'autograder')];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
