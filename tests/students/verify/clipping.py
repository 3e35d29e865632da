"""Checks of ``clip_grad_norm`` (rnn chapter): the global norm written out entry by entry,
the contract of the docstring (new dict, same keys, shapes and dtypes, ``grads`` untouched,
``np.inf`` only measures), the call the ``CaptioningSolver`` makes, and PyTorch's
``clip_grad_norm_``."""

import math
import warnings

import numpy as np

from students.verify import check
from students.verify.numeric import close

NAMES = ("W_embed", "W_proj", "Wx", "Wh", "b", "b_vocab")


def _grads(rng, dtype=np.float64, scale=1.0):
    shapes = [(5, 3), (4, 6), (3, 6), (6, 6), (6,), (5,)]
    k = int(rng.integers(2, len(shapes) + 1))
    return {
        n: (scale * rng.standard_normal(s)).astype(dtype)
        for n, s in zip(NAMES[:k], shapes[:k], strict=True)
    }


def _definition(grads, max_norm):
    """Total norm by math.fsum over every entry, and every gradient times min(1, ratio)."""
    total = math.sqrt(math.fsum(float(v) ** 2 for g in grads.values() for v in g.ravel()))
    factor = min(1.0, max_norm / total) if total > 0 else 1.0
    return {n: g.astype(np.float64) * factor for n, g in grads.items()}, total


def _call(ns, grads, max_norm, tol):
    """Call the student's clip_grad_norm on ``grads`` and hold it to the contract."""
    before = {n: g.copy() for n, g in grads.items()}
    clipped, total = ns["clip_grad_norm"](grads, max_norm)
    assert isinstance(clipped, dict) and clipped is not grads, "clipped must be a new dict"
    assert set(clipped) == set(grads), f"keys {sorted(clipped)} vs {sorted(grads)}"
    assert np.ndim(total) == 0, f"total_norm must be a number, got shape {np.shape(total)}"
    for n, g in grads.items():
        assert np.array_equal(g, before[n]) and g.dtype == before[n].dtype, f"grads[{n!r}] modified"
        assert np.shape(clipped[n]) == g.shape, f"clipped[{n!r}] shape {np.shape(clipped[n])}"
        assert np.asarray(clipped[n]).dtype == g.dtype, f"clipped[{n!r}] dtype changed"
    want, want_total = _definition(grads, max_norm)
    close("total_norm", float(total), want_total, tol)
    for n in grads:
        close(f"clipped[{n!r}] (max_norm {max_norm:g})", clipped[n], want[n], tol)
    return clipped, float(total)


@check("clip_grad_norm", "numeric")
def clip_grad_norm(ns, rng):
    # 1e-6: PyTorch's clip coefficient max_norm / (norm + 1e-6) is a correct port
    for dtype, tol in ((np.float64, 1e-6), (np.float32, 1e-5)):
        grads = _grads(rng, dtype, scale=float(rng.uniform(0.5, 20.0)))
        norm = _definition(grads, np.inf)[1]
        for ratio in (0.05, 0.7, 1.5, 40.0):  # clipped hard, clipped, untouched, far under
            clipped, _ = _call(ns, grads, ratio * norm, tol)
            got = math.sqrt(
                sum(float(np.sum(np.square(c, dtype=np.float64))) for c in clipped.values())
            )
            close(f"norm after clipping (ratio {ratio})", got, min(norm, ratio * norm), 10 * tol)
        _call(ns, grads, np.inf, tol)  # only measures
        _call(ns, grads, 5, tol)  # an int max_norm
    one = {"w": np.array([[3.0, 4.0]])}
    clipped, total = _call(ns, one, 1.0, 1e-6)
    close("a single 3-4-5 gradient", clipped["w"], [[0.6, 0.8]], 1e-6)
    with warnings.catch_warnings(), np.errstate(all="ignore"):  # 0 / 0 in a student's guard
        warnings.simplefilter("ignore")
        zeros = {"W": np.zeros((2, 3)), "b": np.zeros(3)}
        clipped, total = ns["clip_grad_norm"](zeros, 1.0)
    assert total == 0 and all(np.array_equal(clipped[n], zeros[n]) for n in zeros), "zero grads"
    _in_the_solver(ns, rng)


