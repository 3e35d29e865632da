# ruff: noqa: F821 - sigmoid and the layers come from the notebook's given cells
"""Vectorised with ``np.einsum``: the input projections of all steps at once, gate values of
every step kept in one ``(N, T, 4H)`` array, a fully inline BPTT over that array with the
weight gradients summed over time by einsum; one-hot embeddings in ``sample``."""

import numpy as np


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = np.einsum("nd,dk->nk", x, Wx) + np.einsum("nh,hk->nk", prev_h, Wh) + b
    ifo = sigmoid(a[:, : 3 * H])
    g = np.tanh(a[:, 3 * H :])
    next_c = ifo[:, H : 2 * H] * prev_c + ifo[:, :H] * g
    next_h = ifo[:, 2 * H :] * np.tanh(next_c)
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, np.concatenate([ifo, g], axis=1), next_c)


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, gates, next_c = cache
    H = prev_h.shape[1]
    i, f, o, g = (gates[:, k * H : (k + 1) * H] for k in range(4))
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tc**2)
    dgates = np.concatenate([dc * g, dc * prev_c, dnext_h * tc, dc * i], axis=1)
    local = np.concatenate([i * (1 - i), f * (1 - f), o * (1 - o), 1 - g**2], axis=1)
    da = dgates * local
    return (
        np.einsum("nk,dk->nd", da, Wx),
        np.einsum("nk,hk->nh", da, Wh),
        dc * f,
        np.einsum("nd,nk->dk", x, da),
        np.einsum("nh,nk->hk", prev_h, da),
        np.einsum("nk->k", da),
    )


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    xw = np.einsum("ntd,dk->ntk", x, Wx) + b
    gates = np.zeros((N, T, 4 * H))
    cs = np.zeros((N, T, H))
    hs = np.zeros((N, T, H))
    h, c = h0, np.zeros_like(h0)
    for t in range(T):
        a = xw[:, t] + np.einsum("nh,hk->nk", h, Wh)
        gates[:, t, : 3 * H] = sigmoid(a[:, : 3 * H])
        gates[:, t, 3 * H :] = np.tanh(a[:, 3 * H :])
        c = gates[:, t, H : 2 * H] * c + gates[:, t, :H] * gates[:, t, 3 * H :]
        h = gates[:, t, 2 * H : 3 * H] * np.tanh(c)
        cs[:, t], hs[:, t] = c, h
    return hs, (x, h0, Wh, Wx, gates, cs, hs)


def lstm_backward(dh, cache):
    x, h0, Wh, Wx, gates, cs, hs = cache
    N, T, H = dh.shape
    c_prev = np.concatenate([np.zeros((N, 1, H)), cs[:, :-1]], axis=1)
    h_prev = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)
    da = np.zeros_like(gates)
    dh_t, dc_t = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        i, f, o, g = (gates[:, t, k * H : (k + 1) * H] for k in range(4))
        tc = np.tanh(cs[:, t])
        dht = dh[:, t] + dh_t
        dct = dc_t + dht * o * (1 - tc**2)
        da[:, t] = np.concatenate(
            [
                dct * g * i * (1 - i),
                dct * c_prev[:, t] * f * (1 - f),
                dht * tc * o * (1 - o),
                dct * i * (1 - g**2),
            ],
            axis=1,
        )
        dc_t = dct * f
        dh_t = np.einsum("nk,hk->nh", da[:, t], Wh)
    dx = np.einsum("ntk,dk->ntd", da, Wx)
    dWx = np.einsum("ntd,ntk->dk", x, da)
    dWh = np.einsum("nth,ntk->hk", h_prev, da)
    db = np.einsum("ntk->k", da)
    return dx, dh_t, dWx, dWh, db


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
        if self.cell_type == "lstm":
            h, cell_cache = lstm_forward(x, h0, Wx, Wh, b)
        else:
            h, cell_cache = rnn_forward(x, h0, Wx, Wh, b)
        scores = np.einsum("nth,hv->ntv", h, W_vocab) + b_vocab
        loss, dscores = temporal_softmax_loss(scores, cout, mask)

        dh = np.einsum("ntv,hv->nth", dscores, W_vocab)
        if self.cell_type == "lstm":
            dx, dh0, dWx, dWh, db = lstm_backward(dh, cell_cache)
        else:
            dx, dh0, dWx, dWh, db = rnn_backward(dh, cell_cache)
        grads = dict(
            W_embed=word_embedding_backward(dx, emb_cache),
            W_proj=np.einsum("nd,nh->dh", features, dh0),
            b_proj=dh0.sum(0),
            Wx=dWx,
            Wh=dWh,
            b=db,
            W_vocab=np.einsum("nth,ntv->hv", h, dscores),
            b_vocab=np.einsum("ntv->v", dscores),
        )
        return loss, grads

    def sample(self, features, max_length=30):
        W_embed = self.params["W_embed"]
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        h = np.einsum("nd,dh->nh", features, self.params["W_proj"]) + self.params["b_proj"]
        c = np.zeros_like(h)
        word = np.full(features.shape[0], self._start)
        captions = []
        for _ in range(max_length):
            x = np.einsum("nv,vw->nw", np.eye(W_embed.shape[0])[word], W_embed)
            if self.cell_type == "lstm":
                h, c, _ = lstm_step_forward(x, h, c, Wx, Wh, b)
            else:
                h, _ = rnn_step_forward(x, h, Wx, Wh, b)
            scores = np.einsum("nh,hv->nv", h, self.params["W_vocab"]) + self.params["b_vocab"]
            word = np.argmax(scores, axis=-1)
            captions.append(word)
        return np.stack(captions, axis=1)
