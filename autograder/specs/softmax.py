"""Hidden tests of the softmax chapter (scores of order 1 and of order 1000).

The scores "~1000" are fair to every implementation that shifts by the row maximum: a
common offset of 1000 with a moderate spread (so a max-shifted ``log(p)`` is exact), plus,
for ``softmax``/``log_softmax``, one entry per row 800 below the rest, whose probability
underflows: only ``log_softmax`` must then stay finite (the log-sum-exp lesson).
"""

import numpy as np

from autograder.specs.base import Spec, randn, sizes, unpack


def _scores(rng):
    N, C = sizes(rng, N=(2, 6), C=(3, 8))
    f = randn(rng, N, C, scale=3.0)
    big = 1000.0 + randn(rng, N, C, scale=2.0)
    big[np.arange(N), rng.integers(0, C, size=N)] -= 800.0  # its probability underflows to 0
    return f, big


def softmax_case(rng, impl):
    f, big = _scores(rng)
    return {"s": impl.softmax(f), "s for scores ~1000": impl.softmax(big)}


def log_softmax_case(rng, impl):
    f, big = _scores(rng)
    return {"logp": impl.log_softmax(f), "logp for scores ~1000": impl.log_softmax(big)}


def nll_case(rng, impl):
    f, _ = _scores(rng)
    shifted = f - f.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    y = rng.integers(0, f.shape[1], size=f.shape[0])
    return {"loss": impl.nll(logp, y)}


def _loss_case(fname):
    def case(rng, impl):
        N, D, C = sizes(rng, N=(3, 8), D=(2, 6), C=(3, 6))
        W = randn(rng, D, C, scale=0.5)
        X = randn(rng, N, D, scale=2.0)
        y = rng.integers(0, C, size=N)
        reg = float(rng.uniform(0.05, 0.5))
        Xbig, Wbig = X.copy(), W.copy()  # every score of a row + 1000: overflows unshifted
        Xbig[:, 0], Wbig[0] = 1.0, Wbig[0] + 1000.0
        f = getattr(impl, fname)  # each call gets its own copies: code may modify its inputs
        loss, dW = unpack(fname, f(W.copy(), X.copy(), y.copy(), reg), ("loss", "dW"))
        loss_big, dW_big = unpack(fname, f(Wbig, Xbig, y.copy(), 0.0), ("loss", "dW"))
        return {
            "loss": loss,
            "dW": dW,
            "loss for scores ~1000, reg=0": loss_big,
            "dW for scores ~1000, reg=0": dW_big,
        }

    return case


_SUBS = ("softmax", "log_softmax", "nll")

SPECS = {
    "softmax": Spec(softmax_case, uses=("softmax",)),
    "log_softmax": Spec(log_softmax_case, uses=("log_softmax",), swap=("softmax",)),
    "nll": Spec(nll_case, uses=("nll",)),
    "softmax_loss_naive": Spec(
        _loss_case("softmax_loss_naive"), uses=("softmax_loss_naive",), swap=_SUBS
    ),
    "softmax_loss_vectorized": Spec(
        _loss_case("softmax_loss_vectorized"), uses=("softmax_loss_vectorized",), swap=_SUBS
    ),
}


# -- logsumexp (teach, issue 14): appended, self-contained --------------------------------
def logsumexp_case(rng, impl):
    f, big = _scores(rng)
    return {"lse": impl.logsumexp(f), "lse for scores ~1000": impl.logsumexp(big)}


def any_axis(reduce_last):
    """``reduce_last`` (a reduction over the last axis, like the reference ``logsumexp(f)``)
    called with numpy's ``axis`` (an int, a tuple, ``None``: all) and ``keepdims``, as
    scipy's ``logsumexp`` and a student's own scipy-like one take them."""

    def call(f, axis=-1, keepdims=False):
        f = np.asarray(f)
        if axis is None:
            axis = tuple(range(f.ndim))
        axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
        rest = f.ndim - len(axes)
        moved = np.moveaxis(f, axes, range(rest, f.ndim))  # AxisError on a bad axis
        out = reduce_last(moved.reshape(*moved.shape[:rest], -1))
        return np.expand_dims(out, axes) if keepdims else out

    call.__name__ = call.__qualname__ = getattr(reduce_last, "__name__", "reduce")
    return call


SPECS["logsumexp"] = Spec(logsumexp_case, uses=("logsumexp",), proxy=any_axis)

# A log_softmax or loss that calls the student's own logsumexp gets the reference one while
# it is graded, so a logsumexp bug costs points once.
for _name in ("log_softmax", "softmax_loss_naive", "softmax_loss_vectorized"):
    _s = SPECS[_name]
    SPECS[_name] = Spec(_s.case, _s.uses, (*_s.swap, "logsumexp"), _s.tol, _s.cases)