class _Quadratic:
    """A model for the solver: loss sum((W - A)^2) scaled up, float32 parameters."""

    def __init__(self, rng, scale):
        self.params = {
            "W": rng.standard_normal((3, 4)).astype(np.float32),
            "b": rng.standard_normal(4).astype(np.float32),
        }
        self.target = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.scale, self.seen = scale, []

    def loss(self, features, captions):
        grads = {
            k: (self.scale * 2 * (v - self.target[k])).astype(v.dtype)
            for k, v in self.params.items()
        }
        self.seen.append({k: g.copy() for k, g in grads.items()})
        self.given = grads
        return float(sum(np.sum((v - self.target[k]) ** 2) for k, v in self.params.items())), grads


def _in_the_solver(ns, rng):
    """``CaptioningSolver(..., clip_fn=clip_grad_norm, max_norm=...)`` calls it on each step."""
    from workbook.solver import CaptioningSolver

    data = {"train_captions": np.zeros((4, 3), dtype=np.int32)}
    sample = lambda data, batch_size, split, seed: (None, None, None)  # noqa: E731
    for max_norm in (1.0, np.inf):
        model = _Quadratic(rng, scale=50.0)
        start = {k: v.copy() for k, v in model.params.items()}
        solver = CaptioningSolver(
            model,
            data,
            update_rule="sgd",
            optim_config={"learning_rate": 0.1},
            batch_size=4,
            num_epochs=1,
            verbose=False,
            sample_fn=sample,
            clip_fn=ns["clip_grad_norm"],
            **({} if max_norm == np.inf else {"max_norm": max_norm}),
        )
        solver.train()
        assert len(solver.grad_norm_history) == 1, solver.grad_norm_history
        want, norm = _definition(model.seen[0], max_norm)
        close("grad_norm_history", solver.grad_norm_history[0], norm, 1e-5)
        for k, v in model.params.items():
            assert v.dtype == np.float32, f"params[{k!r}] became {v.dtype} after a clipped step"
            close(f"params[{k!r}] after one step", v, start[k] - 0.1 * want[k], 1e-5)
            assert np.array_equal(model.given[k], model.seen[0][k]), "the model's grads modified"
    _with_the_students_model(ns, rng, CaptioningSolver)


def _with_the_students_model(ns, rng, CaptioningSolver):
    """One clipped SGD step of the student's own CaptioningRNN in float32 (the default dtype)."""
    w2i = {w: i for i, w in enumerate(["<NULL>", "<START>", "<END>", "a", "b", "c"])}
    model = ns["CaptioningRNN"](w2i, input_dim=4, wordvec_dim=3, hidden_dim=5, cell_type="rnn")
    features = rng.standard_normal((3, 4)).astype(np.float32)
    captions = rng.integers(1, len(w2i), size=(3, 5))
    captions[:, 0] = w2i["<START>"]
    start = {k: v.copy() for k, v in model.params.items()}
    _, grads = model.loss(features, captions)
    want, norm = _definition(grads, 0.5)
    solver = CaptioningSolver(
        model,
        {"train_captions": captions},
        update_rule="sgd",
        optim_config={"learning_rate": 1.0},
        batch_size=3,
        num_epochs=1,
        verbose=False,
        sample_fn=lambda data, batch_size, split, seed: (captions, features, None),
        clip_fn=ns["clip_grad_norm"],
        max_norm=0.5,
    )
    solver.train()
    close("grad_norm_history (CaptioningRNN)", solver.grad_norm_history[0], norm, 1e-5)
    for k, v in model.params.items():
        assert v.dtype == start[k].dtype, f"params[{k!r}] became {v.dtype}"
        close(f"params[{k!r}] after a clipped step", v, start[k] - want[k], 1e-4)


@check("clip_grad_norm", "autograd")
def clip_grad_norm_torch(ns, rng):
    import torch

    grads = _grads(rng, scale=float(rng.uniform(1.0, 10.0)))
    params = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads.values()]
    for p, g in zip(params, grads.values(), strict=True):
        p.grad = torch.tensor(g)
    norm = float(sum(np.sum(g * g) for g in grads.values()) ** 0.5)
    want_total = torch.nn.utils.clip_grad_norm_(params, 0.3 * norm).item()  # scales .grad
    clipped, total = ns["clip_grad_norm"]({n: g.copy() for n, g in grads.items()}, 0.3 * norm)
    close("total_norm vs torch", float(total), want_total, 1e-9)
    for n, p in zip(grads, params, strict=True):  # torch adds 1e-6 to the norm: ~1e-7 here
        close(f"clipped[{n!r}] vs torch", clipped[n], p.grad.numpy(), 1e-6)
