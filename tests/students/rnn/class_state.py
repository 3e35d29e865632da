# ruff: noqa: F821, B007 - layers come from the notebook's given cells; an unused loop index
"""State in objects: a small ``StepCache`` class holds what a step needs, ``rnn_backward``
reads the sizes from the last ``StepCache``; the model keeps its forward caches on ``self``
between a ``_forward`` and a ``_backward`` helper method; both cell types wired. Clipping by
a ``np.hypot`` reduction of the per-parameter norms, returned in an ``OrderedDict`` (the
pre-3.7 habit of keeping the parameters' order)."""

import numpy as np


class StepCache:
    """What one RNN step keeps for its backward pass."""

    def __init__(self, x, prev_h, Wx, Wh, next_h):
        self.x, self.prev_h, self.Wx, self.Wh, self.next_h = x, prev_h, Wx, Wh, next_h

    def dtanh(self):
        return 1 - self.next_h**2


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x.dot(Wx) + prev_h.dot(Wh) + b)
    return next_h, StepCache(x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(dnext_h, cache):
    da = dnext_h * cache.dtanh()
    return (
        da.dot(cache.Wx.T),
        da.dot(cache.Wh.T),
        cache.x.T.dot(da),
        cache.prev_h.T.dot(da),
        da.sum(axis=0),
    )


def rnn_forward(x, h0, Wx, Wh, b):
    caches, h = [], []
    state = h0
    for t in range(x.shape[1]):
        state, cache = rnn_step_forward(x[:, t], state, Wx, Wh, b)
        caches.append(cache)
        h.append(state)
    return np.array(h).transpose(1, 0, 2), caches


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[-1].x.shape[1]
    dx = np.zeros((N, T, D))
    grads = [np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)]
    dprev = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dprev, *dparams = rnn_step_backward(dh[:, t] + dprev, cache[t])
        for g, d in zip(grads, dparams, strict=True):
            g += d
    return (dx, dprev, *grads)


import functools  # noqa: E402 - in the cell that uses them
from collections import OrderedDict  # noqa: E402


def clip_grad_norm(grads, max_norm):
    total_norm = float(functools.reduce(np.hypot, map(np.linalg.norm, grads.values()), 0.0))
    shrink = max_norm / total_norm if total_norm > max_norm else 1.0
    return OrderedDict(zip(grads, (g * shrink for g in grads.values()), strict=True)), total_norm


class CaptioningRNN:
    def _forward(self, features, captions_in):
        p = self.params
        self._h0, self._proj = affine_forward(features, p["W_proj"], p["b_proj"])
        x, self._embed = word_embedding_forward(captions_in, p["W_embed"])
        recurrent = rnn_forward if self.cell_type == "rnn" else lstm_forward
        h, self._rec = recurrent(x, self._h0, p["Wx"], p["Wh"], p["b"])
        scores, self._vocab = temporal_affine_forward(h, p["W_vocab"], p["b_vocab"])
        return scores

    def _backward(self, dscores):
        g = {}
        dh, g["W_vocab"], g["b_vocab"] = temporal_affine_backward(dscores, self._vocab)
        recurrent = rnn_backward if self.cell_type == "rnn" else lstm_backward
        dx, dh0, g["Wx"], g["Wh"], g["b"] = recurrent(dh, self._rec)
        g["W_embed"] = word_embedding_backward(dx, self._embed)
        _, g["W_proj"], g["b_proj"] = affine_backward(dh0, self._proj)
        return g

    def loss(self, features, captions):
        scores = self._forward(features, captions[:, :-1])
        target = captions[:, 1:]
        loss, dscores = temporal_softmax_loss(scores, target, target != self._null)
        return loss, self._backward(dscores)

    def sample(self, features, max_length=30):
        p = self.params
        h, _ = affine_forward(features, p["W_proj"], p["b_proj"])
        c = np.zeros_like(h)
        words = [np.full(features.shape[0], self._start)]
        for t in range(max_length):
            x = p["W_embed"][words[-1]]
            if self.cell_type == "rnn":
                h, _ = rnn_step_forward(x, h, p["Wx"], p["Wh"], p["b"])
            else:
                h, c, _ = lstm_step_forward(x, h, c, p["Wx"], p["Wh"], p["b"])
            scores, _ = affine_forward(h, p["W_vocab"], p["b_vocab"])
            words.append(np.argmax(scores, axis=1))
        return np.array(words[1:]).T
