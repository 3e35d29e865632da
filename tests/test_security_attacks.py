"""Issue 11's attacks, each with its exact score, through stock ``nbgrader autograde`` (with
``apply(c)``) and through ``python -m autograder grade``, next to honest neighbours.

Submissions that are not what they seem (a symlink to the source notebook or to a
root-only file, named pipes, hostile metadata types, 50 000 cells, leaky extra files),
the wire and the grader host (unread replies, junk frames, huge ``collected`` frames,
output-count floods, an oversized proxy request), keyring persistence, and the script
payloads of ``attacks.script_submission`` (graded like any honest-wrong notebook; that
they never run in a browser is ``test_security_browser.py``'s job).
"""

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import attacks  # noqa: E402
import course  # noqa: E402

from autograder import batch  # noqa: E402
from autograder.sandbox.limits import Limits  # noqa: E402

pytestmark = [pytest.mark.nbgrader, *course.sandbox_marks()]

SECRET = "ROOT-ONLY-SECRET-7d41"
LIMITS = Limits(cell_timeout=4, memory_mb=2048)
C, W = course.CORRECT, course.HONEST_WRONG

# student: (score, status, substring of the status row's detail)
EXPECTED = {
    "honest_correct": (8, "graded", ""),
    "honest_wrong": (2, "graded", ""),
    "unanswered": (0, "graded", ""),
    "symlink_to_source": (0, "error", "symbolic link"),
    "symlink_to_root_only": (0, "error", "symbolic link"),
    "fifo_notebook": (0, "error", "named pipe"),
    "leaky_extra_files": (8, "graded", ""),
    "fifo_timestamp": (8, "graded", ""),
    "list_grade_id": (8, "graded", ""),
    "non_dict_nbgrader": (8, "graded", ""),
    "fifty_thousand_cells": (0, "error", "cells (limit 2000)"),
    "script_payloads": (2, "graded", ""),
    "huge_collected_frames": (2, "graded", "too much data"),
    "proxy_huge_index_array": (8, "graded", ""),
    **{s: (score, "graded", d) for s, (_, _, score, d) in attacks.WIRE.items()},
    **{s: (score, "graded", "") for s, (_, score) in attacks.KEYRING.items()},
}


def _secret_file(root):
    d = root / "private"
    d.mkdir(mode=0o700)
    p = d / "answers.txt"
    p.write_text(SECRET)
    p.chmod(0o600)
    return p


def _folder(root, student):
    d = root / "submitted" / student / "fx"
    d.mkdir(parents=True)
    return d


def _build(root):
    secret = _secret_file(root)
    sub = lambda answers=C, **kw: course.submission(root, answers, **kw)  # noqa: E731
    course.submit(root, "honest_correct", sub())
    course.submit(root, "honest_wrong", sub(W))
    course.submit(root, "unanswered", course.release_notebook(root))
    _folder(root, "symlink_to_source").joinpath("fx.ipynb").symlink_to(
        root / "source" / "fx" / "fx.ipynb"
    )
    _folder(root, "symlink_to_root_only").joinpath("fx.ipynb").symlink_to(secret)
    os.mkfifo(_folder(root, "fifo_notebook") / "fx.ipynb")
    d = course.submit(root, "leaky_extra_files", sub()).parent
    (d / "timestamp.txt").unlink()
    (d / "timestamp.txt").symlink_to(secret)
    (d / "data.txt").symlink_to(secret)
    os.mkfifo(d / "pipe.csv")
    (d / "page.html").write_text(f"<script>fetch('/api/contents?{SECRET}')</script>")
    (d / "notes.txt").write_text("my own notes")
    d = course.submit(root, "fifo_timestamp", sub()).parent
    (d / "timestamp.txt").unlink()
    os.mkfifo(d / "timestamp.txt")

    def retag(gid, value):
        def edit(nb):
            cell = next(
                c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid
            )
            if isinstance(value, str):
                cell.metadata["nbgrader"] = value
            else:
                cell.metadata["nbgrader"]["grade_id"] = value

        return edit

    course.submit(root, "list_grade_id", sub(edit=retag("test_log_softmax", ["test_log_softmax"])))
    course.submit(root, "non_dict_nbgrader", sub(edit=retag("log_softmax", "log_softmax")))
    nb = sub()
    empty = {
        "cell_type": "code",
        "source": "",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
    }
    nb["cells"] = nb["cells"] + [empty] * 50_000
    course.submit(root, "fifty_thousand_cells", nb)
    course.submit(root, "script_payloads", attacks.script_submission(root, "http://127.0.0.1:9/b"))
    course.submit(root, "huge_collected_frames", sub(attacks.huge_collected_answers()))
    course.submit(root, "proxy_huge_index_array", sub(attacks.proxy_huge_answers()))
    for student, (answers, code, _, _) in attacks.WIRE.items():
        course.submit(root, student, sub(answers, edit=_after_first_test(code)))
    for student, (spec, _) in attacks.KEYRING.items():
        course.submit(root, student, sub(spec["answers"], prelude=spec["prelude"]))


