"""Caches as dicts, ``np.bincount`` per column for the embedding gradient, ``np.tensordot``
for the affine layer, boolean-mask indexing of the per-position losses, and a
``log_softmax`` helper shared by both losses."""

import numpy as np


def word_embedding_forward(x, W):
    cache = {"idx": x, "vocab": W.shape[0], "dim": W.shape[1]}
    return np.take(W, x, axis=0), cache


def word_embedding_backward(dout, cache):
    idx = cache["idx"].ravel()
    flat = dout.reshape(-1, cache["dim"])
    cols = [
        np.bincount(idx, weights=flat[:, d], minlength=cache["vocab"]) for d in range(cache["dim"])
    ]
    return np.stack(cols, axis=1)


def temporal_affine_forward(x, w, b):
    out = np.tensordot(x, w, axes=([2], [0])) + b
    return out, {"x": x, "w": w}


def temporal_affine_backward(dout, cache):
    x, w = cache["x"], cache["w"]
    dx = np.tensordot(dout, w, axes=([2], [1]))
    dw = np.tensordot(x, dout, axes=([0, 1], [0, 1]))
    db = dout.sum(axis=(0, 1))
    return dx, dw, db


def _log_softmax(s):
    shifted = s - s.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def temporal_softmax_loss_loop(x, y, mask):
    N, T, V = x.shape
    parts, grads = [], []
    for t in range(T):
        logp = _log_softmax(x[:, t])
        rows = np.arange(N)
        keep = mask[:, t]
        parts.append(-logp[rows[keep], y[keep, t]].sum())
        g = np.exp(logp)
        g[rows, y[:, t]] -= 1
        g[~keep] = 0.0
        grads.append(g / N)
    return np.sum(parts) / N, np.stack(grads, axis=1)


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    logp = _log_softmax(x.reshape(-1, V))
    yf, mf = y.ravel(), mask.ravel()
    losses = -logp[np.arange(N * T), yf]
    loss = losses[mf].sum() / N
    dx = np.exp(logp)
    dx[np.arange(N * T), yf] -= 1
    dx[~mf] = 0.0
    if verbose:
        print("dx_flat: ", dx.shape)
    return loss, (dx / N).reshape(N, T, V)
