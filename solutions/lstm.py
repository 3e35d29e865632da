"""LSTM: one step, and a whole sequence with backprop through time (CS231n ``rnn_layers.py``).

Gate order i, f, o, g: ``a = x @ Wx + prev_h @ Wh + b`` has shape ``(N, 4H)``
and its four ``H``-wide blocks are the pre-activations of the input gate ``i``,
forget gate ``f``, output gate ``o`` (sigmoids) and the candidate ``g`` (tanh)::

    next_c = f * prev_c + i * g
    next_h = o * tanh(next_c)

The initial cell state of a sequence is zero. As in ``rnn.py``, the sequence
versions compute the input projection ``x @ Wx + b`` of all time steps in one
product, collect the pre-activation gradients ``da`` of all steps, and then get
``dx``, ``dWx``, ``dWh`` and ``db`` with one product (or sum) each; only
``prev_h @ Wh`` and ``da @ Wh.T`` stay in the time loop.
"""

import numpy as np

from solutions._validate import OrScalar, validated
from solutions.layers import sigmoid


@validated(
    x=("N", "D"),
    prev_h=("N", "H"),
    prev_c=OrScalar(("N", "H")),
    Wx=("D", "4*H"),
    Wh=("H", "4*H"),
    b=("4*H",),
)
def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """One time step of an LSTM.

    Parameters
    ----------
    x : (N, D) ndarray
        Input at this time step.
    prev_h : (N, H) ndarray
        Previous hidden state.
    prev_c : (N, H) ndarray
        Previous cell state; a scalar (``prev_c=0``) broadcasts to ``(N, H)``.
    Wx : (D, 4H) ndarray
        Input-to-hidden weights, gate blocks in the order i, f, o, g.
    Wh : (H, 4H) ndarray
        Hidden-to-hidden weights, same block order.
    b : (4H,) ndarray
        Biases, same block order.

    Returns
    -------
    next_h : (N, H) ndarray
        Next hidden state.
    next_c : (N, H) ndarray
        Next cell state.
    cache : object
        Whatever your backward pass needs: the grader hands it to your backward
        untouched. This reference stores ``(x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c)``.
    """
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H : 2 * H])
    o = sigmoid(a[:, 2 * H : 3 * H])
    g = np.tanh(a[:, 3 * H :])
    next_c = f * prev_c + i * g
    tanh_c = np.tanh(next_c)
    next_h = o * tanh_c
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c)
    return next_h, next_c, cache


