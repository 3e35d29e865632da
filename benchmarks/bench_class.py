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

Two more runs of ours on copies of the same class check issue 13's claims side by side:
``--run-unneeded`` (every code cell up to the last test cell runs: the scores and test-cell
messages must be identical to ours', which runs only what the test cells need), and, on
the ``hang`` submissions only, ``--cell-cpu-floor 1e9`` (no CPU bound: what a hang cost
before, the whole cell timeout).

Each student submits each notebook as one of (fixed cycle over students and assignments):
``correct`` (the source notebook), ``mistake1`` / ``mistake2`` (one / two answer cells
replaced by mistake-catalogue mutants, :func:`autograder.mistakes.base.mutant_source`),
``blank`` (the released notebook), ``cheat`` (two mutants, plus an answer cell that
replaces ``autograder.api.grade`` so the hidden tests pass in the student's kernel: stock
nbgrader is fooled), ``truncated`` (half the JSON), ``hang`` (``while True: pass`` in an
answer cell) and ``exit`` (``os._exit(3)`` in an answer cell). Scores are compared on
``correct``, ``mistake*`` and ``blank``: every test cell the two score differently must be
one where unhardened stock is broken by design (:mod:`stock_diff`: its visible checks, or
an earlier chapter of the student's carried over). Both graders get the same cell timeout.

Writes the table to ``docs/benchmarks.md`` between ``<!-- class:start -->`` and
``<!-- class:end -->`` (``--dry-run``: print only). ``--ours-only`` builds the same class,
grades it with ours alone (no stock, no ``--run-unneeded`` or no-CPU-bound runs) and
prints the overhead numbers, computed as in the full run (:func:`overhead`); it never
writes ``docs/``.

    python benchmarks/bench_class.py [--students 200] [--workers 2] [--timeout 20]
    python benchmarks/bench_class.py --ours-only [--students 60] [--keep DIR]
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
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO / "tests" / "fixtures" / "hardened"))
import course  # noqa: E402
import stock_diff  # noqa: E402
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


ROOTS = (("stock", False), ("ours", True), ("all", True), ("nocpu", True))


def build_courses(tmp, timeout, names=None):
    """Released copies of the course, one per name of :data:`ROOTS` (``names``: only
    those), with the stock or the hardened configuration: ``[root]`` in that order."""
    base = Path(tmp) / "base"
    base.mkdir(parents=True)
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
    for name, hardened in ROOTS:
        if names is not None and name not in names:
            continue
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


def kinds_of(root):
    """``{(student, id): kind}`` of the class submitted to ``root`` (as :func:`make_class`)."""
    students = sorted(d.name for d in (Path(root) / "submitted").iterdir())
    return {(s, a): kind_of(int(s[1:]), j) for j, a in enumerate(IDS) for s in students}


def keep_only(root, kinds, kind):
    """Remove every submission of ``root`` but those of ``kind``."""
    for (student, a), k in kinds.items():
        if k != kind:
            shutil.rmtree(root / "submitted" / student / a)


def results(root):
    """``{(student, id): NotebookResult}`` of ours (the typed results)."""
    return {(r.student, a): nb for a in IDS for r in load_results(root, a) for nb in r.notebooks}


def messages(res):
    return {k: [(c.grade_id, c.passed, c.message) for c in nb.cells] for k, nb in res.items()}


def load():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


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


def ours_cmd(workers):
    return [sys.executable, "-m", "autograder", "grade", *IDS, "--workers", str(workers)]


def grade_ours(root, timeout, workers):
    """Grade ``root`` with ours, timed: ``(wall s, reference cost measurement s, exit code)``."""
    wall, r = timed(ours_cmd(workers), root, env(timeout))
    print(f"ours: {wall:.1f} s (rc {r.returncode})", flush=True)
    if r.returncode not in (0, 1):
        print(r.stdout[-3000:], r.stderr[-3000:], sep="\n")
    measured = [ln for ln in r.stderr.splitlines() if ln.startswith("reference cell costs")]
    costs = float(measured[0].rsplit(":", 1)[1].split()[0]) if measured else 0.0
    return wall, costs, r.returncode


def start_up(root):
    """Seconds to start ours (``import autograder.batch``), the best of three."""
    cmd = [sys.executable, "-c", "import autograder.batch"]
    return min(timed(cmd, root, env(1))[0] for _ in range(3))


