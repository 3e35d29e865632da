"""One run of a graded name judged case by case, and its first failure explained.

:func:`evaluate` compares every case and output of a run with the reference (plain arrays
both); :func:`explain` turns its first failure into the one-line message: what is wrong
(shape, dtype, non-finite, rel_error), where (time steps, gate blocks, worst entry:
:mod:`autograder.locate`), then the idea: a catalogue mistake whose mutant reproduces the
outputs (:mod:`autograder.diagnose`), else a named convention
(:mod:`autograder.conventions`), and for old code what to change (:mod:`autograder.legacy`).
"""

from dataclasses import dataclass, field

import numpy as np

from autograder import conventions, legacy, locate
from autograder.diagnose import diagnose
from autograder.outputs import GradingFailure, compare


@dataclass
class Evaluation:
    """Per case: ``None`` (passed), ``"raised"``, or ``[(label, GradingFailure), ...]``."""

    cases: list = field(default_factory=list)
    error: str | None = None  # nothing could be graded (the message names the function)

    @property
    def failed(self):
        return self.error is not None or any(c is not None for c in self.cases)

    @property
    def first(self):
        return next(i for i, c in enumerate(self.cases) if c is not None)

    @property
    def raised(self):
        return self.error is not None or self.cases[self.first] == "raised"


@dataclass
class Failure:
    message: str
    case: int | None = None
    output: str | None = None
    rel_error: float | None = None
    mistake: str | None = None


def evaluate(graded, run, refs):
    """Judge every case of ``run`` against the reference outputs ``refs``."""
    if run.error and run.error_case < 0:
        return Evaluation(error=run.error)
    ev = Evaluation()
    for i, expected in enumerate(refs):
        if i in run.errors or i >= len(run.cases):
            ev.cases.append("raised")
            continue
        bad = []
        for label, want in expected.items():
            value = run.cases[i].get(label)
            try:
                if isinstance(value, str):
                    raise GradingFailure(value, output=label)
                if value is None:
                    raise GradingFailure(f"{label} was not produced", output=label)
                compare(label, value, want, graded.spec.tol)
            except GradingFailure as e:
                bad.append((label, e))
        ev.cases.append(bad or None)
    return ev


def _prefix(graded, i):
    n = graded.spec.cases
    return f"{graded.shown} [hidden case {i + 1}/{n}]" if n > 1 else graded.shown


def _steps(graded, refs):
    """T of every case (from the first output with a time axis), else ``None``."""
    for label, axes in graded.spec.axes.items():
        if "T" in axes and all(label in r for r in refs):
            return [np.shape(r[label])[axes.index("T")] for r in refs]
    return [None] * len(refs)


def _named(graded, ev, run, refs, i):
    """A convention or pattern the failure matches, when no mutant did."""
    failing = [j for j, c in enumerate(ev.cases) if c is not None]
    bad = {lab for c in ev.cases if isinstance(c, list) for lab, _ in c}
    raised = any(c == "raised" for c in ev.cases)
    found = conventions.breaks_at_T1(graded, _steps(graded, refs), failing, () if raised else bad)
    if found or ev.cases[i] == "raised":
        return found
    label, _ = ev.cases[i][0]
    got = run.cases[i].get(label)
    if not isinstance(got, str) and got is not None:
        found = conventions.keepdims(graded, got, refs[i][label], label)
    if found:
        return found
    non_finite = any("non-finite" in str(e) for c in ev.cases if isinstance(c, list) for _, e in c)
    return conventions.no_max_shift(graded, bad, non_finite)


def _usable(got):
    return {k: v for k, v in got.items() if not isinstance(v, str)}


def _observed(run, j):
    """What case ``j`` of the run showed, for matching mutants: its error, or its outputs."""
    return run.errors.get(j, run.error if j == run.error_case else None) or _usable(
        run.cases[j] if j < len(run.cases) else {}
    )


def explain(graded, ev, run, refs, ref_impl):
    """The :class:`Failure` of the first failing case of ``ev`` (a failed evaluation)."""
    if ev.error is not None:
        help_ = legacy.explain(ev.error)
        return Failure(ev.error + (f" — old code: {help_}" if help_ else ""))
    i = ev.first
    observed = {j: _observed(run, j) for j in range(len(refs))}
    observed = {j: o for j, o in observed.items() if o}
    mistake = None
    if observed.get(i):
        others = {j: o for j, o in observed.items() if j != i}
        mistake = diagnose(graded, i, observed[i], ref_impl, others)
    named = mistake or _named(graded, ev, run, refs, i)
    idea = f" — {named.label}: {named.hint}" if named else ""
    mid = named.id if named else None
    if ev.cases[i] == "raised":
        text = run.errors.get(i) or (run.error if run.error_case == i else None) or "no outputs"
        help_ = legacy.explain(text)
        old = f" — old code: {help_}" if help_ else ""
        return Failure(f"{_prefix(graded, i)}: {text}{idea}{old}", case=i, mistake=mid)
    label, e = ev.cases[i][0]
    what = str(e)
    if e.rel_error is not None:
        axes = graded.spec.axes.get(label)
        where = locate.where(axes, run.cases[i][label], refs[i][label], graded.spec.tol)
        what += f"; {where}" if where else ""
    if "G" not in graded.spec.axes.get(label, ""):  # another output may show the gate block
        for other, oe in ev.cases[i][1:]:
            axes = graded.spec.axes.get(other)
            got = run.cases[i].get(other)
            if oe.rel_error is not None and axes and not isinstance(got, str):
                gates = locate.gate_blocks(axes, got, refs[i][other], graded.spec.tol)
                if gates:
                    what += f"; {other} wrong {gates}"
                    break
    return Failure(f"{_prefix(graded, i)}: {what}{idea}", i, label, e.rel_error, mid)
