"""Grading speed: stock sequential ``nbgrader autograde`` vs ``python -m autograder grade``.

Builds the hardened-grading fixture course (``tests/fixtures/hardened``: three graded
functions) twice in temporary directories, submits the same N notebooks to both (a mix
of correct, honestly wrong, blank and hostile submissions), grades one copy with stock
nbgrader (stock ``Execute`` preprocessor, one kernel per notebook, sequential) and the
other with the hardened batch (``--workers 2``), once each, and writes the table to
``docs/benchmarks.md`` between ``<!-- grading:start -->`` and ``<!-- grading:end -->``.

    python benchmarks/bench_grading.py [--students 20] [--workers 2]
"""

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "fixtures" / "hardened"))
import course  # noqa: E402
from report import write_block  # noqa: E402

from autograder.store import load_results  # noqa: E402

DOC = REPO / "docs" / "benchmarks.md"
START, END = "<!-- grading:start -->", "<!-- grading:end -->"


def submissions(root, n):
    kinds = [
        ("correct", lambda: course.submission(root)),
        ("wrong", lambda: course.submission(root, course.HONEST_WRONG)),
        ("blank", lambda: course.release_notebook(root)),
        (
            "rel_error",
            lambda: course.submission(
                root, course.HONEST_WRONG, prelude="rel_error = lambda *a: 0"
            ),
        ),
    ]
    for i in range(n):
        kind, make = kinds[i % len(kinds)]
        course.submit(root, f"{kind}{i:03d}", make())


def scores(root):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions("fx")}


def timed(cmd, root):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=root, env=course.env(), capture_output=True, text=True)
    return time.perf_counter() - t0, r


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    n = args.students
    with tempfile.TemporaryDirectory() as tmp:
        stock_root = course.make_course(Path(tmp) / "stock", hardened=False)
        ours_root = course.make_course(Path(tmp) / "ours", hardened=True)
        submissions(stock_root, n)
        submissions(ours_root, n)
        t_stock, r1 = timed([sys.executable, "-m", "nbgrader", "autograde", "fx"], stock_root)
        cmd = [sys.executable, "-m", "autograder", "grade", "fx", "--workers", str(args.workers)]
        t_ours, r2 = timed(cmd, ours_root)
        t_boot, _ = timed([sys.executable, "-c", "import autograder.batch"], ours_root)
        s_stock, s_ours = scores(stock_root), scores(ours_root)
        cells = [nb.cell_seconds for r in load_results(ours_root, "fx") for nb in r.notebooks]
    not_fooled = [s for s in s_stock if not s.startswith("rel_error")]
    same = all(s_stock[s] == s_ours[s] for s in not_fooled)
    fooled = sum(s_stock[s] > s_ours[s] for s in s_stock if s.startswith("rel_error"))
    compute = sum(cells) / max(len(cells), 1)
    per_ours = max(t_ours - t_boot, 0.0) * args.workers / n
    rows = [
        ("stock `nbgrader autograde` (sequential)", t_stock, t_stock / n, 1.0),
        (
            f"`python -m autograder grade --workers {args.workers}`",
            t_ours,
            t_ours / n,
            t_stock / t_ours,
        ),
    ]
    lines = [
        START,
        f"### Grading ({n} submissions of the 3-function fixture notebook, one run)",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}. "
        "Wall times include each command's start-up (nbgrader's imports take seconds).",
        "",
        "| grader | wall (s) | per notebook (s) | speed-up |",
        "| --- | ---: | ---: | ---: |",
        *[f"| {a} | {b:.1f} | {c:.2f} | {d:.1f}x |" for a, b, c, d in rows],
        "",
        f"- Cells' own run time inside the sandbox: {compute:.3f} s per notebook. Hardened "
        f"cost per notebook per worker, (wall - {t_boot:.1f} s start-up) x workers / N: "
        f"{per_ours:.2f} s, so the per-notebook overhead (sandbox start, restore, judging, "
        f"gradebook) is about {per_ours - compute:.2f} s.",
        f"- Scores identical where stock nbgrader is not fooled: {'yes' if same else 'NO'} "
        f"({len(not_fooled)} submissions); `rel_error` redefinitions that fooled stock "
        f"nbgrader: {fooled} of {n - len(not_fooled)}.",
        f"- Exit codes: stock {r1.returncode}, hardened {r2.returncode}.",
        END,
    ]
    block = "\n".join(lines)
    write_block(block, START, END)
    print(block)


if __name__ == "__main__":
    main()
