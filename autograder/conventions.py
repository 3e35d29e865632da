"""Named deviations that no single mutant reproduces: found from the pattern of failures.

Each detector looks at the verdict of every case and output and returns a
:class:`Named` (id, hint) or ``None``. They run after the catalogue's mutants:

``<function>.convention_<output>_keepdims``
    a gradient with the parameter's values but a kept summed axis (``db`` of shape (1, H));
``<function>.convention_breaks_at_T1``
    every case (and output) with T > 1 passes, every one with T = 1 fails (a squeeze or
    an index that assumes several time steps);
``<function>.no_max_shift``
    every output at ordinary scores passes, an output at scores ~1000 is inf or NaN.

Each costs the function's points (the docstrings say so); the message names it and what
to change, never the corrected line.
"""

import re
from dataclasses import dataclass

import numpy as np

from autograder.mistakes.base import all_mistakes

BIG = "for scores ~1000"


@dataclass(frozen=True)
class Named:
    """A detected deviation: its id and hint (introduced like a catalogue entry's)."""

    id: str
    hint: str

    @property
    def label(self):
        return "convention" if ".convention_" in self.id else "likely mistake"


def _ident(label):
    return re.sub(r"\W+", "_", label).strip("_")


def keepdims(graded, got, expected, label):
    """A ``(1, ...)`` or ``(..., 1)`` output whose values are the reference's."""
    got, expected = np.asarray(got), np.asarray(expected)
    if got.size != expected.size or got.shape == expected.shape or expected.ndim == 0:
        return None
    if got.shape not in ((1, *expected.shape), (*expected.shape, 1)):
        return None
    if got.dtype.kind != "f" or not np.allclose(got.reshape(expected.shape), expected, 1e-6):
        return None
    return Named(
        f"{graded.qualname}.convention_{_ident(label)}_keepdims",
        f"{label} keeps the summed axis (keepdims); a gradient has its parameter's shape, "
        f"{expected.shape}",
    )


def breaks_at_T1(graded, steps, failing, bad_labels=()):
    """``steps[i]`` = T of case i (or None); ``failing`` = indices of the failing cases;
    ``bad_labels`` = the failing outputs (an output "... for T = 1" has one step)."""
    only_t1_cases = failing and all(steps[i] == 1 for i in failing)
    only_t1_cases = only_t1_cases and any(t is not None and t > 1 for t in steps)
    only_t1_outputs = bad_labels and all("T = 1" in label for label in bad_labels)
    if not (only_t1_cases or only_t1_outputs):
        return None
    return Named(
        f"{graded.qualname}.convention_breaks_at_T1",
        "fails only when T = 1 (a single time step): something drops or assumes the time axis",
    )


def no_max_shift(graded, bad_labels, non_finite):
    """Only outputs at scores ~1000 fail, and one of them is inf or NaN."""
    if not bad_labels or not all(BIG in label for label in bad_labels) or not non_finite:
        return None
    mid = f"{graded.qualname}.no_max_shift"
    known = next((m for m in all_mistakes() if m.id == mid), None)
    hint = known.hint if known else "scores are not shifted by their row maximum: exp overflows"
    return Named(mid, hint)
