"""Explicit loops: rows of any leading shape via ``reshape(-1, C)``, a log-sum-exp written
out by hand in the naive loss, the vectorised loss built on the student's own
``log_softmax`` and ``nll`` (with the gradient ``p - 1_y`` from ``np.exp(logp)``)."""

import math

import numpy as np


def softmax(f):
    f = np.asarray(f, dtype=float)
    rows = f.reshape(-1, f.shape[-1])
    out = np.empty_like(rows)
    for r in range(rows.shape[0]):
        m = max(rows[r])
        e = [np.exp(v - m) for v in rows[r]]
        total = sum(e)
        for c in range(rows.shape[1]):
            out[r, c] = e[c] / total
    return out.reshape(f.shape)


def logsumexp(f):
    f = np.asarray(f, dtype=float)
    rows = f.reshape(-1, f.shape[-1])
    out = np.empty(rows.shape[0])
    for r in range(rows.shape[0]):
        m = max(rows[r])
        total = 0.0
        for v in rows[r]:
            total += math.exp(v - m)
        out[r] = m + math.log(total)
    return out.reshape(f.shape[:-1])


def log_softmax(f):
    f = np.asarray(f, dtype=float)
    rows = f.reshape(-1, f.shape[-1])
    out = np.empty_like(rows)
    for r in range(rows.shape[0]):
        m = rows[r].max()
        lse = m + np.log(np.sum(np.exp(rows[r] - m)))
        out[r] = rows[r] - lse
    return out.reshape(f.shape)


def nll(logp, y):
    total = 0.0
    for i in range(len(y)):
        total -= logp[i, y[i]]
    return total / len(y)


def softmax_loss_naive(W, X, y, reg):
    N, D = X.shape
    C = W.shape[1]
    loss = 0.0
    dW = np.zeros((D, C))
    for i in range(N):
        s = np.zeros(C)
        for j in range(C):
            for d in range(D):
                s[j] += X[i, d] * W[d, j]
        top = max(s)
        z = 0.0
        for j in range(C):
            z += np.exp(s[j] - top)
        log_z = top + np.log(z)
        loss += log_z - s[y[i]]
        for j in range(C):
            p = np.exp(s[j] - log_z)
            g = p - 1.0 if j == y[i] else p
            for d in range(D):
                dW[d, j] += g * X[i, d]
    loss = loss / N
    dW = dW / N
    for d in range(D):
        for j in range(C):
            loss += reg * W[d, j] ** 2
            dW[d, j] += 2 * reg * W[d, j]
    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    N = X.shape[0]
    logp = log_softmax(X @ W)
    loss = nll(logp, y) + reg * np.sum(W**2)
    g = np.exp(logp)
    g[np.arange(N), y] -= 1
    dW = X.T @ g / N + 2 * reg * W
    return loss, dW
