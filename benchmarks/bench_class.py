"""Grading a class: stock sequential ``nbgrader autograde`` vs ``python -m autograder grade``.

Builds a copy of the course (``nbgrader_config.py``, ``workbook/``, the five source
notebooks, ``python -m autograder.release``) in a temporary directory, makes two copies of
it (stock: the configuration without the hardened ``apply(c)``; ours: unchanged), submits
the same deterministic class to both and grades all five assignments once with each:

* stock: ``nbgrader autograde <id>`` for each id, one after the other (stock ``Execute``
  preprocessor, one kernel per notebook);
* ours: ``python -m autograder grade <id1> ... <id5> --workers W``, one command for the five
  (one worker pool, sandboxed; one BLAS thread per worker, set by ``autograder/__main__.py``
  and inside the sandbox).

Each student submits each notebook as one of (fixed cycle over students and assignments):
``correct`` (the source notebook), ``mistake1`` / ``mistake2`` (one / two answer cells
replaced by mistake-catalogue mutants, :func:`autograder.mistakes.base.mutant_source`),
``blank`` (the released notebook), ``cheat`` (two mutants, plus an answer cell that
replaces ``autograder.api.grade`` so the hidden tests pass in the student's kernel: stock
nbgrader is fooled), ``truncated`` (half the JSON), ``hang`` (``while True: pass`` in an
answer cell) and ``exit`` (``os._exit(3)`` in an answer cell). Scores must be identical
for ``correct``, ``mistake*`` and ``blank``. Both graders get the same cell timeout.

Writes the table to ``docs/benchmarks.md`` between ``<!-- class:start -->`` and
``<!-- class:end -->`` (``--dry-run``: print only).

    python benchmarks/bench_class.py [--students 200] [--workers 2] [--timeout 20]
"""

import argparse
import ast
import collections
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests" / "fixtures" / "hardened"))
import course  # noqa: E402
from report import cpu_model, write_block  # noqa: E402

from autograder import course as course_manifest  # noqa: E402
from autograder.mistakes.base import all_mistakes, mutant_source  # noqa: E402
from autograder.store import load_results  # noqa: E402
from workbook.data import captions  # noqa: E402

IDS = list(course_manifest.load().ids)
START, END = "<!-- class:start -->", "<!-- class:end -->"
HARDENED_LINES = ("from autograder.nbgrader_ext.config import apply", "apply(c)")
# One cycle of submission kinds (per assignment, shifted per assignment).
CYCLE = (
    ["correct"] * 12
    + ["mistake1"] * 10
    + ["mistake2"] * 8
    + ["blank"] * 4
    + ["cheat"] * 2
    + ["truncated"] * 2
    + ["hang", "exit"]
)
COMPARED = ("correct", "mistake1", "mistake2", "blank")
CHEAT = "\nimport autograder.api as _api\n_api.grade = lambda *args, **kwargs: None\n"
BREAK = {"hang": "\nwhile True:\n    pass\n", "exit": "\nimport os\nos._exit(3)\n"}


def env(timeout, blas_default=False):
    """Both graders read the captioning data set from the repository's cache (generated here
    once), so neither pays for generating it into its course copy during the timed runs."""
    e = course.env()
    e["BACKPROP_DATA_DIR"] = str(captions.ensure_dataset().parent)
    e["AUTOGRADER_CELL_TIMEOUT"] = str(timeout)
    if blas_default:  # stock nbgrader as an instructor runs it: numpy's own thread count
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            e.pop(var, None)
    return e


