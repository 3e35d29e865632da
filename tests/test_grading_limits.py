"""Hangs are found fast and cost only what depends on them (issue 13, parts 2 and 3).

A busy cell is interrupted at its CPU bound (an error in that cell, the sandbox lives on,
as stock nbgrader interrupts a kernel), a sleeping one at the wall-clock timeout; a cell
that ignores the interrupt is ended by the grader. The bounds come from the reference
solution's run of the source notebook, measured once and cached. When the sandbox dies,
a fresh one grades the test cells that do not need the dead cell; the notebook stays
within its total budget.
"""

import json
import sys
import time
from pathlib import Path

import pytest
from nbformat import v4

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course  # noqa: E402

from autograder.notebook import costs  # noqa: E402
from autograder.notebook.grade import grade_notebook  # noqa: E402
from autograder.notebook.run import serve_reference  # noqa: E402
from autograder.sandbox.host import Session  # noqa: E402
from autograder.sandbox.limits import Limits  # noqa: E402

pytestmark = course.sandbox_marks()


def _session(**limits):
    s = Session(serve_reference, Limits(**limits))
    assert s.start(), s.dead
    return s


def test_a_busy_cell_is_interrupted_at_its_cpu_bound_and_the_sandbox_lives_on():
    s = _session(cell_timeout=60)
    try:
        t0 = time.monotonic()
        run = s.run_cell(1, "x = 41\nwhile True:\n    pass", names=[], cpu=1.0)
        assert run.died is None and "CPU time" in run.stopped, run
        assert run.error[0] == "CellTimeout" and time.monotonic() - t0 < 20
        run = s.run_cell(2, "print(x + 1)", names=[], cpu=1.0)
        assert run.outputs[0]["text"] == "42\n" and run.stopped is None
    finally:
        s.close()


def test_a_sleeping_cell_is_interrupted_at_the_wall_clock_timeout():
    s = _session(cell_timeout=2)
    try:
        run = s.run_cell(1, "import time\ntime.sleep(100)", names=[], cpu=5.0)
        assert run.died is None and "longer than 2 s" in run.stopped, run
        assert s.run_cell(2, "1 + 1", names=[]).outputs[0]["data"]["text/plain"] == "2"
    finally:
        s.close()


@pytest.mark.parametrize(
    "code",
    [
        "import signal\nsignal.signal(signal.SIGPROF, signal.SIG_IGN)\nwhile True:\n    pass",
        "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n"
        "        pass",
    ],
)
def test_a_cell_that_ignores_the_interrupt_is_ended_by_the_grader(code):
    s = _session(cell_timeout=60)
    try:
        t0 = time.monotonic()
        run = s.run_cell(1, code, names=[], cpu=1.0)
        if s.lease.uid:  # the grader reads the sandbox's CPU time by its uid
            assert run.died and "CPU time limit" in run.died, run
            assert time.monotonic() - t0 < 30
    finally:
        s.close()


def test_reference_costs_are_measured_once_and_cached(tmp_path, monkeypatch):
    src = tmp_path / "fx.ipynb"
    src.write_text(json.dumps(course.source_notebook()))
    lim = Limits(cell_timeout=30)
    first = costs.for_source(src, tmp_path / "state", lim, canonical_digest="d")
    assert set(first.by_id) == {*course.CORRECT, *course.POINTS}
    assert all(v >= 0 for v in first.by_id.values()) and first.by_code

    def refuse(*a, **k):
        raise AssertionError("measured again")

    monkeypatch.setattr(costs, "measure", refuse)
    again = costs.for_source(src, tmp_path / "state", lim, canonical_digest="d")
    assert again.by_id == first.by_id and again.by_code == first.by_code
    nb = course.source_notebook()
    test_cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade"))
    ref = first.reference(test_cell)
    assert first.bound(test_cell, 4, lim) == max(2.0, 50 * ref)
    own = v4.new_code_cell("print('a cell of my own')")
    costliest = max([*first.by_id.values(), *first.by_code.values()])
    assert first.bound(own, 9, lim) == max(2.0, 50 * costliest)


def _with(cell_after_first_test=None, answer_suffix=None):
    nb = course.source_notebook()
    if answer_suffix:
        gid = lambda c: c.metadata.get("nbgrader", {}).get("grade_id")  # noqa: E731
        ans = next(c for c in nb.cells if gid(c) == "log_softmax")
        ans.source += "\n" + answer_suffix
    if cell_after_first_test:
        i = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade"))
        nb.cells.insert(i + 1, v4.new_code_cell(cell_after_first_test))
    return nb


def test_a_crash_costs_only_the_tests_that_need_the_dead_cell():
    result = grade_notebook(_with(answer_suffix="import os\nos._exit(3)"), limits=Limits())
    assert result.score == 2 and len(result.deaths) == 1
    failed = {c.grade_id: c.message for c in result.cells if not c.passed}
    assert set(failed) == {"test_log_softmax", "test_softmax_loss_vectorized"}
    assert all("kernel died at cell" in m for m in failed.values())
    result = grade_notebook(_with("import os\nos._exit(3)"), limits=Limits())
    assert result.score == course.FULL_SCORE and len(result.deaths) == 1


def test_every_death_is_recorded_and_the_budget_holds():
    nb = _with("import os\nos._exit(3)", answer_suffix="import os\nos.kill(os.getpid(), 9)")
    result = grade_notebook(nb, limits=Limits())
    reasons = [d.reason for d in result.deaths]  # one fresh sandbox after the other
    assert reasons == ["the process exited (code 3)", "killed (out of memory or a limit)"]
    assert result.score == 2
    nb = _with(answer_suffix="import time\ntime.sleep(100)")
    t0 = time.monotonic()
    result = grade_notebook(nb, limits=Limits(cell_timeout=60, total_timeout=3))
    assert time.monotonic() - t0 < 20
    assert result.score == 2  # the first test passed before the budget ran out
    assert all("time budget" in c.message for c in result.cells if not c.passed)
