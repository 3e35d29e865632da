# ruff: noqa: F821 - sigmoid and the layers come from the notebook's given cells
"""In-place updates: ``dnext_c += dnext_h * o * (1 - tanh_c**2)`` on the argument (the most
common way to add the path through ``next_h``), gate gradients written into one preallocated
``da``, gradients accumulated with ``+=``; the model fills a zero ``grads`` dict with ``+=``."""

import numpy as np


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x @ Wx
    a += prev_h @ Wh
    a += b
    a[:, : 3 * H] = sigmoid(a[:, : 3 * H])
    a[:, 3 * H :] = np.tanh(a[:, 3 * H :])
    i, f, o, g = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
    next_c = f * prev_c + i * g
    tanh_c = np.tanh(next_c)
    next_h = o * tanh_c
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, a, tanh_c)


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, act, tanh_c = cache
    H = prev_h.shape[1]
    i, f, o, g = act[:, :H], act[:, H : 2 * H], act[:, 2 * H : 3 * H], act[:, 3 * H :]
    dnext_c += dnext_h * o * (1 - tanh_c**2)
    da = np.empty_like(act)
    da[:, :H] = dnext_c * g * i * (1 - i)
    da[:, H : 2 * H] = dnext_c * prev_c * f * (1 - f)
    da[:, 2 * H : 3 * H] = dnext_h * tanh_c * o * (1 - o)
    da[:, 3 * H :] = dnext_c * i * (1 - g**2)
    return da @ Wx.T, da @ Wh.T, dnext_c * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    c = np.zeros((N, H))
    cache = []
    for t in range(T):
        h[:, t], c, step = lstm_step_forward(x[:, t], h0 if t == 0 else h[:, t - 1], c, Wx, Wh, b)
        cache.append(step)
    return h, cache


def lstm_backward(dh, cache):
    dh = dh.copy()
    N, T, H = dh.shape
    dx = None
    dc = np.zeros((N, H))
    dWx, dWh, db = 0.0, 0.0, 0.0
    for t in reversed(range(T)):
        dx_t, dprev_h, dc, dWx_t, dWh_t, db_t = lstm_step_backward(dh[:, t], dc, cache[t])
        if dx is None:
            dx = np.zeros((N, T, dx_t.shape[1]))
        dx[:, t] = dx_t
        if t > 0:
            dh[:, t - 1] += dprev_h
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db


class CaptioningRNN:
    def loss(self, features, captions):
        grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        W_proj, b_proj = self.params["W_proj"], self.params["b_proj"]
        W_embed = self.params["W_embed"]
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        W_vocab, b_vocab = self.params["W_vocab"], self.params["b_vocab"]

        captions_in, captions_out = captions[:, :-1], captions[:, 1:]
        mask = captions_out != self._null
        h0 = features.dot(W_proj) + b_proj
        x, cache_embed = word_embedding_forward(captions_in, W_embed)
        if self.cell_type == "rnn":
            h, cache_cell = rnn_forward(x, h0, Wx, Wh, b)
        else:
            h, cache_cell = lstm_forward(x, h0, Wx, Wh, b)
        scores, cache_vocab = temporal_affine_forward(h, W_vocab, b_vocab)
        loss, dscores = temporal_softmax_loss(scores, captions_out, mask)

        dh, dW_vocab, db_vocab = temporal_affine_backward(dscores, cache_vocab)
        grads["W_vocab"] += dW_vocab
        grads["b_vocab"] += db_vocab
        if self.cell_type == "rnn":
            dx, dh0, dWx, dWh, db = rnn_backward(dh, cache_cell)
        else:
            dx, dh0, dWx, dWh, db = lstm_backward(dh, cache_cell)
        grads["Wx"] += dWx
        grads["Wh"] += dWh
        grads["b"] += db
        grads["W_embed"] += word_embedding_backward(dx, cache_embed)
        grads["W_proj"] += features.T.dot(dh0)
        grads["b_proj"] += dh0.sum(axis=0)
        return loss, grads

    def sample(self, features, max_length=30):
        N = features.shape[0]
        captions = np.zeros((N, max_length), dtype=int)
        h = features.dot(self.params["W_proj"]) + self.params["b_proj"]
        c = np.zeros_like(h)
        word = np.zeros(N, dtype=int)
        word += self._start
        Wx, Wh, b = self.params["Wx"], self.params["Wh"], self.params["b"]
        for t in range(max_length):
            x = self.params["W_embed"][word]
            if self.cell_type == "rnn":
                h, _ = rnn_step_forward(x, h, Wx, Wh, b)
            else:
                h, c, _ = lstm_step_forward(x, h, c, Wx, Wh, b)
            scores = h.dot(self.params["W_vocab"])
            scores += self.params["b_vocab"]
            captions[:, t] = scores.argmax(axis=1)
            word = captions[:, t]
        return captions
