"""Run one restored notebook in the sandbox; judge its test cells here, write outputs.

:func:`run_restored` runs the code cells that the test cells need (:mod:`.deps`; every
cell up to the last test cell with ``Limits.run_unneeded``, the cells after it too with
``Limits.run_trailing``), in notebook order, one at a time (IPython syntax turned into
plain Python first), and writes each cell's outputs back, re-checked and capped. A cell
not run gets one line saying why. Test cells are judged outside the sandbox
(:mod:`.verdict`) into one typed :class:`~autograder.results.CellResult` each.

Each cell is bounded by ``cell_timeout`` wall seconds and by a CPU bound derived from the
reference solution's run of the same cell (:mod:`.costs`); the runner interrupts a cell at
either (an error in that cell, as stock nbgrader's interrupt). When the sandbox dies
(a crash, a limit it could not interrupt), that cell and the test cells that need it fail
("kernel died at cell k: ..."), and a fresh sandbox runs the cells that the remaining test
cells need, without the dead one; the whole notebook stays within ``total_timeout``. A
sandbox that misused the grading channel gets no second one.

(Longer than most modules: the run, the restarts and their messages are one loop.)
"""

import time
from dataclasses import dataclass

from nbformat import from_dict

from autograder import grader, legacy
from autograder.notebook import deps, verdict
from autograder.notebook.cells import (
    grade_id,
    grade_names,
    is_grade_cell,
    is_manual_cell,
    points,
    to_python,
)
from autograder.notebook.hidden import DEFAULT
from autograder.notebook.recap import recap
from autograder.results import CellResult, CellStop, KernelDeath, NotebookResult
from autograder.sandbox import jail
from autograder.sandbox.host import finish, started
from autograder.sandbox.limits import Limits


def _note(text):
    return {"output_type": "stream", "name": "stdout", "text": f"(not run while grading: {text})\n"}


NOT_RUN = _note("no graded cell follows this one")
NOT_NEEDED = _note("no graded cell needs it")


def serve_reference(fn, args, kwargs):
    """Run reference ``fn`` for the sandbox (only names the current cell may swap in)."""
    import numpy as np

    with np.errstate(all="ignore"):
        return grader.swap_reference(fn)(*args, **kwargs)