def _after_first_test(code):
    from nbformat import v4

    def edit(nb):
        i = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade"))
        nb.cells.insert(i + 1, v4.new_code_cell(code))

    return edit


def _scores(root):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions("fx")}


def _text_of(path):
    raw = path.read_bytes()
    if path.suffix == ".html":
        return html.unescape(re.sub(r"<[^>]+>", "", raw.decode(errors="replace")))
    return raw.decode(errors="replace")


def _solution_lines(root):
    src = json.loads((root / "source" / "fx" / "fx.ipynb").read_text())
    lines = []
    for c in src["cells"]:
        text = "".join(c["source"])
        if "BEGIN SOLUTION" in text:
            body = text.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
            lines += [ln.strip() for ln in body.splitlines() if len(ln.strip()) > 12]
    assert len(lines) >= 5
    return lines


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = course.make_course(tmp_path_factory.mktemp("issue11"), hardened=True)
    _build(root)
    env = dict(course.env(), AUTOGRADER_CELL_TIMEOUT=str(LIMITS.cell_timeout))
    env["AUTOGRADER_MEMORY_MB"] = str(LIMITS.memory_mb)
    cmd = [sys.executable, "-m", "nbgrader", "autograde", "fx"]
    stock = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=900)
    stock_scores = _scores(root)
    course.nbgrader(root, "generate_feedback", "fx")
    rows, code = batch.run(root, "fx", workers=2, force=True, limits=LIMITS)
    return {
        "root": root,
        "stock": stock,
        "stock_scores": stock_scores,
        "rows": {r.student: r for r in rows},
        "code": code,
    }


def test_stock_autograde_finishes(graded):
    assert "(hardened)" in graded["stock"].stderr, graded["stock"].stderr[-3000:]
    assert "Traceback" not in graded["stock"].stderr, graded["stock"].stderr[-3000:]


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_attack_scores_exactly_in_both_graders(graded, student):
    score, status, detail = EXPECTED[student]
    assert graded["stock_scores"][student] == score, ("nbgrader autograde", student)
    row = graded["rows"][student]
    assert (row.status, row.score) == (status, score), row
    assert detail in (row.detail or ""), row


def test_batch_exit_code_flags_the_unreadable(graded):
    assert graded["code"] == 1  # symlinks, pipes and 50 000 cells need the instructor


def test_no_root_only_byte_reaches_autograded_or_feedback(graded):
    root = graded["root"]
    for top in ("autograded", "feedback"):
        for p in (root / top).rglob("*"):
            if p.is_file() and not p.is_symlink():
                assert SECRET not in _text_of(p), p
    out = root / "autograded" / "leaky_extra_files" / "fx"
    assert (out / "notes.txt").read_text() == "my own notes"  # a small regular file: copied
    assert not (out / "page.html").exists() and not (out / "data.txt").exists()
    assert not any(p.is_symlink() for p in (root / "autograded").rglob("*"))


def test_symlink_to_source_carries_no_solution_line(graded):
    root = graded["root"]
    lines = _solution_lines(root)
    for p in [
        root / "autograded" / "symlink_to_source" / "fx" / "fx.ipynb",
        root / "feedback" / "symlink_to_source" / "fx" / "fx.html",
    ]:
        text = _text_of(p)
        assert "symbolic link" in text
        assert not [ln for ln in lines if ln in text], p


def test_wire_attacks_leave_capped_outputs(graded):
    nb = json.loads(
        (graded["root"] / "autograded" / "output_count_flood" / "fx" / "fx.ipynb").read_text()
    )
    counts = [len(c.get("outputs", [])) for c in nb["cells"]]
    assert max(counts) <= LIMITS.output_items + 1
    nb = (graded["root"] / "autograded" / "proxy_huge_index_array" / "fx" / "fx.ipynb").read_text()
    assert "proxy refused: nll: arguments too large" in nb


def test_keyring_is_refused(graded):
    nb = (graded["root"] / "autograded" / "keyring_writer" / "fx" / "fx.ipynb").read_text()
    assert "add_key: -1 1" in nb  # EPERM from the seccomp filter
