"""Student side of grading: run a spec's cases on the student's objects, keep plain outputs.

This half never imports ``solutions``: it needs only the spec, the student's objects and
the reference sub-functions to swap in (passed by the caller). Its result,
:class:`Collected`, holds nothing but plain arrays and strings, so it can be produced in a
sandboxed process and judged elsewhere (:mod:`autograder.grader`).

A composite (a spec with ``swap``) runs twice: with the student's own sub-functions, then
with the reference ones swapped in (``Collected.swapped``); the judge gives full credit
when either run passes. A sub-function that is not the student's code at all (a carried
chapter's stand-in in the grading sandbox) is the reference in both runs. A backward runs
a third time, on the reference forward's cache (``Spec.forward``:
``Collected.reference_forward``). When the runs disagree, the student's sub-functions that
the first run called (and a backward's forward) are also run on their own hidden cases
(``Collected.parts``), so that the judge can name an earlier function as the cause of a
failure, and knows whether a backward's own forward fails. (Longer than most modules: the
runs of a composite, and when each is needed, read best together.)
"""

import types
import warnings
import zlib
from contextlib import contextmanager

import numpy as np

from autograder import specs
from autograder.collected import Collected
from autograder.namespaces import (
    course_made,
    foreign_origin,
    functions_of,
    globals_of,
    recorders,
    swapped,
)
from autograder.outputs import GradingFailure, same_values, to_plain

SEED = 231_2025
__all__ = ["Collected", "case_rng", "collect", "quiet", "raised"]


def case_rng(name, index):
    """The generator of hidden case ``index`` of ``name`` (same on both sides)."""
    return np.random.default_rng([SEED, zlib.crc32(name.encode()), index])


