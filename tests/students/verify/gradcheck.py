"""Checks of the gradcheck chapter: known functions with known derivatives."""

import numpy as np

from students.verify import check
from students.verify.numeric import close


def _restored(x, x0):
    """x is back at x0 (to rounding: x + h - 2h + h need not be bit-exact)."""
    assert np.max(np.abs(x - x0)) <= 1e-12 * max(1.0, np.max(np.abs(x0))), "x not restored"


def _definition(x, y):
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))


@check("rel_error", "numeric")
def rel_error(ns, rng):
    for shape in [(3, 4), (7,), (2, 3, 2)]:
        x = rng.standard_normal(shape)
        for y in (x + 1e-7 * rng.standard_normal(shape), rng.standard_normal(shape), x.copy()):
            y.flat[0] = x.flat[0] = 0.0  # both zero somewhere: 0 / 0 must not appear
            close("rel_error", ns["rel_error"](x, y), _definition(x, y), 1e-12)
    x = np.array([1.0, 1.0, 5.0])
    close("rel_error takes the max", ns["rel_error"](x, np.array([1.0, 1.1, 5.0])), 0.1 / 2.1)


def _scalar_case(rng):
    A = 1 + rng.random((3, 4))
    x = rng.standard_normal((3, 4))
    f = lambda v: float(np.sum(np.sin(A * v) * v**2))  # noqa: E731
    grad = A * np.cos(A * x) * x**2 + 2 * x * np.sin(A * x)
    return f, x, grad


@check("eval_numerical_gradient", "numeric")
def numerical_gradient(ns, rng):
    f, x, grad = _scalar_case(rng)
    x0 = x.copy()
    close("grad of sum(sin(A x) x^2)", ns["eval_numerical_gradient"](f, x, verbose=False), grad)
    _restored(x, x0)
    w = rng.standard_normal((2, 3))
    g = lambda _: float(np.sum(w**3))  # noqa: E731 - reads w by closure
    close("closure", ns["eval_numerical_gradient"](g, w, verbose=False, h=1e-4), 3 * w**2, 1e-6)


@check("eval_numerical_gradient", "autograd")
def numerical_gradient_torch(ns, rng):
    import torch

    f, x, _ = _scalar_case(rng)
    A = rng.random(x.shape) + 1
    t = torch.tensor(x, requires_grad=True)
    (torch.sin(torch.tensor(A) * t) * t**2).sum().backward()
    g = lambda v: float(np.sum(np.sin(A * v) * v**2))  # noqa: E731
    close("grad vs autograd", ns["eval_numerical_gradient"](g, x, verbose=False), t.grad.numpy())


def _array_case(rng):
    A = rng.standard_normal((4, 2))
    x = rng.standard_normal((3, 4))
    df = rng.standard_normal((3, 2))
    z = np.tanh(x @ A)
    return A, x, df, (df * 2 * z * (1 - z**2)) @ A.T


@check("eval_numerical_gradient_array", "numeric")
def numerical_gradient_array(ns, rng):
    A, x, df, want = _array_case(rng)
    x0 = x.copy()
    got = ns["eval_numerical_gradient_array"](lambda v: np.tanh(v @ A) ** 2, x, df)
    close("df . d tanh(x A)^2 / dx", got, want)
    _restored(x, x0)
    W = A.copy()
    got = ns["eval_numerical_gradient_array"](lambda _: np.sin(x @ W), W, df, h=1e-4)
    close("closure over W", got, x.T @ (df * np.cos(x @ W)))


@check("eval_numerical_gradient_array", "autograd")
def numerical_gradient_array_torch(ns, rng):
    import torch

    A, x, df, _ = _array_case(rng)
    t = torch.tensor(x, requires_grad=True)
    (torch.tanh(t @ torch.tensor(A)) ** 2).backward(torch.tensor(df))
    got = ns["eval_numerical_gradient_array"](lambda v: np.tanh(v @ A) ** 2, x, df)
    close("vjp vs autograd", got, t.grad.numpy())


@check("finite_difference_errors", "numeric")
def finite_difference_errors(ns, rng):
    a, x = 1 + rng.random(), rng.uniform(-1, 1)
    f = lambda t: np.exp(a * t) * np.sin(t)  # noqa: E731
    df = lambda t: np.exp(a * t) * (a * np.sin(t) + np.cos(t))  # noqa: E731
    hs = np.logspace(-1, -4, 5)  # truncation dominates: the errors are ~h^2 |f'''| / 6
    want = np.abs([(f(x + h) - f(x - h)) / (2 * h) - df(x) for h in hs])
    close("errors (dfdx a function)", ns["finite_difference_errors"](f, df, x, hs), want, 1e-6)
    got = ns["finite_difference_errors"](f, df(x), x, list(hs))
    close("errors (dfdx a number, hs a list)", got, want, 1e-6)
