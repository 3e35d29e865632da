"""Grade one (restored) notebook: run it in a sandbox, judge grade cells here, write outputs.

:func:`grade_notebook` is what both the nbgrader preprocessor and the batch CLI call. It
returns the notebook with fresh outputs and a :class:`NotebookResult`: per grade cell
``(grade_id, points, passed, message)`` and, when the runner died, where and why. Cells
after a death are not run; their grade cells fail with "kernel died at cell k". Code cells
after the last grade cell are not run (see :attr:`Limits.run_trailing`).
"""

from dataclasses import dataclass, field

from nbformat import from_dict

from autograder import grader
from autograder.sandbox import cells as cellsrc
from autograder.sandbox import jail, verdict
from autograder.sandbox.host import Session
from autograder.sandbox.limits import Limits
from autograder.sandbox.recap import recap


@dataclass
class NotebookResult:
    grades: list = field(default_factory=list)  # (grade_id, max_points, passed, message)
    died_at: int | None = None  # 1-based cell number
    died: str | None = None
    weak_sandbox: str | None = None
    seconds: float = 0.0

    @property
    def score(self):
        return sum(p for _, p, ok, _ in self.grades if ok)

    @property
    def max_score(self):
        return sum(p for _, p, _, _ in self.grades)


def _nbgrader(cell):
    md = cell.get("metadata", {}).get("nbgrader", {})
    return md if isinstance(md, dict) else {}


def is_grade_cell(cell):
    """An autograded test cell (nbgrader ``grade`` and not an answer cell)."""
    md = _nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(md.get("grade")) and not md.get("solution")


def serve_reference(fn, args, kwargs):
    """Run reference ``fn`` for the sandbox (only names the current cell may swap in)."""
    import numpy as np

    with np.errstate(all="ignore"):
        return grader.reference(fn)(*args, **kwargs)


NOT_RUN = {
    "output_type": "stream",
    "name": "stdout",
    "text": "(not run while grading: no graded cell follows this one)\n",
}


def last_grade_cell(nb):
    """1-based number of the last grade cell (every cell when there is none)."""
    last = 0
    for i, cell in enumerate(nb.cells, start=1):
        if is_grade_cell(cell):
            last = i
    return last or len(nb.cells)


def grade_notebook(nb, limits=None, session_factory=Session):
    """Run ``nb`` (restored: hidden tests in place) in a sandbox; return ``(nb, result)``."""
    limits = limits or Limits.from_env()
    result = NotebookResult(weak_sandbox=jail.fallback_warning())
    session = session_factory(serve_reference, limits)
    count = 0
    last = last_grade_cell(nb) if not limits.run_trailing else len(nb.cells)
    try:
        if not session.start():
            result.died, result.died_at = session.dead, 1
        for i, cell in enumerate(nb.cells, start=1):
            if cell.cell_type != "code":
                continue
            if i > last:
                cell.outputs, cell.execution_count = [dict(NOT_RUN)], None
                continue
            md = _nbgrader(cell)
            is_grade = is_grade_cell(cell)
            names = cellsrc.grade_names(cell.source) if is_grade else []
            if result.died:
                cell.outputs, cell.execution_count = [], None
                if is_grade:
                    msg = f"not run: kernel died at cell {result.died_at} ({result.died})"
                    cell.outputs = [verdict.error_output(msg)]
                    result.grades.append(
                        (md.get("grade_id"), float(md.get("points", 0)), False, msg)
                    )
                continue
            count += 1
            # sec: the reference calls allowed follow the running graded name (sandbox.proxy)
            run = session.run_cell(i, cellsrc.to_python(cell.source), names=names)
            result.seconds += run.seconds
            run.outputs = recap(run.outputs, limits, count)
            cell.execution_count = count
            if run.died:
                result.died, result.died_at = run.died, i
            if is_grade:
                message = verdict.judge_cell(names, run)
                if run.died:
                    message = f"kernel died at cell {i}: {run.died}"
                cell.outputs = verdict.grade_cell_outputs(run, message)
                result.grades.append(
                    (md.get("grade_id"), float(md.get("points", 0)), message is None, message)
                )
            else:
                cell.outputs = run.outputs
                if run.died:
                    cell.outputs.append(
                        verdict.error_output(f"kernel died at cell {i}: {run.died}", "KernelDied")
                    )
    finally:
        session.close()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [from_dict(o) for o in cell.outputs]
    return nb, result