def build_courses(tmp, timeout):
    """``(stock_root, ours_root)``: released copies of the course, stock and hardened config."""
    base = Path(tmp) / "base"
    base.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", base)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(REPO / "workbook", base / "workbook", ignore=ignore)
    for a in IDS:
        shutil.copytree(REPO / "assignments" / a, base / "assignments" / a, ignore=ignore)
    cmd = [sys.executable, "-m", "autograder.release", *IDS]
    r = subprocess.run(cmd, cwd=base, env=env(timeout), capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"release failed:\n{r.stdout}\n{r.stderr}")
    roots = []
    for name, hardened in (("stock", False), ("ours", True)):
        root = Path(tmp) / name
        shutil.copytree(base, root)
        cfg = root / "nbgrader_config.py"
        lines = cfg.read_text().splitlines()
        if not hardened:
            kept = [ln for ln in lines if not ln.strip().startswith(HARDENED_LINES)]
            assert len(lines) - len(kept) == 2, "expected the two hardened lines in the config"
            lines = kept
        knob = "Limits.cell_timeout" if hardened else "Execute.timeout"
        lines.append(f"c.{knob} = {timeout}  # bench_class: same cell timeout for both")
        cfg.write_text("\n".join(lines) + "\n")
        roots.append(root)
    return roots


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def answer_cells(nb):
    """``{grade_id: index}`` of the answer (solution) cells."""
    return {
        _nbgrader(c)["grade_id"]: i
        for i, c in enumerate(nb["cells"])
        if _nbgrader(c).get("solution")
    }


def _source(cell):
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def replace_method(class_src, method, new_src):
    """``class_src`` with method ``method`` replaced by ``new_src`` (column-0 source)."""
    tree = ast.parse(class_src)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef))
    node = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == method)
    lines = class_src.splitlines()
    start = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
    indent = lines[node.lineno - 1][: node.col_offset]
    body = textwrap.indent(new_src.rstrip("\n"), indent).splitlines()
    return "\n".join(lines[:start] + body + lines[node.end_lineno :]) + "\n"


def mutants_for(assignment, nb):
    """``{grade_id: [answer-cell source with a mutant]}`` for this notebook's answer cells."""
    out = collections.defaultdict(list)
    answers = answer_cells(nb)
    for m in all_mistakes():
        name, _, variant = m.function.partition(":")
        if variant and variant != assignment:
            continue
        owner, _, method = m.target.partition(".")
        if owner not in answers:
            continue
        if method:
            cell_src = _source(nb["cells"][answers[owner]])
            out[owner].append(replace_method(cell_src, method, mutant_source(m)))
        else:
            out[owner].append(mutant_source(m))
    return dict(out)


def kind_of(student, j):
    return CYCLE[(student + 7 * j) % len(CYCLE)]


def submission(kind, student, j, source, release, mutants):
    """Bytes of one submitted notebook."""
    if kind == "blank":
        return json.dumps(release).encode()
    nb = json.loads(json.dumps(source))
    rng = random.Random(1000 * student + j)
    answers = answer_cells(nb)
    if kind in ("mistake1", "mistake2", "cheat"):
        for gid in rng.sample(sorted(mutants), 1 if kind == "mistake1" else 2):
            nb["cells"][answers[gid]]["source"] = rng.choice(mutants[gid])
    first, second = sorted(answers.values())[:2]
    if kind == "cheat":
        nb["cells"][first]["source"] = _source(nb["cells"][first]) + CHEAT
    if kind in BREAK:
        nb["cells"][second]["source"] = _source(nb["cells"][second]) + BREAK[kind]
    data = json.dumps(nb).encode()
    return data[: len(data) // 2] if kind == "truncated" else data


def make_class(roots, n):
    """Submit ``n`` students x the five notebooks to every root; ``{(student, id): kind}``."""
    kinds = {}
    for j, a in enumerate(IDS):
        src_path = roots[0] / "assignments" / a / f"{a}.ipynb"
        source = json.loads(src_path.read_text())
        release = json.loads((roots[0] / "release" / a / f"{a}.ipynb").read_text())
        mutants = mutants_for(a, source)
        for i in range(n):
            kind = kind_of(i, j)
            student = f"s{i:03d}"
            data = submission(kind, i, j, source, release, mutants)
            kinds[(student, a)] = kind
            for root in roots:
                d = root / "submitted" / student / a
                d.mkdir(parents=True, exist_ok=True)
                (d / f"{a}.ipynb").write_bytes(data)
                (d / "timestamp.txt").write_text("2026-01-01 12:00:00.000000 UTC")
    return kinds


def scores(root):
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        for a in IDS:
            for s in gb.assignment_submissions(a):
                out[(s.student.id, a)] = s.score
    return out


def timed(cmd, root, e):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=root, env=e, capture_output=True, text=True)
    return time.perf_counter() - t0, r