@dataclass(frozen=True)
class Overhead:
    """Ours' per-notebook cost beyond the cells' own run time (seconds)."""

    compute: float  # cells' own run time inside the sandbox, per notebook
    compute_normal: float  # the same over the correct/mistake/blank notebooks
    per_ours: float  # (wall - start-up) x workers / notebooks
    overhead: float  # per_ours - compute
    overhead_once: float  # the same without the one-time reference cost measurement


def overhead(wall, costs, boot, workers, kinds, cells):
    """The :class:`Overhead` of one run of ours: ``wall`` and ``costs`` (its reference cost
    measurement) and ``boot`` (start-up) in seconds, ``cells``: :func:`cell_seconds`."""
    nbs = len(kinds)
    compute = sum(cells.values()) / max(len(cells), 1)
    normal = [cells[k] for k, kind in kinds.items() if kind in COMPARED and k in cells]
    compute_normal = sum(normal) / max(len(normal), 1)
    per_ours = max(wall - boot, 0.0) * workers / nbs
    per_ours_once = max(wall - boot - costs, 0.0) * workers / nbs
    return Overhead(compute, compute_normal, per_ours, per_ours - compute, per_ours_once - compute)


def ours_only(args, tmp):
    """``--ours-only``: the same class, graded by ours alone; the overhead lines (printed)."""
    (root,) = build_courses(tmp, args.timeout, names=("ours",))
    kinds = make_class([root], args.students)
    before = load()
    wall, costs, code = grade_ours(root, args.timeout, args.workers)
    after = load()
    boot = start_up(root)
    o = overhead(wall, costs, boot, args.workers, kinds, cell_seconds(root))
    return "\n".join(
        [
            f"ours only: {args.students} students x {len(IDS)} notebooks = {len(kinds)}, "
            f"--workers {args.workers}, timeout {args.timeout} s; exit {code}",
            f"load before: {before.split('load average:')[-1].strip()}; "
            f"after: {after.split('load average:')[-1].strip()}",
            f"wall {wall:.1f} s, start-up {boot:.2f} s, reference cell costs {costs:.1f} s",
            f"cells' own run time {o.compute:.3f} s per notebook "
            f"({o.compute_normal:.3f} s over correct/mistake/blank)",
            f"per notebook per worker {o.per_ours:.3f} s; overhead {o.overhead:.3f} s; "
            f"without the reference cost measurement {o.overhead_once:.3f} s",
        ]
    )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=20, help="cell timeout (s), both graders")
    ap.add_argument("--dry-run", action="store_true", help="print, do not write docs/")
    ap.add_argument("--keep", help="build the courses in this directory and keep them")
    ap.add_argument("--ours-only", action="store_true", help="grade with ours only, print")
    args = ap.parse_args(argv)
    n, w = args.students, args.workers
    tmp_ctx = tempfile.TemporaryDirectory() if not args.keep else None
    tmp = tmp_ctx.name if tmp_ctx else args.keep
    if args.ours_only:
        try:
            print(ours_only(args, tmp))
        finally:
            if tmp_ctx:
                tmp_ctx.cleanup()
        return
    try:
        stock_root, ours_root, all_root, nocpu_root = build_courses(tmp, args.timeout)
        kinds = make_class([stock_root, ours_root, all_root, nocpu_root], n)
        keep_only(nocpu_root, kinds, "hang")
        uptime = [load()]
        walls = {}
        codes = {}
        for a in IDS:
            cmd = [sys.executable, "-m", "nbgrader", "autograde", a]
            walls[("stock", a)], r = timed(cmd, stock_root, env(args.timeout, blas_default=True))
            codes[("stock", a)] = r.returncode
            print(f"stock {a}: {walls[('stock', a)]:.1f} s (rc {r.returncode})", flush=True)
        cmd = ours_cmd(w)
        walls["ours"], walls["costs"], codes["ours"] = grade_ours(ours_root, args.timeout, w)
        uptime.append(load())
        walls["all"], r = timed([*cmd, "--run-unneeded"], all_root, env(args.timeout))
        codes["all"] = r.returncode
        print(f"ours --run-unneeded: {walls['all']:.1f} s (rc {r.returncode})", flush=True)
        walls["nocpu"], r = timed([*cmd, "--cell-cpu-floor", "1e9"], nocpu_root, env(args.timeout))
        print(f"ours, hangs without CPU bound: {walls['nocpu']:.1f} s", flush=True)
        boot = start_up(ours_root)
        s_stock, s_ours = scores(stock_root), scores(ours_root)
        cells = cell_seconds(ours_root)
        res = {"ours": results(ours_root), "all": results(all_root), "nocpu": results(nocpu_root)}
        compared = [k for k, kind in kinds.items() if kind in COMPARED]
        by_cell = stock_diff.cell_scores(stock_root), stock_diff.ours_cell_scores(ours_root)
        diffs = stock_diff.differences(stock_root, *by_cell, compared)
    finally:
        if tmp_ctx:
            tmp_ctx.cleanup()
    block = report(args, kinds, walls, codes, boot, (s_stock, s_ours, diffs), cells, res, uptime)
    if args.dry_run:
        print(block)
    else:
        write_block(block, START, END)
        print(block)


