"""CaptioningSolver: minibatch training of a captioning model (CS231n ``captioning_solver.py``).

Differences from CS231n, none of which change the calling convention:

- minibatches are drawn from the solver's own ``numpy.random.Generator`` (``seed``),
  never from the global RNG, so re-seeding ``np.random`` elsewhere changes nothing;
- the minibatch sampler is an argument (``sample_fn``), defaulting to
  :func:`workbook.data.captions.sample_minibatch`;
- ``checkpoint_name`` (off by default) pickles the model and history after each epoch,
  the only I/O the solver does besides printing when ``verbose``;
- ``clip_fn`` (off by default): a gradient-clipping function, *yours*
  (``clip_fn(grads, max_norm) -> (clipped_grads, total_norm)``), applied to every
  minibatch's gradients before the update; the norms it reports are kept in
  ``grad_norm_history``. The solver has no clipping of its own.
"""

import pickle

import numpy as np

from . import optim
from .data.captions import sample_minibatch


class CaptioningSolver:
    """Train a captioning model with minibatch first-order updates.

    Parameters
    ----------
    model : object
        With ``params`` (dict name -> ndarray) and ``loss(features, captions) -> (loss, grads)``.
    data : dict
        As returned by ``load_captioning_data`` / ``load_coco_data``.
    update_rule : {'sgd', 'sgd_momentum', 'adam'}
        Name of a rule in :mod:`workbook.optim`.
    optim_config : dict, optional
        Hyperparameters passed to the update rule (each parameter gets its own copy).
    lr_decay : float
        ``learning_rate`` is multiplied by this after each epoch.
    batch_size, num_epochs, print_every : int
    verbose : bool
        Print the loss every ``print_every`` iterations.
    checkpoint_name : str, optional
        If given, ``<checkpoint_name>_epoch_<k>.pkl`` is written after each epoch.
    seed : int or numpy.random.Generator
        Seed of the solver's own minibatch generator.
    sample_fn : callable, optional
        ``sample_fn(data, batch_size=..., split='train', seed=rng) -> (captions, features, urls)``.
    clip_fn : callable, optional
        ``clip_fn(grads, max_norm) -> (clipped_grads, total_norm)``, e.g. your
        ``clip_grad_norm``; with ``max_norm=np.inf`` it only measures the norm.
    max_norm : float
        Passed to ``clip_fn`` (default ``np.inf``).

    Attributes
    ----------
    loss_history : list of float
        Training loss of every iteration.
    grad_norm_history : list of float
        Gradient norm of every iteration as ``clip_fn`` reported it (empty without one).
    train_acc_history, val_acc_history : list
        Kept for CS231n compatibility (captioning has no accuracy; they stay empty).
    epoch : int
    """

    def __init__(
        self,
        model,
        data,
        *,
        update_rule="sgd",
        optim_config=None,
        lr_decay=1.0,
        batch_size=100,
        num_epochs=10,
        print_every=10,
        verbose=True,
        checkpoint_name=None,
        seed=0,
        sample_fn=None,
        clip_fn=None,
        max_norm=np.inf,
    ):
        if update_rule not in ("sgd", "sgd_momentum", "adam"):
            raise ValueError(f'Invalid update_rule "{update_rule}"')
        self.model = model
        self.data = data
        self.update_rule_name = update_rule
        self.update_rule = getattr(optim, update_rule)
        self.optim_config = dict(optim_config or {})
        self.lr_decay = lr_decay
        self.batch_size = batch_size
        self.num_epochs = num_epochs
        self.print_every = print_every
        self.verbose = verbose
        self.checkpoint_name = checkpoint_name
        self.rng = np.random.default_rng(seed)
        self.sample_fn = sample_minibatch if sample_fn is None else sample_fn
        self.clip_fn, self.max_norm = clip_fn, max_norm
        self._reset()

    def _reset(self):
        """Set up the bookkeeping; called by ``__init__``."""
        self.epoch = 0
        self.loss_history = []
        self.grad_norm_history = []
        self.train_acc_history = []
        self.val_acc_history = []
        self.optim_configs = {p: dict(self.optim_config) for p in self.model.params}

    def _step(self):
        """One gradient update on a fresh minibatch."""
        captions, features, _ = self.sample_fn(
            self.data, batch_size=self.batch_size, split="train", seed=self.rng
        )
        loss, grads = self.model.loss(features, captions)
        self.loss_history.append(float(loss))
        if self.clip_fn is not None:
            grads, norm = self.clip_fn(grads, self.max_norm)
            self.grad_norm_history.append(float(norm))
        for p, w in self.model.params.items():
            next_w, next_config = self.update_rule(w, grads[p], self.optim_configs[p])
            self.model.params[p] = next_w
            self.optim_configs[p] = next_config

    def _save_checkpoint(self):
        if self.checkpoint_name is None:
            return
        checkpoint = {
            "model": self.model,
            "update_rule": self.update_rule_name,
            "lr_decay": self.lr_decay,
            "optim_config": self.optim_config,
            "batch_size": self.batch_size,
            "num_epochs": self.num_epochs,
            "epoch": self.epoch,
            "loss_history": self.loss_history,
        }
        filename = f"{self.checkpoint_name}_epoch_{self.epoch}.pkl"
        if self.verbose:
            print(f'Saving checkpoint to "{filename}"')
        with open(filename, "wb") as f:
            pickle.dump(checkpoint, f)

    def train(self):
        """Run ``num_epochs`` epochs of ``max(num_train // batch_size, 1)`` iterations."""
        num_train = self.data["train_captions"].shape[0]
        iterations_per_epoch = max(num_train // self.batch_size, 1)
        num_iterations = self.num_epochs * iterations_per_epoch
        for t in range(num_iterations):
            self._step()
            if self.verbose and t % self.print_every == 0:
                print(f"(Iteration {t + 1} / {num_iterations}) loss: {self.loss_history[-1]:f}")
            if (t + 1) % iterations_per_epoch == 0:
                self.epoch += 1
                for config in self.optim_configs.values():
                    config["learning_rate"] *= self.lr_decay
                self._save_checkpoint()