def cell_seconds(root):
    """``{(student, id): seconds}``: the notebook's cells' own run time inside the sandbox."""
    out = {}
    for a in IDS:
        for result in load_results(root, a):
            for nb in result.notebooks:
                out[(result.student, a)] = nb.cell_seconds
    return out


def machine():
    return f"{os.cpu_count()} cores ({cpu_model()})"


def versions():
    import nbgrader
    import numpy

    py = platform.python_version()
    return f"Python {py}, numpy {numpy.__version__}, nbgrader {nbgrader.__version__}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=20, help="cell timeout (s), both graders")
    ap.add_argument("--dry-run", action="store_true", help="print, do not write docs/")
    ap.add_argument("--keep", help="build the courses in this directory and keep them")
    args = ap.parse_args(argv)
    n, w = args.students, args.workers
    tmp_ctx = tempfile.TemporaryDirectory() if not args.keep else None
    tmp = tmp_ctx.name if tmp_ctx else args.keep
    try:
        stock_root, ours_root = build_courses(tmp, args.timeout)
        kinds = make_class([stock_root, ours_root], n)
        walls = {}
        codes = {}
        for a in IDS:
            cmd = [sys.executable, "-m", "nbgrader", "autograde", a]
            walls[("stock", a)], r = timed(cmd, stock_root, env(args.timeout, blas_default=True))
            codes[("stock", a)] = r.returncode
            print(f"stock {a}: {walls[('stock', a)]:.1f} s (rc {r.returncode})", flush=True)
        cmd = [sys.executable, "-m", "autograder", "grade", *IDS, "--workers", str(w)]
        walls["ours"], r = timed(cmd, ours_root, env(args.timeout))
        codes["ours"] = r.returncode
        print(f"ours: {walls['ours']:.1f} s (rc {r.returncode})", flush=True)
        if r.returncode not in (0, 1):
            print(r.stdout[-3000:], r.stderr[-3000:], sep="\n")
        boot = min(
            timed([sys.executable, "-c", "import autograder.batch"], ours_root, env(1))[0]
            for _ in range(3)
        )
        s_stock, s_ours = scores(stock_root), scores(ours_root)
        cells = cell_seconds(ours_root)
    finally:
        if tmp_ctx:
            tmp_ctx.cleanup()
    block = report(args, kinds, walls, codes, boot, s_stock, s_ours, cells)
    if args.dry_run:
        print(block)
    else:
        write_block(block, START, END)
        print(block)


