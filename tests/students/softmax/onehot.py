"""Matrices instead of indices: a one-hot matrix ``np.eye(C)[y]`` (in float32, exact for 0/1),
``dW = X.T @ (P - Y) / N``; the naive loss loops over examples only, each row vectorised,
with ``np.logaddexp.reduce`` for the log-sum-exp (``logsumexp``, which ``log_softmax`` calls)."""

import numpy as np


def softmax(f):
    z = np.exp(f - f.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def logsumexp(f):
    return np.logaddexp.reduce(f, axis=-1)


def log_softmax(f):
    return f - logsumexp(f)[..., None]


def nll(logp, y):
    Y = np.eye(logp.shape[1], dtype=np.float32)[y]
    return -np.sum(Y * logp) / logp.shape[0]


def softmax_loss_naive(W, X, y, reg):
    N = X.shape[0]
    loss, dW = 0.0, np.zeros_like(W)
    for i in range(N):
        s = X[i] @ W
        logp = s - np.logaddexp.reduce(s)
        loss -= logp[y[i]]
        ds = np.exp(logp)
        ds[y[i]] -= 1.0
        dW += np.outer(X[i], ds)
    return loss / N + reg * np.sum(W * W), dW / N + 2 * reg * W


def softmax_loss_vectorized(W, X, y, reg):
    N, C = X.shape[0], W.shape[1]
    P = softmax(X @ W)
    Y = np.eye(C, dtype=np.float32)[y]
    loss = nll(log_softmax(X @ W), y) + reg * np.sum(W * W)
    dW = X.T @ (P - Y) / N + 2 * reg * W
    return loss, dW
