"""Run one restored notebook in a sandbox session; judge its test cells here, write outputs.

:func:`run_restored` sends the code cells one at a time (IPython syntax turned into plain
Python first) and writes each cell's outputs back, re-checked and capped. Test cells are
judged outside the sandbox (:mod:`.verdict`) into one typed
:class:`~autograder.results.CellResult` each. When the runner dies, that cell and every
later test cell fail ("kernel died at cell k"), earlier credit is kept. Code cells after
the last test cell are not run (they cannot change a score; see ``Limits.run_trailing``).
"""

from nbformat import from_dict

from autograder import grader, legacy
from autograder.notebook import verdict
from autograder.notebook.cells import (
    grade_id,
    grade_names,
    is_grade_cell,
    last_grade_cell,
    points,
    to_python,
)
from autograder.notebook.hidden import DEFAULT
from autograder.notebook.recap import recap
from autograder.results import CellResult, KernelDeath, NotebookResult
from autograder.sandbox import jail
from autograder.sandbox.host import Session
from autograder.sandbox.limits import Limits

NOT_RUN = {
    "output_type": "stream",
    "name": "stdout",
    "text": "(not run while grading: no graded cell follows this one)\n",
}


def serve_reference(fn, args, kwargs):
    """Run reference ``fn`` for the sandbox (only names the current cell may swap in)."""
    import numpy as np

    with np.errstate(all="ignore"):
        return grader.swap_reference(fn)(*args, **kwargs)


def _judged(cell, i, names, run, failed):
    message, judged = verdict.judge_cell(names, run)
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


def run_restored(nb, limits=None, name="", hidden=DEFAULT):
    """Run ``nb`` (restored: hidden tests in place) in a sandbox, in place.

    Returns the :class:`~autograder.results.NotebookResult` of its test cells (without
    ``notebook``, ``notes`` and ``seconds``: :mod:`.grade` fills those).
    """
    limits = limits or Limits.load()
    result = NotebookResult(name, weak_sandbox=jail.fallback_warning())
    session = Session(serve_reference, limits)
    count, death = 0, None
    failed = []  # earlier cells that raised: (number, source, error), for the test cells' messages
    last = len(nb.cells) if limits.run_trailing else last_grade_cell(nb)
    try:
        if not session.start():
            death = KernelDeath(1, session.dead)
        for i, cell in enumerate(nb.cells, start=1):
            if cell.cell_type != "code":
                continue
            if i > last:
                cell.outputs, cell.execution_count = [dict(NOT_RUN)], None
                result.cells_skipped += 1
                continue
            is_grade = is_grade_cell(cell)
            names = grade_names(cell.source) if is_grade else []
            if death:
                cell.outputs, cell.execution_count = [], None
                if is_grade:
                    msg = f"not run: kernel died at cell {death.cell} ({death.reason})"
                    cell.outputs = [verdict.error_output(msg)]
                    result.cells.append(
                        CellResult(grade_id(cell), points(cell), False, msg, "died")
                    )
                continue
            count += 1
            src = hidden.graded_part(cell.source) if is_grade else cell.source
            run = session.run_cell(i, to_python(src), names=names)  # proxies follow the name
            result.cell_seconds += run.seconds
            result.cells_run += 1
            run.outputs = recap(run.outputs, limits, count)
            cell.execution_count = count
            if run.died:
                death = KernelDeath(i, run.died)
            if run.error and not is_grade:
                failed.append((i, cell.source, f"{run.error[0]}: {run.error[1]}"))
            if is_grade:
                result.cells.append(_judged(cell, i, names, run, failed))
            else:
                cell.outputs = run.outputs
                if run.died:
                    died = f"kernel died at cell {i}: {run.died}"
                    cell.outputs.append(verdict.error_output(died, "KernelDied"))
    finally:
        session.close()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [from_dict(o) for o in cell.outputs]
    result.deaths = [death] if death else []
    result.cell_seconds = round(result.cell_seconds, 4)
    return result
