"""Same scores, same feedback: the grader of an older commit vs this checkout, side by side.

Builds the course twice per side (``old``: a checkout of an earlier commit with its own
``make venv``; ``new``: this repository), submits one class of the kinds of
``bench_class.py`` (correct, one or two mistakes, blank, cheat, truncated, hang, exit:
every kind for every assignment) to all four copies, then per side:

* batch: ``python -m autograder grade <5 ids>``;
* nbgrader: ``nbgrader autograde <id>`` for each id (the hardened preprocessors);
* on both copies: ``nbgrader generate_feedback <id>`` and ``nbgrader export``.

and compares old with new: every grade cell's score in the gradebook, every test cell's
message in the autograded notebook, whole autograded notebooks, feedback HTML pages and
the exported CSV. Writes the counts to ``docs/benchmarks.md`` between
``<!-- compare:start -->`` and ``<!-- compare:end -->`` (``--dry-run``: print only).

    git worktree add /tmp/oldmain <commit> && (cd /tmp/oldmain && make venv)
    python benchmarks/compare_graders.py --old /tmp/oldmain [--students 8] [--timeout 10]
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
import bench_class  # noqa: E402
import stock_diff  # noqa: E402
from report import write_block  # noqa: E402

IDS = bench_class.IDS
KINDS = ["correct", "mistake1", "mistake2", "blank", "cheat", "truncated", "hang", "exit"]
START, END = "<!-- compare:start -->", "<!-- compare:end -->"
FRONT_DOORS = ("batch", "nbgrader")


def env(repo, timeout):
    e = bench_class.env(timeout)
    e["PYTHONPATH"] = str(repo)
    e["PATH"] = str(repo / ".venv" / "bin") + os.pathsep + e["PATH"]
    return e


def run(cmd, root, e):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=root, env=e, capture_output=True, text=True)
    return time.perf_counter() - t0, r


def build(tmp, side, repo, timeout):
    """``{front door: root}``: two released copies of the course from ``repo``'s files."""
    base = Path(tmp) / side / "base"
    base.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in ("nbgrader_config.py", "course.toml"):
        if (repo / name).exists():
            shutil.copy(repo / name, base)
    shutil.copytree(repo / "workbook", base / "workbook", ignore=ignore)
    for a in IDS:
        shutil.copytree(repo / "assignments" / a, base / "assignments" / a, ignore=ignore)
    py = str(repo / ".venv" / "bin" / "python")
    _, r = run([py, "-m", "autograder.release", *IDS], base, env(repo, timeout))
    if r.returncode != 0:
        raise RuntimeError(f"{side}: release failed:\n{r.stdout}\n{r.stderr}")
    roots = {}
    for door in FRONT_DOORS:
        roots[door] = Path(tmp) / side / door
        shutil.copytree(base, roots[door])
    return roots


def make_class(roots, n):
    """Every kind for every assignment: student ``i`` submits kind ``(i + j) % 8`` of id ``j``."""
    kinds = {}
    for j, a in enumerate(IDS):
        first = next(iter(roots))
        source = json.loads((first / "assignments" / a / f"{a}.ipynb").read_text())
        release = json.loads((first / "release" / a / f"{a}.ipynb").read_text())
        mutants = bench_class.mutants_for(a, source)
        for i in range(n):
            kind = KINDS[(i + j) % len(KINDS)]
            data = bench_class.submission(kind, i, j, source, release, mutants)
            kinds[(f"s{i:03d}", a)] = kind
            for root in roots:
                d = root / "submitted" / f"s{i:03d}" / a
                d.mkdir(parents=True, exist_ok=True)
                (d / f"{a}.ipynb").write_bytes(data)
                (d / "timestamp.txt").write_text("2026-01-01 12:00:00.000000 UTC")
    return kinds


def grade(side, repo, roots, workers, timeout):
    """Run both front doors, then feedback and export; ``{step: (seconds, exit code)}``."""
    py, e, log = str(repo / ".venv" / "bin" / "python"), env(repo, timeout), {}
    cmd = [py, "-m", "autograder", "grade", *IDS, "--workers", str(workers)]
    log["batch"] = run(cmd, roots["batch"], e)
    for a in IDS:
        log[f"autograde {a}"] = run([py, "-m", "nbgrader", "autograde", a], roots["nbgrader"], e)
    for door, root in roots.items():
        for a in IDS:
            cmd = [py, "-m", "nbgrader", "generate_feedback", a]
            log[f"{door} feedback {a}"] = run(cmd, root, e)
        log[f"{door} export"] = run([py, "-m", "nbgrader", "export"], root, e)
    for step, (secs, r) in log.items():
        print(f"{side} {step}: {secs:.1f} s (rc {r.returncode})", flush=True)
    return {k: (round(s, 1), r.returncode) for k, (s, r) in log.items()}


