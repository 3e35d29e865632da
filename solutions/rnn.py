"""Vanilla RNN: one step, and a sequence with backprop through time (CS231n ``rnn_layers.py``).

One step is ``next_h = tanh(x @ Wx + prev_h @ Wh + b)``. The sequence versions
do the same math as calling the step ``T`` times, with one speed-up: the input
projection ``x @ Wx + b`` does not depend on the previous hidden state, so it is
computed for all ``T`` time steps in one matrix product before the loop, and in
the backward the pre-activation gradients ``da`` of all steps are collected
first so that ``dx``, ``dWx``, ``dWh`` and ``db`` are each one product (or sum).
Only the recurrent parts ``prev_h @ Wh`` and ``da @ Wh.T`` stay in the time loop.
"""

import numpy as np

from solutions._validate import validated


@validated(x=("N", "D"), prev_h=("N", "H"), Wx=("D", "H"), Wh=("H", "H"), b=("H",))
def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """One time step of a vanilla RNN with tanh activation.

    Parameters
    ----------
    x : (N, D) ndarray
        Input at this time step.
    prev_h : (N, H) ndarray
        Hidden state of the previous time step.
    Wx : (D, H) ndarray
        Input-to-hidden weights.
    Wh : (H, H) ndarray
        Hidden-to-hidden weights.
    b : (H,) ndarray
        Biases.

    Returns
    -------
    next_h : (N, H) ndarray
        Next hidden state.
    cache : object
        Whatever your backward pass needs: the grader hands it to your backward
        untouched. This reference stores ``(x, prev_h, Wx, Wh, next_h)``.
    """
    a = x @ Wx + prev_h @ Wh + b
    next_h = np.tanh(a)
    cache = (x, prev_h, Wx, Wh, next_h)
    return next_h, cache


@validated(dnext_h=("N", "H"))
def rnn_step_backward(dnext_h, cache):
    """Backward pass of :func:`rnn_step_forward`.

    Parameters
    ----------
    dnext_h : (N, H) ndarray
        Gradient of the loss with respect to ``next_h``.
    cache : object
        From :func:`rnn_step_forward` (your own layout).

    Returns
    -------
    dx : (N, D) ndarray
    dprev_h : (N, H) ndarray
    dWx : (D, H) ndarray
    dWh : (H, H) ndarray
    db : (H,) ndarray
        Gradients with respect to ``x``, ``prev_h``, ``Wx``, ``Wh`` and ``b``.

    Notes
    -----
    Each gradient has the shape of its variable: a ``db`` of shape ``(1, H)`` (the summed
    axis kept) is named in the feedback and costs this function's points. The cache's
    layout is yours: only your backward reads it.
    """
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h**2)  # tanh'(a) = 1 - tanh(a)**2
    dx = da @ Wx.T
    dprev_h = da @ Wh.T
    dWx = x.T @ da
    dWh = prev_h.T @ da
    db = da.sum(axis=0)
    return dx, dprev_h, dWx, dWh, db


@validated(x=("N", "T", "D"), h0=("N", "H"), Wx=("D", "H"), Wh=("H", "H"), b=("H",))
def rnn_forward(x, h0, Wx, Wh, b):
    """Run a vanilla RNN forward over a whole sequence.

    Parameters
    ----------
    x : (N, T, D) ndarray
        Input sequences.
    h0 : (N, H) ndarray
        Initial hidden state.
    Wx : (D, H) ndarray
        Input-to-hidden weights.
    Wh : (H, H) ndarray
        Hidden-to-hidden weights.
    b : (H,) ndarray
        Biases.

    Returns
    -------
    h : (N, T, H) ndarray
        Hidden states of all time steps (``h0`` not included).
    cache : object
        Whatever your backward pass needs: the grader hands it to your backward
        untouched. This reference stores ``(x, h0, Wx, Wh, h)``.

    Notes
    -----
    ``T`` may be 1: code that fails only then (a squeezed time axis) is named in the
    feedback and costs the points. Graded with your ``rnn_step_forward`` and, if that
    fails, with the reference one: a bug in the step costs points once, in the step.
    """
    N, T, D = x.shape
    H = h0.shape[1]
    xWx = (x.reshape(N * T, D) @ Wx).reshape(N, T, H) + b  # all time steps in one product
    h = np.empty((N, T, H), dtype=np.result_type(xWx, h0, Wh))
    prev_h = h0
    for t in range(T):
        a = xWx[:, t] + prev_h @ Wh
        h[:, t] = np.tanh(a)
        prev_h = h[:, t]
    cache = (x, h0, Wx, Wh, h)
    return h, cache


@validated(dh=("N", "T", "H"))
def rnn_backward(dh, cache):
    """Backpropagation through time for :func:`rnn_forward`.

    Parameters
    ----------
    dh : (N, T, H) ndarray
        Upstream gradients of the per-time-step losses with respect to ``h``
        only; the gradient flowing from step ``t + 1`` back into ``h[:, t]``
        is added here.
    cache : object
        From :func:`rnn_forward` (your own layout).

    Returns
    -------
    dx : (N, T, D) ndarray
    dh0 : (N, H) ndarray
    dWx : (D, H) ndarray
    dWh : (H, H) ndarray
    db : (H,) ndarray
        Gradients with respect to ``x``, ``h0``, ``Wx``, ``Wh`` and ``b``.

    Notes
    -----
    ``T`` may be 1; ``dh`` may be modified in place; each gradient has the shape of its
    variable (a ``(1, H)`` ``db`` is named and costs the points). Graded with your step
    functions (and your cache layout) and, if that fails, with the reference ones; the
    feedback names a failing step function as the cause.
    """
    x, h0, Wx, Wh, h = cache
    N, T, H = dh.shape
    D = x.shape[2]
    dtanh = 1 - h**2  # tanh'(a) for every step at once
    da = np.empty((N, T, H), dtype=np.result_type(dh, h))
    dprev_h = np.zeros((N, H), dtype=da.dtype)
    for t in reversed(range(T)):
        dnext_h = dh[:, t] + dprev_h  # from the loss at step t and from step t + 1
        da[:, t] = dnext_h * dtanh[:, t]
        dprev_h = (Wh @ da[:, t].T).T  # = da[:, t] @ Wh.T; this order is faster in BLAS
    dh0 = dprev_h
    da_flat = da.reshape(N * T, H)
    prev_h = np.concatenate((h0[:, None], h[:, :-1]), axis=1).reshape(N * T, H)
    dx = (da_flat @ Wx.T).reshape(N, T, D)
    dWx = x.reshape(N * T, D).T @ da_flat
    dWh = prev_h.T @ da_flat
    db = da_flat.sum(axis=0)
    return dx, dh0, dWx, dWh, db
