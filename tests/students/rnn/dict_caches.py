# ruff: noqa: F821 - layers come from the notebook's given cells
"""Caches as dicts: each step's cache is ``{"x", "prev_h", "next_h", "Wx", "Wh"}``, the
sequence cache ``{"steps": [...], "h0": h0}``; ``rnn_backward`` does the BPTT itself from the
step dicts (no call to ``rnn_step_backward``); the loss keeps its layer caches in a dict."""

import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(np.dot(x, Wx) + np.dot(prev_h, Wh) + b)
    cache = {"x": x, "prev_h": prev_h, "next_h": next_h, "Wx": Wx, "Wh": Wh}
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    da = dnext_h * (1 - np.square(cache["next_h"]))
    dx = np.dot(da, cache["Wx"].T)
    dprev_h = np.dot(da, cache["Wh"].T)
    dWx = np.dot(cache["x"].T, da)
    dWh = np.dot(cache["prev_h"].T, da)
    db = np.sum(da, axis=0)
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    steps, states = [], []
    h_t = h0
    for t in range(x.shape[1]):
        h_t, step = rnn_step_forward(x[:, t, :], h_t, Wx, Wh, b)
        steps.append(step)
        states.append(h_t)
    return np.stack(states, axis=1), {"steps": steps, "h0": h0}


def rnn_backward(dh, cache):
    steps = cache["steps"]
    N, T, H = dh.shape
    D = steps[0]["x"].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    dnext = np.zeros((N, H))
    for t in reversed(range(T)):
        s = steps[t]
        da = (dh[:, t, :] + dnext) * (1 - s["next_h"] ** 2)
        dx[:, t, :] = da @ s["Wx"].T
        dnext = da @ s["Wh"].T
        dWx += s["x"].T @ da
        dWh += s["prev_h"].T @ da
        db += da.sum(axis=0)
    return dx, dnext, dWx, dWh, db


import copy  # noqa: E402 - in the cell that uses them
import math  # noqa: E402


def clip_grad_norm(grads, max_norm):
    squares = {k: float(np.sum(np.square(g, dtype=np.float64))) for k, g in grads.items()}
    total_norm = math.sqrt(math.fsum(squares.values()))
    factor = min(1.0, max_norm / total_norm) if total_norm else 1.0
    clipped = copy.deepcopy(grads)
    for k in clipped:
        clipped[k] = (clipped[k] * factor).astype(grads[k].dtype, copy=False)
    return clipped, total_norm


class CaptioningRNN:
    def loss(self, features, captions):
        if self.cell_type != "rnn":
            raise NotImplementedError("LSTM comes in the next chapter")
        P = self.params
        c_in, c_out = captions[:, :-1], captions[:, 1:]
        mask = c_out != self._null
        caches = {}
        h0, caches["proj"] = affine_forward(features, P["W_proj"], P["b_proj"])
        x, caches["embed"] = word_embedding_forward(c_in, P["W_embed"])
        h, caches["rnn"] = rnn_forward(x, h0, P["Wx"], P["Wh"], P["b"])
        scores, caches["vocab"] = temporal_affine_forward(h, P["W_vocab"], P["b_vocab"])
        loss, dscores = temporal_softmax_loss(scores, c_out, mask)

        grads = {}
        dh, grads["W_vocab"], grads["b_vocab"] = temporal_affine_backward(dscores, caches["vocab"])
        dx, dh0, grads["Wx"], grads["Wh"], grads["b"] = rnn_backward(dh, caches["rnn"])
        grads["W_embed"] = word_embedding_backward(dx, caches["embed"])
        _, grads["W_proj"], grads["b_proj"] = affine_backward(dh0, caches["proj"])
        return loss, grads

    def sample(self, features, max_length=30):
        P = self.params
        N = len(features)
        captions = np.full((N, max_length), self._null, dtype=np.int32)
        h, _ = affine_forward(features, P["W_proj"], P["b_proj"])
        prev_word = np.full(N, self._start)
        for t in range(max_length):
            h, _ = rnn_step_forward(P["W_embed"][prev_word], h, P["Wx"], P["Wh"], P["b"])
            scores, _ = affine_forward(h, P["W_vocab"], P["b_vocab"])
            prev_word = scores.argmax(1)
            captions[:, t] = prev_word
        return captions
