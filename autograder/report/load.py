"""Read one assignment's class: gradebook scores and the stored typed grading results.

The gradebook (nbgrader's :class:`~nbgrader.api.Gradebook`) is the authority on scores: it
holds manual scores and whatever the instructor changed in formgrader. The stored
:class:`~autograder.results.SubmissionResult` of each student (written by
``nbgrader autograde`` and by ``python -m autograder grade`` alike, read with
:func:`autograder.store.load_results`) says *why* a cell failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder.results import SubmissionResult
from autograder.store import load_results


class NotInGradebook(Exception):
    """No gradebook, or the assignment id is not in it (the message says which)."""


@dataclass(frozen=True)
class Cell:
    """One graded cell of the assignment; ``kind`` is ``test``, ``written`` or ``task``."""

    notebook: str
    name: str
    max_score: float
    kind: str = "test"

    @property
    def key(self):
        return (self.notebook, self.name)


@dataclass(frozen=True)
class Score:
    """A student's score on one graded cell; ``manual`` when a person set it."""

    notebook: str
    cell: str
    score: float
    max_score: float
    manual: bool = False


@dataclass
class Submission:
    """One student's graded submission: gradebook scores and, when stored, the result."""

    student: str
    score: float
    max_score: float
    scores: list[Score] = field(default_factory=list)
    result: SubmissionResult | None = None


@dataclass
class ClassData:
    """Everything the report needs about one assignment.

    ``orphans`` counts stored results of students the gradebook has no submission for
    (graded but never committed); they are left out of every number.
    """

    assignment: str
    cells: list[Cell]
    submissions: list[Submission]
    orphans: int = 0

    @property
    def results(self):
        return [s.result for s in self.submissions if s.result is not None]


def _cells(assignment, order):
    cells = []
    for nb in sorted(assignment.notebooks, key=lambda n: n.name):
        found = [Cell(nb.name, c.name, float(c.max_score), _kind(c)) for c in nb.grade_cells]
        found += [Cell(nb.name, c.name, float(c.max_score), "task") for c in nb.task_cells]
        rank = order.get(nb.name, {})
        cells += sorted(found, key=lambda c: (rank.get(c.name, len(rank)), c.name))
    return cells


def _kind(grade_cell):
    return "test" if grade_cell.cell_type == "code" else "written"


def _order(results):
    """``{notebook: {cell: position}}`` from the stored results (the source's cell order)."""
    order = {}
    for r in results:
        for nb in r.notebooks:
            order.setdefault(nb.name, {c.grade_id: i for i, c in enumerate(nb.cells)})
    return order


def read_class(db_url, course_id, root, assignment):
    """The :class:`ClassData` of ``assignment`` (``NotInGradebook`` for an unknown id)."""
    if db_url.startswith("sqlite:///") and not Path(db_url[len("sqlite:///") :]).is_file():
        raise NotInGradebook(f"no gradebook at {db_url[len('sqlite:///') :]}: nothing is graded")
    results = {r.student: r for r in load_results(root, assignment)}
    with Gradebook(db_url, course_id) as gb:
        try:
            a = gb.find_assignment(assignment)
        except MissingEntry:
            raise NotInGradebook(
                f"no assignment {assignment!r} in the gradebook: run generate_assignment"
            ) from None
        cells = _cells(a, _order(results.values()))
        subs = []
        for sub in sorted(gb.assignment_submissions(assignment), key=lambda s: s.student_id):
            scores = [
                Score(
                    g.notebook.name,
                    g.name,
                    float(g.score),
                    float(g.max_score),
                    g.manual_score is not None,
                )  # fmt: skip
                for nb in sub.notebooks
                for g in nb.grades
            ]
            total = sum(s.score for s in scores)
            top = sum(s.max_score for s in scores)
            subs.append(Submission(sub.student_id, total, top, scores, results.get(sub.student_id)))
    orphans = len(set(results) - {s.student for s in subs})
    return ClassData(assignment, cells, subs, orphans)
