"""Batch crash safety and determinism.

* A batch killed with SIGKILL midway and re-run grades every student exactly once (one
  journal entry each) with the same scores; a torn result file is regraded, not trusted.
* Grades are identical over 20 re-runs even when student code re-seeds or consumes the
  global RNG.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course  # noqa: E402
import faults  # noqa: E402

from autograder.notebook.canonical import canonical_cells  # noqa: E402
from autograder.notebook.grade import grade_notebook  # noqa: E402

pytestmark = course.sandbox_marks()

SLOW = "import time\ntime.sleep(0.4)"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return course.make_course(tmp_path_factory.mktemp("batch"))


def _journal(root):
    p = root / ".autograder" / "fx" / "journal.jsonl"
    return [json.loads(x) for x in p.read_text().splitlines()] if p.exists() else []


def _cli(root):
    cmd = [sys.executable, "-m", "autograder", "grade", "fx", "--workers", "2", "--root", str(root)]
    return subprocess.Popen(
        cmd,
        env=course.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_sigkill_midway_then_rerun(root):
    expected = {}
    for i in range(10):
        answers = course.CORRECT if i % 2 == 0 else course.HONEST_WRONG
        nb = course.submission(root, answers, edit=faults.after_first_test(SLOW))
        course.submit(root, f"s{i:02d}", nb)
        expected[f"s{i:02d}"] = 8.0 if i % 2 == 0 else 2.0
    p = _cli(root)
    deadline = time.monotonic() + 120
    while len(_journal(root)) < 3 and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.05)
    os.killpg(p.pid, signal.SIGKILL)
    p.communicate()
    first = _journal(root)
    assert 3 <= len(first) < 10, "the kill must land midway"
    results = root / ".autograder" / "fx" / "results"
    pending = [s for s in expected if s not in {e["student"] for e in first}]
    (results / f"{pending[0]}.json").write_text('{"student": "')  # a torn file from elsewhere
    p = _cli(root)
    out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    entries = _journal(root)
    assert sorted(e["student"] for e in entries) == sorted(expected)  # each exactly once
    assert {e["student"]: e["score"] for e in entries} == expected
    for s in expected:
        assert s in out
    p = _cli(root)  # a third run has nothing left to do
    out, _ = p.communicate(timeout=300)
    assert out.count("unchanged, skipped") == len(expected)
    assert len(_journal(root)) == len(expected)


def test_grades_identical_over_20_reruns(root):
    rng_abuse = "import numpy as np\nnp.random.seed(7)\nnp.random.standard_normal(100)\n"
    answers = dict(course.HONEST_WRONG)
    answers["log_softmax"] = (
        "def log_softmax(f):\n    np.random.seed(0)\n    np.random.rand(10)\n"
        "    return f - f.max(axis=-1, keepdims=True) + np.random.rand() * 0\n"
    )
    nb = course.submission(root, answers, prelude=rng_abuse)
    canon = canonical_cells(
        f"sqlite:///{root}/gradebook.db", "fx", "fx", str(root / "source/fx/fx.ipynb")
    )
    seen = set()
    for _ in range(20):
        result = grade_notebook(nb, canon)
        seen.add(tuple((c.grade_id, c.passed, c.message) for c in result.cells))
    assert len(seen) == 1, seen
