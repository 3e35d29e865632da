"""End to end: a class graded for real, then ``python -m autograder report``.

Submissions of the hardened fixture course (``fx``: softmax, log_softmax and
softmax_loss_vectorized) whose answer cells are mistake-catalogue mutants
(:func:`autograder.mistakes.base.mutant_source`, as ``benchmarks/bench_class.py`` builds
them) are graded by stock ``nbgrader autograde`` and by ``python -m autograder grade``; the
report must count and rank the known mistakes, group the one unknown failure and time every
notebook, after either front door.
"""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course  # noqa: E402

from autograder.__main__ import main  # noqa: E402
from autograder.mistakes.base import find, mutant_source  # noqa: E402

AXIS = "softmax.sum_over_wrong_axis"
LSE = "log_softmax.missing_logsumexp"
BY_N = "softmax_loss_vectorized.dlogp_not_divided_by_N"
CLASS = {
    "e2e01": [],
    "e2e02": [AXIS],
    "e2e03": [AXIS, LSE],
    "e2e04": [AXIS],
    "e2e05": [LSE],
    "e2e06": [BY_N],
    "e2e07": "unknown",
    "e2e08": "exit",
}
# softmax normalised over the whole array: wrong, and in no catalogue entry
UNKNOWN = """def softmax(f):
    e = np.exp(f - np.max(f))
    return e / np.sum(e)"""
EXIT = "import os\nos._exit(3)"  # in log_softmax's answer cell: the kernel dies there


pytestmark = [*course.sandbox_marks(), pytest.mark.nbgrader]
EXPECTED = [(AXIS, ["e2e02", "e2e03", "e2e04"]), (LSE, ["e2e03", "e2e05"]), (BY_N, ["e2e06"])]


def answers(plan):
    if plan == "unknown":
        return dict(course.CORRECT, softmax=UNKNOWN)
    if plan == "exit":
        return dict(course.CORRECT, log_softmax=EXIT)
    out = dict(course.CORRECT)
    for mid in plan:
        m = find(mid)
        out[m.function] = mutant_source(m)
    return out


@pytest.fixture(scope="module", params=["nbgrader autograde", "python -m autograder grade"])
def graded(request, tmp_path_factory):
    root = course.make_course(tmp_path_factory.mktemp("e2e"))
    for student, plan in CLASS.items():
        course.submit(root, student, course.submission(root, answers(plan)))
    if request.param == "nbgrader autograde":
        course.nbgrader(root, "autograde", course.ASSIGNMENT)
    else:
        cmd = [sys.executable, "-m", "autograder", "grade", course.ASSIGNMENT, "--workers", "2"]
        r = subprocess.run(cmd, cwd=root, env=course.env(), capture_output=True, text=True,
                           timeout=900)  # fmt: skip
        assert r.returncode == 0, r.stdout + r.stderr  # a kernel death is a graded row
    assert main(["report", course.ASSIGNMENT, "--root", str(root)]) == 0
    return root


def table(root, name):
    with open(root / "reports" / course.ASSIGNMENT / f"{name}.csv", newline="") as f:
        return list(csv.DictReader(f))


def test_known_mistakes_counted_and_ranked(graded, capsys):
    rows = table(graded, "mistakes")
    assert [(r["mistake"], int(r["students"])) for r in rows] == [(m, len(s)) for m, s in EXPECTED]
    assert all(r["hint"] == find(r["mistake"]).hint for r in rows)
    assert rows[0]["section_url"].endswith("book/derivations/softmax.html#softmax-stably")
    for mid, students in EXPECTED:
        capsys.readouterr()
        assert main(["report", course.ASSIGNMENT, "--root", str(graded), "--group", mid]) == 0
        assert capsys.readouterr().out.split() == students


def test_kernel_death_in_robustness(graded):
    (row,) = table(graded, "robustness")
    assert (row["kind"], row["notebooks"]) == ("kernel death", "1")
    assert row["cause"].startswith("the process exited"), row


def test_unknown_failure_grouped_and_every_notebook_timed(graded, capsys):
    (group,) = table(graded, "unmatched")
    assert (group["cell"], group["name"], group["students"]) == ("test_softmax", "softmax", "1")
    capsys.readouterr()
    assert (
        main(["report", course.ASSIGNMENT, "--root", str(graded), "--group", group["group"]]) == 0
    )
    assert capsys.readouterr().out.split() == ["e2e07"]
    summary = {r["metric"]: r["value"] for r in table(graded, "summary")}
    assert (
        summary["graded submissions (gradebook)"]
        == summary["submissions with a stored grading result"]
        == "8"
    )
    assert (
        summary["notebooks timed"] == "8"
        and float(summary["median grading time per notebook (s)"]) > 0
    )
    page = (graded / "reports" / f"{course.ASSIGNMENT}.html").read_text()
    assert not any(s in page for s in CLASS)
