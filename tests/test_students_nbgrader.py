"""Many correct ways, end to end: every correct student style (and the seeds' repaired code) is
submitted into a copy of the real release and graded by stock ``nbgrader autograde`` with the
course's hardened ``nbgrader_config.py``; each of its test cells must get full points.
Visible checks run here too, so this is where causes that the in-process tests cannot see
show (issue 9 cause 3). The Python 2 students check that the graded cell says what to change.

The written answers (markdown answer cells graded by hand) are answered with a few sentences by
every other student and left as released by the rest: autograding must leave the answered ones
at "needs manual grading" (no automatic score) and give the unanswered ones nbgrader's automatic
0, without touching the points of any autograded test cell.

One submission per student per notebook, all students of a notebook in one autograde run.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from coursecopy import released_course
from students import course, styles, today

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course as hardened  # noqa: E402

pytestmark = [pytest.mark.nbgrader, *hardened.sandbox_marks()]

CORRECT = {
    ch: [*styles.styles(ch).values(), *styles.seed_students(ch, fixed=True)]
    for ch in course.CHAPTERS
}
WRITES = {s.name for ch in course.CHAPTERS for s in CORRECT[ch][::2]}  # the others leave them
PY2 = {
    ch: [(b, s) for b, s in styles.bugs(ch) if b.expect.startswith("python2.")]
    for ch in course.CHAPTERS
}


def sid(student):
    """nbgrader student id of a corpus student."""
    return re.sub(r"[^A-Za-z0-9]+", "-", student.name).strip("-")


ANSWER = (  # a written answer in a student's words (what it says is for the grader to judge)
    "**Your answer:**\n\nAt the start the scores are nearly equal, so the loss is about "
    "$\\log C$; the shared weights collect a term from every time step; clipping only shortens "
    "a long gradient and keeps its direction."
)


def submission(root, student):
    nb = nbformat.read(
        root / "release" / student.chapter / f"{student.chapter}.ipynb", as_version=4
    )
    written = course.chapter(student.chapter).written
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if meta.get("solution") and gid in student.cells:
            cell.source = student.cells[gid]
        elif gid in written and student.name in WRITES:
            cell.source = ANSWER
    folder = root / "submitted" / sid(student) / student.chapter
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{student.chapter}.ipynb")


def _messages(path):
    """``{grade_id: one-line message}`` of the failing test cells of a graded notebook."""
    nb = nbformat.read(path, as_version=4)
    out = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                out[gid] = f"{o.get('ename')}: {o.get('evalue')}"
    return out


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from nbgrader.api import Gradebook

    sources = {ch: course.notebook_path(ch).parent for ch in course.CHAPTERS}  # the graded tree's
    root = released_course(tmp_path_factory.mktemp("students"), course.CHAPTERS, sources)
    for ch in course.CHAPTERS:
        for student in [*CORRECT[ch], *(s for _, s in PY2[ch])]:
            submission(root, student)
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    seconds = {}
    for ch in course.CHAPTERS:
        t0 = time.perf_counter()
        cmd = [sys.executable, "-m", "nbgrader", "autograde", ch]
        r = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, r.stderr[-3000:]
        seconds[ch] = time.perf_counter() - t0
    scores, messages, manual = {}, {}, {}
    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        for ch in course.CHAPTERS:
            for student in [*CORRECT[ch], *(s for _, s in PY2[ch])]:
                nb = gb.find_submission_notebook(ch, ch, sid(student))
                scores[student.name] = {g.name: (g.score, g.max_score) for g in nb.grades}
                manual[student.name] = {
                    g.name: (g.auto_score, g.needs_manual_grade) for g in nb.grades
                }
                path = root / "autograded" / sid(student) / ch / f"{ch}.ipynb"
                messages[student.name] = _messages(path)
    print("autograde seconds per notebook:", {k: round(v, 1) for k, v in seconds.items()})
    return scores, messages, manual


def _xfail(reason):
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


def _unfair(student, cell):
    reason = today.CELLS.get((student.name, cell.grade_id))
    reason = reason or next(
        (today.UNFAIR[(student.name, n)] for n in cell.names if (student.name, n) in today.UNFAIR),
        None,
    )
    return _xfail(reason)


CELL_CASES = [
    pytest.param(s, t, marks=_unfair(s, t), id=f"{s.name}-{t.grade_id}")
    for ch in course.CHAPTERS
    for s in CORRECT[ch]
    for t in course.chapter(ch).tests
    if set(t.names) <= set(s.names)
]


@pytest.mark.parametrize(("student", "cell"), CELL_CASES)
def test_correct_student_gets_full_points_in_nbgrader(graded, student, cell):
    scores, messages, _ = graded
    got, most = scores[student.name][cell.grade_id]
    assert most == cell.points
    assert got == most, messages[student.name].get(cell.grade_id)


PY2_CASES = [
    pytest.param(b, s, marks=_xfail(today.PY2_E2E), id=s.name)
    for ch in course.CHAPTERS
    for b, s in PY2[ch]
]


@pytest.mark.parametrize(("bug", "student"), PY2_CASES)
def test_python2_code_is_told_what_to_change(graded, bug, student):
    from students.grading import PY2_HELP

    scores, messages, _ = graded
    cell = course.chapter(student.chapter).cell_of(bug.name)
    got, _ = scores[student.name][cell.grade_id]
    assert got == 0
    msg = messages[student.name].get(cell.grade_id, "")
    assert PY2_HELP[bug.expect].search(msg), msg


@pytest.mark.parametrize(
    "student", [s for ch in course.CHAPTERS for s in CORRECT[ch]], ids=lambda s: s.name
)
def test_written_answers_wait_for_manual_grading(graded, student):
    """Answered: needs manual grading, no automatic score; left as released: nbgrader's
    automatic 0 for an unanswered question. The test cells never wait for a person."""
    scores, _, manual = graded
    ch = course.chapter(student.chapter)
    assert len(ch.written) >= 2, ch.written  # two written answers per chapter (issue 14)
    for gid, points in ch.written.items():
        assert scores[student.name][gid][1] == points
        want = (None, True) if student.name in WRITES else (0, False)
        assert manual[student.name][gid] == want, (gid, manual[student.name][gid])
    assert not any(manual[student.name][t.grade_id][1] for t in ch.tests)
