"""Checks of the rnn and lstm chapters: steps, sequences and the captioning model.

Numeric checks compare each backward pass with centered differences of the student's own
forward pass (so a pair that is consistent but differs from the math would still fail the
forward's definition check) and each forward with the recurrence written out here.
Autograd checks compare both with :mod:`.torch_ref`.
"""

import numpy as np

from students.verify import check, torch_ref
from students.verify.numeric import close, num_grad, same


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _lstm_step(x, h, c, Wx, Wh, b):
    H = h.shape[1]
    a = x @ Wx + h @ Wh + b
    i, f, o, g = (
        _sigmoid(a[:, :H]),
        _sigmoid(a[:, H : 2 * H]),
        _sigmoid(a[:, 2 * H : 3 * H]),
        np.tanh(a[:, 3 * H :]),
    )
    c = f * c + i * g
    return o * np.tanh(c), c


def _sequence(cell, x, h0, Wx, Wh, b):
    h, c, hs = h0, np.zeros_like(h0), []
    for t in range(x.shape[1]):
        if cell == "rnn":
            h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        else:
            h, c = _lstm_step(x[:, t], h, c, Wx, Wh, b)
        hs.append(h)
    return np.stack(hs, axis=1)


def _weights(rng, cell, N, D, H, T=None):
    k = 4 if cell == "lstm" else 1
    x = rng.standard_normal((N, D) if T is None else (N, T, D))
    return (
        x,
        rng.standard_normal((N, H)),
        *(0.5 * rng.standard_normal(s) for s in [(D, k * H), (H, k * H), (k * H,)]),
    )


# ---- single steps -------------------------------------------------------------------


def _step_checks(cell):
    fwd, bwd = f"{cell}_step_forward", f"{cell}_step_backward"
    outs = ("next_h", "next_c") if cell == "lstm" else ("next_h",)

    def inputs(rng):
        x, h, Wx, Wh, b = _weights(rng, cell, 3, 4, 5)
        return (
            (x, h, rng.standard_normal(h.shape), Wx, Wh, b) if cell == "lstm" else (x, h, Wx, Wh, b)
        )

    def definition(args):
        if cell == "lstm":
            return _lstm_step(*args)
        x, h, Wx, Wh, b = args
        return (np.tanh(x @ Wx + h @ Wh + b),)

    @check(fwd, "numeric")
    def forward(ns, rng):
        args = inputs(rng)
        got = ns[fwd](*args)
        for label, g, w in zip(outs, got, definition(args), strict=False):
            close(label, g, w, 1e-12)

    @check(bwd, "numeric")
    def backward(ns, rng):
        args = inputs(rng)
        out = ns[fwd](*[a.copy() for a in args])
        ups = [rng.standard_normal(args[1].shape) for _ in outs]
        grads = ns[bwd](*[u.copy() for u in ups], out[-1])
        for k, (label, g) in enumerate(zip(_labels(cell), grads, strict=True)):

            def f(v, k=k):
                a = list(args)
                a[k] = v
                res = ns[fwd](*a)
                return sum(np.sum(r * u) for r, u in zip(res[: len(outs)], ups, strict=False))

            close(label, g, num_grad(f, args[k]), 1e-7)

    @check(bwd, "autograd")
    def backward_torch(ns, rng):
        args = inputs(rng)
        ts = torch_ref.tensors(*args)
        res = torch_ref.lstm_step(*ts) if cell == "lstm" else (torch_ref.rnn_step(*ts),)
        ups = [rng.standard_normal(args[1].shape) for _ in outs]
        sum(
            (r * torch_ref._torch().tensor(u)).sum() for r, u in zip(res, ups, strict=False)
        ).backward()
        out = ns[fwd](*[a.copy() for a in args])
        for label, g, w in zip(outs, out, res, strict=False):
            close(f"{label} vs torch", g, w.detach().numpy(), 1e-12)
        grads = ns[bwd](*[u.copy() for u in ups], out[-1])
        for label, g, t in zip(_labels(cell), grads, ts, strict=True):
            close(f"{label} vs torch", g, t.grad.numpy(), 1e-10)


def _labels(cell):
    if cell == "lstm":
        return ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")
    return ("dx", "dprev_h", "dWx", "dWh", "db")


# ---- sequences ----------------------------------------------------------------------


