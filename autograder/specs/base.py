"""What a hidden-test spec is, and small helpers for writing cases.

A spec module ``autograder/specs/<chapter>.py`` defines ``SPECS = {name: Spec}``.
A *case* is ``case(rng, impl) -> dict`` of named outputs: it draws sizes and
inputs from ``rng`` (its own seeded ``numpy.random.Generator``; never the
global RNG), calls the functions it needs as ``impl.<name>`` (forward, then
backward through the returned cache) and returns every output worth checking,
named as a student would say it (``"dWh"``, ``"grads['W_embed']"``).
The grader calls the same case once with the reference objects and once with
the student's, on identically seeded generators, and compares. Specs never
import ``solutions``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from autograder.outputs import GradingFailure


@dataclass(frozen=True)
class Spec:
    """How one graded name is tested.

    case : ``case(rng, impl) -> dict[str, array or number]``.
    uses : names the case calls on ``impl``. The graded object fills the slot
        named like the graded name (``"CaptioningRNN"`` for its methods); the
        others (a backward's forward) are the student's own, looked up in the
        graded function's globals (the notebook namespace).
    swap : reference sub-functions put into the student's globals during the
        call, so a bug in a sub-function is not penalised twice.
    tol : largest accepted relative error (CS231n's ``rel_error``).
    cases : how many seeded cases (each with its own random sizes).
    """

    case: Callable
    uses: tuple
    swap: tuple = ()
    tol: float = 1e-6
    cases: int = 3


def sizes(rng, **ranges):
    """Random sizes, ``sizes(rng, N=(2, 5), D=(3, 7))`` -> ``(N, D)``, bounds inclusive."""
    return tuple(int(rng.integers(lo, hi + 1)) for lo, hi in ranges.values())


def randn(rng, *shape, scale=1.0):
    """Standard normal float64 array (times ``scale``)."""
    return scale * rng.standard_normal(shape)


def unpack(fname, result, names):
    """Split a returned tuple into ``names``; a wrong count is a clear failure."""
    n = len(names)
    if n == 1:
        return (result,)
    if type(result) not in (tuple, list) or len(result) != n:
        got = f"{len(result)} values" if type(result) in (tuple, list) else type(result).__name__
        raise GradingFailure(f"{fname} must return {n} values ({', '.join(names)}), got {got}")
    return tuple(result)
