"""What one batch run does for one assignment: grade, commit only, or skip each student.

The assignment's canonical cells come from the gradebook once; their digest and every
submitted file make each student's key (:func:`.journal.submission_key`). A student whose
journaled key matches and whose stored result is intact is skipped; a stored result with
the current key that was never journaled (the run was killed before committing it) is
committed without regrading; everybody else is graded.
"""

import hashlib
import json
from dataclasses import dataclass, field

from nbgrader.api import MissingEntry

from autograder import store
from autograder.batch import journal
from autograder.batch.coursedir import UsageError
from autograder.notebook import costs
from autograder.notebook.canonical import canonical_cells
from autograder.results import SubmissionResult


@dataclass
class Todo:
    """A student to grade: the submission folder and its key."""

    folder: str
    key: str


@dataclass
class Plan:
    assignment: str
    state_dir: object  # pathlib.Path of the journal
    canonical: dict  # {notebook name: [CanonicalCell]}
    students: list[str]
    todo: dict[str, Todo] = field(default_factory=dict)
    ready: dict[str, SubmissionResult] = field(default_factory=dict)
    skipped: dict[str, SubmissionResult] = field(default_factory=dict)
    costs: dict = field(default_factory=dict)  # {notebook name: ReferenceCosts}
    digest: str = ""  # of the canonical cells


def assignment_cells(course, gb, assignment):
    """``{notebook name: [CanonicalCell]}`` of ``assignment`` in the gradebook ``gb``."""
    try:
        notebooks = gb.find_assignment(assignment).notebooks
    except MissingEntry:
        raise UsageError(
            f"no assignment {assignment!r} in the gradebook: run generate_assignment"
        ) from None
    return {
        nb.name: canonical_cells(
            course.cd.db_url, nb.name, assignment, course.source(assignment, nb.name)
        )
        for nb in notebooks
    }


def _digest(canonical):
    plain = {name: [c.to_json() for c in cells] for name, cells in canonical.items()}
    return hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()


def make_plan(course, gb, assignment, force=False):
    """The :class:`Plan` of ``assignment`` (``force``: grade every student again); its
    ``costs`` are filled by :func:`measure_costs`."""
    canonical = assignment_cells(course, gb, assignment)
    digest = _digest(canonical)
    plan = Plan(assignment, journal.state_dir(course.root, assignment), canonical, [])
    plan.students = course.students(assignment)
    done = {} if force else journal.committed(plan.state_dir)
    for s in plan.students:
        key = journal.submission_key(course.submitted(s, assignment), digest)
        stored = None if force else store.load(course.root, assignment, s)
        if stored is not None and stored.key != key:
            stored = None
        if stored is not None and done.get(s) == key:
            plan.skipped[s] = stored
        elif stored is not None:
            plan.ready[s] = stored
        else:
            plan.todo[s] = Todo(course.submitted(s, assignment), key)
    plan.digest = digest
    return plan


def cost_jobs(course, plan):
    """``[(notebook name, job)]``: what measures (or loads from the cache) each notebook's
    reference cell costs (:mod:`..notebook.costs`); none when no student is to be graded."""
    if not plan.todo:
        return []
    return [
        (name, course.source(plan.assignment, name), plan.state_dir, course.hidden, plan.digest)
        for name in plan.canonical
    ]


def measure_costs(job, limits):
    """The :class:`~autograder.notebook.costs.ReferenceCosts` of one :func:`cost_jobs` job."""
    _, src, state_dir, hidden, digest = job
    try:
        return costs.for_source(src, state_dir, limits, hidden, digest)
    except Exception:  # noqa: BLE001 - without them, cells have wall-clock bounds only
        return None
