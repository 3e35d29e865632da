# ruff: noqa: F821 - layers come from the notebook's given cells
"""Loops: the docstring's step cache ``(x, prev_h, Wx, Wh, next_h)``, weight gradients summed
example by example, a list of step caches handed back to ``rnn_step_backward`` untouched;
``loss`` unrolls time itself with the step functions and inlines the projection and the
embedding; ``sample`` greedy per time step with ``W_embed[word]``. RNN only."""

import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    return next_h, (x, prev_h, Wx, Wh, next_h)


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, next_h = cache
    N = x.shape[0]
    da = dnext_h * (1.0 - next_h * next_h)
    dWx = np.zeros(Wx.shape)
    dWh = np.zeros(Wh.shape)
    db = np.zeros(Wh.shape[1])
    for n in range(N):
        dWx += np.outer(x[n], da[n])
        dWh += np.outer(prev_h[n], da[n])
        db += da[n]
    return da @ Wx.T, da @ Wh.T, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    caches = []
    state = h0
    for t in range(T):
        state, c = rnn_step_forward(x[:, t], state, Wx, Wh, b)
        h[:, t] = state
        caches.append(c)
    return h, caches


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    dx_steps = [None] * T
    dWx = dWh = db = 0
    carry = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx_t, carry, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t] + carry, cache[t])
        dx_steps[t] = dx_t
        dWx = dWx + dWx_t
        dWh = dWh + dWh_t
        db = db + db_t
    return np.stack(dx_steps, axis=1), carry, dWx, dWh, db


def clip_grad_norm(grads, max_norm):
    total = 0.0
    for name in grads:
        total += np.sum(grads[name] ** 2)
    total_norm = float(np.sqrt(total))
    scale = 1.0
    if total_norm > max_norm:
        scale = max_norm / total_norm
    clipped = {}
    for name in grads:
        clipped[name] = grads[name] * scale
    return clipped, total_norm


class CaptioningRNN:
    def loss(self, features, captions):
        p = self.params
        inputs, targets = captions[:, :-1], captions[:, 1:]
        mask = targets != self._null
        N, T = inputs.shape

        h = features @ p["W_proj"] + p["b_proj"]  # projection, inline
        words = p["W_embed"][inputs]  # embedding, inline
        steps, hs = [], []
        for t in range(T):
            h, c = rnn_step_forward(words[:, t], h, p["Wx"], p["Wh"], p["b"])
            steps.append(c)
            hs.append(h)
        hs = np.stack(hs, axis=1)
        scores, vocab_cache = temporal_affine_forward(hs, p["W_vocab"], p["b_vocab"])
        loss, dscores = temporal_softmax_loss(scores, targets, mask)

        dhs, dW_vocab, db_vocab = temporal_affine_backward(dscores, vocab_cache)
        dWx, dWh, db = np.zeros_like(p["Wx"]), np.zeros_like(p["Wh"]), np.zeros_like(p["b"])
        dwords = np.zeros_like(words)
        dh = np.zeros((N, p["Wh"].shape[0]))
        for t in reversed(range(T)):
            dwords[:, t], dh, a, b_, c_ = rnn_step_backward(dhs[:, t] + dh, steps[t])
            dWx += a
            dWh += b_
            db += c_
        dW_embed = np.zeros_like(p["W_embed"])
        np.add.at(dW_embed, inputs, dwords)
        grads = {
            "W_proj": features.T @ dh,
            "b_proj": dh.sum(axis=0),
            "W_embed": dW_embed,
            "Wx": dWx,
            "Wh": dWh,
            "b": db,
            "W_vocab": dW_vocab,
            "b_vocab": db_vocab,
        }
        return loss, grads

    def sample(self, features, max_length=30):
        p = self.params
        N = features.shape[0]
        out = np.zeros((N, max_length), dtype=np.int64)
        h = features @ p["W_proj"] + p["b_proj"]
        word = np.array([self._start] * N)
        for t in range(max_length):
            h, _ = rnn_step_forward(p["W_embed"][word], h, p["Wx"], p["Wh"], p["b"])
            scores = h @ p["W_vocab"] + p["b_vocab"]
            word = scores.argmax(axis=1)
            out[:, t] = word
        return out
