# ruff: noqa: F821 - layers come from the notebook's given cells
"""Vectorised with ``np.einsum``: the input projections of all time steps in one einsum, a
sequence cache ``(x, h0, Wx, Wh, hs)`` and a fully inline BPTT with the weight gradients
summed over time in one einsum at the end; a one-hot embedding in ``sample``."""

import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    a = np.einsum("nd,dh->nh", x, Wx) + np.einsum("nk,kh->nh", prev_h, Wh) + b
    next_h = np.tanh(a)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h**2)
    dx = np.einsum("nh,dh->nd", da, Wx)
    dprev_h = np.einsum("nh,kh->nk", da, Wh)
    dWx = np.einsum("nd,nh->dh", x, da)
    dWh = np.einsum("nk,nh->kh", prev_h, da)
    db = np.einsum("nh->h", da)
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    xw = np.einsum("ntd,dh->nth", x, Wx) + b
    hs = np.empty((N, T, h0.shape[1]))
    prev = h0
    for t in range(T):
        prev = np.tanh(xw[:, t] + np.einsum("nk,kh->nh", prev, Wh))
        hs[:, t] = prev
    return hs, (x, h0, Wx, Wh, hs)


def rnn_backward(dh, cache):
    x, h0, Wx, Wh, hs = cache
    N, T, H = dh.shape
    da = np.zeros_like(hs)
    carry = np.zeros_like(h0)
    for t in reversed(range(T)):
        da[:, t] = (dh[:, t] + carry) * (1 - hs[:, t] ** 2)
        carry = np.einsum("nh,kh->nk", da[:, t], Wh)
    h_prev = np.concatenate([h0[:, None, :], hs[:, :-1, :]], axis=1)
    dx = np.einsum("nth,dh->ntd", da, Wx)
    dWx = np.einsum("ntd,nth->dh", x, da)
    dWh = np.einsum("ntk,nth->kh", h_prev, da)
    db = np.einsum("nth->h", da)
    return dx, carry, dWx, dWh, db


def clip_grad_norm(grads, max_norm):
    flat = np.concatenate([g.ravel() for g in grads.values()])
    total_norm = float(np.sqrt(np.einsum("i,i->", flat, flat)))
    coef = min(1.0, max_norm / total_norm) if total_norm > 0 else 1.0
    return {k: coef * g for k, g in grads.items()}, total_norm


class CaptioningRNN:
    def loss(self, features, captions):
        W_proj, b_proj = self.params["W_proj"], self.params["b_proj"]
        W_embed = self.params["W_embed"]
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        W_vocab, b_vocab = self.params["W_vocab"], self.params["b_vocab"]
        cin, cout = captions[:, :-1], captions[:, 1:]
        mask = cout != self._null

        h0 = np.einsum("nd,dh->nh", features, W_proj) + b_proj
        x, emb_cache = word_embedding_forward(cin, W_embed)
        h, rnn_cache = rnn_forward(x, h0, Wx, Wh, b)
        scores = np.einsum("nth,hv->ntv", h, W_vocab) + b_vocab
        loss, dscores = temporal_softmax_loss(scores, cout, mask)

        dW_vocab = np.einsum("nth,ntv->hv", h, dscores)
        db_vocab = np.einsum("ntv->v", dscores)
        dh = np.einsum("ntv,hv->nth", dscores, W_vocab)
        dx, dh0, dWx, dWh, db = rnn_backward(dh, rnn_cache)
        grads = dict(
            W_embed=word_embedding_backward(dx, emb_cache),
            W_proj=np.einsum("nd,nh->dh", features, dh0),
            b_proj=dh0.sum(0),
            Wx=dWx,
            Wh=dWh,
            b=db,
            W_vocab=dW_vocab,
            b_vocab=db_vocab,
        )
        return loss, grads

    def sample(self, features, max_length=30):
        W_embed = self.params["W_embed"]
        V = W_embed.shape[0]
        h = np.einsum("nd,dh->nh", features, self.params["W_proj"]) + self.params["b_proj"]
        word = np.full(features.shape[0], self._start)
        captions = []
        for _ in range(max_length):
            x = np.einsum("nv,vw->nw", np.eye(V)[word], W_embed)
            h, _ = rnn_step_forward(x, h, self.params["Wx"], self.params["Wh"], self.params["b"])
            scores = np.einsum("nh,hv->nv", h, self.params["W_vocab"]) + self.params["b_vocab"]
            word = np.argmax(scores, axis=-1)
            captions.append(word)
        return np.stack(captions, axis=1)
