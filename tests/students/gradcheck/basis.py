"""Whole-array perturbations: a basis array ``e`` with ``h`` at one entry, ``x += e`` and
``x -= 2 * e`` in place (so a closure over ``x`` sees them), then ``x += e`` to restore;
``np.einsum`` for the weighted sum; the error curve vectorised over the steps."""

import numpy as np


def rel_error(x, y):
    x, y = np.asarray(x), np.asarray(y)
    return np.amax(np.abs(x - y) / np.clip(np.abs(x) + np.abs(y), 1e-8, None))


def eval_numerical_gradient(f, x, verbose=True, h=1e-5):
    grad = np.zeros_like(x)
    e = np.zeros_like(x)
    for ix in np.ndindex(x.shape):
        e[ix] = h
        x += e
        fp = f(x)
        x -= 2 * e
        fm = f(x)
        x += e
        e[ix] = 0.0
        grad[ix] = (fp - fm) / (2 * h)
        if verbose:
            print(ix, grad[ix])
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    grad = np.zeros_like(x)
    e = np.zeros_like(x)
    for ix in np.ndindex(x.shape):
        e[ix] = h
        x += e
        fp = np.array(f(x), copy=True)
        x -= 2 * e
        fm = np.array(f(x), copy=True)
        x += e
        e[ix] = 0.0
        grad[ix] = np.einsum("i,i->", (fp - fm).ravel(), np.ravel(df)) / (2 * h)
    return grad


def finite_difference_errors(f, dfdx, x, hs):
    hs = np.array(hs, dtype=float)
    fp = np.array([f(x + h) for h in hs])
    fm = np.array([f(x - h) for h in hs])
    exact = dfdx(x) if callable(dfdx) else dfdx
    return np.abs((fp - fm) / (2 * hs) - exact)