def messages(root):
    """``{(student, id, grade cell): [error evalues]}`` of the autograded notebooks."""
    out = {}
    for path in sorted((root / "autograded").glob("*/*/*.ipynb")):
        student, a = path.parts[-3], path.parts[-2]
        for cell in json.loads(path.read_text())["cells"]:
            md = cell.get("metadata", {}).get("nbgrader", {})
            if md.get("grade") and not md.get("solution"):
                errs = [o.get("evalue") for o in cell.get("outputs", []) if "evalue" in o]
                out[(student, a, md["grade_id"])] = errs
    return out


def files(root, pattern):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.glob(pattern))}


def export(root):
    with open(root / "grades.csv", newline="") as f:
        return sorted(tuple(row) for row in csv.reader(f))


def same(old, new):
    """``(identical, total, [differing keys])`` of two mappings."""
    keys = sorted(set(old) | set(new))
    diff = [k for k in keys if old.get(k) != new.get(k)]
    return len(keys) - len(diff), len(keys), diff


def compare(roots):
    """``{front door: {what: (identical, total, differing)}}``, old vs new."""
    out = {}
    for door in FRONT_DOORS:
        old, new = roots["old"][door], roots["new"][door]
        out[door] = {
            "grade-cell scores (gradebook)": same(
                stock_diff.cell_scores(old), stock_diff.cell_scores(new)
            ),
            "test-cell messages (autograded)": same(messages(old), messages(new)),
            "autograded notebooks (bytes)": same(
                files(old, "autograded/*/*/*.ipynb"), files(new, "autograded/*/*/*.ipynb")
            ),
            "feedback pages (bytes)": same(
                files(old, "feedback/*/*/*.html"), files(new, "feedback/*/*/*.html")
            ),
            "export rows (grades.csv)": same(
                dict.fromkeys(export(old), 1), dict.fromkeys(export(new), 1)
            ),
        }
    return out


def stored_agree(root):
    """The new side's stored typed results agree with its gradebook: ``(agree, total)``."""
    from nbgrader.api import Gradebook

    from autograder.store import load_results

    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        book = {(s.student.id, a): s.score for a in IDS for s in gb.assignment_submissions(a)}
    stored = {(r.student, a): r.score for a in IDS for r in load_results(root, a)}
    return sum(abs(stored.get(k, -1) - v) < 1e-9 for k, v in book.items()), len(book)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", type=Path, required=True, help="checkout of the older commit")
    ap.add_argument("--students", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=10, help="cell timeout (s), every grader")
    ap.add_argument("--dry-run", action="store_true", help="print, do not write docs/")
    ap.add_argument("--keep", help="build the courses in this directory and keep them")
    args = ap.parse_args(argv)
    sides = {"old": args.old.resolve(), "new": REPO}
    old_commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=sides["old"], capture_output=True, text=True
    ).stdout.strip()
    new_commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    tmp_ctx = tempfile.TemporaryDirectory() if not args.keep else None
    tmp = tmp_ctx.name if tmp_ctx else args.keep
    try:
        roots = {s: build(tmp, s, repo, args.timeout) for s, repo in sides.items()}
        kinds = make_class([r for door in roots.values() for r in door.values()], args.students)
        logs = {
            s: grade(s, repo, roots[s], args.workers, args.timeout) for s, repo in sides.items()
        }
        result = compare(roots)
        stored = {door: stored_agree(roots["new"][door]) for door in FRONT_DOORS}
    finally:
        if tmp_ctx:
            tmp_ctx.cleanup()
    block = report(args, kinds, logs, result, stored, old_commit, new_commit)
    print(block)
    if not args.dry_run:
        write_block(block, START, END)
    differing = sum(len(d) for door in result.values() for _, _, d in door.values())
    return 1 if differing else 0


def report(args, kinds, logs, result, stored, old_commit, new_commit):
    date = subprocess.run(["date"], capture_output=True, text=True).stdout.strip()
    lines = [
        START,
        f"### Old grader vs new grader ({args.students} students x {len(IDS)} notebooks, one run)",
        "",
        f"`python benchmarks/compare_graders.py --old <checkout of {old_commit}> --students "
        f"{args.students} --timeout {args.timeout}` at {new_commit}, finished {date}. Machine: "
        f"{bench_class.machine()}; {bench_class.versions()}. Kinds (each for every "
        f"assignment): {', '.join(f'{k} {list(kinds.values()).count(k)}' for k in KINDS)}.",
        "",
        "| front door | compared | identical / total |",
        "| --- | --- | ---: |",
    ]
    for door, checks in result.items():
        for what, (ok, total, diff) in checks.items():
            shown = f"{ok} / {total}" + (f" (differ: {diff[:5]})" if diff else "")
            lines.append(f"| {door} | {what} | {shown} |")
    lines += [
        "",
        "- New side's stored typed results (`autograder.store.load_results`) agree with its "
        "gradebook: "
        + ", ".join(f"{door} {ok} / {total}" for door, (ok, total) in stored.items())
        + ".",
        "- Exit codes: "
        + "; ".join(
            f"{side} " + ", ".join(f"{k} {rc}" for k, (_, rc) in log.items() if "feedback" not in k)
            for side, log in logs.items()
        )
        + ".",
        END,
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
