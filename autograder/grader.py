"""Grader side: reference outputs, comparison, verdict.

:func:`verdict` takes what :func:`autograder.collect.collect` produced (plain arrays and
strings only) and returns a typed :class:`~autograder.results.NameResult`; :func:`judge`
raises :class:`GradingFailure` with its one line when the student's outputs differ from
the reference's. This half imports ``solutions``; in the hardened mode it runs outside
the student's process.
"""

import functools
import importlib
import types
from dataclasses import dataclass

from autograder import specs
from autograder.collect import Collected, case_rng, collect, quiet
from autograder.diagnose import diagnose
from autograder.outputs import GradingFailure, compare, to_plain
from autograder.results import NameResult


def _solutions():
    return importlib.import_module("solutions")


def reference(name):
    """The reference object of a ``solutions`` top-level name."""
    return getattr(_solutions(), name)


def reference_impl(graded):
    """``impl`` namespace of reference objects for the spec of ``graded``."""
    return types.SimpleNamespace(**{u: reference(u) for u in graded.spec.uses})


def swap_objects(graded):
    """Reference sub-functions swapped into the student's globals while grading ``graded``."""
    return {s: reference(s) for s in graded.spec.swap}


@functools.cache
def reference_outputs(name, index):
    """Plain outputs of the reference on hidden case ``index`` (cached; treat as read-only)."""
    graded = specs.resolve(name)
    with quiet():
        raw = graded.spec.case(case_rng(name, index), reference_impl(graded))
    return {label: to_plain(label, v) for label, v in raw.items()}


@dataclass
class Failure:
    """Why a run failed: the message (without the name prefix) and what it is about."""

    message: str
    case: int | None = None
    output: str | None = None
    rel_error: float | None = None
    mistake: object = None  # the matching catalogue Mistake


def _prefix(graded, i):
    n = graded.spec.cases
    return f"{graded.shown} [hidden case {i + 1}/{n}]" if n > 1 else graded.shown


def _usable(got):
    """The outputs of one case that were accepted as arrays (rejected ones are strings)."""
    return {k: v for k, v in got.items() if not isinstance(v, str)}


def _diagnose(graded, i, got, cases):
    got = got if isinstance(got, str) else _usable(got)
    if not got:
        return None
    others = {j: _usable(c) for j, c in enumerate(cases) if j != i}
    others = {j: c for j, c in others.items() if c}
    return diagnose(graded, i, got, reference_impl(graded), others)


def first_failure(graded, collected):
    """The first :class:`Failure` of ``collected`` against the reference, or ``None``."""
    for i in range(graded.spec.cases):
        if i >= len(collected.cases):
            if collected.error and collected.error_case < 0:
                return Failure(collected.error)
            msg = collected.error or "no outputs"
            mistake = None
            if collected.error and collected.error_case == i:
                mistake = _diagnose(graded, i, collected.error, collected.cases)
            hint = f" — {mistake.label}: {mistake.hint}" if mistake else ""
            return Failure(f"{_prefix(graded, i)}: {msg}{hint}", case=i, mistake=mistake)
        got = collected.cases[i]
        for label, expected in reference_outputs(graded.name, i).items():
            value = got.get(label)
            try:
                if isinstance(value, str):
                    raise GradingFailure(value, output=label)
                if value is None:
                    raise GradingFailure(f"{label} was not produced", output=label)
                compare(label, value, expected, graded.spec.tol)
            except GradingFailure as e:
                mistake = _diagnose(graded, i, got, collected.cases)
                hint = f" — {mistake.label}: {mistake.hint}" if mistake else ""
                msg = f"{_prefix(graded, i)}: {e}{hint}"
                return Failure(msg, i, e.output or label, e.rel_error, mistake)
    return None


def verdict(collected: Collected) -> NameResult:
    """The typed verdict on ``collected`` (never raises for the student's faults)."""
    graded = specs.resolve(collected.name)
    failure = first_failure(graded, collected)
    if failure is None:
        return NameResult(graded.name, True)
    return NameResult(
        graded.name,
        False,
        message=failure.message,
        mistake=failure.mistake.id if failure.mistake else None,
        output=failure.output,
        case=failure.case,
        rel_error=failure.rel_error,
    )


def judge(collected: Collected):
    """Compare collected student outputs with the reference; raise on the first failure."""
    __tracebackhide__ = True
    result = verdict(collected)
    if not result.passed:
        raise GradingFailure(result.message, output=result.output, rel_error=result.rel_error)


def grade_in_process(name, obj, namespace=None):
    """Collect and judge in this process (not safe against hostile code)."""
    __tracebackhide__ = True
    graded = specs.resolve(name)  # unknown names are the instructor's error: KeyError
    judge(collect(graded, obj, swap_objects(graded), namespace))


__all__ = ["grade_in_process", "judge", "reference_outputs", "verdict"]
