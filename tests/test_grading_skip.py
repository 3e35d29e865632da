"""Running only what a score depends on changes no score (issue 13, part 1).

Every fault and attack fixture of ``tests/fixtures/hardened/`` (``faults.py``,
``attacks.py``: the threat model, the wire attacks, the keyring pair, huge frames, proxy
abuse, script payloads) is graded twice by the batch, with the default limits (code cells
no test cell needs are skipped) and with ``Limits.run_unneeded`` (every code cell up to
the last test cell runs, as before): every student's score and every test cell's message
must be identical, and the first run must have skipped cells.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import attacks  # noqa: E402
import course  # noqa: E402
import faults  # noqa: E402

from autograder import batch  # noqa: E402
from autograder.sandbox.limits import Limits  # noqa: E402
from autograder.store import load_results  # noqa: E402

pytestmark = course.sandbox_marks()
LIMITS = dict(cell_timeout=4, memory_mb=2048, nproc=48, file_mb=16)


def _after_first_test(code):
    return faults.after_first_test(code)


def _submit_all(root):
    for student, (nb, name, *_rest) in faults.build(str(root)).items():
        if isinstance(nb, bytes):
            course.submit(root, student, raw=nb, name=name)
        else:
            course.submit(root, student, nb)
    for student, (nb, _) in attacks.build(str(root), str(course.REPO)).items():
        course.submit(root, f"attack_{student}", nb)
    sub = lambda answers, **kw: course.submission(root, answers, **kw)  # noqa: E731
    for student, (answers, code, _, _) in attacks.WIRE.items():
        course.submit(root, f"wire_{student}", sub(answers, edit=_after_first_test(code)))
    for student, (spec, _) in attacks.KEYRING.items():
        course.submit(root, student, sub(spec["answers"], prelude=spec["prelude"]))
    course.submit(root, "huge_collected", sub(attacks.huge_collected_answers()))
    course.submit(root, "proxy_huge", sub(attacks.proxy_huge_answers()))
    course.submit(root, "script_payloads", attacks.script_submission(root, "http://127.0.0.1:9/b"))


def _graded(root, **extra):
    rows, _ = batch.run(root, "fx", workers=2, force=True, limits=Limits(**LIMITS, **extra))
    results = {r.student: r for r in load_results(root, "fx")}
    messages = {
        s: [(c.grade_id, c.passed, c.message) for nb in r.notebooks for c in nb.cells]
        for s, r in results.items()
    }
    skipped = sum(nb.cells_skipped for r in results.values() for nb in r.notebooks)
    return {r.student: r.score for r in rows}, messages, skipped


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    root = course.make_course(tmp_path_factory.mktemp("skip"))
    _submit_all(root)
    return _graded(root), _graded(root, run_unneeded=True)


def test_skipping_changes_no_score_and_no_message(both):
    (scores, messages, skipped), (all_scores, all_messages, all_skipped) = both
    assert len(scores) > 40 and scores == all_scores
    assert messages == all_messages
    assert skipped > all_skipped  # cells were skipped (the trailing ones are in both)


def test_attacks_keep_their_scores_when_cells_are_skipped(both):
    scores = both[0][0]
    for student, (_, expected) in attacks.ATTACKS.items():
        assert scores[f"attack_{student}"] == expected, student
    for student, (_, _, expected, _) in attacks.WIRE.items():
        assert scores[f"wire_{student}"] == expected, student
