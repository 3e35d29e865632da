"""Gradient clipping by the global norm (d2l's ``grad_clipping``, PyTorch's ``clip_grad_norm_``).

All parameter gradients are treated as one long vector; when its Euclidean norm exceeds
``max_norm`` every gradient is multiplied by the same factor ``max_norm / norm``, so the
direction of the update is kept and only its length is capped. Used by
:class:`workbook.solver.CaptioningSolver` through its ``clip_fn`` argument.
"""

import functools

import numpy as np

from solutions._validate import check_float

__all__ = ["clip_grad_norm"]


def _checked(fn):
    """Validate ``grads`` (a non-empty dict of float arrays) and ``max_norm`` (> 0)."""

    @functools.wraps(fn)
    def checked(grads, max_norm):
        if not isinstance(grads, dict) or not grads:
            raise ValueError(f"grads must be a non-empty dict name -> array, got {grads!r:.60}")
        grads = {name: check_float(f"grads[{name!r}]", g) for name, g in grads.items()}
        max_norm = float(max_norm)
        if not max_norm > 0:
            raise ValueError(f"max_norm must be positive, got {max_norm}")
        return fn(grads, max_norm)

    checked.__wrapped__ = fn
    return checked


@_checked
def clip_grad_norm(grads, max_norm):
    """Rescale all gradients together so that their global norm is at most ``max_norm``.

    Parameters
    ----------
    grads : dict of str -> ndarray
        Gradient of every parameter, e.g. the ``grads`` of ``CaptioningRNN.loss``
        (any shapes).
    max_norm : float
        Largest allowed global norm (``np.inf``: measure the norm, never clip).

    Returns
    -------
    clipped : dict of str -> ndarray
        A new dict, same keys, shapes and dtypes as ``grads``: every gradient times
        ``min(1, max_norm / total_norm)``; ``grads`` itself is not modified.
    total_norm : float
        ``sqrt(sum over parameters of sum(g ** 2))``, measured *before* clipping.
    """
    total_norm = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    scale = min(1.0, max_norm / total_norm) if total_norm > 0 else 1.0
    clipped = {name: g * scale for name, g in grads.items()}
    return clipped, total_norm
