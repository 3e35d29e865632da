# ruff: noqa: F821 - layers come from the notebook's given cells
"""The CS231n solution found in many public repositories: a six-item step cache in the order
``(x, prev_h, Wh, Wx, b, next_h)``, a list of step caches, ``rnn_backward`` that reads the
sizes from the first step cache itself, the loss wired as in seed 003, and ``sample`` that
passes the current words as an ``(N,)`` array to ``word_embedding_forward``."""

import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h, cache = None, None
    a = prev_h.dot(Wh) + x.dot(Wx) + b
    next_h = np.tanh(a)
    cache = (x, prev_h, Wh, Wx, b, next_h)
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    dx, dprev_h, dWx, dWh, db = None, None, None, None, None
    x, prev_h, Wh, Wx, b, next_h = cache
    da = dnext_h * (1 - next_h**2)
    dx = da.dot(Wx.T)
    dprev_h = da.dot(Wh.T)
    dWx = x.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = np.sum(da, axis=0)
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    h, cache = None, None
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = []
    prev_h = h0
    for t in range(T):
        next_h, cache_t = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = next_h
        cache.append(cache_t)
        prev_h = next_h
    return h, cache


def rnn_backward(dh, cache):
    dx, dh0, dWx, dWh, db = None, None, None, None, None
    x, prev_h, Wh, Wx, b, next_h = cache[0]
    N, T, H = dh.shape
    D = x.shape[1]
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros(H)
    dprev_h = np.zeros((N, H))
    for t in reversed(range(T)):
        dx_t, dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev_h, cache[t])
        dx[:, t, :] = dx_t
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    dh0 = dprev_h
    return dx, dh0, dWx, dWh, db


def clip_grad_norm(grads, max_norm):
    # ported from PyTorch's clip_grad_norm_: the norm of the per-parameter norms, and its
    # 1e-6 against a division by zero
    norms = [np.linalg.norm(g) for g in grads.values()]
    total_norm = np.linalg.norm(norms)
    clip_coef = max_norm / (total_norm + 1e-6)
    if clip_coef < 1:
        return {k: g * clip_coef for k, g in grads.items()}, total_norm
    return {k: g.copy() for k, g in grads.items()}, total_norm


class CaptioningRNN:
    def loss(self, features, captions):
        captions_in = captions[:, :-1]
        captions_out = captions[:, 1:]

        # You'll need this
        mask = captions_out != self._null

        W_proj, b_proj = self.params["W_proj"], self.params["b_proj"]
        W_embed = self.params["W_embed"]
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        W_vocab, b_vocab = self.params["W_vocab"], self.params["b_vocab"]

        loss, grads = 0.0, {}
        h0, cache_h0 = affine_forward(features, W_proj, b_proj)
        x, cache_x = word_embedding_forward(captions_in, W_embed)
        if self.cell_type == "rnn":
            h, cache_h = rnn_forward(x, h0, Wx, Wh, b)
        else:
            h, cache_h = lstm_forward(x, h0, Wx, Wh, b)
        scores, cache_scores = temporal_affine_forward(h, W_vocab, b_vocab)
        loss, dscores = temporal_softmax_loss(scores, captions_out, mask)

        dh, grads["W_vocab"], grads["b_vocab"] = temporal_affine_backward(dscores, cache_scores)
        if self.cell_type == "rnn":
            dx, dh0, grads["Wx"], grads["Wh"], grads["b"] = rnn_backward(dh, cache_h)
        else:
            dx, dh0, grads["Wx"], grads["Wh"], grads["b"] = lstm_backward(dh, cache_h)
        grads["W_embed"] = word_embedding_backward(dx, cache_x)
        _, grads["W_proj"], grads["b_proj"] = affine_backward(dh0, cache_h0)
        return loss, grads

    def sample(self, features, max_length=30):
        N = features.shape[0]
        captions = self._null * np.ones((N, max_length), dtype=np.int32)

        W_proj, b_proj = self.params["W_proj"], self.params["b_proj"]
        W_embed = self.params["W_embed"]
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        W_vocab, b_vocab = self.params["W_vocab"], self.params["b_vocab"]

        h, _ = affine_forward(features, W_proj, b_proj)
        c = np.zeros_like(h)
        word = self._start * np.ones(N, dtype=np.int32)
        for t in range(max_length):
            embed, _ = word_embedding_forward(word, W_embed)
            if self.cell_type == "rnn":
                h, _ = rnn_step_forward(embed, h, Wx, Wh, b)
            else:
                h, c, _ = lstm_step_forward(embed, h, c, Wx, Wh, b)
            scores, _ = affine_forward(h, W_vocab, b_vocab)
            word = np.argmax(scores, axis=1)
            captions[:, t] = word
        return captions
