"""``python -m autograder grade`` with several assignments: one pool, one table each.

Two assignments of the fixture course (``fx`` and a copy, ``fx2``) graded by one command
give the scores each gets alone; an unknown id is a usage error (exit 2) before anything
is graded.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course  # noqa: E402

from autograder import batch  # noqa: E402

pytestmark = [pytest.mark.nbgrader, *course.sandbox_marks()]
IDS = ("fx", "fx2")
EXPECTED = {"correct": course.FULL_SCORE, "wrong": course.HONEST_WRONG_SCORE, "truncated": 0.0}


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = course.make_course(tmp_path_factory.mktemp("many"), hardened=True)
    shutil.copytree(root / "source" / "fx", root / "source" / "fx2")
    course.nbgrader(root, "generate_assignment", "fx2", "--force")
    course.submit(root, "correct", course.submission(root))
    course.submit(root, "wrong", course.submission(root, course.HONEST_WRONG))
    course.submit(root, "truncated", raw=b'{"cells": [')
    for student in EXPECTED:
        shutil.copytree(root / "submitted" / student / "fx", root / "submitted" / student / "fx2")
    return root


def _cli(root, *args):
    cmd = [sys.executable, "-m", "autograder", "grade", *args, "--root", str(root)]
    return subprocess.run(cmd, env=course.env(), capture_output=True, text=True, timeout=600)


def _scores(root, assignment):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions(assignment)}


def test_unknown_assignment_is_a_usage_error_and_grades_nothing(root):
    r = _cli(root, "fx", "nosuch")
    assert r.returncode == 2, r.stderr[-2000:]
    assert "no assignment 'nosuch' in the gradebook" in r.stderr
    assert "Traceback" not in r.stderr
    assert _scores(root, "fx") == {}


def test_several_assignments_in_one_command(root):
    r = _cli(root, *IDS, "--workers", "2")
    assert r.returncode == 1, r.stderr[-3000:]  # the truncated notebooks need the instructor
    for a in IDS:
        assert _scores(root, a) == EXPECTED
        assert f"\n{a}\n" in "\n" + r.stdout
    assert r.stdout.count("truncated") >= 2
    assert r.stderr.count("[") >= 2 * len(EXPECTED)  # progress: one line per student and id
    assert "fx2/correct" in r.stderr


def test_each_assignment_alone_gives_the_same_scores(root):
    for a in IDS:
        rows, code = batch.run(root, a, workers=2, force=True)
        assert code == 1
        assert {r.student: r.score for r in rows} == EXPECTED
