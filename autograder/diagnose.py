"""Name the likely mistake: run catalogue mutants on the failing case, find the one that matches.

A mutant (see :mod:`autograder.mistakes.base`) is an edited copy of a reference
function. When every output of the student's code on the failing hidden case
equals the mutant's output on the same inputs (NaN where it has NaN, relative
error within tolerance elsewhere), and so do its outputs on the other hidden
cases that ran, the mutant's hint is shown. (Two mistakes can coincide on one
case, e.g. a mask computed from ``captions_in`` and no mask at all when that
case's inputs hold no padding; the other cases tell them apart.) A student's case that
raised matches a mutant that raises the same error there.
"""

import types

from autograder.collect import case_rng, quiet, raised
from autograder.mistakes.base import all_mistakes, build_mutants
from autograder.outputs import same_values


def candidates(graded):
    """Mistakes to try for ``graded``: its own first, then those of its partner functions."""
    own, partners = [], []
    for m in all_mistakes():
        if m.applies_to(graded):
            own.append(m)
        elif m.where.variant is None and m.target in graded.spec.uses and m.target != graded.slot:
            partners.append(m)
    return own + partners


_RUNS = {}  # (graded name, case, impl's objects) -> (raised text or None, outputs)
RUNS_KEPT = 4096


def _run(graded, impl, index):
    """``(raised text or None, outputs)`` of ``impl`` on case ``index``: computed once per
    graded name, case and ``impl`` objects (reference and mutant objects, the same for every
    student: no student's data is in the key or the value; treat outputs as read-only)."""
    try:
        key = (graded.name, index, tuple(sorted(vars(impl).items())))
        hash(key)
    except TypeError:  # an unhashable object in impl: not kept
        key = None
    if key is not None and key in _RUNS:
        return _RUNS[key]
    try:
        with quiet():
            run = None, graded.spec.case(case_rng(graded.name, index), impl)
    except Exception as e:
        run = raised(e), None
    if key is not None and len(_RUNS) < RUNS_KEPT:
        _RUNS[key] = run
    return run


def _matches(graded, impl, index, student_outputs, tol):
    """Does ``impl`` reproduce ``student_outputs`` (a dict, or the error string of a case
    that raised) on case ``index``?"""
    mine, out = _run(graded, impl, index)
    if mine is not None:
        if not isinstance(student_outputs, str):
            return False
        return student_outputs == mine or student_outputs.startswith(mine + " in your ")
    if isinstance(student_outputs, str):
        return False
    return all(k in out and same_values(v, out[k], tol) for k, v in student_outputs.items())


def diagnose(graded, index, student_outputs, ref_impl, other_cases=None):
    """The catalogue :class:`Mistake` matching the student's outputs, or ``None``.

    ``student_outputs`` are those of the failing case ``index`` (or the error it raised);
    a mutant must also match ``other_cases`` (``{case index: outputs}`` of the other
    cases that ran, optional).
    """
    tol = max(graded.spec.tol, 1e-6)
    for m in candidates(graded):
        try:
            mutants = build_mutants(m)
        except Exception:  # a broken catalogue entry must not break grading (tests catch it)
            continue
        for mutant in mutants:
            impl = types.SimpleNamespace(**vars(ref_impl))
            setattr(impl, m.where.slot, mutant)
            if not _matches(graded, impl, index, student_outputs, tol):
                continue
            others = (other_cases or {}).items()
            if all(_matches(graded, impl, j, outs, tol) for j, outs in others):
                return m
    return None
