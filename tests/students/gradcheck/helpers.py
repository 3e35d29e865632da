"""One helper for the centered difference shared by both numeric gradients (kept in the first
cell that uses it), ``np.fmax`` and ``float(...)`` for the relative error, ``math.fabs`` and
a dict of results for the error curve."""

import math

import numpy as np


def rel_error(x, y):
    """max |x - y| / max(1e-8, |x| + |y|)"""
    diff = np.abs(np.subtract(x, y))
    scale = np.fmax(1e-8, np.add(np.abs(x), np.abs(y)))
    return float(np.max(diff / scale))


def _centered(g, x, ix, h):
    """(g(x + h e_ix), g(x - h e_ix)) with x[ix] put back afterwards."""
    keep = x[ix]
    try:
        x[ix] = keep + h
        plus = np.copy(g(x))
        x[ix] = keep - h
        minus = np.copy(g(x))
    finally:
        x[ix] = keep
    return plus, minus


def eval_numerical_gradient(f, x, verbose=True, h=1e-5):
    grad = np.empty_like(x)
    for ix in np.ndindex(x.shape):
        plus, minus = _centered(f, x, ix, h)
        grad[ix] = (plus - minus) / (2.0 * h)
        if verbose:
            print(ix, grad[ix])
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    grad = np.empty_like(x)
    for ix in np.ndindex(x.shape):
        plus, minus = _centered(f, x, ix, h)
        grad[ix] = np.vdot(plus - minus, df) / (2.0 * h)
    return grad


def finite_difference_errors(f, dfdx, x, hs):
    exact = dfdx(x) if callable(dfdx) else float(dfdx)
    results = {}
    for h in np.atleast_1d(hs):
        results[h] = math.fabs((f(x + h) - f(x - h)) / (2 * h) - exact)
    return np.array(list(results.values()))
