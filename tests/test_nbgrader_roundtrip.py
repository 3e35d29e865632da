"""Stock nbgrader round trip on a copy of the course: release, autograde, feedback, export.

Runs the real commands (``python -m autograder.release``, ``nbgrader autograde``,
``nbgrader generate_feedback``, ``nbgrader export``) in a temporary copy holding
``nbgrader_config.py``, ``workbook/``, the five source notebooks and a small
fixture assignment. Students: ``alice`` submits the source notebook (reference
answers), ``blank`` the untouched release, ``mistaken`` (fixture only) a softmax
without the max shift.
"""

import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import sync

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "assignments" / "fixture"
REAL = [p.parent.name for p in map(Path, sync.notebooks(str(ROOT)))]
IDS = ["fixture", *REAL]
MISTAKE = ("shifted = f - np.max(f, axis=-1, keepdims=True)", "shifted = f")


def run(cmd, cwd):
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))}:\n{proc.stdout}\n{proc.stderr}"
    return proc


def nbgrader(cwd, *args):
    return run([sys.executable, "-m", "nbgrader", *args], cwd)


def cells(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))["cells"]


def text_of(path):
    return "\n".join("".join(c["source"]) for c in cells(path))


def html_text(path):
    """Visible text of an HTML page (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", Path(path).read_text(encoding="utf-8")))


def regions(source, begin, end):
    out, inside = [], False
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            out.append(line.strip())
    return out


def solution_lines(nb):
    """Distinctive reference lines: inside solution regions, nowhere else in the notebook."""
    answer, other = [], []
    for c in cells(nb):
        src = "".join(c["source"])
        if c["metadata"].get("nbgrader", {}).get("solution"):
            answer += regions(src, "BEGIN SOLUTION", "END SOLUTION")
        else:
            other.append(src)
    elsewhere = "\n".join(other)
    return {
        line
        for line in answer
        if len(line) >= 16 and not line.startswith("#") and line not in elsewhere
    }


def hidden_lines(nb):
    lines = set()
    for c in cells(nb):
        lines |= set(regions("".join(c["source"]), "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"))
    return {line for line in lines if line}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(
        ROOT / "workbook", root / "workbook", ignore=shutil.ignore_patterns("__pycache__")
    )
    for a in REAL:
        shutil.copytree(ROOT / "assignments" / a, root / "assignments" / a)
    shutil.copytree(FIXTURE, root / "assignments" / "fixture")
    run([sys.executable, "-m", "autograder.release", *IDS], root)

    for a in IDS:
        source = root / "assignments" / a / f"{a}.ipynb"
        for student, nb in [("alice", source), ("blank", root / "release" / a / f"{a}.ipynb")]:
            (root / "submitted" / student / a).mkdir(parents=True)
            shutil.copy(nb, root / "submitted" / student / a / f"{a}.ipynb")
    wrong = json.loads((root / "assignments/fixture/fixture.ipynb").read_text())
    for c in wrong["cells"]:
        if c["metadata"].get("nbgrader", {}).get("grade_id") == "softmax":
            c["source"] = "".join(c["source"]).replace(*MISTAKE)
    (root / "submitted/mistaken/fixture").mkdir(parents=True)
    (root / "submitted/mistaken/fixture/fixture.ipynb").write_text(json.dumps(wrong))

    for a in IDS:
        nbgrader(root, "autograde", a)
        nbgrader(root, "generate_feedback", a)
    nbgrader(root, "export")
    with open(root / "grades.csv", newline="") as f:
        grades = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(f)}
    return root, grades


@pytest.mark.parametrize("a", IDS)
def test_release_has_no_solution_code_and_no_hidden_test(course, a):
    root, _ = course
    source = root / "assignments" / a / f"{a}.ipynb"
    released = root / "release" / a / f"{a}.ipynb"
    text = text_of(released)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "autograder"):
        assert marker not in text
    secret = solution_lines(source)
    assert len(secret) >= 2, "the source notebook should hold reference bodies"
    assert not [line for line in secret if line in text]
    hidden = hidden_lines(source)
    assert hidden and not [line for line in hidden if line in text]
    assert all(not c.get("outputs") for c in cells(released) if c["cell_type"] == "code")
    assert (root / "release" / a / "workbook" / "__init__.py").is_file()
    assert not (root / "release" / a / "workbook" / "__pycache__").exists()


@pytest.mark.parametrize("a", IDS)
def test_source_notebook_as_submission_scores_full_marks(course, a):
    root, grades = course
    row = grades[(a, "alice")]
    assert float(row["max_score"]) > 0
    assert float(row["score"]) == float(row["max_score"]), errors(root / "autograded/alice" / a)


def errors(folder):
    """``grade_id: ename: evalue`` of every error output in an autograded folder."""
    out = []
    for nb in Path(folder).glob("*.ipynb"):
        for c in cells(nb):
            gid = c["metadata"].get("nbgrader", {}).get("grade_id", "-")
            for o in c.get("outputs", []):
                if o.get("output_type") == "error":
                    out.append(f"{gid}: {o['ename']}: {o['evalue'][:200]}")
    return out


@pytest.mark.parametrize("a", IDS)
def test_untouched_release_scores_zero_without_crashing(course, a):
    root, grades = course
    assert float(grades[(a, "blank")]["score"]) == 0.0
    assert (root / "autograded" / "blank" / a / f"{a}.ipynb").is_file()


def test_catalogue_mistake_gets_partial_credit_and_a_hint(course):
    root, grades = course
    row = grades[("fixture", "mistaken")]
    assert float(row["score"]) == float(row["max_score"]) - 2  # test_softmax is worth 2
    page = html_text(root / "feedback/mistaken/fixture/fixture.html")
    assert "likely mistake: scores are not shifted by their row maximum" in page


@pytest.mark.parametrize("a", IDS)
def test_feedback_shows_no_hidden_test_and_no_reference(course, a):
    root, _ = course
    source = root / "assignments" / a / f"{a}.ipynb"
    hidden = hidden_lines(source)
    secret = solution_lines(source)
    for student in ("alice", "blank"):
        page = html_text(root / "feedback" / student / a / f"{a}.html")
        assert "HIDDEN TESTS" not in page
        assert not [line for line in hidden if line in page], student
    blank = html_text(root / "feedback" / "blank" / a / f"{a}.html")
    assert not [line for line in secret if line in blank]


def test_export_lists_every_submission(course):
    _, grades = course
    expected = {(a, s) for a in IDS for s in ("alice", "blank")} | {("fixture", "mistaken")}
    assert expected <= set(grades)