def report(args, kinds, walls, codes, boot, s_stock, s_ours, cells):
    n, w = args.students, args.workers
    nbs = len(kinds)
    t_stock = sum(walls[("stock", a)] for a in IDS)
    t_ours = walls["ours"]
    # Agreement, per kind.
    per_kind = collections.defaultdict(lambda: collections.Counter())
    mismatches = []
    for key, kind in kinds.items():
        st, ou = s_stock.get(key), s_ours.get(key)
        c = per_kind[kind]
        c["n"] += 1
        if st is None:
            c["stock_none"] += 1
        elif ou is not None and abs(st - ou) < 1e-9:
            c["same"] += 1
        elif ou is not None and st > ou:
            c["stock_higher"] += 1
        else:
            c["stock_lower"] += 1
        if kind in COMPARED and (st is None or ou is None or abs(st - ou) >= 1e-9):
            mismatches.append((key, kind, st, ou))
    compared = sum(per_kind[k]["n"] for k in COMPARED)
    agree = compared - len(mismatches)
    compute = sum(cells.values()) / max(len(cells), 1)
    normal = [cells[k] for k, kind in kinds.items() if kind in COMPARED and k in cells]
    compute_normal = sum(normal) / max(len(normal), 1)
    per_ours = max(t_ours - boot, 0.0) * w / nbs
    overhead = per_ours - compute
    speedup = t_stock / t_ours
    # What ours could reach if the only cost were the cells themselves (w at a time) and the
    # five start-ups: the bound that the notebooks' own compute sets on these cores.
    ceiling = t_stock / (sum(cells.values()) / w + boot)
    date = subprocess.run(["date"], capture_output=True, text=True).stdout.strip()
    rows = [
        ("stock `nbgrader autograde <id>` (sequential)", t_stock, t_stock / nbs, 1.0),
        (f"`python -m autograder grade <5 ids> --workers {w}`", t_ours, t_ours / nbs, speedup),
    ]
    lines = [
        START,
        f"### Grading a class ({n} students x 5 notebooks = {nbs} submissions, one run)",
        "",
        f"`python benchmarks/bench_class.py --students {n} --workers {w} "
        f"--timeout {args.timeout}`, finished {date}. Machine: {machine()}; {versions()}. "
        f"Cell timeout {args.timeout} s in both graders. Stock runs with numpy's default "
        "BLAS threads; ours sets one BLAS thread per worker (`OPENBLAS_NUM_THREADS`, "
        "`OMP_NUM_THREADS`, `MKL_NUM_THREADS` = 1, in `autograder/__main__.py` and in the "
        "sandbox environment). Wall times include each command's start-up: five commands for "
        "stock (one per assignment), one for ours (the five ids share one worker pool).",
        "",
        "| grader | wall (s) | per notebook (s) | speed-up |",
        "| --- | ---: | ---: | ---: |",
        *[f"| {a} | {b:.1f} | {c:.2f} | {d:.1f}x |" for a, b, c, d in rows],
        "",
        "| assignment | stock wall (s) | ours: cells' own run time, all workers (s) |",
        "| --- | ---: | ---: |",
        *[
            f"| {a} | {walls[('stock', a)]:.1f} | "
            f"{sum(v for k, v in cells.items() if k[1] == a):.1f} |"
            for a in IDS
        ],
        "",
        f"- Overhead: cells' own run time inside the sandbox {compute:.3f} s per notebook "
        f"({compute_normal:.3f} s over the correct/mistake/blank ones; timed-out cells count "
        f"as cell time). Hardened cost per notebook per worker, (wall - {boot:.1f} s "
        f"start-up) x {w} workers / {nbs}: {per_ours:.3f} s, so the per-notebook overhead "
        f"(sandbox start, restore, judging and diagnosis, gradebook) is {overhead:.3f} s.",
        f"- Compute bound: the cells alone take {sum(cells.values()):.0f} s in the sandbox "
        f"({compute:.2f} s per notebook), so with {w} workers and its start-up ours "
        f"cannot beat {ceiling:.1f}x here, whatever the overhead. Stock per notebook minus "
        f"these cells' run time is {t_stock / nbs - compute:.2f} s (kernel start, "
        "nbgrader's per-notebook work; the cells may run a little differently in the "
        "stock kernel).",
        f"- Scores identical where stock nbgrader is neither fooled nor broken "
        f"(correct, mistake1, mistake2, blank): {agree} of {compared}"
        + ("." if not mismatches else f"; differing: {mismatches[:10]}."),
        "",
        "| kind | submissions | same score | stock higher | stock lower | stock: no score |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *[
            f"| {k} | {per_kind[k]['n']} | {per_kind[k]['same']} | {per_kind[k]['stock_higher']}"
            f" | {per_kind[k]['stock_lower']} | {per_kind[k]['stock_none']} |"
            for k in dict.fromkeys(CYCLE)
            if per_kind[k]["n"]
        ],
        "",
        "- Not compared: `cheat` (stock runs the hidden tests in the student's kernel, where "
        'the replaced `grade` makes them pass: "stock higher" = fooled), `hang` (stock '
        "interrupts the loop and runs the rest of the notebook; ours ends the session at the "
        "timeout and keeps the credit earned before it), `exit` (a dead kernel makes stock "
        "score the notebook 0; ours keeps the credit earned before it), `truncated` (0 in "
        "both).",
        f"- Targets: speed-up >= 5x: {'met' if speedup >= 5 else 'NOT met'} "
        f"({speedup:.1f}x); overhead < 0.3 s per notebook: "
        f"{'met' if overhead < 0.3 else 'NOT met'} ({overhead:.3f} s).",
        "- Exit codes: stock "
        + ", ".join(f"{a} {codes[('stock', a)]}" for a in IDS)
        + f"; ours {codes['ours']} (1 = some row needs the instructor: the truncated "
        "notebooks).",
        END,
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