@contextmanager
def quiet():
    """No warnings, no floating-point traps: grades never depend on those settings."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def _where(tb, codes):
    """Name of the innermost student function in traceback ``tb`` (same file as theirs)."""
    name = None
    files = {c.co_filename for c in codes}
    while tb is not None:
        code = tb.tb_frame.f_code
        if code in codes or (code.co_filename in files and code.co_name != "<module>"):
            name = tb.tb_frame.f_code.co_name
        tb = tb.tb_next
    return name


def one_line(e):
    msg = str(e).strip().splitlines()
    text = f"{type(e).__name__}: {msg[0]}" if msg else type(e).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def raised(e):
    """How a case that raised ``e`` is reported (a :class:`GradingFailure` says it all)."""
    return str(e) if isinstance(e, GradingFailure) else f"raised {one_line(e)}"


def student_impl(graded, obj, namespace=None):
    """``impl`` namespace for the student: ``obj`` in its slot, partners from its globals."""
    name, slot = graded.name, graded.slot
    why = foreign_origin(obj, graded.method)
    if why:
        raise GradingFailure(f"{name}: your {slot} {why}, not your own code; scored 0")
    if namespace is None:
        gl = globals_of(obj)
        namespace = gl[0] if gl else {}
    impl = {slot: obj}
    for partner in graded.spec.uses:
        if partner == slot:
            continue
        other = namespace.get(partner)
        if other is None:
            raise GradingFailure(f"{name}: needs your {partner}, which is not defined")
        why = foreign_origin(other)
        if why:
            raise GradingFailure(f"{name}: your {partner} {why}, not your own code; scored 0")
        impl[partner] = other
    return types.SimpleNamespace(**impl)


def _run(graded, impl, mapping, given=()):
    """One pass over the hidden cases with ``mapping`` put into the student's globals
    (``given``: names of ``impl`` that are not the student's, a reference forward)."""
    result = Collected(graded.name)
    mine = [v for k, v in vars(impl).items() if k not in given]
    namespaces = [g for v in mine for g in globals_of(v)]
    codes = {fn.__code__ for v in mine for fn in functions_of(v)}
    mapping = mapping(namespaces) if callable(mapping) else mapping
    state = np.random.get_state()  # noqa: NPY002 - restored: grading leaves it untouched
    try:
        for i in range(graded.spec.cases):
            try:
                with swapped(namespaces, mapping), quiet():
                    raw = graded.spec.case(case_rng(graded.name, i), impl)
            except Exception as e:  # the student's code failed: one line, not a traceback
                where = _where(e.__traceback__, codes)
                result.fail(i, f"{raised(e)}{f' in your {where}' if where else ''}")
                result.cases.append({})
                continue
            outputs = {}
            for label, value in raw.items():
                try:
                    outputs[label] = to_plain(label, value)
                except GradingFailure as e:
                    outputs[label] = str(e)
            result.cases.append(outputs)
    finally:
        np.random.set_state(state)  # noqa: NPY002
    return result


def _same(a, b):
    """Did two runs give the same outputs (both raise alike, or equal values)?"""
    if (a.error, a.errors, len(a.cases)) != (b.error, b.errors, len(b.cases)):
        return False
    return all(
        x.keys() == y.keys()
        and all(
            same_values(x[k], y[k], 1e-9) if not isinstance(x[k], str) else x[k] == y[k] for k in x
        )
        for x, y in zip(a.cases, b.cases, strict=True)
    )


def _own_mapping(namespaces, names, swap_in, called=None):
    """What the run with the student's own sub-functions puts into their globals: recorders
    of the student's functions (``called``), and the reference for a sub-function that is
    the course's code, not theirs (a carried stand-in), so their own code is graded."""
    course = course_made(namespaces, names)
    mine = [n for n in names if n not in course] if called is not None else []
    refs = {n: swap_in[n] for n in course if n in swap_in}
    return {**recorders(namespaces, mine, called), **refs}


def _on_reference_forward(graded, impl, swap_in):
    """The run with the reference forward making the inputs (``Spec.forward``), the
    student's own code for the rest; ``None`` when the spec has no forward."""
    forward = [f for f in graded.spec.forward if f in swap_in]
    if not forward:
        return None
    fed = types.SimpleNamespace(**{**vars(impl), **{f: swap_in[f] for f in forward}})
    own = lambda nss: _own_mapping(nss, graded.spec.swap, swap_in)  # noqa: E731
    return _run(graded, fed, own, given=forward)


def collect(name, obj, swap_in, namespace=None):
    """Run every hidden case of ``name`` (a graded name or its resolved object) on ``obj``.

    ``swap_in`` maps sub-function names to the objects (references) put into the
    student's globals for the second run of a composite. Never raises for student
    faults: they land in ``Collected.error``.
    """
    graded = specs.resolve(name)
    try:
        impl = student_impl(graded, obj, namespace)
    except GradingFailure as e:
        return Collected(graded.name, error=str(e))  # already names the graded function
    if not graded.spec.swap:
        return _run(graded, impl, {})
    called = set()
    own = _run(graded, impl, lambda nss: _own_mapping(nss, graded.spec.swap, swap_in, called))
    own.swapped = _run(graded, impl, swap_in)
    fed = _on_reference_forward(graded, impl, swap_in)
    if fed is not None and not _same(own, fed):
        own.reference_forward = fed
        called.update(graded.spec.forward)  # the judge needs the forward's own verdict
    if _same(own, own.swapped) and own.reference_forward is None:
        return own
    ns = namespace if namespace is not None else (globals_of(obj) or [{}])[0]
    for part in graded.spec.swap:
        if part in called and part in specs.all_graded() and ns.get(part) is not None:
            own.parts[part] = _own(part, ns[part], ns)
    return own


def _own(part, obj, namespace):
    """A sub-function on its own hidden cases, with the student's own sub-functions only."""
    graded = specs.resolve(part)
    try:
        return _run(graded, student_impl(graded, obj, namespace), {})
    except GradingFailure as e:
        return Collected(part, error=str(e))
