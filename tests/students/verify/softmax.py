"""Checks of the softmax chapter: definitions, shift invariance, gradients of the losses."""

import numpy as np

from students.verify import check
from students.verify.numeric import close, num_grad


def _scores(rng, *shape, offset=0.0):
    """Scores of moderate spread around ``offset`` (a max-shifted softmax is exact there)."""
    return offset + 3.0 * rng.standard_normal(shape)


def _lse(f):
    return np.logaddexp.reduce(f, axis=-1, keepdims=True)


@check("softmax", "numeric")
def softmax(ns, rng):
    for shape in [(4, 5), (1, 6)]:  # (N, C), as the chapter uses it
        f = _scores(rng, *shape)
        want = np.exp(f - _lse(f))
        close("softmax", ns["softmax"](f), want, 1e-10)
        close("softmax(f + 1000)", ns["softmax"](f + 1000.0), want, 1e-10)
    close("saturated row", ns["softmax"](np.array([[-1000.0, 0.0, 1000.0]])), [[0, 0, 1.0]])


@check("softmax", "autograd")
def softmax_torch(ns, rng):
    import torch

    f = _scores(rng, 5, 7, offset=500.0)
    close("softmax vs torch", ns["softmax"](f), torch.softmax(torch.tensor(f), -1).numpy(), 1e-10)


@check("logsumexp", "numeric")
def logsumexp(ns, rng):
    for shape in [(4, 5), (6,), (2, 3, 4)]:  # one value per row, any leading shape
        f = _scores(rng, *shape)
        for g in (f, f + 1000.0, f - 1000.0):
            g0 = g.copy()
            got = ns["logsumexp"](g)
            assert np.shape(got) == shape[:-1], f"shape {np.shape(got)} for f of shape {shape}"
            close(f"logsumexp (offset {g.flat[0] - f.flat[0]:.0f})", got, _lse(g)[..., 0], 1e-12)
            assert np.array_equal(g, g0), "f modified"
    wide = np.array([[-1000.0, 0.0, 1000.0], [5.0, 5.0, 5.0]])  # exp overflows, exp underflows
    close("logsumexp at +-1000", ns["logsumexp"](wide), [1000.0, 5.0 + np.log(3.0)], 1e-12)


@check("logsumexp", "autograd")
def logsumexp_torch(ns, rng):
    import torch

    f = 300.0 * rng.standard_normal((5, 7))  # huge spread: only the max-shifted sum is exact
    want = torch.logsumexp(torch.tensor(f), dim=-1).numpy()
    close("logsumexp vs torch", ns["logsumexp"](f), want, 1e-12)


@check("log_softmax", "numeric")
def log_softmax(ns, rng):
    f = _scores(rng, 4, 6)
    close("log_softmax", ns["log_softmax"](f), f - _lse(f), 1e-9)
    g = np.array([[-1000.0, 0.0, 1000.0], [1001.0, 1002.0, 1003.0]])
    close("log_softmax at +-1000 (no -inf)", ns["log_softmax"](g), g - _lse(g), 1e-9)


@check("log_softmax", "autograd")
def log_softmax_torch(ns, rng):
    import torch

    f = 500.0 * rng.standard_normal((5, 6))  # huge spread: log-sum-exp accuracy matters
    want = torch.log_softmax(torch.tensor(f), -1).numpy()
    got = ns["log_softmax"](f)
    scale = np.abs(f).max()  # accurate to rounding of the scores' magnitude
    assert np.max(np.abs(got - want)) <= 1e-12 * scale, "log_softmax vs torch"


@check("nll", "numeric")
def nll(ns, rng):
    f = _scores(rng, 6, 4)
    logp = f - _lse(f)
    y = rng.integers(0, 4, size=6)
    close("nll", ns["nll"](logp, y), -sum(logp[i, y[i]] for i in range(6)) / 6, 1e-12)


def _loss_inputs(rng, big=False):
    N, D, C = 7, 4, 5
    X = 2.0 * rng.standard_normal((N, D))
    W = 0.5 * rng.standard_normal((D, C))
    if big:  # a constant feature with weight 1000 for every class: scores 1000 + moderate
        X[:, -1], W[-1, :] = 1.0, 1000.0
    return W, X, rng.integers(0, C, size=N), (0.0 if big else float(rng.uniform(0.05, 0.5)))


def _loss_definition(W, X, y, reg):
    s = X @ W
    return float(np.mean(_lse(s)[:, 0] - s[np.arange(len(y)), y]) + reg * np.sum(W * W))


def _loss_check(fname):
    def numeric(ns, rng):
        for big in (False, True):
            W, X, y, reg = _loss_inputs(rng, big)
            loss, dW = ns[fname](W.copy(), X, y, reg)
            close(f"{fname} loss (big={big})", loss, _loss_definition(W, X, y, reg), 1e-9)
            f = lambda w, X=X, y=y, reg=reg: ns[fname](w, X, y, reg)[0]  # noqa: E731
            want = num_grad(f, W, h=1e-4 if big else 1e-5)
            close(f"{fname} dW vs its own loss (big={big})", dW, want, 1e-6)

    def autograd(ns, rng):
        import torch

        for big in (False, True):
            W, X, y, reg = _loss_inputs(rng, big)
            w = torch.tensor(W, requires_grad=True)
            scores = torch.tensor(X) @ w
            loss = torch.nn.functional.cross_entropy(scores, torch.tensor(y)) + reg * (w**2).sum()
            loss.backward()
            got_loss, got_dW = ns[fname](W.copy(), X, y, reg)
            close(f"{fname} loss vs torch", got_loss, loss.item(), 1e-9)
            close(f"{fname} dW vs torch", got_dW, w.grad.numpy(), 1e-8)

    check(fname, "numeric")(numeric)
    check(fname, "autograd")(autograd)


_loss_check("softmax_loss_naive")
_loss_check("softmax_loss_vectorized")
