"""nbgrader's exchange end to end on one machine, with two student identities.

A temporary exchange root; the instructor releases ``gradcheck`` and ``temporal_loss``;
``alice`` fetches both, answers everything (the reference answers), runs her notebook where
it was fetched (the earlier chapter's answers are carried over from ``../gradcheck``),
validates and submits; ``bob`` answers one cell, validates (it names his failing cells)
and submits. The instructor collects, autogrades with stock ``nbgrader autograde`` and
again with the batch (``python -m autograder grade``: the same scores), generates and
releases feedback; each student fetches his own; ``nbgrader export`` lists both.
"""

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from coursecopy import released_course
from test_nbgrader_roundtrip import hidden_lines, html_text
from test_release_standalone import answers, execute, fill

from autograder import leaks

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
COURSE = "backprop-workbook"
IDS = ["gradcheck", "temporal_loss"]
GRADED = "temporal_loss"


def run(cwd, *args, user=None):
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.pop("BACKPROP_DATA_DIR", None)
    proc = subprocess.run(
        [sys.executable, "-m", *args], cwd=cwd, capture_output=True, text=True, env=env,
        timeout=900,
    )  # fmt: skip
    return proc


def ok(proc):
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def grades(course):
    ok(run(course, "nbgrader", "export"))
    with open(course / "grades.csv", newline="") as f:
        return {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    base = tmp_path_factory.mktemp("exchange")
    (base / "course").mkdir()
    course = released_course(base / "course", IDS)
    root = base / "exchange-root"
    root.mkdir()
    flag = f"--Exchange.root={root}"
    for a in IDS:
        ok(run(course, "nbgrader", "release_assignment", a, flag))
    homes = {s: base / s for s in ("alice", "bob")}

    def student(name):  # each student has a home and an exchange cache of their own
        return ["--course", COURSE, flag, f"--Exchange.cache={base / 'cache' / name}"]

    for name, home in homes.items():
        home.mkdir()
        for a in IDS if name == "alice" else [GRADED]:
            ok(run(home, "nbgrader", "fetch_assignment", a, *student(name)))
    # alice answers everything and runs her notebook where it was fetched
    for a in IDS:
        fill(homes["alice"] / a / f"{a}.ipynb", ROOT / "assignments" / a / f"{a}.ipynb")
    path = homes["alice"] / GRADED / f"{GRADED}.ipynb"
    ran = execute(nbformat.read(path, as_version=4), path.parent)
    # bob answers one cell
    bob_nb = homes["bob"] / GRADED / f"{GRADED}.ipynb"
    nb = nbformat.read(bob_nb, as_version=4)
    answer = answers(ROOT / "assignments" / GRADED / f"{GRADED}.ipynb")
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade_id") == "word_embedding_forward":
            c.source = answer["word_embedding_forward"]
    nbformat.write(nb, bob_nb)
    (bob_nb.parent / "big.npy").write_bytes(b"0" * 6_000_000)  # over the exchange's 5 MB limit
    validated = {
        s: run(homes[s], "nbgrader", "validate", f"{GRADED}/{GRADED}.ipynb") for s in homes
    }
    for name, home in homes.items():
        ok(run(home, "nbgrader", "submit", GRADED, *student(name), "--student", name))
    ok(run(course, "nbgrader", "collect", GRADED, flag))
    ok(run(course, "nbgrader", "autograde", GRADED))
    stock = grades(course)
    ok(run(course, "autograder", "grade", GRADED, "--force", "--workers", "2"))
    batch = grades(course)
    ok(run(course, "nbgrader", "generate_feedback", GRADED))
    ok(run(course, "nbgrader", "release_feedback", GRADED, flag))
    for name, home in homes.items():
        ok(run(home, "nbgrader", "fetch_feedback", GRADED, *student(name), "--student", name))
    return {"course": course, "homes": homes, "ran": ran, "validated": validated,
            "stock": stock, "batch": batch}  # fmt: skip


def max_score():
    """The autograded points: the test cells' (written answers wait for a human grader)."""
    source = nbformat.read(ROOT / "assignments" / GRADED / f"{GRADED}.ipynb", as_version=4)
    return sum(
        float(c.metadata.nbgrader.get("points", 0))
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
    )


def test_scores_stock_and_batch_agree(exchange):
    assert exchange["stock"] == {"alice": max_score(), "bob": 1.0}
    assert exchange["batch"] == exchange["stock"]


def test_the_student_notebook_ran_where_it_was_fetched(exchange):
    cells = exchange["ran"].cells
    errors = [o for c in cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    carried = [c for c in exchange["ran"].cells if "ModuleNotFoundError" in c.source]
    assert carried  # the first cell, with its one-command fallback


def test_validate_passes_a_correct_notebook_and_names_a_failing_cell(exchange):
    good, bad = exchange["validated"]["alice"], exchange["validated"]["bob"]
    assert good.returncode == 0 and "VALIDATION FAILED" not in good.stdout, good.stdout[-2000:]
    source = nbformat.read(ROOT / "assignments" / GRADED / f"{GRADED}.ipynb", as_version=4)
    tests = {
        c.metadata.nbgrader.grade_id: c.source.split("### END HIDDEN TESTS")[-1].strip()
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }
    assert f"VALIDATION FAILED ON {len(tests) - 1} CELL(S)" in bad.stdout, bad.stdout[-2000:]
    assert "The following cell failed:" in bad.stdout
    first_line = tests["test_word_embedding_backward"].splitlines()[0]
    assert first_line in bad.stdout  # the failing cell is shown by its code
    assert tests["test_word_embedding_forward"].splitlines()[0] not in bad.stdout  # it passed
    assert "NotImplementedError" in bad.stdout


def test_submissions_hold_only_the_students_work(exchange):
    for name in ("alice", "bob"):
        folder = exchange["course"] / "submitted" / name / GRADED
        files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        released = {f"{GRADED}.ipynb", "timestamp.txt", "requirements.txt"}
        assert released <= files
        others = files - released - {"submission_secret.txt"}  # nbgrader's own
        assert all(f.startswith("workbook/") for f in others), others  # the released helpers
        assert not [f for f in files if ".cache" in f or "__pycache__" in f]
        assert all((folder / f).stat().st_size < 5_000_000 for f in files)
        assert "big.npy" not in files  # bob's 6 MB file was not submitted


def test_each_student_fetched_feedback_without_hidden_tests_or_reference(exchange):
    hidden = hidden_lines(ROOT / "assignments" / GRADED / f"{GRADED}.ipynb")
    secrets = leaks.Secrets.of_course(ROOT)
    for name, home in exchange["homes"].items():
        pages = list((home / GRADED / "feedback").glob(f"*/{GRADED}.html"))
        assert len(pages) == 1, name
        text = html_text(pages[0])
        assert "HIDDEN TESTS" not in text and not [h for h in hidden if h in text], name
        assert "grade(" not in text
        if name == "bob":  # alice's own answers are the reference; bob's are not
            assert secrets.scan(pages[0].parent) == {}
        score = exchange["stock"][name]
        assert f"Score: {score:g}" in text or f"{score:g} / {max_score():g}" in text, name
