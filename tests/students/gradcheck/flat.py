"""Flat indexing through ``x.flat`` (works for any memory layout), the step taken as
``+= h`` then ``-= 2 * h`` around the old value, the error curve with ``np.fromiter``."""

import numpy as np


def rel_error(x, y):
    num = np.abs(x - y)
    den = np.maximum(np.abs(x) + np.abs(y), 1e-8)
    return (num / den).max()


def eval_numerical_gradient(f, x, verbose=True, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(x.size):
        old = x.flat[i]
        x.flat[i] += h
        up = f(x)
        x.flat[i] -= 2 * h
        down = f(x)
        x.flat[i] = old
        grad.flat[i] = (up - down) / (2 * h)
        if verbose:
            print(np.unravel_index(i, x.shape), grad.flat[i])
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    grad = np.zeros_like(x)
    for i in range(x.size):
        old = x.flat[i]
        x.flat[i] += h
        up = f(x).copy()
        x.flat[i] -= 2 * h
        down = f(x).copy()
        x.flat[i] = old
        grad.flat[i] = ((up - down) * df).sum() / (2 * h)
    return grad


def finite_difference_errors(f, dfdx, x, hs):
    d = dfdx(x) if callable(dfdx) else dfdx
    hs = np.asarray(hs, dtype=np.float64)
    return np.fromiter((abs((f(x + h) - f(x - h)) / (2 * h) - d) for h in hs), float, len(hs))
