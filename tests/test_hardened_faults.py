"""Fault model: broken, hostile-to-the-machine and malformed submissions.

One batch grades every fault of ``tests/fixtures/hardened/faults.py`` next to an honest
correct control; each fault is then its own test: exact score, status, and the reason a
student or instructor reads in the status table.
"""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course  # noqa: E402
import faults  # noqa: E402

from autograder import batch  # noqa: E402
from autograder.sandbox.limits import Limits  # noqa: E402
from autograder.store import load_results  # noqa: E402

pytestmark = course.sandbox_marks()

LIMITS = Limits(cell_timeout=4, memory_mb=2048, nproc=48, file_mb=16)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = course.make_course(tmp_path_factory.mktemp("faults"))
    subs = faults.build(str(root))
    course.submit(root, "control", course.submission(root))
    for student, (nb, name, *_rest) in subs.items():
        if isinstance(nb, bytes):
            course.submit(root, student, raw=nb, name=name)
        else:
            course.submit(root, student, nb)
    rows, code = batch.run(root, "fx", workers=2, limits=LIMITS)
    return {"root": root, "rows": {r.student: r for r in rows}, "code": code}


def _expected():
    return {s: v for s, v in faults.FAULTS.items()} | {
        s: (None, 0, "error", d) for s, (_, d) in faults.RAW.items()
    }


@pytest.mark.parametrize("student", sorted(_expected()))
def test_fault_is_contained(graded, student):
    _, score, status, detail = _expected()[student]
    row = graded["rows"][student]
    assert row.status == status, row
    assert row.score == score, row
    assert detail in (row.detail or ""), row


def test_control_and_batch(graded):
    control = graded["rows"]["control"]
    assert (control.status, control.score) == ("graded", 8.0)
    assert graded["code"] == 1  # the unreadable / renamed notebooks need the instructor


def _cells(graded, student):
    path = graded["root"] / "autograded" / student / "fx" / "fx.ipynb"
    return json.loads(path.read_text())["cells"]


def test_feedback_says_where_the_kernel_died(graded):
    cells = _cells(graded, "os_exit")
    died = [
        i for i, c in enumerate(cells, 1) if "kernel died at cell" in json.dumps(c.get("outputs"))
    ]
    assert died, "no 'kernel died' message"
    text = json.dumps(cells)
    assert "not run: kernel died at cell" in text


def test_output_floods_are_capped_in_every_output_type(graded):
    for student in ("output_flood", "error_flood"):
        size = (graded["root"] / "autograded" / student / "fx" / "fx.ipynb").stat().st_size
        assert size < 1_000_000, (student, size)
    outputs = [o for c in _cells(graded, "output_flood") for o in c.get("outputs", [])]
    kinds = {o["output_type"] for o in outputs}
    assert {"stream", "display_data"} <= kinds
    assert sum(o["output_type"] == "display_data" for o in outputs) <= LIMITS.display_items


def test_unreadable_notebooks_get_a_clear_feedback_notebook(graded):
    text = json.dumps(_cells(graded, "truncated_notebook"))
    assert "could not be read" in text


def test_stored_results_carry_repairs_and_kernel_deaths(graded):
    results = {r.student: r for r in load_results(graded["root"], "fx")}
    assert set(results) == set(graded["rows"])
    assert "duplicate of cell" in " ".join(results["duplicated_test_cell"].notebooks[0].notes)
    death = results["os_exit"].notebook("fx").deaths[0]
    assert "exited" in death.reason and graded["rows"]["os_exit"].detail.endswith(
        f"kernel died at cell {death.cell} ({death.reason})"
    )
    assert results["empty_notebook"].notebook("fx").unreadable == "the notebook file is empty"


def test_rerun_skips_everything_and_keeps_scores(graded):
    rows, _ = batch.run(graded["root"], "fx", workers=2, limits=LIMITS)
    assert all(r.status.endswith("(unchanged, skipped)") for r in rows)
    before = graded["rows"]
    assert [(r.student, r.status.split(" ")[0], r.score) for r in rows] == [
        (s, before[s].status, before[s].score) for s in sorted(before)
    ]
