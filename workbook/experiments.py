"""Train several models the same way and keep what the plots need (a fair comparison).

:func:`train_models` builds one model per configuration from the *class you pass* (your
``CaptioningRNN`` in the notebooks, the reference one in the book), seeds the global RNG
the same way before each (``CaptioningRNN`` draws its weights from it, as in CS231n), and
trains each with the same :class:`~workbook.solver.CaptioningSolver` settings: same data,
minibatches, optimiser, learning rate, schedule and number of iterations. Only what the
configuration names differs::

    runs = train_models(CaptioningRNN, data, {
        "RNN": Config("rnn"), "LSTM, forget bias 3": Config("lstm", forget_bias=3.0),
    }, epochs=6, evaluate=recall_loss, hidden_dim=32, wordvec_dim=16,
       update_rule="adam", optim_config={"learning_rate": 5e-3}, batch_size=50)
"""

import contextlib
from dataclasses import dataclass, field

import numpy as np

from .solver import CaptioningSolver

try:  # one BLAS thread: these matrices are small, and extra threads only spin on a busy machine
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
    threadpool_limits = None


@dataclass(frozen=True)
class Config:
    """What differs between the compared models.

    ``forget_bias`` sets ``b[H:2H]`` (gate order i, f, o, g) after initialisation; ``None``
    keeps the model's own initialisation (zero biases). ``wh_scale`` multiplies the
    initial ``Wh``. ``max_norm`` is passed to the solver's ``clip_fn`` (``inf``: the norm
    is measured, never clipped).
    """

    cell_type: str
    forget_bias: float | None = None
    wh_scale: float = 1.0
    max_norm: float = np.inf


@dataclass
class Run:
    """One trained model: its training loss per iteration, evaluations per epoch."""

    label: str
    model: object
    loss_history: list = field(default_factory=list)
    grad_norm_history: list = field(default_factory=list)  # when the solver has a clip_fn
    evaluations: list = field(default_factory=list)  # (iteration, value) after each epoch

    @property
    def final(self):
        """The last evaluation (the last training loss when nothing was evaluated)."""
        return self.evaluations[-1][1] if self.evaluations else self.loss_history[-1]


def build(model_class, data, config, seed, hidden_dim, wordvec_dim, dtype):
    """One model of ``model_class`` for ``config``, from ``np.random.seed(seed)``."""
    np.random.seed(seed)  # noqa: NPY002  (CaptioningRNN initialises from the global RNG)
    model = model_class(
        data["word_to_idx"],
        input_dim=data["train_features"].shape[1],
        wordvec_dim=wordvec_dim,
        hidden_dim=hidden_dim,
        cell_type=config.cell_type,
        dtype=dtype,
    )
    if config.forget_bias is not None:
        if config.cell_type != "lstm":
            raise ValueError("forget_bias is for cell_type='lstm' only")
        model.params["b"][hidden_dim : 2 * hidden_dim] = config.forget_bias
    model.params["Wh"] = model.params["Wh"] * config.wh_scale
    return model


def train_models(
    model_class,
    data,
    configs,
    *,
    epochs,
    evaluate=None,
    seed=0,
    hidden_dim=32,
    wordvec_dim=16,
    dtype=np.float64,
    **solver_kwargs,
):
    """Train one model per entry of ``configs`` (label -> :class:`Config`) identically.

    Parameters
    ----------
    model_class : type
        ``model_class(word_to_idx, input_dim=, wordvec_dim=, hidden_dim=, cell_type=, dtype=)``
        with ``params`` and ``loss(features, captions)``, e.g. ``CaptioningRNN``.
    data : dict
        Captioning-style data (``load_captioning_data`` or ``load_recall_data``).
    configs : dict of str -> Config
    epochs : int
        Epochs of training, the same for every model.
    evaluate : callable, optional
        ``evaluate(model, data) -> float``, called after every epoch.
    seed : int
        Initialisation seed (``np.random.seed``) and minibatch seed of every model.
    hidden_dim, wordvec_dim, dtype
        Model sizes, the same for every model.
    **solver_kwargs
        Passed to :class:`CaptioningSolver` (``update_rule``, ``optim_config``,
        ``lr_decay``, ``batch_size``, ``clip_fn``...), the same for every model.

    Returns
    -------
    runs : dict of str -> Run
    """
    runs = {}
    with threadpool_limits(1) if threadpool_limits else contextlib.nullcontext():
        for label, config in configs.items():
            runs[label] = _train(
                model_class, data, label, config, epochs, evaluate, seed,
                (hidden_dim, wordvec_dim, dtype), solver_kwargs,
            )  # fmt: skip
    return runs


def _train(model_class, data, label, config, epochs, evaluate, seed, sizes, solver_kwargs):
    """One :class:`Run` of :func:`train_models`."""
    model = build(model_class, data, config, seed, *sizes)
    solver = CaptioningSolver(
        model, data, num_epochs=1, verbose=False, seed=seed, max_norm=config.max_norm,
        **solver_kwargs,
    )  # fmt: skip
    run = Run(label, model)
    for _ in range(epochs):
        solver.train()  # one more epoch; the solver keeps its state between calls
        if evaluate is not None:
            run.evaluations.append((len(solver.loss_history), float(evaluate(model, data))))
    run.loss_history, run.grad_norm_history = solver.loss_history, solver.grad_norm_history
    return run
