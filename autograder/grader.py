"""Grader side: reference outputs, comparison, verdict.

:func:`judge` takes what :func:`autograder.collect.collect` produced (plain
arrays and strings only) and raises :class:`GradingFailure` with one line when
the student's outputs differ from the reference's. This half imports
``solutions``; in the hardened mode (issue 5) it runs outside the student's
process.
"""

import functools
import importlib
import types

from autograder import specs
from autograder.collect import Collected, case_rng, collect, quiet, slot_of
from autograder.diagnose import diagnose
from autograder.outputs import GradingFailure, check_output, compare, to_plain
from autograder.results import NameResult


def _solutions():
    return importlib.import_module("solutions")


def reference(name):
    """The reference object of a ``solutions`` top-level name."""
    return getattr(_solutions(), name)


def reference_impl(name):
    """``impl`` namespace of reference objects for the spec of ``name``."""
    return types.SimpleNamespace(**{u: reference(u) for u in specs.get(name).uses})


def swap_objects(name):
    """Reference sub-functions swapped into the student's globals while grading ``name``."""
    return {s: reference(s) for s in specs.get(name).swap}


@functools.cache
def reference_outputs(name, index):
    """Plain outputs of the reference on hidden case ``index`` (cached; treat as read-only)."""
    with quiet():
        raw = specs.get(name).case(case_rng(name, index), reference_impl(name))
    return {label: to_plain(label, v) for label, v in raw.items()}


def judge(collected: Collected):
    """Compare collected student outputs with the reference; raise on the first failure."""
    __tracebackhide__ = True
    name = collected.name
    spec = specs.get(name)
    n = spec.cases
    for i in range(n):
        if i >= len(collected.cases):
            if collected.error and collected.error_case < 0:
                raise GradingFailure(collected.error) from None
            msg = collected.error or "no outputs"
            raise GradingFailure(f"{_prefix(name, i, n)}: {msg}") from None
        got = collected.cases[i]
        for label, expected in reference_outputs(name, i).items():
            value = got.get(label)
            try:
                if isinstance(value, str):
                    raise GradingFailure(value)
                if value is None:
                    raise GradingFailure(f"{label} was not produced")
                compare(label, value, expected, spec.tol)
            except GradingFailure as e:
                mistake = _diagnose(name, spec, i, got, collected.cases)
                hint = f" — likely mistake: {mistake.hint}" if mistake else ""
                raise GradingFailure(f"{_prefix(name, i, n)}: {e}{hint}") from None


def verdict(collected: Collected) -> NameResult:
    """The typed verdict on ``collected`` (never raises for the student's faults)."""
    try:
        judge(collected)
    except GradingFailure as e:
        return NameResult(collected.name, False, message=str(e))
    return NameResult(collected.name, True)


def _prefix(name, i, n):
    shown = name.replace(":", " cell_type=")
    return f"{shown} [hidden case {i + 1}/{n}]" if n > 1 else shown


def _usable(got):
    """The outputs of one case that were accepted as arrays (rejected ones are strings)."""
    return {k: v for k, v in got.items() if not isinstance(v, str)}


def _diagnose(name, spec, i, got, cases=()):
    got = _usable(got)
    if not got:
        return None
    others = {j: _usable(c) for j, c in enumerate(cases) if j != i}
    others = {j: c for j, c in others.items() if c}
    return diagnose(name, spec, i, got, reference_impl(name), others)


def grade_in_process(name, obj, namespace=None):
    """Collect and judge in this process (issue 3's mode; not safe against hostile code)."""
    __tracebackhide__ = True
    specs.get(name)  # unknown names are the instructor's error: KeyError, not a failed test
    judge(collect(name, obj, swap_objects(name), namespace))


__all__ = [
    "check_output",
    "grade_in_process",
    "judge",
    "reference_outputs",
    "slot_of",
    "verdict",
]
