# ruff: noqa: F821 - layers come from the notebook's given cells
"""In-place updates everywhere: ``dnext_h *= ...`` on the argument itself, a ``dh`` copied once
and then accumulated with ``+=``, gradients accumulated into preallocated arrays, a loss
that fills a zero-initialised ``grads`` dict with ``+=``; ``h0`` projected via ``.dot``."""

import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    a = x.dot(Wx)
    a += prev_h.dot(Wh)
    a += b
    np.tanh(a, out=a)
    return a, (x, prev_h, Wx, Wh, a)


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    dnext_h *= 1 - next_h**2  # the argument becomes da
    da = dnext_h
    return da.dot(Wx.T), da.dot(Wh.T), x.T.dot(da), prev_h.T.dot(da), da.sum(axis=0)


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    cache = []
    for t in range(T):
        h[:, t], c = rnn_step_forward(x[:, t], h0 if t == 0 else h[:, t - 1], Wx, Wh, b)
        cache.append(c)
    return h, cache


def rnn_backward(dh, cache):
    dh = dh.copy()
    N, T, H = dh.shape
    dx = None
    dWx, dWh, db = 0.0, 0.0, 0.0
    for t in reversed(range(T)):
        dx_t, dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t], cache[t])
        if dx is None:
            dx = np.zeros((N, T, dx_t.shape[1]))
        dx[:, t] = dx_t
        if t > 0:
            dh[:, t - 1] += dprev_h
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    return dx, dprev_h, dWx, dWh, db


def clip_grad_norm(grads, max_norm):
    total_norm = np.sqrt(sum(np.vdot(g, g) for g in grads.values()))
    clipped = {name: g.copy() for name, g in grads.items()}
    if total_norm > max_norm:
        for g in clipped.values():
            g *= max_norm / total_norm
    return clipped, float(total_norm)


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
        h, cache_rnn = rnn_forward(x, h0, Wx, Wh, b)
        scores, cache_vocab = temporal_affine_forward(h, W_vocab, b_vocab)
        loss, dscores = temporal_softmax_loss(scores, captions_out, mask)

        dh, dW_vocab, db_vocab = temporal_affine_backward(dscores, cache_vocab)
        grads["W_vocab"] += dW_vocab
        grads["b_vocab"] += db_vocab
        dx, dh0, dWx, dWh, db = rnn_backward(dh, cache_rnn)
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
        word = np.zeros(N, dtype=int)
        word += self._start
        for t in range(max_length):
            x = self.params["W_embed"][word]
            h, _ = rnn_step_forward(x, h, self.params["Wx"], self.params["Wh"], self.params["b"])
            scores = h.dot(self.params["W_vocab"])
            scores += self.params["b_vocab"]
            captions[:, t] = scores.argmax(axis=1)
            word = captions[:, t]
        return captions