def _sequence_checks(cell):
    fwd, bwd = f"{cell}_forward", f"{cell}_backward"
    labels = ("dx", "dh0", "dWx", "dWh", "db")

    @check(fwd, "numeric")
    def forward(ns, rng):
        for T in (1, 4):
            args = _weights(rng, cell, 2, 3, 4, T)
            h, _ = ns[fwd](*args)
            close(f"h (T={T})", h, _sequence(cell, *args), 1e-12)

    @check(bwd, "numeric")
    def backward(ns, rng):
        for T in (1, 4):
            args = _weights(rng, cell, 2, 3, 4, T)
            h, cache = ns[fwd](*args)
            dh = rng.standard_normal(h.shape)
            grads = ns[bwd](dh.copy(), cache)
            for k, (label, g) in enumerate(zip(labels, grads, strict=True)):

                def f(v, k=k, args=args):
                    a = list(args)
                    a[k] = v
                    return ns[fwd](*a)[0]

                close(f"{label} (T={T})", g, num_grad(f, args[k], dh), 1e-7)

    @check(bwd, "autograd")
    def backward_torch(ns, rng):
        for T in (1, 5):
            args = _weights(rng, cell, 3, 2, 3, T)
            ts = torch_ref.tensors(*args)
            out = torch_ref.sequence(cell, *ts)
            dh = rng.standard_normal(tuple(out.shape))
            out.backward(torch_ref._torch().tensor(dh))
            h, cache = ns[fwd](*args)
            close(f"h vs torch (T={T})", h, out.detach().numpy(), 1e-12)
            grads = ns[bwd](dh.copy(), cache)
            for label, g, t in zip(labels, grads, ts, strict=True):
                close(f"{label} vs torch (T={T})", g, t.grad.numpy(), 1e-10)


# ---- the captioning model -----------------------------------------------------------


def _model(ns, rng, cell):
    words = ["<NULL>", "<START>", "<END>", "<UNK>", "a", "b", "c"]
    w2i = {w: i for i, w in enumerate(words)}
    model = ns["CaptioningRNN"](
        w2i, input_dim=4, wordvec_dim=3, hidden_dim=5, cell_type=cell, dtype=np.float64
    )
    model.params = {k: 0.8 * rng.standard_normal(v.shape) for k, v in model.params.items()}
    N, T = 3, 5
    features = rng.standard_normal((N, 4))
    captions = rng.integers(2, len(words), size=(N, T + 1))
    captions[:, 0] = w2i["<START>"]
    captions[1, 3:] = captions[2, 2:] = w2i["<NULL>"]
    return model, features, captions


def _captioning_checks(cell, name):
    @check(f"CaptioningRNN.loss{name}", "numeric")
    def loss(ns, rng):
        model, features, captions = _model(ns, rng, cell)
        value, grads = model.loss(features, captions)
        assert set(grads) == set(model.params), sorted(grads)
        for k in sorted(model.params):

            def f(v, k=k):
                keep = model.params[k]
                model.params[k] = v
                try:
                    return model.loss(features, captions)[0]
                finally:
                    model.params[k] = keep

            close(f"grads[{k!r}]", grads[k], num_grad(f, model.params[k]), 1e-6)

    @check(f"CaptioningRNN.loss{name}", "autograd")
    def loss_torch(ns, rng):
        model, features, captions = _model(ns, rng, cell)
        value, grads = model.loss(features, captions)
        keys = sorted(model.params)
        params = dict(zip(keys, torch_ref.tensors(*(model.params[k] for k in keys)), strict=True))
        want = torch_ref.captioning_loss(cell, params, features, captions, model._null)
        want.backward()
        close("loss vs torch", value, want.item(), 1e-10)
        for k in keys:
            close(f"grads[{k!r}] vs torch", grads[k], params[k].grad.numpy(), 1e-9)

    def greedy(model, features, T):
        p = model.params
        h, c = features @ p["W_proj"] + p["b_proj"], None
        c = np.zeros_like(h)
        word, out = np.full(len(features), model._start), []
        for _ in range(T):
            x = p["W_embed"][word]
            if cell == "rnn":
                h = np.tanh(x @ p["Wx"] + h @ p["Wh"] + p["b"])
            else:
                h, c = _lstm_step(x, h, c, p["Wx"], p["Wh"], p["b"])
            word = np.argmax(h @ p["W_vocab"] + p["b_vocab"], axis=1)
            out.append(word)
        return np.stack(out, axis=1)

    @check(f"CaptioningRNN.sample{name}", "numeric")
    def sample(ns, rng):
        model, features, _ = _model(ns, rng, cell)
        got = model.sample(features, max_length=7)
        assert np.issubdtype(np.asarray(got).dtype, np.integer), "captions must be integers"
        same("captions", got, greedy(model, features, 7))

    @check(f"CaptioningRNN.sample{name}", "autograd")
    def sample_torch(ns, rng):
        model, features, _ = _model(ns, rng, cell)
        keys = sorted(model.params)
        params = dict(zip(keys, torch_ref.tensors(*(model.params[k] for k in keys)), strict=True))
        want = torch_ref.captioning_sample(cell, params, features, model._start, 6)
        same("captions vs torch", model.sample(features, max_length=6), want)


for _cell in ("rnn", "lstm"):
    _step_checks(_cell)
    _sequence_checks(_cell)
_captioning_checks("rnn", "")
_captioning_checks("lstm", ":lstm")