def _skipped(res, keys=None):
    nbs = [nb for k, nb in res.items() if keys is None or k in keys]
    skipped = sum(nb.cells_skipped for nb in nbs)
    return skipped, skipped + sum(nb.cells_run for nb in nbs)


def _hang_cost(res, kinds, cells_normal):
    """Per hang submission: its cells' run time less the median of the correct ones of the
    same assignment (what the hang itself cost)."""
    out = []
    for key, nb in res.items():
        if kinds.get(key) == "hang":
            out.append(nb.cell_seconds - cells_normal.get(key[1], 0.0))
    return sorted(out)


def report(args, kinds, walls, codes, boot, scored, cells, res, uptime):
    """The ``docs/benchmarks.md`` block; ``scored``: ``(stock scores, ours scores, the
    differing test cells of the compared kinds, as :func:`stock_diff.differences`)``."""
    import statistics

    s_stock, s_ours, diffs = scored
    unexplained = [d for d in diffs if d.cause == "unexplained"]
    n, w = args.students, args.workers
    nbs = len(kinds)
    t_stock = sum(walls[("stock", a)] for a in IDS)
    t_ours = walls["ours"]
    per_kind = collections.defaultdict(lambda: collections.Counter())
    mismatches, below = [], []
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
        if kind in BREAK and (ou is None or (st is not None and ou < st - 1e-9)):
            below.append((key, kind, st, ou))
    compared = sum(per_kind[k]["n"] for k in COMPARED)
    agree = compared - len(mismatches)
    broken = sum(per_kind[k]["n"] for k in BREAK)
    o = overhead(t_ours, walls["costs"], boot, w, kinds, cells)
    compute, compute_normal, per_ours = o.compute, o.compute_normal, o.per_ours
    speedup = t_stock / t_ours
    # Equivalence: ours (only what the test cells need) vs --run-unneeded (every cell).
    m_ours, m_all = messages(res["ours"]), messages(res["all"])
    same_msgs = sum(m_ours.get(k) == m_all.get(k) for k in m_all)
    s_all = {k: sum(c.score for c in nb.cells) for k, nb in res["all"].items()}
    s_o = {k: sum(c.score for c in nb.cells) for k, nb in res["ours"].items()}
    same_scores = sum(s_o.get(k) == v for k, v in s_all.items())
    sk, tot = _skipped(res["ours"])
    sk_all, tot_all = _skipped(res["all"])
    ok_keys = {k for k, kind in kinds.items() if kind == "correct"}
    sk_c, tot_c = _skipped(res["ours"], ok_keys)
    t_cells_all = sum(nb.cell_seconds for nb in res["all"].values())
    medians = {
        a: statistics.median([nb.cell_seconds for k, nb in res["ours"].items() if k in ok_keys
                              and k[1] == a] or [0.0])
        for a in IDS
    }  # fmt: skip
    hang_after = _hang_cost(res["ours"], kinds, medians)
    hang_before = _hang_cost(res["nocpu"], kinds, medians)

    def spread(xs):
        if not xs:
            return "-"
        return f"mean {statistics.mean(xs):.2f} s, max {max(xs):.2f} s"

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
        f"Load (`uptime`) before ours: {uptime[0].split('load average:')[-1].strip()}; "
        f"after: {uptime[-1].split('load average:')[-1].strip()}. "
        f"Cell timeout {args.timeout} s in both graders. Stock runs with numpy's default "
        "BLAS threads; ours sets one BLAS thread per worker (`OPENBLAS_NUM_THREADS`, "
        "`OMP_NUM_THREADS`, `MKL_NUM_THREADS` = 1, in `autograder/__main__.py` and in the "
        "sandbox environment). Wall times include each command's start-up: five commands for "
        "stock (one per assignment), one for ours (the five ids share one worker pool). Ours "
        "runs only the cells the test cells need, bounds each cell's CPU time by 50x the "
        "reference solution's (at least 2 s), and forks each notebook's sandbox from a warm "
        "server per worker.",
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
        f"({compute_normal:.3f} s over the correct/mistake/blank ones; stopped cells count "
        f"as cell time). Ours per notebook per worker, (wall - {boot:.1f} s start-up) x {w} "
        f"workers / {nbs}: {per_ours:.3f} s, so the per-notebook overhead (sandbox fork, "
        f"restore, judging and diagnosis, gradebook) is {o.overhead:.3f} s; without the "
        f"one-time measurement of the reference solution's cell costs ({walls['costs']:.1f} s"
        f" for the 5 source notebooks, cached for later runs) it is {o.overhead_once:.3f} s.",
        f"- Cells skipped: {sk} of {tot} code cells ({sk / max(tot, 1):.1%}; "
        f"{sk_c / max(tot_c, 1):.1%} of the correct notebooks' cells); with "
        f"`--run-unneeded` (trailing cells only) {sk_all} of {tot_all} "
        f"({sk_all / max(tot_all, 1):.1%}). Cells' own run time: {sum(cells.values()):.0f} s, "
        f"with `--run-unneeded` {t_cells_all:.0f} s.",
        f"- Skipping changes nothing: with `--run-unneeded` ({walls['all']:.1f} s wall), "
        f"scores identical for {same_scores} of {len(s_all)} notebooks and every test cell's "
        f"message for {same_msgs} of {len(m_all)}.",
        f"- Hang cost (cells' run time of a `hang` notebook less the median of the correct "
        f"ones of its assignment, {len(hang_after)} notebooks): with the CPU bound "
        f"{spread(hang_after)}; before (no CPU bound, `--cell-cpu-floor 1e9`, same run) "
        f"{spread(hang_before)}.",
        f"- Notebook scores identical on the correct, mistake1, mistake2 and blank notebooks: "
        f"{agree} of {compared}. Per test cell (`benchmarks/stock_diff.py`): "
        f"{stock_diff.summary(diffs)}. A `visible check` cell is one stock scored on the "
        "visible checks after its hidden tests, an `earlier chapter` cell one graded on a "
        "layer carried over from the student's own earlier notebook that is not the "
        "reference answer: stock is broken by design there (ours charges a bug in its own "
        "cell only, issue 9).",
        f"- Hang and crash submissions (hang, exit) where ours scores below stock: "
        f"{len(below)} of {broken}" + ("." if not below else f": {below[:10]}."),
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
        'the replaced `grade` makes them pass: "stock higher" = fooled), `hang` (both '
        "interrupt the loop and grade the rest; ours after its CPU bound, stock at the "
        "timeout), `exit` (a dead kernel makes stock score the notebook 0; ours scores 0 "
        "only the test cells that need the dead cell, a fresh sandbox grades the others), "
        "`truncated` (0 in both).",
        f"- Targets: speed-up >= 10x: {'met' if speedup >= 10 else 'NOT met'} "
        f"({speedup:.1f}x); overhead < 0.1 s per notebook: "
        f"{'met' if o.overhead < 0.1 else 'NOT met'} ({o.overhead:.3f} s); identical scores "
        f"where stock is neither fooled nor broken (no unexplained test cell): "
        f"{'met' if not unexplained else 'NOT met'}; "
        f"ours >= stock on every hang/crash submission: {'met' if not below else 'NOT met'}.",
        "- Exit codes: stock "
        + ", ".join(f"{a} {codes[('stock', a)]}" for a in IDS)
        + f"; ours {codes['ours']}, --run-unneeded {codes['all']} (1 = some row needs the "
        "instructor: the truncated notebooks).",
        END,
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
