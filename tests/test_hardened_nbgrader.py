"""The stock commands use the hardened grader through ``config.apply(c)``.

``nbgrader autograde`` grades faulty and hostile submissions without aborting, scores
match the batch CLI, and ``nbgrader generate_feedback`` shows no hidden tests.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course  # noqa: E402
import faults  # noqa: E402

from autograder import batch  # noqa: E402
from autograder.store import load_results  # noqa: E402

pytestmark = [pytest.mark.nbgrader, *course.sandbox_marks()]

STUDENTS = {
    "correct": (lambda r: course.submission(r), 8),
    "wrong": (lambda r: course.submission(r, course.HONEST_WRONG), 2),
    "duplicated": (lambda r: course.submission(r, edit=faults.duplicate_test), 8),
    "metadata": (lambda r: course.submission(r, edit=faults.edit_metadata), 8),
    "kill_parent": (
        lambda r: course.submission(
            r, edit=faults.after_first_test("import os\nos.kill(os.getppid(), 9)")
        ),
        8,
    ),
    "os_exit": (
        lambda r: course.submission(r, edit=faults.after_first_test("import os\nos._exit(1)")),
        2,
    ),
    "rel_error": (
        lambda r: course.submission(r, course.HONEST_WRONG, prelude="rel_error = lambda *a: 0"),
        2,
    ),
}


@pytest.fixture(scope="module")
def course_root(tmp_path_factory):
    root = course.make_course(tmp_path_factory.mktemp("stock"), hardened=True)
    for student, (make, _) in STUDENTS.items():
        course.submit(root, student, make(root))
    course.submit(root, "truncated", raw=b'{"cells": [')
    return root


def _scores(root):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions("fx")}


def test_stock_autograde_uses_hardened_grader(course_root):
    r = course.nbgrader(course_root, "autograde", "fx", check=False)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "(hardened)" in r.stderr
    scores = _scores(course_root)
    for student, (_, expected) in STUDENTS.items():
        assert scores[student] == expected, (student, scores)
    assert scores["truncated"] == 0


def test_stock_autograde_stores_typed_results(course_root):
    results = {r.student: r for r in load_results(course_root, "fx")}
    assert {s: r.score for s, r in results.items()} == _scores(course_root)
    assert results["duplicated"].notebooks[0].notes  # the repairs reach the result
    assert results["os_exit"].notebook("fx").died_at is not None
    assert results["truncated"].status == "error"
    assert "not a valid notebook" in results["truncated"].reason
    assert "BEGIN HIDDEN TESTS" not in results["wrong"].notebook("fx").notebook


def test_feedback_has_no_hidden_tests(course_root):
    course.nbgrader(course_root, "generate_feedback", "fx")
    pages = list((course_root / "feedback").glob("*/fx/fx.html"))
    assert len(pages) == len(STUDENTS) + 1
    for page in pages:
        html = page.read_text()
        assert "BEGIN HIDDEN TESTS" not in html and "grade(&quot;" not in html
        assert "from autograder.api import grade" not in html
    wrong = (course_root / "feedback" / "wrong" / "fx" / "fx.html").read_text()
    assert "log_softmax" in wrong and "non-finite values never pass" in wrong


def test_batch_gives_the_same_scores_as_stock(course_root):
    stock = _scores(course_root)
    rows, _ = batch.run(course_root, "fx", workers=2, force=True)
    assert {r.student: r.score for r in rows} == stock
