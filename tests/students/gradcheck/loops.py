# ruff: noqa: B905 - zip without strict=, as students write it
"""Plain loops everywhere: ``np.ndindex`` over the entries, the relative error as a running
maximum over the flattened entries, the error curve appended step by step."""

import numpy as np


def rel_error(x, y):
    """Maximum relative error between x and y."""
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    worst = 0.0
    for a, b in zip(x, y):
        denominator = max(1e-8, abs(a) + abs(b))
        worst = max(worst, abs(a - b) / denominator)
    return worst


def eval_numerical_gradient(f, x, verbose=True, h=1e-5):
    """Centered differences, one entry of x at a time (x is restored)."""
    grad = np.zeros(x.shape, dtype=x.dtype)
    for index in np.ndindex(*x.shape):
        saved = x[index]
        x[index] = saved + h
        f_plus = f(x)
        x[index] = saved - h
        f_minus = f(x)
        x[index] = saved
        grad[index] = (f_plus - f_minus) / (2 * h)
        if verbose:
            print(index, grad[index])
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """Numeric df . (d f / d x), one entry of x at a time."""
    grad = np.zeros(x.shape, dtype=x.dtype)
    for index in np.ndindex(*x.shape):
        saved = x[index]
        x[index] = saved + h
        out_plus = np.array(f(x))  # a copy: f may return the same buffer twice
        x[index] = saved - h
        out_minus = np.array(f(x))
        x[index] = saved
        total = 0.0
        for d, p, m in zip(df.ravel(), out_plus.ravel(), out_minus.ravel()):
            total += d * (p - m)
        grad[index] = total / (2 * h)
    return grad


def finite_difference_errors(f, dfdx, x, hs):
    """|centered difference - exact derivative| for every step h."""
    exact = dfdx(x) if callable(dfdx) else dfdx
    errors = np.zeros(len(hs))
    for k in range(len(hs)):
        h = hs[k]
        numeric = (f(x + h) - f(x - h)) / (2 * h)
        errors[k] = abs(numeric - exact)
    return errors
