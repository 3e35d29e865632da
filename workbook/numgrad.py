"""Numeric derivatives by centered differences (CS231n's ``gradient_check.py``).

Both gradient functions perturb ``x`` *in place* and restore it, exactly like
CS231n, so a lambda that ignores its argument but closes over the same array
still sees the perturbation::

    f = lambda _: rnn_step_forward(x, h, Wx, Wh, b)[0]
    dx_num = eval_numerical_gradient_array(f, x, dnext_h)

``finite_difference_errors`` draws the truncation-vs-round-off curve and

These are the gradcheck chapter's exercises: this module is the course's reference for
them (``solutions`` re-exports it; the grader and the book's figures use it) and is never
part of what students receive (``autograder/ship.py`` leaves it out);
:mod:`workbook.gradcheck` finds it when it is there.
"""

import numpy as np


def eval_numerical_gradient(f, x, verbose=True, h=1e-5):
    """Numeric gradient of a scalar function by centered differences.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; may ignore its argument and read ``x`` by closure.
    x : (...) float ndarray
        Point to differentiate at; perturbed in place, restored on return.
    verbose : bool
        Print ``ix, grad[ix]`` for each index, like CS231n.
    h : float
        Step of the centered difference ``(f(x + h) - f(x - h)) / (2 h)``.

    Returns
    -------
    grad : ndarray, shape and dtype of ``x``
    """
    if type(x) is not np.ndarray or x.dtype.kind != "f":  # perturbed in place: must hold floats
        raise ValueError(f"x must be a float ndarray, got {type(x).__name__} of {x!r:.40}")
    f(x)  # CS231n evaluates f once at x first (unused)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        x[ix] = oldval  # restore
        grad[ix] = (fxph - fxmh) / (2 * h)
        if verbose:
            print(ix, grad[ix])
        it.iternext()
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """Numeric vector-Jacobian product ``df · ∂f/∂x`` of an array function.

    Parameters
    ----------
    f : callable
        ``f(x) -> ndarray`` shaped like ``df``; may ignore its argument.
    x : (...) float ndarray
        Perturbed in place, restored on return.
    df : ndarray, shape of ``f(x)``
        Upstream gradient of a scalar loss with respect to ``f(x)``.
    h : float
        Step of the centered difference.

    Returns
    -------
    grad : ndarray, shape and dtype of ``x``
        ``grad[ix] = sum((f(x + h e_ix) - f(x - h e_ix)) * df) / (2 h)``.
    """
    if type(x) is not np.ndarray or x.dtype.kind != "f":  # perturbed in place: must hold floats
        raise ValueError(f"x must be a float ndarray, got {type(x).__name__} of {x!r:.40}")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        pos = np.array(f(x), copy=True)
        x[ix] = oldval - h
        neg = np.array(f(x), copy=True)
        x[ix] = oldval  # restore
        grad[ix] = np.sum((pos - neg) * df) / (2 * h)
        it.iternext()
    return grad


def finite_difference_errors(f, dfdx, x, hs):
    """Absolute error of the centered difference of a scalar function, per step.

    Shrinking ``h`` first lowers the truncation error (``~h**2 f'''/6``), then
    raises the round-off error (``~eps |f| / h``); plotting the result against
    ``hs`` on log-log axes shows the V-shaped curve. For one coordinate of an
    array function, pass ``lambda t: g(x_with_coordinate_set_to(t))``.

    Parameters
    ----------
    f : callable
        ``f(t) -> float`` for a float ``t``.
    dfdx : callable or float
        The exact derivative, as a function ``dfdx(t)`` or its value at ``x``.
    x : float
        Point of differentiation.
    hs : (K,) array_like of float
        Positive step sizes.

    Returns
    -------
    errors : (K,) float64 ndarray
        ``|(f(x + h) - f(x - h)) / (2 h) - f'(x)|`` for each ``h`` in ``hs``.
    """
    hs = np.asarray(hs, dtype=np.float64).reshape(-1)
    if not np.all(hs > 0):
        raise ValueError(f"hs must be positive step sizes, got {hs}")
    exact = float(dfdx(x)) if callable(dfdx) else float(dfdx)
    x = float(x)
    return np.array([abs((f(x + h) - f(x - h)) / (2 * h) - exact) for h in hs])
