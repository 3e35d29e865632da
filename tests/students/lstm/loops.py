# ruff: noqa: F821 - sigmoid and the layers come from the notebook's given cells
"""Gate by gate: each gate with its own column block of ``Wx``/``Wh``/``b``, the cell state
starting as ``prev_c = 0`` and the cell gradient as ``dnext_c = 0`` (numbers that broadcast),
a per-step list of caches; the loss unrolls time with the step functions for both cell types,
``sample`` writes each caption word by word."""

import numpy as np


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    gates = []
    for k in range(4):
        cols = slice(k * H, (k + 1) * H)
        gates.append(x @ Wx[:, cols] + prev_h @ Wh[:, cols] + b[cols])
    i, f, o = sigmoid(gates[0]), sigmoid(gates[1]), sigmoid(gates[2])
    g = np.tanh(gates[3])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    return next_h, next_c, (x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c)


def lstm_step_backward(dnext_h, dnext_c, cache):
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, next_c = cache
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tc * tc)
    blocks = [
        dc * g * i * (1 - i),  # input gate
        dc * prev_c * f * (1 - f),  # forget gate
        dnext_h * tc * o * (1 - o),  # output gate
        dc * i * (1 - g * g),  # candidate
    ]
    da = np.concatenate(blocks, axis=1)
    return da @ Wx.T, da @ Wh.T, dc * f, x.T @ da, prev_h.T @ da, da.sum(axis=0)


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    hs, caches = [], []
    h, c = h0, 0
    for t in range(T):
        h, c, cache = lstm_step_forward(x[:, t], h, c, Wx, Wh, b)
        hs.append(h)
        caches.append(cache)
    return np.stack(hs, axis=1), caches


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    dxs = [None] * T
    dWx = dWh = db = 0
    dh_next, dc_next = 0, 0
    for t in reversed(range(T)):
        dxs[t], dh_next, dc_next, a, b_, c_ = lstm_step_backward(
            dh[:, t] + dh_next, dc_next, cache[t]
        )
        dWx, dWh, db = dWx + a, dWh + b_, db + c_
    return np.stack(dxs, axis=1), dh_next, dWx, dWh, db


class CaptioningRNN:
    def loss(self, features, captions):
        p = self.params
        inputs, targets = captions[:, :-1], captions[:, 1:]
        mask = targets != self._null
        N, T = inputs.shape
        H = p["Wh"].shape[0]

        h = features @ p["W_proj"] + p["b_proj"]
        c = np.zeros_like(h)
        words = p["W_embed"][inputs]
        steps, hs = [], []
        for t in range(T):
            if self.cell_type == "rnn":
                h, cache = rnn_step_forward(words[:, t], h, p["Wx"], p["Wh"], p["b"])
            else:
                h, c, cache = lstm_step_forward(words[:, t], h, c, p["Wx"], p["Wh"], p["b"])
            steps.append(cache)
            hs.append(h)
        scores, vocab_cache = temporal_affine_forward(
            np.stack(hs, axis=1), p["W_vocab"], p["b_vocab"]
        )
        loss, dscores = temporal_softmax_loss(scores, targets, mask)

        dhs, dW_vocab, db_vocab = temporal_affine_backward(dscores, vocab_cache)
        dWx, dWh, db = np.zeros_like(p["Wx"]), np.zeros_like(p["Wh"]), np.zeros_like(p["b"])
        dwords = np.zeros_like(words)
        dh, dc = np.zeros((N, H)), np.zeros((N, H))
        for t in reversed(range(T)):
            if self.cell_type == "rnn":
                dwords[:, t], dh, gx, gh, gb = rnn_step_backward(dhs[:, t] + dh, steps[t])
            else:
                dwords[:, t], dh, dc, gx, gh, gb = lstm_step_backward(dhs[:, t] + dh, dc, steps[t])
            dWx += gx
            dWh += gh
            db += gb
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
        c = np.zeros_like(h)
        word = np.array([self._start] * N)
        for t in range(max_length):
            x = p["W_embed"][word]
            if self.cell_type == "rnn":
                h, _ = rnn_step_forward(x, h, p["Wx"], p["Wh"], p["b"])
            else:
                h, c, _ = lstm_step_forward(x, h, c, p["Wx"], p["Wh"], p["b"])
            word = (h @ p["W_vocab"] + p["b_vocab"]).argmax(axis=1)
            for n in range(N):
                out[n, t] = word[n]
        return out
