"""One-hot matrices and ``np.einsum``: the embedding gradient as ``onehot(x)^T dout``, the
affine layer as ``einsum("ntd,dm->ntm")``, the loss from ``scipy.special.logsumexp`` with a
float32 mask (exact 0/1) and ``np.take_along_axis``."""

import numpy as np
from scipy.special import logsumexp


def word_embedding_forward(x, W):
    onehot = np.eye(W.shape[0])[x]  # (N, T, V)
    out = np.einsum("ntv,vd->ntd", onehot, W)
    return out, (x, W.shape[0])


def word_embedding_backward(dout, cache):
    x, V = cache
    onehot = np.eye(V)[x]
    return np.einsum("ntv,ntd->vd", onehot, dout)


def temporal_affine_forward(x, w, b):
    out = np.einsum("ntd,dm->ntm", x, w) + b
    return out, (x, w, b, out)


def temporal_affine_backward(dout, cache):
    x, w, b, out = cache
    dx = np.einsum("ntm,dm->ntd", dout, w)
    dw = np.einsum("ntd,ntm->dm", x, dout)
    db = np.einsum("ntm->m", dout)
    return dx, dw, db


def temporal_softmax_loss_loop(x, y, mask):
    N, T, V = x.shape
    m = mask.astype(np.float32)
    loss, dx = 0.0, np.zeros_like(x)
    for t in range(T):
        lse = logsumexp(x[:, t], axis=1, keepdims=True)
        logp = x[:, t] - lse
        picked = np.take_along_axis(logp, y[:, t, None], axis=1)[:, 0]
        loss -= np.einsum("n,n->", m[:, t], picked) / N
        g = np.exp(logp)
        np.put_along_axis(
            g, y[:, t, None], np.take_along_axis(g, y[:, t, None], axis=1) - 1, axis=1
        )
        dx[:, t] = g * m[:, t, None] / N
    return loss, dx


def temporal_softmax_loss(x, y, mask, verbose=False):
    N, T, V = x.shape
    m = mask.astype(np.float32)
    logp = x - logsumexp(x, axis=2, keepdims=True)
    picked = np.take_along_axis(logp, y[..., None], axis=2)[..., 0]
    loss = -np.einsum("nt,nt->", m, picked) / N
    onehot = np.eye(V, dtype=np.float32)[y]
    dx = (np.exp(logp) - onehot) * m[..., None] / N
    if verbose:
        print("dx_flat: ", dx.reshape(N * T, V).shape)
    return loss, dx
