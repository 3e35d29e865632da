"""Grade one student's submission of an assignment (runs in a batch worker thread).

Reads each expected notebook tolerantly, restores its structure from the canonical
cells, runs it in the sandbox, removes hidden tests, and returns a JSON-able result:
``{"student", "key", "status": "graded"|"error", "reason", "notebooks": {name: {...}}}``.
"""

import os
from pathlib import Path

import nbformat

from autograder import intake, sanitize
from autograder.nbgrader_ext.exporter import unreadable_notebook
from autograder.nbgrader_ext.hide_tests import strip_hidden
from autograder.sandbox import verdict
from autograder.sandbox.restore import restore
from autograder.sandbox.run import grade_notebook, is_grade_cell


def _zero(nb, reason):
    """Grades of a notebook that could not be run: every grade cell fails with ``reason``."""
    grades = []
    for cell in nb.cells:
        md = cell.metadata.get("nbgrader", {})
        if is_grade_cell(cell):
            cell.outputs = [nbformat.from_dict(verdict.error_output(reason))]
            grades.append((md["grade_id"], float(md.get("points", 0)), False, reason))
    return grades


def _finish(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = strip_hidden(cell.source)
    sanitize.notebook(nb)  # sec: nothing a student wrote runs in formgrader or feedback
    return nbformat.writes(nb)


def grade_student(student, sub_dir, canonical, key, limits=None):
    sub_dir = Path(sub_dir)
    out = {"student": student, "key": key, "status": "graded", "reason": None, "notebooks": {}}
    problems, notes = [], []
    found = sorted(p.name for p in sub_dir.glob("*.ipynb"))
    for name, canon in canonical.items():
        path = sub_dir / f"{name}.ipynb"
        reason = None
        if not os.path.lexists(path):  # sec: a link is refused by intake, not "missing"
            others = [f for f in found if f[:-6] not in canonical]
            reason = (
                f"notebook renamed: found {', '.join(others)}, expected {name}.ipynb"
                if others
                else f"{name}.ipynb was not submitted"
            )
            nb = None
        else:
            nb, reason = intake.load_submission(path, limits)  # sec: regular file, capped
        restored, fixes = restore(nb if nb is not None else unreadable_notebook(reason), canon)
        notes += [f"{name}: {f}" for f in fixes if nb is not None]
        entry = {"died_at": None, "died": None, "weak": None}
        if reason:
            problems.append(f"{name}: {reason}")
            grades = _zero(restored, f"{reason} (scored 0)")
        else:
            restored, res = grade_notebook(restored, limits)
            grades = res.grades
            entry.update(died_at=res.died_at, died=res.died, weak=res.weak_sandbox)
            entry["cell_seconds"] = round(res.seconds, 4)
        entry["grades"] = grades
        entry["nb"] = _finish(restored)
        out["notebooks"][name] = entry
    if problems:
        out["status"], out["reason"] = "error", "; ".join(problems)
    out["notes"] = notes
    return out
