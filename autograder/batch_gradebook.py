"""Commit one student's batch result: autograded notebooks on disk, scores in the gradebook.

Same rules as nbgrader's ``SaveAutoGrades`` (``utils.determine_grade`` on the graded
cells; a cell with a manual score is flagged for review; unchanged answers get the
comment "No response."), written through one :class:`nbgrader.api.Gradebook` owned by
the batch's main thread only.
"""

import os
from pathlib import Path

import nbformat
from nbgrader import utils

from autograder import intake
from autograder.batch_state import write_atomic


def write_autograded(coursedir, assignment, result):
    student = result["student"]
    dest = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
    dest.mkdir(parents=True, exist_ok=True)
    for name, entry in result["notebooks"].items():
        path = dest / f"{name}.ipynb"
        if path.exists():
            os.chmod(path, 0o644)
        write_atomic(path, entry["nb"].encode())
        os.chmod(path, 0o444)
    sub = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
    if (sub / "timestamp.txt").exists():  # sec: copied only when a small regular file
        try:
            intake.copy_regular(sub / "timestamp.txt", dest / "timestamp.txt", 256)
        except intake.Refused:
            pass


def commit(gb, coursedir, assignment, result):
    """Write ``result`` into the gradebook; return the total auto score."""
    student = result["student"]
    gb.update_or_create_student(student)
    sub = coursedir.format_path(coursedir.submitted_directory, student, assignment)
    ts = coursedir.get_existing_timestamp(sub)
    if ts:
        gb.update_or_create_submission(assignment, student, timestamp=ts)
    else:
        gb.update_or_create_submission(assignment, student)
    total = 0.0
    for name, entry in result["notebooks"].items():
        nb = nbformat.v4.reads(entry["nb"])  # written by the batch: parsed, not re-validated
        for cell in nb.cells:
            md = cell.metadata.get("nbgrader", {})
            gid = md.get("grade_id")
            if utils.is_grade(cell):
                grade = gb.find_grade(gid, name, assignment, student)
                grade.auto_score, _ = utils.determine_grade(cell)
                manual = grade.manual_score is not None
                grade.needs_manual_grade = manual or grade.auto_score is None
                total += grade.auto_score or 0.0
            if utils.is_solution(cell) or utils.is_task(cell):
                comment = gb.find_comment(gid, name, assignment, student)
                same = md.get("checksum") == utils.compute_checksum(cell)
                comment.auto_comment = "No response." if same and not utils.is_task(cell) else None
    gb.db.commit()
    return total
