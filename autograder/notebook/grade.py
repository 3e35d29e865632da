"""The grading core's entry points: a notebook or a whole submission in, a typed result out.

:func:`grade_notebook` reads (tolerantly), restores from the canonical cells, runs in the
sandbox and judges; :func:`grade_submission` does it for every notebook an assignment
expects in a student's folder (:func:`grade_files` for a submission already read into a
:class:`~autograder.notebook.read.Submitted`, as a remote worker receives it). None of
them raises for anything in the submission: an unreadable, missing or renamed notebook
scores 0 with the reason in every test cell.
"""

import time

import nbformat
from nbformat import from_dict

from autograder import intake, sanitize
from autograder.notebook import verdict
from autograder.notebook.cells import grade_id, is_grade_cell, points
from autograder.notebook.hidden import DEFAULT
from autograder.notebook.read import read_folder, unreadable_notebook
from autograder.notebook.restore import restore
from autograder.notebook.run import run_restored
from autograder.results import CellResult, NotebookResult, SubmissionResult


def published(nb, hidden):
    """What ``autograded/`` and the feedback receive of a graded ``nb``: nbformat JSON without
    the hidden tests, and sanitised (:mod:`autograder.sanitize`: nothing a student wrote runs
    in formgrader or the feedback page); ``nb`` itself is left as it is."""
    copy = hidden.stripped_copy(nb)  # validated once, below
    sanitize.notebook(copy)
    return nbformat.writes(copy)


def _zeroed(name, reason, canonical, hidden):
    """The result of a notebook that could not be run: every test cell fails with ``reason``."""
    nb, _ = restore(unreadable_notebook(reason), canonical)
    message = f"{reason} (scored 0)"
    result = NotebookResult(name, unreadable=reason)
    for cell in nb.cells:
        if is_grade_cell(cell):
            cell.outputs = [from_dict(verdict.error_output(message))]
            result.cells.append(
                CellResult(grade_id(cell), points(cell), False, message, "unreadable")
            )
    result.notebook = published(nb, hidden)
    return result


def grade_notebook(submission, canonical=None, limits=None, *, name="", hidden=DEFAULT, costs=None):
    """Grade one submitted notebook; return its :class:`~autograder.results.NotebookResult`.

    submission : bytes of the submitted file, or a parsed notebook. A notebook given with
        ``canonical=None`` counts as restored already (nbgrader's sanitize step did it)
        and is graded in place: its outputs are written.
    canonical : list of :class:`~autograder.notebook.canonical.CanonicalCell`, or None.
    limits : :class:`~autograder.sandbox.limits.Limits` (default: configuration + environment).
    hidden : :class:`~autograder.notebook.hidden.HiddenTests`, the course's delimiters;
        ``.notebook`` of the result is the graded notebook without them.
    costs : :class:`~autograder.notebook.costs.ReferenceCosts` of the source notebook (the
        cells' CPU bounds), or ``None`` (wall-clock bounds only).
    """
    t0 = time.monotonic()
    nb, notes = submission, []
    if isinstance(submission, (bytes, bytearray)):
        nb, reason, notes = intake.parse_submission(bytes(submission), limits)
        if nb is None:
            result = _zeroed(name, reason, canonical or [], hidden)
            result.seconds = round(time.monotonic() - t0, 4)
            return result
    if canonical is not None:
        nb, repaired = restore(nb, canonical)
        notes = [*notes, *repaired]
    result = run_restored(nb, limits, name, hidden, costs)
    result.notes = list(notes)
    result.notebook = published(nb, hidden)
    result.seconds = round(time.monotonic() - t0, 4)
    return result


def _missing(name, found, expected):
    others = [f for f in found if f[:-6] not in expected]
    if others:
        return f"notebook renamed: found {', '.join(others)}, expected {name}.ipynb"
    return f"{name}.ipynb was not submitted"


def grade_submission(
    student, assignment, folder, canonical, key="", limits=None, hidden=DEFAULT, costs=None
):
    """Grade every notebook of ``assignment`` in a student's submission ``folder``.

    canonical : ``{notebook name: [CanonicalCell]}``, the notebooks the assignment expects.
    costs : ``{notebook name: ReferenceCosts}`` (the cells' CPU bounds), or ``None``.
    Returns a :class:`~autograder.results.SubmissionResult`; its status is ``"error"``
    (with the reason) when a notebook is missing, renamed or unreadable.
    """
    submitted = read_folder(folder, canonical, limits)
    return grade_files(student, assignment, submitted, canonical, key, limits, hidden, costs)


def grade_files(
    student, assignment, submitted, canonical, key="", limits=None, hidden=DEFAULT, costs=None
):
    """:func:`grade_submission` of a submission already read (``submitted``: ``Submitted``).

    Each notebook's bytes go through the intake's caps and normalisation
    (:func:`grade_notebook`), wherever this runs.
    """
    t0 = time.monotonic()
    out = SubmissionResult(student, assignment, key=key)
    for name, canon in canonical.items():
        if name in submitted.files:
            cost = (costs or {}).get(name)
            nb = grade_notebook(
                submitted.files[name], canon, limits, name=name, hidden=hidden, costs=cost
            )
        elif name in submitted.unreadable:
            nb = _zeroed(name, submitted.unreadable[name], canon, hidden)
        else:
            nb = _zeroed(name, _missing(name, submitted.found, canonical), canon, hidden)
        out.notebooks.append(nb)
    problems = [f"{n.name}: {n.unreadable}" for n in out.notebooks if n.unreadable]
    if problems:
        out.status, out.reason = "error", "; ".join(problems)
    out.seconds = round(time.monotonic() - t0, 4)
    return out