@validated(dnext_h=("N", "H"), dnext_c=OrScalar(("N", "H")))
def lstm_step_backward(dnext_h, dnext_c, cache):
    """Backward pass of :func:`lstm_step_forward`.

    Parameters
    ----------
    dnext_h : (N, H) ndarray
        Gradient of the loss with respect to ``next_h``.
    dnext_c : (N, H) ndarray
        Gradient of the loss with respect to ``next_c``; a scalar (``0``) broadcasts. It
        may be updated in place (``dnext_c += ...``): each call gets its own copy.
    cache : object
        From :func:`lstm_step_forward` (your own layout).

    Returns
    -------
    dx : (N, D) ndarray
    dprev_h : (N, H) ndarray
    dprev_c : (N, H) ndarray
    dWx : (D, 4H) ndarray
    dWh : (H, 4H) ndarray
    db : (4H,) ndarray
        Gradients with respect to ``x``, ``prev_h``, ``prev_c``, ``Wx``, ``Wh`` and ``b``.

    Notes
    -----
    Each gradient has the shape of its variable (a ``(1, 4H)`` ``db`` is named in the
    feedback and costs the points); the gate blocks of ``da`` keep the order i, f, o, g.
    """
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c = cache
    do = dnext_h * tanh_c  # next_h = o * tanh_c
    dtanh_c = dnext_h * o
    dnext_c = dnext_c + dtanh_c * (1 - tanh_c**2)  # tanh_c = tanh(next_c); not +=: no mutation
    df = dnext_c * prev_c  # next_c = f * prev_c + i * g
    dprev_c = dnext_c * f
    di = dnext_c * g
    dg = dnext_c * i
    da_i = di * i * (1 - i)  # i = sigmoid(a_i)
    da_f = df * f * (1 - f)
    da_o = do * o * (1 - o)
    da_g = dg * (1 - g**2)  # g = tanh(a_g)
    da = np.concatenate((da_i, da_f, da_o, da_g), axis=1)
    dx = da @ Wx.T  # a = x @ Wx + prev_h @ Wh + b
    dprev_h = da @ Wh.T
    dWx = x.T @ da
    dWh = prev_h.T @ da
    db = da.sum(axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db


@validated(x=("N", "T", "D"), h0=("N", "H"), Wx=("D", "4*H"), Wh=("H", "4*H"), b=("4*H",))
def lstm_forward(x, h0, Wx, Wh, b):
    """Run an LSTM forward over a whole sequence; the initial cell state is zero.

    Parameters
    ----------
    x : (N, T, D) ndarray
        Input sequences.
    h0 : (N, H) ndarray
        Initial hidden state.
    Wx : (D, 4H) ndarray
        Input-to-hidden weights, gate blocks in the order i, f, o, g.
    Wh : (H, 4H) ndarray
        Hidden-to-hidden weights.
    b : (4H,) ndarray
        Biases.

    Returns
    -------
    h : (N, T, H) ndarray
        Hidden states of all time steps (``h0`` not included).
    cache : object
        Whatever your backward pass needs: the grader hands it to your backward
        untouched. This reference stores ``(x, h0, Wx, Wh, ifog, c, tanh_c, h)``.

    Notes
    -----
    ``T`` may be 1 (code that fails only then is named and costs the points). Graded with
    your step functions and, if that fails, with the reference ones.
    """
    N, T, D = x.shape
    H = h0.shape[1]
    xWx = (x.reshape(N * T, D) @ Wx).reshape(N, T, 4 * H) + b  # all time steps in one product
    dtype = np.result_type(xWx, h0, Wh)
    ifog = np.empty((N, T, 4 * H), dtype=dtype)  # gate values i, f, o, g of every step
    c = np.empty((N, T, H), dtype=dtype)
    tanh_c = np.empty((N, T, H), dtype=dtype)
    h = np.empty((N, T, H), dtype=dtype)
    prev_h, prev_c = h0, np.zeros((N, H), dtype=dtype)
    for t in range(T):
        a = xWx[:, t] + prev_h @ Wh
        ifog[:, t, : 3 * H] = sigmoid(a[:, : 3 * H])  # i, f, o in one call
        ifog[:, t, 3 * H :] = np.tanh(a[:, 3 * H :])  # g
        i, f, o, g = np.split(ifog[:, t], 4, axis=1)
        c[:, t] = f * prev_c + i * g
        tanh_c[:, t] = np.tanh(c[:, t])
        h[:, t] = o * tanh_c[:, t]
        prev_h, prev_c = h[:, t], c[:, t]
    cache = (x, h0, Wx, Wh, ifog, c, tanh_c, h)
    return h, cache


@validated(dh=("N", "T", "H"))
def lstm_backward(dh, cache):
    """Backpropagation through time for :func:`lstm_forward`.

    Parameters
    ----------
    dh : (N, T, H) ndarray
        Upstream gradients of the per-time-step losses with respect to ``h``
        only; gradients flowing from step ``t + 1`` are added here.
    cache : object
        From :func:`lstm_forward` (your own layout).

    Returns
    -------
    dx : (N, T, D) ndarray
    dh0 : (N, H) ndarray
    dWx : (D, 4H) ndarray
    dWh : (H, 4H) ndarray
    db : (4H,) ndarray
        Gradients with respect to ``x``, ``h0``, ``Wx``, ``Wh`` and ``b``.

    Notes
    -----
    ``T`` may be 1; ``dh`` may be modified in place; each gradient has the shape of its
    variable (a ``(1, 4H)`` ``db`` is named and costs the points). Graded with your step
    functions (and your cache layout) and, if that fails, with the reference ones; the
    feedback names a failing step function as the cause.
    """
    x, h0, Wx, Wh, ifog, c, tanh_c, h = cache
    N, T, H = dh.shape
    D = x.shape[2]
    i, f, o, g = np.split(ifog, 4, axis=2)  # views, (N, T, H) each
    prev_c = np.concatenate((np.zeros_like(c[:, :1]), c[:, :-1]), axis=1)
    dsig_ifo = ifog[..., : 3 * H] * (1 - ifog[..., : 3 * H])  # sigmoid' for every step at once
    dtanh_g = 1 - g**2
    dtanh_c = 1 - tanh_c**2
    da = np.empty((N, T, 4 * H), dtype=np.result_type(dh, ifog))
    dprev_h = np.zeros((N, H), dtype=da.dtype)
    dprev_c = np.zeros((N, H), dtype=da.dtype)
    for t in reversed(range(T)):
        dnext_h = dh[:, t] + dprev_h  # from the loss at step t and from step t + 1
        do = dnext_h * tanh_c[:, t]
        dnext_c = dprev_c + dnext_h * o[:, t] * dtanh_c[:, t]
        di = dnext_c * g[:, t]
        df = dnext_c * prev_c[:, t]
        dg = dnext_c * i[:, t]
        dprev_c = dnext_c * f[:, t]
        da[:, t, : 3 * H] = np.concatenate((di, df, do), axis=1) * dsig_ifo[:, t]
        da[:, t, 3 * H :] = dg * dtanh_g[:, t]
        dprev_h = (Wh @ da[:, t].T).T  # = da[:, t] @ Wh.T; this order is faster in BLAS
    dh0 = dprev_h
    da_flat = da.reshape(N * T, 4 * H)
    prev_h = np.concatenate((h0[:, None], h[:, :-1]), axis=1).reshape(N * T, H)
    dx = (da_flat @ Wx.T).reshape(N, T, D)
    dWx = x.reshape(N * T, D).T @ da_flat
    dWh = prev_h.T @ da_flat
    db = da_flat.sum(axis=0)
    return dx, dh0, dWx, dWh, db
