"""CS231n's provided code where it exists (``temporal_affine_forward/backward`` and
``temporal_softmax_loss`` of ``rnn_layers.py``: max-shift, then ``np.log(probs[...])`` times
the mask), the student's embedding with the cache ``(W, x)``, and a loop version written the
same way."""

import numpy as np


def word_embedding_forward(x, W):
    out = W[x, :]
    cache = (W, x)
    return out, cache


def word_embedding_backward(dout, cache):
    W, x = cache
    dW = np.zeros_like(W)
    np.add.at(dW, x, dout)
    return dW


def temporal_affine_forward(x, w, b):
    N, T, D = x.shape
    M = b.shape[0]
    out = x.reshape(N * T, D).dot(w).reshape(N, T, M) + b
    cache = x, w, b, out
    return out, cache


def temporal_affine_backward(dout, cache):
    x, w, b, out = cache
    N, T, D = x.shape
    M = b.shape[0]

    dx = dout.reshape(N * T, M).dot(w.T).reshape(N, T, D)
    dw = dout.reshape(N * T, M).T.dot(x.reshape(N * T, D)).T
    db = dout.sum(axis=(0, 1))

    return dx, dw, db


def temporal_softmax_loss_loop(x, y, mask):
    N, T, V = x.shape
    loss = 0.0
    dx = np.zeros_like(x)
    for t in range(T):
        probs = np.exp(x[:, t, :] - np.max(x[:, t, :], axis=1, keepdims=True))
        probs /= np.sum(probs, axis=1, keepdims=True)
        loss += -np.sum(mask[:, t] * np.log(probs[np.arange(N), y[:, t]])) / N
        probs[np.arange(N), y[:, t]] -= 1
        dx[:, t, :] = probs * mask[:, t][:, None] / N
    return loss, dx


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape

    x_flat = x.reshape(N * T, V)
    y_flat = y.reshape(N * T)
    mask_flat = mask.reshape(N * T)

    probs = np.exp(x_flat - np.max(x_flat, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.sum(mask_flat * np.log(probs[np.arange(N * T), y_flat])) / N
    dx_flat = probs.copy()
    dx_flat[np.arange(N * T), y_flat] -= 1
    dx_flat /= N
    dx_flat *= mask_flat[:, None]

    if verbose:
        print("dx_flat: ", dx_flat.shape)

    dx = dx_flat.reshape(N, T, V)

    return loss, dx
