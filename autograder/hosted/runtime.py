"""One submission graded inside a hosted autograder's container, as the batch grades it.

:func:`grade_dir` reads the student's folder (``/autograder/submission``,
``/grade/student``) with the core's :func:`~autograder.notebook.read.read_folder` and
grades it with :func:`~autograder.notebook.grade.grade_files` under the course's limits
and delimiters (``assignment.json``): same sandbox, same verdicts, same typed result. A
web upload often renames the file (``softmax (1).ipynb``): when the assignment has one
notebook and the folder holds exactly one other ``.ipynb``, that one is graded, with a
note. :func:`sandbox_note` says which sandbox ran the student's code; where bubblewrap
cannot run (most containers), the weak fallback runs it as an unprivileged user, which
needs a Python installation that user can read (:func:`fallback_problem`).
"""

import os
from dataclasses import dataclass, field

from autograder.notebook.grade import grade_files
from autograder.notebook.read import read_folder
from autograder.results import SubmissionResult
from autograder.sandbox import jail
from autograder.sandbox.limits import Limits


@dataclass
class Graded:
    """A hosted run's typed result, the notes about reading it, and the sandbox used."""

    result: SubmissionResult
    notes: list[str] = field(default_factory=list)
    sandbox: str = ""


def read_dir(folder, names, limits=None):
    """``(Submitted, notes)`` of the notebooks ``names`` in ``folder`` (one rename allowed)."""
    submitted = read_folder(folder, names, limits)
    missing = [n for n in names if n not in submitted.files and n not in submitted.unreadable]
    others = [f for f in submitted.found if f[: -len(".ipynb")] not in names]
    if len(names) == 1 and missing and len(others) == 1:
        name, stem = names[0], others[0][: -len(".ipynb")]
        other = read_folder(folder, [stem], limits)
        if stem in other.files:
            submitted.files[name] = other.files[stem]
        elif stem in other.unreadable:
            submitted.unreadable[name] = other.unreadable[stem]
        return submitted, [f"Graded {others[0]} as {name}.ipynb."]
    return submitted, []


def fallback_problem():
    """Why student code would run as root here (no bubblewrap, and the weak fallback cannot
    switch to another user), or ``None``: a hosted grader refuses to grade then."""
    if jail.bwrap_status()[0] or os.geteuid() != 0:
        return None
    return jail.fallback_problem()


def sandbox_note():
    """One line: which sandbox ran the student's code."""
    weak = jail.fallback_warning()
    return weak or "Student code ran in a bubblewrap sandbox (no network, no grader files)."


def grade_dir(spec, folder):
    """:class:`Graded` of the submission in ``folder`` for the :class:`HostedAssignment`."""
    problem = fallback_problem()
    if problem:
        raise RuntimeError(f"the grader is installed wrongly: {problem}")
    limits = Limits(**spec.limits)
    submitted, notes = read_dir(folder, list(spec.notebooks), limits)
    result = grade_files(
        "student", spec.assignment, submitted, spec.notebooks, limits=limits, hidden=spec.hidden
    )
    return Graded(result, notes, sandbox_note())


def summary(graded, with_score=True):
    """The lines a student reads about the whole submission (not per test)."""
    r = graded.result
    lines = list(graded.notes)
    if with_score:
        lines.insert(0, f"{r.assignment}: {r.score:g} / {r.max_score:g} points.")
    for nb in r.notebooks:
        if nb.unreadable:
            lines.append(f"{nb.name}.ipynb could not be graded: {nb.unreadable} (0 points).")
        lines += [f"{nb.name}: kernel died at cell {d.cell} ({d.reason})." for d in nb.deaths]
        lines += [f"{nb.name}: repaired: {note}." for note in nb.notes]
    lines.append(graded.sandbox)
    return "\n".join(lines)
