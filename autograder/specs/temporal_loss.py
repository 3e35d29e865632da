"""Hidden tests of the temporal_loss chapter: embedding, temporal affine, masked softmax loss.

The loss's scores "~1000" are a common offset of 1000 with a moderate spread: exact for every
implementation that shifts by the row maximum (CS231n's own ``np.log(probs[...])`` times the
mask included), inf or NaN for one that does not.
"""

from autograder.specs.base import Spec, randn, sizes, unpack


def _words(rng):
    N, T, V, D = sizes(rng, N=(2, 4), T=(2, 5), V=(3, 6), D=(2, 5))
    x = rng.integers(0, V, size=(N, T))  # few words, many slots: words repeat
    x[0, 0] = x[-1, -1]  # at least one repeat for np.add.at
    return x, randn(rng, V, D)


def word_embedding_forward_case(rng, impl):
    x, W = _words(rng)
    out, _ = unpack("word_embedding_forward", impl.word_embedding_forward(x, W), ("out", "cache"))
    return {"out": out}


def word_embedding_backward_case(rng, impl):
    x, W = _words(rng)
    out, cache = unpack(
        "word_embedding_forward", impl.word_embedding_forward(x, W), ("out", "cache")
    )
    dout = randn(rng, *x.shape, W.shape[1])
    return {"dW": impl.word_embedding_backward(dout, cache)}


def _affine_inputs(rng):
    N, T, D, M = sizes(rng, N=(2, 4), T=(2, 5), D=(2, 5), M=(2, 5))
    return randn(rng, N, T, D), randn(rng, D, M), randn(rng, M), (N, T, M)


def temporal_affine_forward_case(rng, impl):
    x, w, b, _ = _affine_inputs(rng)
    out, _ = unpack(
        "temporal_affine_forward", impl.temporal_affine_forward(x, w, b), ("out", "cache")
    )
    return {"out": out}


def temporal_affine_backward_case(rng, impl):
    x, w, b, shape = _affine_inputs(rng)
    out, cache = unpack(
        "temporal_affine_forward", impl.temporal_affine_forward(x, w, b), ("out", "cache")
    )
    dout = randn(rng, *shape)
    dx, dw, db = unpack(
        "temporal_affine_backward", impl.temporal_affine_backward(dout, cache), ("dx", "dw", "db")
    )
    return {"dx": dx, "dw": dw, "db": db}


def _loss_case(fname):
    def case(rng, impl):
        N, T, V = sizes(rng, N=(2, 5), T=(2, 5), V=(3, 7))
        x = randn(rng, N, T, V, scale=2.0)
        y = rng.integers(0, V, size=(N, T))
        mask = rng.random((N, T)) < 0.6
        mask[0, 0], mask[-1, -1] = True, False  # some steps count, some do not
        big = 1000.0 + x
        f = getattr(impl, fname)  # each call gets its own copies: code may modify its inputs
        loss, dx = unpack(fname, f(x.copy(), y.copy(), mask.copy()), ("loss", "dx"))
        loss_big, dx_big = unpack(fname, f(big, y.copy(), mask.copy()), ("loss", "dx"))
        return {
            "loss": loss,
            "dx": dx,
            "loss for scores ~1000": loss_big,
            "dx for scores ~1000": dx_big,
        }

    return case


_LOSS_AXES = {"dx": "NTV", "dx for scores ~1000": "NTV"}

SPECS = {
    "word_embedding_forward": Spec(
        word_embedding_forward_case, uses=("word_embedding_forward",), axes={"out": "NTD"}
    ),
    "word_embedding_backward": Spec(
        word_embedding_backward_case,
        uses=("word_embedding_forward", "word_embedding_backward"),
        forward=("word_embedding_forward",),
    ),
    "temporal_affine_forward": Spec(
        temporal_affine_forward_case, uses=("temporal_affine_forward",), axes={"out": "NTM"}
    ),
    "temporal_affine_backward": Spec(
        temporal_affine_backward_case,
        uses=("temporal_affine_forward", "temporal_affine_backward"),
        axes={"dx": "NTD"},
        forward=("temporal_affine_forward",),
    ),
    "temporal_softmax_loss_loop": Spec(
        _loss_case("temporal_softmax_loss_loop"),
        uses=("temporal_softmax_loss_loop",),
        axes=_LOSS_AXES,
    ),
    "temporal_softmax_loss": Spec(
        _loss_case("temporal_softmax_loss"), uses=("temporal_softmax_loss",), axes=_LOSS_AXES
    ),
}
