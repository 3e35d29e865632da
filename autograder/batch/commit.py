"""Commit one student's result: autograded notebooks on disk, then the gradebook, then the
journal. Only the batch's main thread calls this, through its one
:class:`nbgrader.api.Gradebook`.

The gradebook is written by nbgrader's own ``SaveAutoGrades`` code (its ``preprocess_cell``:
``utils.determine_grade`` for graded cells, ``needs_manual_grade`` when a manual score
exists or no auto score could be given, the comment "No response." for unchanged answers),
on the graded notebook that ``autograded/`` receives.
"""

import os
import warnings
from pathlib import Path

import nbformat
from nbgrader.preprocessors import SaveAutoGrades

from autograder import intake
from autograder.batch import journal
from autograder.store import write_atomic


def write_autograded(course, result):
    dest = Path(course.autograded(result.student, result.assignment))
    dest.mkdir(parents=True, exist_ok=True)
    for nb in result.notebooks:
        path = dest / f"{nb.name}.ipynb"
        if path.exists():
            os.chmod(path, 0o644)
        write_atomic(path, nb.notebook.encode())
        os.chmod(path, 0o444)
    sub = Path(course.submitted(result.student, result.assignment))
    if os.path.lexists(sub / "timestamp.txt"):  # copied only when a small regular file
        try:
            intake.copy_regular(sub / "timestamp.txt", dest / "timestamp.txt", 256)
        except intake.Refused:
            pass


class _OneTransaction:
    """``gb`` as ``SaveAutoGrades`` sees it while saving one notebook of one student.

    Its ``db.commit()`` after every cell does nothing (the caller commits the student once,
    which flushes every change: same rows, one sqlite commit instead of one per cell,
    nothing expired and re-read in between), and ``find_grade`` / ``find_comment`` of this
    notebook are answered from the submitted notebook's grade and comment rows, read in two
    queries (nbgrader's own lookup, seven joins per cell, only for a name not among them).
    ``grades`` keeps the grade rows handed out, so the total needs no second lookup per cell.
    """

    def __init__(self, gb, notebook_id, assignment, student):
        self._gb, self._key = gb, (notebook_id, assignment, student)
        self.db = _Deferred(gb.db)
        self.grades = []
        self._rows = None

    def _prefetch(self):
        from nbgrader.api import Comment, Grade
        from sqlalchemy.orm import joinedload

        sub = self._gb.find_submission_notebook(*self._key)
        rows = {}
        for kind, model in (("grade", Grade), ("comment", Comment)):
            query = self._gb.db.query(model).options(joinedload(model.cell))
            for row in query.filter(model.notebook_id == sub.id):
                rows[(kind, row.cell.type, row.cell.name)] = row
        return rows

    def _find(self, kind, types, name, key, find):
        if key == self._key:
            if self._rows is None:
                self._rows = self._prefetch()
            for cell_type in types:  # nbgrader's order: its first query, then the task cells
                if (kind, cell_type, name) in self._rows:
                    return self._rows[(kind, cell_type, name)]
        return find(name, *key)

    def find_grade(self, name, *key):
        grade = self._find("grade", ("GradeCell", "TaskCell"), name, key, self._gb.find_grade)
        self.grades.append(grade)
        return grade

    def find_comment(self, name, *key):
        types = ("SolutionCell", "TaskCell")
        return self._find("comment", types, name, key, self._gb.find_comment)

    def __getattr__(self, name):
        return getattr(self._gb, name)


class _Deferred:
    def __init__(self, db):
        self._db = db

    def commit(self):
        pass  # the caller's commit of the whole student flushes and commits

    def __getattr__(self, name):
        return getattr(self._db, name)


def save_auto_grades(gb, notebook, notebook_id, assignment, student):
    """What stock ``SaveAutoGrades`` writes for ``notebook``, not yet committed (the caller
    commits); returns its total auto score."""
    saver = SaveAutoGrades()
    saver.gradebook = _OneTransaction(gb, notebook_id, assignment, student)
    saver.notebook_id = notebook_id
    saver.assignment_id, saver.student_id = assignment, student
    for i, cell in enumerate(notebook.cells):
        saver.preprocess_cell(cell, {}, i)
    return sum(grade.auto_score or 0.0 for grade in saver.gradebook.grades)


def save_grades(gb, course, result):
    """Write ``result`` into the gradebook, as ``nbgrader autograde`` does; the total score."""
    student, assignment = result.student, result.assignment
    gb.update_or_create_student(student)
    ts = course.cd.get_existing_timestamp(course.submitted(student, assignment))
    if ts:
        gb.update_or_create_submission(assignment, student, timestamp=ts)
    else:
        gb.update_or_create_submission(assignment, student)
    total = 0.0
    for nb in result.notebooks:
        graded = nbformat.v4.reads(nb.notebook)  # written by the core: parsed, not re-validated
        total += save_auto_grades(gb, graded, nb.name, assignment, student)
    gb.db.commit()
    return total


def commit(gb, course, plan, result):
    """Commit ``result``; return ``None`` or why the grades could not be saved."""
    try:
        write_autograded(course, result)
        with warnings.catch_warnings():  # nbgrader's own autoflush warnings, as in its CLI
            warnings.simplefilter("ignore")
            score = save_grades(gb, course, result)
    except Exception as e:
        gb.db.rollback()
        return f"could not save grades: {type(e).__name__}: {e}"
    journal.journal(plan.state_dir, result.student, result.key, score)
    return None
