"""Hidden tests of the rnn chapter: one step, a sequence (BPTT), the captioning model."""

from autograder.specs import captioning
from autograder.specs.base import Spec, randn, sizes, unpack

STEP_OUT = ("dx", "dprev_h", "dWx", "dWh", "db")
SEQ_OUT = ("dx", "dh0", "dWx", "dWh", "db")


def _step_inputs(rng):
    N, D, H = sizes(rng, N=(2, 4), D=(2, 5), H=(2, 5))
    return (
        randn(rng, N, D),
        randn(rng, N, H),
        randn(rng, D, H, scale=0.5),
        randn(rng, H, H, scale=0.5),
        randn(rng, H, scale=0.5),
    )


def step_forward_case(rng, impl):
    args = _step_inputs(rng)
    next_h, _ = unpack("rnn_step_forward", impl.rnn_step_forward(*args), ("next_h", "cache"))
    return {"next_h": next_h}


def step_backward_case(rng, impl):
    args = _step_inputs(rng)
    next_h, cache = unpack("rnn_step_forward", impl.rnn_step_forward(*args), ("next_h", "cache"))
    dnext_h = randn(rng, *args[1].shape)
    grads = unpack("rnn_step_backward", impl.rnn_step_backward(dnext_h, cache), STEP_OUT)
    return dict(zip(STEP_OUT, grads, strict=True))


def _seq_inputs(rng):
    N, T, D, H = sizes(rng, N=(2, 3), T=(1, 5), D=(2, 4), H=(2, 4))
    return (
        randn(rng, N, T, D),
        randn(rng, N, H),
        randn(rng, D, H, scale=0.5),
        randn(rng, H, H, scale=0.5),
        randn(rng, H, scale=0.5),
    )


def forward_case(rng, impl):
    args = _seq_inputs(rng)
    h, _ = unpack("rnn_forward", impl.rnn_forward(*args), ("h", "cache"))
    one = (args[0][:, :1].copy(), *args[1:])  # the first step alone: T = 1
    h1, _ = unpack("rnn_forward", impl.rnn_forward(*one), ("h", "cache"))
    return {"h": h, "h for T = 1": h1}


def backward_case(rng, impl):
    args = _seq_inputs(rng)
    h, cache = unpack("rnn_forward", impl.rnn_forward(*args), ("h", "cache"))
    N, T, _ = args[0].shape
    dh = randn(rng, N, T, args[1].shape[1])
    grads = unpack("rnn_backward", impl.rnn_backward(dh, cache), SEQ_OUT)
    return dict(zip(SEQ_OUT, grads, strict=True))


SPECS = {
    "rnn_step_forward": Spec(step_forward_case, uses=("rnn_step_forward",)),
    "rnn_step_backward": Spec(
        step_backward_case,
        uses=("rnn_step_forward", "rnn_step_backward"),
        forward=("rnn_step_forward",),
    ),
    "rnn_forward": Spec(
        forward_case,
        uses=("rnn_forward",),
        swap=("rnn_step_forward",),
        axes={"h": "NTH", "h for T = 1": "NTH"},
    ),
    "rnn_backward": Spec(
        backward_case,
        uses=("rnn_forward", "rnn_backward"),
        swap=("rnn_step_forward", "rnn_step_backward"),
        axes={"dx": "NTD"},
        forward=("rnn_forward",),
    ),
    **captioning.specs("rnn"),
}


# -- clip_grad_norm (teach, issue 14): appended, self-contained ---------------------------
def _clip(impl, grads, max_norm):
    """``(clipped, total_norm)``: any mapping with the keys of ``grads`` is a dict here (an
    ``OrderedDict``, a ``dict`` subclass; the solver only indexes it)."""
    from collections.abc import Mapping

    from autograder.outputs import GradingFailure

    result = impl.clip_grad_norm(grads, max_norm)
    clipped, total = unpack("clip_grad_norm", result, ("clipped", "total_norm"))
    if not isinstance(clipped, Mapping) or set(clipped) != set(grads):
        got = f"keys {sorted(map(str, clipped))}" if isinstance(clipped, Mapping) else None
        raise GradingFailure(
            f"clip_grad_norm must return a dict with the keys of grads {sorted(grads)}, "
            f"got {got or type(clipped).__name__}"
        )
    return clipped, total


def clip_grad_norm_case(rng, impl):
    names = ("W_embed", "Wx", "Wh", "b")[: int(rng.integers(2, 5))]
    grads = {n: randn(rng, *sizes(rng, a=(1, 4), b=(2, 5))) for n in names}
    norm = float(sum((g**2).sum() for g in grads.values()) ** 0.5)
    out = {}
    for regime, factor in (("max_norm below the norm", 0.4), ("max_norm above the norm", 2.5)):
        clipped, total = _clip(impl, {n: g.copy() for n, g in grads.items()}, factor * norm)
        out[f"total_norm ({regime})"] = total
        out.update({f"clipped['{n}'] ({regime})": clipped[n] for n in names})
    return out


SPECS["clip_grad_norm"] = Spec(clip_grad_norm_case, uses=("clip_grad_norm",), tol=1e-5)
