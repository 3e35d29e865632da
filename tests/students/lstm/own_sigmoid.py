# ruff: noqa: F821 - the layers come from the notebook's given cells
"""A student who writes a sigmoid of their own (``1 / (1 + exp(-z))``, overflow warnings and
all) next to the step, keeps the step state in a ``StepState`` object and reads the sizes in
``lstm_backward`` from the first one; the model keeps its caches on ``self``."""

import numpy as np


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


class StepState:
    """Everything one LSTM step needs for its backward pass."""

    def __init__(self, **values):
        self.__dict__.update(values)


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = x.dot(Wx) + prev_h.dot(Wh) + b
    i, f, o = _sig(a[:, :H]), _sig(a[:, H : 2 * H]), _sig(a[:, 2 * H : 3 * H])
    g = np.tanh(a[:, 3 * H :])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    s = StepState(x=x, prev_h=prev_h, prev_c=prev_c, Wx=Wx, Wh=Wh, i=i, f=f, o=o, g=g, c=next_c)
    return next_h, next_c, s


def lstm_step_backward(dnext_h, dnext_c, cache):
    s = cache
    tc = np.tanh(s.c)
    dc = dnext_c + dnext_h * s.o * (1 - tc**2)
    da = np.hstack(
        [
            dc * s.g * s.i * (1 - s.i),
            dc * s.prev_c * s.f * (1 - s.f),
            dnext_h * tc * s.o * (1 - s.o),
            dc * s.i * (1 - s.g**2),
        ]
    )
    return da.dot(s.Wx.T), da.dot(s.Wh.T), dc * s.f, s.x.T.dot(da), s.prev_h.T.dot(da), da.sum(0)


def lstm_forward(x, h0, Wx, Wh, b):
    states, hs = [], []
    h, c = h0, np.zeros_like(h0)
    for t in range(x.shape[1]):
        h, c, s = lstm_step_forward(x[:, t], h, c, Wx, Wh, b)
        states.append(s)
        hs.append(h)
    return np.array(hs).transpose(1, 0, 2), states


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0].x.shape[1]
    dx = np.zeros((N, T, D))
    acc = [np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), np.zeros(4 * H)]
    dh_t, dc_t = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dx[:, t], dh_t, dc_t, *d = lstm_step_backward(dh[:, t] + dh_t, dc_t, cache[t])
        for total, part in zip(acc, d, strict=True):
            total += part
    return dx, dh_t, acc[0], acc[1], acc[2]


class CaptioningRNN:
    def _forward(self, features, captions_in):
        p = self.params
        self._h0, self._proj = affine_forward(features, p["W_proj"], p["b_proj"])
        x, self._embed = word_embedding_forward(captions_in, p["W_embed"])
        recurrent = lstm_forward if self.cell_type == "lstm" else rnn_forward
        h, self._rec = recurrent(x, self._h0, p["Wx"], p["Wh"], p["b"])
        scores, self._vocab = temporal_affine_forward(h, p["W_vocab"], p["b_vocab"])
        return scores

    def _backward(self, dscores):
        g = {}
        dh, g["W_vocab"], g["b_vocab"] = temporal_affine_backward(dscores, self._vocab)
        recurrent = lstm_backward if self.cell_type == "lstm" else rnn_backward
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
        for _ in range(max_length):
            x = p["W_embed"][words[-1]]
            if self.cell_type == "lstm":
                h, c, _ = lstm_step_forward(x, h, c, p["Wx"], p["Wh"], p["b"])
            else:
                h, _ = rnn_step_forward(x, h, p["Wx"], p["Wh"], p["b"])
            scores, _ = affine_forward(h, p["W_vocab"], p["b_vocab"])
            words.append(np.argmax(scores, axis=1))
        return np.array(words[1:]).T
