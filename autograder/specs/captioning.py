"""Cases shared by the rnn and lstm chapters: ``CaptioningRNN.loss`` and ``.sample``.

The model is built with the student's class (its given ``__init__``), then its
``params`` are replaced by seeded random arrays, so the global RNG never
matters. The class is graded with the student's own layers and, when that fails, with
the reference layers of its cell type swapped in (:data:`LAYERS`): the wiring inside
``loss`` / ``sample`` is what is graded here. The rnn notebook's class never sees (and
so its cell's reference proxies never serve) the LSTM functions, nor the other way round.
"""

import numpy as np

from autograder.outputs import GradingFailure
from autograder.specs.base import Spec, randn, sizes, unpack

_COMMON = (
    "affine_forward",
    "affine_backward",
    "word_embedding_forward",
    "word_embedding_backward",
    "temporal_affine_forward",
    "temporal_affine_backward",
    "temporal_softmax_loss",
)
_RNN = ("rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward")
_LSTM = ("lstm_step_forward", "lstm_step_backward", "lstm_forward", "lstm_backward")
LAYERS = {"rnn": _COMMON + _RNN, "lstm": _COMMON + _LSTM}  # most basic first
PARAMS = ("W_embed", "W_proj", "b_proj", "Wx", "Wh", "b", "W_vocab", "b_vocab")


def _model(rng, impl, cell_type):
    N, D, W, H, V, T = sizes(rng, N=(2, 4), D=(3, 6), W=(2, 5), H=(2, 5), V=(6, 10), T=(2, 5))
    words = ["<NULL>", "<START>", "<END>", "<UNK>"] + [f"w{i}" for i in range(V - 4)]
    word_to_idx = {w: i for i, w in enumerate(words)}
    model = impl.CaptioningRNN(
        word_to_idx, input_dim=D, wordvec_dim=W, hidden_dim=H, cell_type=cell_type, dtype=np.float64
    )
    k = 4 if cell_type == "lstm" else 1
    shapes = {
        "W_embed": (V, W),
        "W_proj": (D, H),
        "b_proj": (H,),
        "Wx": (W, k * H),
        "Wh": (H, k * H),
        "b": (k * H,),
        "W_vocab": (H, V),
        "b_vocab": (V,),
    }
    model.params = {name: randn(rng, *shape, scale=0.8) for name, shape in shapes.items()}
    features = randn(rng, N, D)
    captions = rng.integers(2, V, size=(N, T + 1))
    captions[:, 0] = word_to_idx["<START>"]
    for n in range(N):  # <NULL> padding after a random length (row 0 is full)
        length = T + 1 if n == 0 else int(rng.integers(2, T + 2))
        captions[n, length:] = word_to_idx["<NULL>"]
    return model, features, captions, T


def loss_case(cell_type):
    def case(rng, impl):
        model, features, captions, _ = _model(rng, impl, cell_type)
        loss, grads = unpack(
            "CaptioningRNN.loss", model.loss(features, captions), ("loss", "grads")
        )
        if not isinstance(grads, dict):
            raise GradingFailure(
                f"loss must return (loss, grads) with grads a dict, got {type(grads).__name__}"
            )
        out = {"loss": loss}
        for name in PARAMS:
            if name not in grads:
                raise GradingFailure(f"grads has no entry {name!r} (one per key of self.params)")
            out[f"grads[{name!r}]"] = grads[name]
        return out

    return case


def sample_case(cell_type):
    def case(rng, impl):
        model, features, _, T = _model(rng, impl, cell_type)
        return {"captions": model.sample(features, max_length=T + 1)}

    return case


def specs(cell_type, suffix=""):
    k = "G" if cell_type == "lstm" else "H"
    axes = {"grads['Wx']": f"W{k}", "grads['Wh']": f"H{k}", "grads['b']": k}
    return {
        f"CaptioningRNN.loss{suffix}": Spec(
            loss_case(cell_type), uses=("CaptioningRNN",), swap=LAYERS[cell_type], axes=axes
        ),
        f"CaptioningRNN.sample{suffix}": Spec(
            sample_case(cell_type),
            uses=("CaptioningRNN",),
            swap=LAYERS[cell_type],
            axes={"captions": "NT"},
        ),
    }
