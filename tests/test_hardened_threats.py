"""Threat model: hostile submissions never score above the honest-wrong control.

One batch grades the controls and every attack of ``tests/fixtures/hardened/attacks.py``
(sandboxed, two workers); each attack is then its own test with the exact score.
"""

import hashlib
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import attacks  # noqa: E402
import course  # noqa: E402

from autograder import batch  # noqa: E402
from autograder.sandbox.limits import Limits  # noqa: E402
from autograder.store import load_results  # noqa: E402

pytestmark = course.sandbox_marks()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = course.make_course(tmp_path_factory.mktemp("threats"))
    subs = attacks.build(str(root), str(course.REPO))
    for student, (nb, _) in subs.items():
        course.submit(root, student, nb)
    victim = root / "submitted" / "honest_correct" / "fx" / "fx.ipynb"
    before = hashlib.sha256(victim.read_bytes()).hexdigest()
    rows, code = batch.run(root, "fx", workers=2, limits=Limits(cell_timeout=20))
    return {
        "root": root,
        "rows": {r.student: r for r in rows},
        "code": code,
        "victim_unchanged": hashlib.sha256(victim.read_bytes()).hexdigest() == before,
    }


def _gradebook_scores(root):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        return {
            s.student.id: (s.score, [g.manual_score for g in s.notebooks[0].grades])
            for s in gb.assignment_submissions("fx")
        }


@pytest.mark.parametrize("student", sorted(attacks.ATTACKS))
def test_attack_scores_exactly(graded, student):
    row = graded["rows"][student]
    expected = attacks.ATTACKS[student][1]
    assert row.status == "graded", row
    assert row.score == expected, row
    if student not in ("honest_correct",):
        assert row.score <= course.HONEST_WRONG_SCORE


def test_batch_exit_code_is_zero(graded):
    assert graded["code"] == 0


def test_no_other_student_or_gradebook_touched(graded):
    assert graded["victim_unchanged"]
    scores = _gradebook_scores(graded["root"])
    assert scores["honest_correct"][0] == course.FULL_SCORE
    assert all(m is None for _, ms in scores.values() for m in ms)  # no manual_score forged
    for student, (_, expected) in attacks.ATTACKS.items():
        assert scores[student][0] == expected


def test_feedback_notebooks_hold_no_hidden_tests(graded):
    for nb in (graded["root"] / "autograded").glob("*/fx/fx.ipynb"):
        text = nb.read_text()
        assert "BEGIN HIDDEN TESTS" not in text and 'grade("' not in text
        outputs = json.dumps([c.get("outputs", []) for c in json.loads(text)["cells"]])
        assert "/solutions/" not in outputs and "autograder/grader.py" not in outputs


def _uids_of_live_processes():
    uids = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            line = next(x for x in status.read_text().splitlines() if x.startswith("Uid:"))
        except (OSError, StopIteration):
            continue  # the process ended meanwhile
        uids.add(int(line.split()[1]))
    return uids


def test_no_sandbox_process_outlives_the_batch(graded):
    limits = Limits()
    first, last = limits.uid_first, limits.uid_first + limits.uid_count
    assert not {u for u in _uids_of_live_processes() if first <= u < last}


def test_every_student_has_one_typed_result(graded):
    results = {r.student: r for r in load_results(graded["root"], "fx")}
    assert set(results) == set(graded["rows"])
    assert all(results[s].score == row.score for s, row in graded["rows"].items())
