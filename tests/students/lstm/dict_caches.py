# ruff: noqa: F821 - sigmoid and the layers come from the notebook's given cells
"""Caches as dicts keyed by what they hold; ``np.split`` of the pre-activation into the four
gates; ``lstm_forward`` keeps ``{"steps": [...]}`` and ``lstm_backward`` hands each step's dict
back to ``lstm_step_backward``, starting from ``dnext_c = 0``; the loss keeps its layer
caches in a dict."""

import numpy as np


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    a = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    a_i, a_f, a_o, a_g = np.split(a, 4, axis=1)
    gates = {"i": sigmoid(a_i), "f": sigmoid(a_f), "o": sigmoid(a_o), "g": np.tanh(a_g)}
    next_c = gates["f"] * prev_c + gates["i"] * gates["g"]
    tanh_c = np.tanh(next_c)
    next_h = gates["o"] * tanh_c
    cache = dict(gates, x=x, prev_h=prev_h, prev_c=prev_c, Wx=Wx, Wh=Wh, tanh_c=tanh_c)
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    i, f, o, g = cache["i"], cache["f"], cache["o"], cache["g"]
    tanh_c = cache["tanh_c"]
    dc = dnext_c + dnext_h * o * (1 - tanh_c**2)
    grads = {
        "i": dc * g * i * (1 - i),
        "f": dc * cache["prev_c"] * f * (1 - f),
        "o": dnext_h * tanh_c * o * (1 - o),
        "g": dc * i * (1 - g**2),
    }
    da = np.hstack([grads[k] for k in "ifog"])
    dx = np.dot(da, cache["Wx"].T)
    dprev_h = np.dot(da, cache["Wh"].T)
    dWx = np.dot(cache["x"].T, da)
    dWh = np.dot(cache["prev_h"].T, da)
    return dx, dprev_h, dc * f, dWx, dWh, np.sum(da, axis=0)


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    steps = []
    h_t, c_t = h0, np.zeros((N, H))
    for t in range(T):
        h_t, c_t, step = lstm_step_forward(x[:, t, :], h_t, c_t, Wx, Wh, b)
        h[:, t, :] = h_t
        steps.append(step)
    return h, {"steps": steps, "D": x.shape[2]}


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    dx = np.zeros((N, T, cache["D"]))
    totals = {"Wx": 0.0, "Wh": 0.0, "b": 0.0}
    dh_t, dc_t = np.zeros((N, H)), 0  # no gradient into the last cell state yet
    for t in reversed(range(T)):
        dx[:, t, :], dh_t, dc_t, dWx, dWh, db = lstm_step_backward(
            dh[:, t, :] + dh_t, dc_t, cache["steps"][t]
        )
        totals["Wx"] = totals["Wx"] + dWx
        totals["Wh"] = totals["Wh"] + dWh
        totals["b"] = totals["b"] + db
    return dx, dh_t, totals["Wx"], totals["Wh"], totals["b"]


class CaptioningRNN:
    def loss(self, features, captions):
        P = self.params
        c_in, c_out = captions[:, :-1], captions[:, 1:]
        mask = c_out != self._null
        forward = {"rnn": rnn_forward, "lstm": lstm_forward}[self.cell_type]
        backward = {"rnn": rnn_backward, "lstm": lstm_backward}[self.cell_type]
        caches = {}
        h0, caches["proj"] = affine_forward(features, P["W_proj"], P["b_proj"])
        x, caches["embed"] = word_embedding_forward(c_in, P["W_embed"])
        h, caches["cell"] = forward(x, h0, P["Wx"], P["Wh"], P["b"])
        scores, caches["vocab"] = temporal_affine_forward(h, P["W_vocab"], P["b_vocab"])
        loss, dscores = temporal_softmax_loss(scores, c_out, mask)

        grads = {}
        dh, grads["W_vocab"], grads["b_vocab"] = temporal_affine_backward(dscores, caches["vocab"])
        dx, dh0, grads["Wx"], grads["Wh"], grads["b"] = backward(dh, caches["cell"])
        grads["W_embed"] = word_embedding_backward(dx, caches["embed"])
        _, grads["W_proj"], grads["b_proj"] = affine_backward(dh0, caches["proj"])
        return loss, grads

    def sample(self, features, max_length=30):
        P = self.params
        N = len(features)
        captions = np.full((N, max_length), self._null, dtype=np.int32)
        h, _ = affine_forward(features, P["W_proj"], P["b_proj"])
        c = np.zeros(h.shape)
        prev_word = np.full(N, self._start)
        for t in range(max_length):
            x = P["W_embed"][prev_word]
            if self.cell_type == "lstm":
                h, c, _ = lstm_step_forward(x, h, c, P["Wx"], P["Wh"], P["b"])
            else:
                h, _ = rnn_step_forward(x, h, P["Wx"], P["Wh"], P["b"])
            scores, _ = affine_forward(h, P["W_vocab"], P["b_vocab"])
            prev_word = scores.argmax(1)
            captions[:, t] = prev_word
        return captions
