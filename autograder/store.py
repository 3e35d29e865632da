"""Where graded submissions are kept: one typed result file per student and assignment.

``<course root>/.autograder/<assignment>/results/<student>.json`` holds the
:class:`~autograder.results.SubmissionResult` JSON of the student's latest grading, by
either front door (``python -m autograder grade`` or ``nbgrader autograde``). Files are
written atomically (temporary file, fsync, rename): complete or absent. Later front doors
(class reports, exports) read them with :func:`load_results`.
"""

import json
import os
from pathlib import Path

from autograder.results import SubmissionResult


def results_dir(root, assignment):
    return Path(root) / ".autograder" / assignment / "results"


def write_atomic(path, data):
    """Write ``data`` (bytes) to ``path`` so that it is either complete or absent."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save(root, result):
    """Store ``result`` (a :class:`SubmissionResult`) as the student's latest."""
    d = results_dir(root, result.assignment)
    d.mkdir(parents=True, exist_ok=True)
    write_atomic(d / f"{result.student}.json", json.dumps(result.to_json()).encode())


def load(root, assignment, student):
    """The stored result of ``student`` or ``None`` (absent, torn or of another format)."""
    try:
        text = (results_dir(root, assignment) / f"{student}.json").read_text()
        result = SubmissionResult.from_json(json.loads(text))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    same = result.student == student and result.assignment == assignment
    return result if same else None


def load_results(root, assignment):
    """``[SubmissionResult]`` of every graded submission of ``assignment``, by student.

    A torn or foreign file is left out (the batch regrades that student on its next run).
    """
    d = results_dir(root, assignment)
    found = (load(root, assignment, p.stem) for p in sorted(d.glob("*.json")))
    return [r for r in found if r is not None]


def save_notebook(root, student, assignment, notebook):
    """Store one graded notebook (``nbgrader autograde`` grades one at a time) into the
    student's result, replacing an earlier grading of the same notebook."""
    result = load(root, assignment, student) or SubmissionResult(student, assignment)
    kept = [n for n in result.notebooks if n.name != notebook.name]
    result = SubmissionResult(student, assignment, notebooks=[*kept, notebook])
    problems = [f"{n.name}: {n.unreadable}" for n in result.notebooks if n.unreadable]
    if problems:
        result.status, result.reason = "error", "; ".join(problems)
    result.seconds = round(sum(n.seconds for n in result.notebooks), 4)
    save(root, result)
    return result
