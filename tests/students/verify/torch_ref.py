"""The recurrent layers and the captioning model written once more, in PyTorch (float64),
so that autograd can check the students' backward passes."""

import numpy as np


def _torch():
    import torch

    return torch


def tensors(*arrays):
    """float64 leaf tensors that collect gradients."""
    torch = _torch()
    return [torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in arrays]


def rnn_step(x, h, Wx, Wh, b):
    return _torch().tanh(x @ Wx + h @ Wh + b)


def lstm_step(x, h, c, Wx, Wh, b):
    torch = _torch()
    H = h.shape[1]
    a = x @ Wx + h @ Wh + b
    i, f, o = (torch.sigmoid(a[:, k * H : (k + 1) * H]) for k in range(3))
    g = torch.tanh(a[:, 3 * H :])
    c = f * c + i * g
    return o * torch.tanh(c), c


def sequence(cell, x, h0, Wx, Wh, b):
    """Hidden states (N, T, H) of an rnn or lstm over x (N, T, D); c0 = 0."""
    torch = _torch()
    h, c, hs = h0, torch.zeros_like(h0), []
    for t in range(x.shape[1]):
        if cell == "rnn":
            h = rnn_step(x[:, t], h, Wx, Wh, b)
        else:
            h, c = lstm_step(x[:, t], h, c, Wx, Wh, b)
        hs.append(h)
    return torch.stack(hs, dim=1)


def captioning_loss(cell, params, features, captions, null):
    """Loss of the captioning model with tensors ``params``; grads land in ``.grad``."""
    torch = _torch()
    cin, cout = torch.tensor(captions[:, :-1]), torch.tensor(captions[:, 1:])
    h0 = torch.tensor(features) @ params["W_proj"] + params["b_proj"]
    x = params["W_embed"][cin]
    h = sequence(cell, x, h0, params["Wx"], params["Wh"], params["b"])
    scores = h @ params["W_vocab"] + params["b_vocab"]
    N, T, V = scores.shape
    per = torch.nn.functional.cross_entropy(
        scores.reshape(N * T, V), cout.reshape(-1), reduction="none"
    )
    mask = (cout != null).reshape(-1).to(torch.float64)
    return (per * mask).sum() / N


def captioning_sample(cell, params, features, start, max_length):
    torch = _torch()
    with torch.no_grad():
        h = torch.tensor(features) @ params["W_proj"] + params["b_proj"]
        c = torch.zeros_like(h)
        word = torch.full((features.shape[0],), start, dtype=torch.long)
        out = []
        for _ in range(max_length):
            x = params["W_embed"][word]
            if cell == "rnn":
                h = rnn_step(x, h, params["Wx"], params["Wh"], params["b"])
            else:
                h, c = lstm_step(x, h, c, params["Wx"], params["Wh"], params["b"])
            word = torch.argmax(h @ params["W_vocab"] + params["b_vocab"], dim=1)
            out.append(word)
        return torch.stack(out, dim=1).numpy()
