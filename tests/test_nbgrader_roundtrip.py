"""Stock nbgrader round trip on a copy of the course: release, autograde, feedback, export.

Runs the real commands (``python -m autograder.release``, ``nbgrader autograde``,
``nbgrader generate_feedback``, ``nbgrader export``) in a temporary copy holding
``nbgrader_config.py``, ``workbook/``, the five source notebooks and a small
fixture assignment. Students: ``alice`` submits the source notebook (reference
answers), ``blank`` the untouched release, ``mistaken`` (fixture only) a softmax
without the max shift, and ``mutant1``/``mutant2`` the source notebook with one answer cell
replaced by a mistake-catalogue mutant (``autograder/mistakes``): they must lose exactly the
points of the test cells that use the mutated function, and the feedback must name the mistake.
"""

import ast
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
from coursecopy import released_course

from autograder import sync
from autograder.mistakes.base import all_mistakes, mutant_source

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
    """Lines of the hidden regions (hidden tests, reference layers of carried cells) that the
    notebook shows nowhere else."""
    lines, shown = set(), []
    for c in cells(nb):
        src = "".join(c["source"])
        hidden = regions(src, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
        lines |= set(hidden)
        shown += [ln for ln in src.splitlines() if ln.strip() not in hidden]
    elsewhere = "\n".join(shown)
    return {line for line in lines if line and line not in elsewhere}


def nb_meta(c):
    return c["metadata"].get("nbgrader", {})


def catalogue_picks(source):
    """Up to two catalogue mistakes for this notebook and the one test cell each must fail.

    A test cell is affected when its source uses the mutated function, directly or through
    another answer cell that calls it. Picks come from functions used by few test cells, so
    the expected partial score is exact.
    """
    nb = [c for c in cells(source) if c["cell_type"] == "code"]  # not the written answers
    answers = {
        nb_meta(c)["grade_id"]: "".join(c["source"]) for c in nb if nb_meta(c).get("solution")
    }
    tests = {
        nb_meta(c)["grade_id"]: "".join(c["source"])
        for c in nb
        if nb_meta(c).get("grade") and not nb_meta(c).get("solution")
    }

    def names(src):  # identifiers the code uses (docstrings and comments do not count)
        tree = ast.parse(
            "\n".join(ln for ln in src.splitlines() if not ln.lstrip().startswith("%"))
        )
        return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}

    used = {g: names(src) for g, src in {**answers, **tests}.items()}

    def users(name):
        found, todo = {name}, [name]
        while todo:
            f = todo.pop()
            for g in answers:
                if g not in found and f in used[g]:
                    found.add(g)
                    todo.append(g)
        return found

    picks, seen = [], set()
    for m in all_mistakes():
        if m.function not in answers or m.function in seen:
            continue
        hit = sorted(g for g in tests if users(m.function) & used[g])
        if len(hit) == 1:  # a function used by one test cell: that cell alone must fail
            picks.append((m, hit))
            seen.add(m.function)
        if len(picks) == 2:
            break
    assert picks, f"{source}: no catalogue mistake of a function used by one test cell"
    return picks


def points(source, grade_ids):
    return sum(
        float(nb_meta(c).get("points", 0))
        for c in cells(source)
        if nb_meta(c).get("grade_id") in grade_ids
    )


def manual_points(source):
    """Points of the written answers (markdown grade cells): they wait for a human grader."""
    return sum(
        float(nb_meta(c).get("points", 0))
        for c in cells(source)
        if c["cell_type"] == "markdown" and nb_meta(c).get("grade")
    )


def mutant_submission(source, mistake):
    nb = json.loads(Path(source).read_text(encoding="utf-8"))
    for c in nb["cells"]:
        if nb_meta(c).get("grade_id") == mistake.function and nb_meta(c).get("solution"):
            c["source"] = mutant_source(mistake)
    return json.dumps(nb)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = released_course(tmp_path_factory.mktemp("course"), IDS, {"fixture": FIXTURE})

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
    for a in REAL:
        source = root / "assignments" / a / f"{a}.ipynb"
        for k, (m, _) in enumerate(catalogue_picks(source), 1):
            (root / "submitted" / f"mutant{k}" / a).mkdir(parents=True)
            (root / "submitted" / f"mutant{k}" / a / f"{a}.ipynb").write_text(
                mutant_submission(source, m)
            )

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
    full = float(row["max_score"]) - manual_points(root / "assignments" / a / f"{a}.ipynb")
    assert float(row["score"]) == full, errors(root / "autograded/alice" / a)


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


PICKS = [
    (a, k, m, hit)
    for a in REAL
    for k, (m, hit) in enumerate(catalogue_picks(ROOT / "assignments" / a / f"{a}.ipynb"), 1)
]


@pytest.mark.parametrize(
    "a, k, mistake, failing", PICKS, ids=[f"{a}-{m.id}" for a, _, m, _ in PICKS]
)
def test_catalogue_mutant_loses_exactly_its_cells_and_is_named(course, a, k, mistake, failing):
    root, grades = course
    source = ROOT / "assignments" / a / f"{a}.ipynb"
    row = grades[(a, f"mutant{k}")]
    lost = points(source, failing)
    assert 0 < lost < float(row["max_score"])
    assert float(row["score"]) == float(row["max_score"]) - lost - manual_points(source), (
        mistake.id,
        errors(root / f"autograded/mutant{k}" / a),
    )
    page = html_text(root / f"feedback/mutant{k}/{a}/{a}.html")
    assert f"likely mistake: {mistake.hint}" in page, mistake.id


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
    expected |= {(a, f"mutant{k}") for a, k, _, _ in PICKS}
    assert expected <= set(grades)
