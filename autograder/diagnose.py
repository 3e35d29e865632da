"""Name the likely mistake: run catalogue mutants on the failing case, find the one that matches.

A mutant (see :mod:`autograder.mistakes.base`) is a patched copy of a reference
function. When every output of the student's code on the failing hidden case
equals the mutant's output on the same inputs (NaN where it has NaN, relative
error within tolerance elsewhere), and so do its outputs on the other hidden
cases that ran, the mutant's hint is shown. (Two mistakes can coincide on one
case, e.g. a mask computed from ``captions_in`` and no mask at all when that
case's inputs hold no padding; the other cases tell them apart.)
"""

import types

from autograder.collect import case_rng, quiet, slot_of
from autograder.mistakes.base import all_mistakes, build_mutant
from autograder.outputs import same_values


def candidates(name, spec):
    """Mistakes to try for ``name``: its own first, then those of its partner functions."""
    own, partners = [], []
    for m in all_mistakes():
        if m.applies_to(name):
            own.append(m)
        elif ":" not in m.function and m.target in spec.uses and m.target != slot_of(name):
            partners.append(m)
    return own + partners


def _matches(name, spec, impl, index, student_outputs, tol):
    try:
        with quiet():
            out = spec.case(case_rng(name, index), impl)
    except Exception:
        return False
    return all(k in out and same_values(v, out[k], tol) for k, v in student_outputs.items())


def diagnose(name, spec, index, student_outputs, ref_impl, other_cases=None):
    """The catalogue :class:`Mistake` matching the student's outputs, or ``None``.

    ``student_outputs`` are those of the failing case ``index``; a mutant must
    also match ``other_cases`` (``{case index: outputs}`` of the other cases that
    ran, optional).
    """
    tol = max(spec.tol, 1e-6)
    for m in candidates(name, spec):
        try:
            mutant = build_mutant(m)
        except Exception:  # a broken catalogue entry must not break grading (tests catch it)
            continue
        impl = types.SimpleNamespace(**vars(ref_impl))
        setattr(impl, slot_of(m.target), mutant)
        if not _matches(name, spec, impl, index, student_outputs, tol):
            continue
        others = (other_cases or {}).items()
        if all(_matches(name, spec, impl, j, outs, tol) for j, outs in others):
            return m
    return None
