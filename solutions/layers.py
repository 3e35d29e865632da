"""Affine layer and the logistic sigmoid (CS231n ``layers.py`` / ``rnn_layers.py``).

The affine layer projects image features to the initial hidden state of the
captioning model; ``sigmoid`` is the gate nonlinearity of the LSTM.
"""

import numpy as np

from solutions._validate import validated


@validated(x=None, w=("D", "M"), b=("M",))
def affine_forward(x, w, b):
    """Affine (fully connected) forward pass: ``out = x.reshape(N, -1) @ w + b``.

    Parameters
    ----------
    x : (N, d_1, ..., d_k) ndarray
        Input minibatch; each example is flattened to length ``D = d_1 * ... * d_k``.
    w : (D, M) ndarray
        Weights.
    b : (M,) ndarray
        Biases.

    Returns
    -------
    out : (N, M) ndarray
        Output.
    cache : tuple
        ``(x, w, b)`` for the backward pass.
    """
    x_flat = x.reshape(x.shape[0], -1)
    out = x_flat @ w + b
    cache = (x, w, b)
    return out, cache


@validated(dout=("N", "M"))
def affine_backward(dout, cache):
    """Affine backward pass.

    Parameters
    ----------
    dout : (N, M) ndarray
        Upstream gradient of the loss with respect to ``out``.
    cache : tuple
        ``(x, w, b)`` from :func:`affine_forward`.

    Returns
    -------
    dx : (N, d_1, ..., d_k) ndarray
        Gradient with respect to ``x``.
    dw : (D, M) ndarray
        Gradient with respect to ``w``.
    db : (M,) ndarray
        Gradient with respect to ``b``.
    """
    x, w, b = cache
    x_flat = x.reshape(x.shape[0], -1)
    dx_flat = dout @ w.T
    dx = dx_flat.reshape(x.shape)
    dw = x_flat.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


@validated(x=None)
def sigmoid(x):
    """Numerically stable logistic sigmoid ``1 / (1 + exp(-x))``, elementwise.

    ``exp`` only ever sees ``-|x|``, so it never overflows: for ``x >= 0`` this
    is ``1 / (1 + exp(-x))``, for ``x < 0`` the equal ``exp(x) / (1 + exp(x))``.

    Parameters
    ----------
    x : ndarray
        Any shape.

    Returns
    -------
    s : ndarray
        Same shape and float dtype as ``x``, values in ``[0, 1]``.
    """
    z = np.exp(-np.abs(x))
    top = np.where(x >= 0, 1, z)
    return top / (1 + z)