class _Notebook:
    """One notebook's run: its plan, the sandboxes it took, what each cell gave."""

    def __init__(self, nb, limits, name, hidden, costs):
        self.nb, self.limits, self.hidden, self.costs = nb, limits, hidden, costs
        self.result = NotebookResult(name, weak_sandbox=jail.fallback_warning())
        self.plan = deps.plan(nb, limits, hidden)
        self.deadline = time.monotonic() + limits.total_timeout
        self.judged = {}  # test number -> CellResult
        self.errors = {}  # cell number -> (source, "Ename: evalue") of cells that raised
        self.ran, self.count = set(), 0
        self.cpu = {}  # cell number -> the runner's CPU seconds (its last run)

    def cell(self, i):
        return self.nb.cells[i - 1]

    def go(self):
        pending, dead, todo = list(self.plan.tests), [], self.plan.run
        while True:
            death = self._session(todo, pending)
            if death is None:
                break
            if death.budget:
                self._fail_all(pending, f"not run: {death.reason}")
                break
            self.result.deaths.append(KernelDeath(death.cell, death.reason))
            dead.append(death.cell)
            reason = f"kernel died at cell {death.cell} ({death.reason})"
            blamed = set(self.plan.blamed(dead)) | {death.cell}
            if death.final:  # no second sandbox: the rest of the notebook fails
                blamed = set(pending)
            for t in [t for t in pending if t in blamed]:
                pending.remove(t)
                if t not in self.judged:
                    self._fail(t, f"not run: {reason}")
            if not pending:
                break
            todo = self.plan.rerun(pending, dead, self.ran)
        self._finish(dead)
        return self.result

    def _fail_all(self, pending, msg):
        for t in pending:
            if t not in self.judged:
                self._fail(t, msg)
        pending.clear()

    def _session(self, todo, pending):
        """Run ``todo`` in one sandbox; the :class:`_Death` that ended it, or ``None``."""
        session = started(serve_reference, self.limits)
        session.deadline = self.deadline
        try:
            if session.dead is not None:
                return _Death(1, session.dead, final=True)
            for i in todo:
                if time.monotonic() >= self.deadline:
                    budget = f"{self.limits.total_timeout:g} s"
                    return _Death(i, f"the notebook's time budget ({budget}) ran out", budget=True)
                death = self._run(session, i, pending)
                if death is not None:
                    return death
            return None
        finally:
            finish(session)

    def _run(self, session, i, pending):
        cell, lim = self.cell(i), self.limits
        is_grade = is_grade_cell(cell)
        names = grade_names(cell.source) if is_grade else []
        src = self.hidden.graded_part(cell.source) if is_grade else cell.source
        cpu = self.costs.bound(cell, i, lim) if self.costs is not None else None
        run = session.run_cell(i, to_python(src), names=names, cpu=cpu)
        self.count += 1
        self.ran.add(i)
        self.cpu[i] = run.cpu
        self.result.cell_seconds += run.seconds
        run.outputs = recap(run.outputs, lim, self.count)
        cell.execution_count = self.count
        if run.stopped and not run.died:
            self.result.stopped.append(CellStop(i, run.stopped))
        if run.error and not is_grade:
            self.errors[i] = (cell.source, f"{run.error[0]}: {run.error[1]}")
        if is_grade and i in pending and i not in self.judged:
            self.judged[i] = self._judged(cell, i, names, run)
        elif not is_grade:
            cell.outputs = run.outputs
            if run.died:
                died = f"kernel died at cell {i}: {run.died}"
                cell.outputs.append(verdict.error_output(died, "KernelDied"))
        if not run.died:
            return None
        return _Death(i, run.died, final=run.hostile or time.monotonic() >= self.deadline)

    def _judged(self, cell, i, names, run):
        message, judged = verdict.judge_cell(names, run)
        failed = [(n, s, e) for n, (s, e) in sorted(self.errors.items()) if n < i]
        if message and (note := legacy.undefined(message, failed)):
            message = verdict.one_line(f"{message} ({note})")
        if run.died:
            message = f"kernel died at cell {i}: {run.died}"
        cell.outputs = verdict.grade_cell_outputs(run, message)
        status = "died" if run.died else "passed" if message is None else "failed"
        seconds = round(run.seconds, 4)
        return CellResult(
            grade_id(cell), points(cell), message is None, message, status, judged, seconds
        )

    def _fail(self, t, msg):
        cell = self.cell(t)
        cell.outputs, cell.execution_count = [verdict.error_output(msg)], None
        self.judged[t] = CellResult(grade_id(cell), points(cell), False, msg, "died")

    def _finish(self, dead):
        last = self.plan.tests[-1] if self.plan.tests else len(self.nb.cells)
        for i, cell in enumerate(self.nb.cells, start=1):
            if cell.cell_type != "code":
                continue
            if i not in self.ran and i not in self.judged:
                cell.execution_count = None
                if i > last:
                    cell.outputs = [dict(NOT_RUN)]
                elif i in self.plan.run and dead:
                    why = f"the graded cells that need it need cell {dead[0]}, whose kernel died"
                    cell.outputs = [_note(why)]
                else:
                    cell.outputs = [dict(NOT_NEEDED)]
                self.result.cells_skipped += 1
            cell.outputs = [from_dict(o) for o in cell.outputs]
        self.result.cells = [self.judged[t] for t in self.plan.tests if t in self.judged]
        self.result.cells_run = len(self.ran)
        self.result.manual_points = sum(points(c) for c in self.nb.cells if is_manual_cell(c))
        self.result.cell_seconds = round(self.result.cell_seconds, 4)


@dataclass
class _Death:
    """What ended a sandbox: a death at ``cell``; ``final``: no second sandbox (the grading
    channel was misused, the sandbox did not start, or no time is left); ``budget``: no
    death, the notebook's time budget ran out."""

    cell: int
    reason: str
    final: bool = False
    budget: bool = False


def run_restored(nb, limits=None, name="", hidden=DEFAULT, costs=None):
    """Run ``nb`` (restored: hidden tests in place) in a sandbox, in place.

    costs : :class:`~autograder.notebook.costs.ReferenceCosts` of the notebook's source
        (per-cell CPU bounds), or ``None`` (wall-clock bounds only).
    Returns the :class:`~autograder.results.NotebookResult` of its test cells (without
    ``notebook``, ``notes`` and ``seconds``: :mod:`.grade` fills those).
    """
    return _Notebook(nb, limits or Limits.load(), name, hidden, costs).go()


def reference_run(nb, limits, hidden=DEFAULT):
    """Run source notebook ``nb`` (a copy) as a submission, every cell up to the last test
    cell, without CPU bounds; ``{cell number: the runner's CPU seconds}``."""
    import copy

    values = {n: getattr(limits, n) for n in Limits.names()}
    values.update(run_unneeded=True, run_trailing=False)
    run = _Notebook(copy.deepcopy(nb), Limits(**values), "", hidden, None)
    run.go()
    return dict(run.cpu)
