"""Loops over the batch and time: the embedding gradient added word by word (a scalar index
accumulates, unlike ``dW[x] += dout``), the affine layer one time step at a time, the loss
with a hand-written log-sum-exp per position."""

import numpy as np


def word_embedding_forward(x, W):
    N, T = x.shape
    out = np.zeros((N, T, W.shape[1]))
    for n in range(N):
        for t in range(T):
            out[n, t] = W[x[n, t]]
    return out, (x, W)


def word_embedding_backward(dout, cache):
    x, W = cache
    dW = np.zeros(W.shape)
    N, T = x.shape
    for n in range(N):
        for t in range(T):
            dW[x[n, t]] += dout[n, t]
    return dW


def temporal_affine_forward(x, w, b):
    N, T, D = x.shape
    out = np.zeros((N, T, w.shape[1]))
    for t in range(T):
        out[:, t, :] = x[:, t, :] @ w + b
    return out, (x, w, b, out)


def temporal_affine_backward(dout, cache):
    x, w, b, _ = cache
    T = x.shape[1]
    dx = np.zeros(x.shape)
    dw = np.zeros(w.shape)
    db = np.zeros(b.shape)
    for t in range(T):
        dx[:, t, :] = dout[:, t, :] @ w.T
        dw += x[:, t, :].T @ dout[:, t, :]
        db += dout[:, t, :].sum(axis=0)
    return dx, dw, db


def _nll_and_grad(scores, target):
    """-log softmax(scores)[target] and its gradient for one vector of scores."""
    top = scores.max()
    log_z = top + np.log(np.sum(np.exp(scores - top)))
    grad = np.exp(scores - log_z)
    grad[target] -= 1.0
    return log_z - scores[target], grad


def temporal_softmax_loss_loop(x, y, mask):
    N, T, V = x.shape
    loss = 0.0
    dx = np.zeros(x.shape)
    for t in range(T):
        for n in range(N):
            if mask[n, t]:
                l, g = _nll_and_grad(x[n, t], y[n, t])
                loss += l / N
                dx[n, t] = g / N
    return loss, dx


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    loss = 0.0
    dx = np.zeros(x.shape)
    for n in range(N):
        for t in range(T):
            l, g = _nll_and_grad(x[n, t], y[n, t])
            loss += mask[n, t] * l
            dx[n, t] = mask[n, t] * g
    if verbose:
        print("dx: ", dx.shape)
    return loss / N, dx / N
