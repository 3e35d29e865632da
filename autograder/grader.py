"""Grader side: reference outputs, comparison, verdict.

:func:`verdict` takes what :func:`autograder.collect.collect` produced (plain arrays and
strings only) and returns a typed :class:`~autograder.results.NameResult`; :func:`judge`
raises :class:`GradingFailure` with its one line. This half imports ``solutions``; in the
hardened mode it runs outside the student's process.

A composite passes when its run with the student's own sub-functions passes, or else its
run with the reference ones (``via``). When both fail and a sub-function the student's
code used fails its own hidden test, that earlier function is named as the ``cause``. A
backward also passes on the reference forward's cache when the student's own forward fails
its own hidden test (``via="reference forward"``).
"""

import functools
import importlib
import types

from autograder import specs
from autograder.collect import Collected, case_rng, collect, quiet
from autograder.outputs import GradingFailure, to_plain
from autograder.results import NameResult
from autograder.verdicts import evaluate, explain


def _solutions():
    return importlib.import_module("solutions")


def reference(name):
    """The reference object of a ``solutions`` top-level name."""
    return getattr(_solutions(), name)


def reference_impl(graded):
    """``impl`` namespace of reference objects for the spec of ``graded``."""
    return types.SimpleNamespace(**{u: reference(u) for u in graded.spec.uses})


def swap_reference(name):
    """The reference of ``name`` as it is swapped into a student's composite: called the way
    the student's own may be (its spec's ``proxy``, e.g. logsumexp's ``axis``/``keepdims``)."""
    ref = reference(name)
    graded = specs.all_graded().get(name)
    return graded.spec.proxy(ref) if graded and graded.spec.proxy else ref


def swap_objects(graded):
    """Reference sub-functions swapped into the student's globals while grading ``graded``."""
    return {s: swap_reference(s) for s in graded.spec.swap}


@functools.cache
def reference_outputs(name, index):
    """Plain outputs of the reference on hidden case ``index`` (cached; treat as read-only)."""
    graded = specs.resolve(name)
    with quiet():
        raw = graded.spec.case(case_rng(name, index), reference_impl(graded))
    return {label: to_plain(label, v) for label, v in raw.items()}


def _refs(graded):
    return [reference_outputs(graded.name, i) for i in range(graded.spec.cases)]


def _cause(graded, collected, names=None):
    """The earliest sub-function the student's own run used that fails its own test
    (among ``names``; default: every swapped one)."""
    for part in graded.spec.swap if names is None else names:
        run = collected.parts.get(part)
        if run is not None:
            sub = specs.resolve(part)
            if evaluate(sub, run, _refs(sub)).failed:
                return part
    return None


def _on_reference_forward(graded, collected, refs):
    """The evaluation of a backward on the reference forward's cache, when it counts: the
    student's own forward fails its own hidden test (else ``None``)."""
    run = collected.reference_forward
    if run is None or not graded.spec.forward or not _cause(graded, collected, graded.spec.forward):
        return None
    return evaluate(graded, run, refs)


def verdict(collected: Collected) -> NameResult:
    """The typed verdict on ``collected`` (never raises for the student's faults)."""
    graded = specs.resolve(collected.name)
    refs = _refs(graded)
    composite = bool(graded.spec.swap)
    own = evaluate(graded, collected, refs)
    if not own.failed:
        return NameResult(graded.name, True, via="own" if composite else None)
    ref = None
    if composite and collected.swapped is not None:
        ref = evaluate(graded, collected.swapped, refs)
        if not ref.failed:
            return NameResult(graded.name, True, via="reference")
    fed = _on_reference_forward(graded, collected, refs)
    if fed is not None and not fed.failed:
        return NameResult(graded.name, True, via="reference forward")
    cause = _cause(graded, collected) if composite else None
    # The run that tells the student most: their own code, unless it only crashed where the
    # reference sub-functions let their code produce outputs (and no earlier function is
    # to blame). A backward failing on the reference forward's cache is not shown: a cache
    # laid out otherwise (next_c where the reference keeps tanh(next_c)) gives wrong values
    # without any mistake of the backward's.
    shown, run = (own, collected)
    if ref is not None and cause is None and own.raised and not ref.raised:
        shown, run = (ref, collected.swapped)
    f = explain(graded, shown, run, refs, reference_impl(graded))
    message = f.message
    if cause:
        message += f" — cause: your {cause}, which this uses, fails its own hidden test"
    return NameResult(
        graded.name,
        False,
        message=message,
        mistake=f.mistake,
        output=f.output,
        case=f.case,
        rel_error=f.rel_error,
        cause=cause,
    )


def judge(collected: Collected):
    """Compare collected student outputs with the reference; raise on the first failure."""
    __tracebackhide__ = True
    r = verdict(collected)
    if not r.passed:
        e = GradingFailure(r.message, output=r.output, rel_error=r.rel_error)
        e.mistake, e.cause = r.mistake, r.cause
        raise e


def grade_in_process(name, obj, namespace=None):
    """Collect and judge in this process (not safe against hostile code)."""
    __tracebackhide__ = True
    graded = specs.resolve(name)  # unknown names are the instructor's error: KeyError
    judge(collect(graded, obj, swap_objects(graded), namespace))


__all__ = ["grade_in_process", "judge", "reference_outputs", "swap_reference", "verdict"]
