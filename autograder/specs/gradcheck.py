"""Hidden tests of the gradcheck chapter: rel_error, numeric gradients, the error curve."""

import numpy as np

from autograder.specs.base import Spec, randn, sizes


def rel_error_case(rng, impl):
    M, K = sizes(rng, M=(2, 5), K=(2, 6))
    x = randn(rng, M, K)
    close = x + randn(rng, M, K, scale=1e-6)
    far = randn(rng, M, K)
    zx, zy = x.copy(), close.copy()
    zx[0, 0] = zy[0, 0] = 0.0  # both zero: the 1e-8 floor keeps 0/0 out
    return {
        "rel_error(x, y) for close x, y": impl.rel_error(x, close),
        "rel_error(x, y) for unrelated x, y": impl.rel_error(x, far),
        "rel_error(x, y) where both are 0": impl.rel_error(zx, zy),
    }


def _scalar_f(A):
    return lambda x: float(np.sum(np.sin(A * x) * x**2))


def numerical_gradient_case(rng, impl):
    M, K = sizes(rng, M=(2, 3), K=(2, 4))
    A = 1 + rng.random((M, K))
    x = randn(rng, M, K)
    x0 = x.copy()
    grad = impl.eval_numerical_gradient(_scalar_f(A), x, verbose=False)
    after = x.copy()
    y = randn(rng, M, K)
    f = _scalar_f(A)
    closure = impl.eval_numerical_gradient(lambda _: f(y), y, verbose=False, h=1e-4)
    return {
        "grad": grad,
        "x after the call (must be restored)": after - x0,
        "grad of an f that reads x by closure (h=1e-4)": closure,
    }


def numerical_gradient_array_case(rng, impl):
    M, K, P = sizes(rng, M=(2, 3), K=(2, 4), P=(2, 3))
    A = randn(rng, K, P)
    x = randn(rng, M, K)
    x0 = x.copy()
    df = randn(rng, M, P)
    grad = impl.eval_numerical_gradient_array(lambda v: np.tanh(v @ A) ** 2, x, df)
    after = x.copy()
    y = randn(rng, M, K)
    closure = impl.eval_numerical_gradient_array(lambda _: np.sin(y @ A), y, df, h=1e-4)
    return {
        "grad": grad,
        "x after the call (must be restored)": after - x0,
        "grad of an f that reads x by closure (h=1e-4)": closure,
    }


def finite_difference_errors_case(rng, impl):
    a = float(1 + rng.random())
    x = float(rng.uniform(-1, 1))
    hs = np.logspace(-1, -7, 4 + int(rng.integers(0, 4)))
    errors = impl.finite_difference_errors(
        lambda t: np.exp(a * t) * np.sin(t),
        lambda t: np.exp(a * t) * (a * np.sin(t) + np.cos(t)),
        x,
        hs,
    )
    return {"errors": errors}


SPECS = {
    "rel_error": Spec(rel_error_case, uses=("rel_error",), tol=1e-9),
    "eval_numerical_gradient": Spec(
        numerical_gradient_case, uses=("eval_numerical_gradient",), tol=1e-7, cases=2
    ),
    "eval_numerical_gradient_array": Spec(
        numerical_gradient_array_case, uses=("eval_numerical_gradient_array",), tol=1e-7, cases=2
    ),
    "finite_difference_errors": Spec(
        finite_difference_errors_case, uses=("finite_difference_errors",), tol=1e-5
    ),
}
