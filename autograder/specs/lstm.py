"""Hidden tests of the lstm chapter: one step, a sequence, the LSTM captioning model."""

from autograder.specs import captioning
from autograder.specs.base import Spec, randn, sizes, unpack

STEP_OUT = ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")
SEQ_OUT = ("dx", "dh0", "dWx", "dWh", "db")


def _step_inputs(rng):
    N, D, H = sizes(rng, N=(2, 4), D=(2, 5), H=(2, 4))
    return (
        randn(rng, N, D),
        randn(rng, N, H),
        randn(rng, N, H),
        randn(rng, D, 4 * H, scale=0.5),
        randn(rng, H, 4 * H, scale=0.5),
        randn(rng, 4 * H, scale=0.5),
    )


def step_forward_case(rng, impl):
    args = _step_inputs(rng)
    next_h, next_c, _ = unpack(
        "lstm_step_forward", impl.lstm_step_forward(*args), ("next_h", "next_c", "cache")
    )
    return {"next_h": next_h, "next_c": next_c}


def step_backward_case(rng, impl):
    args = _step_inputs(rng)
    next_h, next_c, cache = unpack(
        "lstm_step_forward", impl.lstm_step_forward(*args), ("next_h", "next_c", "cache")
    )
    dnext_h, dnext_c = randn(rng, *args[1].shape), randn(rng, *args[1].shape)
    grads = unpack("lstm_step_backward", impl.lstm_step_backward(dnext_h, dnext_c, cache), STEP_OUT)
    return dict(zip(STEP_OUT, grads, strict=True))


def _seq_inputs(rng):
    N, T, D, H = sizes(rng, N=(2, 3), T=(1, 5), D=(2, 4), H=(2, 4))
    return (
        randn(rng, N, T, D),
        randn(rng, N, H),
        randn(rng, D, 4 * H, scale=0.5),
        randn(rng, H, 4 * H, scale=0.5),
        randn(rng, 4 * H, scale=0.5),
    )


def forward_case(rng, impl):
    args = _seq_inputs(rng)
    h, _ = unpack("lstm_forward", impl.lstm_forward(*args), ("h", "cache"))
    one = (args[0][:, :1].copy(), *args[1:])  # the first step alone: T = 1
    h1, _ = unpack("lstm_forward", impl.lstm_forward(*one), ("h", "cache"))
    return {"h": h, "h for T = 1": h1}


def backward_case(rng, impl):
    args = _seq_inputs(rng)
    h, cache = unpack("lstm_forward", impl.lstm_forward(*args), ("h", "cache"))
    N, T, _ = args[0].shape
    dh = randn(rng, N, T, args[1].shape[1])
    grads = unpack("lstm_backward", impl.lstm_backward(dh, cache), SEQ_OUT)
    return dict(zip(SEQ_OUT, grads, strict=True))


_STEPS = ("sigmoid", "lstm_step_forward", "lstm_step_backward")
_GATES = {"dWx": "DG", "dWh": "HG", "db": "G"}  # the 4H axis: blocks i, f, o, g

SPECS = {
    "lstm_step_forward": Spec(step_forward_case, uses=("lstm_step_forward",), swap=("sigmoid",)),
    "lstm_step_backward": Spec(
        step_backward_case,
        uses=("lstm_step_forward", "lstm_step_backward"),
        swap=("sigmoid",),
        axes=_GATES,
        forward=("lstm_step_forward",),
    ),
    "lstm_forward": Spec(
        forward_case,
        uses=("lstm_forward",),
        swap=_STEPS,
        axes={"h": "NTH", "h for T = 1": "NTH"},
    ),
    "lstm_backward": Spec(
        backward_case,
        uses=("lstm_forward", "lstm_backward"),
        swap=_STEPS,
        axes={"dx": "NTD", **_GATES},
        forward=("lstm_forward",),
    ),
    **captioning.specs("lstm", suffix=":lstm"),
}
