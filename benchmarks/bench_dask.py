"""A class slice through the local pool and through a Dask cluster, side by side in one run.

Builds the released course as ``bench_class.py`` does and submits the same deterministic
class (``--students`` x the five notebooks, all eight kinds) to six copies of it, then:

* grades it four times with ``python -m autograder grade <5 ids>``: ``--workers 1``,
  ``--scheduler local:1``, ``--workers 2``, ``--scheduler local:2`` (one command each, in
  that order), and checks that the four gradebooks agree;
* Dask alone: the same jobs through the same executor with a null task (the worker loads
  the stored result instead of grading: what is left is serialising the task, scheduling,
  the transfer both ways and the window), on ``local:2``, nothing committed;
* the writer alone: every stored result of the class stored and committed again (result
  file, ``autograded/``, gradebook, journal) into a fresh copy by the main-thread code of
  the batch (:func:`autograder.batch.runner._commit`), in commits per second.

A run's *span* is from its first to its last progress line (``[k/n] ...`` on stderr), so
start-up (imports, a ``LocalCluster``'s processes, admitting workers) and shut-down are
left out and reported apart; per notebook = span / (n - 1). Writes the section between
``<!-- dask:start -->`` and ``<!-- dask:end -->`` of ``docs/benchmarks.md``.

    python benchmarks/bench_dask.py [--students 40] [--timeout 20] [--dry-run]
"""

import argparse
import functools
import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
import bench_class  # noqa: E402
from report import write_block  # noqa: E402

START, END = "<!-- dask:start -->", "<!-- dask:end -->"
IDS = bench_class.IDS
RUNS = (("pool", 1), ("dask", 1), ("pool", 2), ("dask", 2))


def load():
    return os.getloadavg()


def grade_cli(root, kind, w, e):
    """``(wall, [progress line times], exit code)`` of one grading command."""
    flag = ["--workers", str(w)] if kind == "pool" else ["--scheduler", f"local:{w}"]
    cmd = [sys.executable, "-m", "autograder", "grade", *IDS, *flag]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=root, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stamps = []
    for line in p.stderr:
        if line.startswith(b"["):
            stamps.append(time.perf_counter() - t0)
    p.stdout.read()
    p.wait()
    return time.perf_counter() - t0, stamps, p.returncode


def null_task(task, canonical, setup, source):
    """On a worker: the stored result of ``task``'s student, as grading would return it."""
    from autograder import store
    from autograder.batch.worker import Outcome

    job = task.job
    return Outcome(store.load(source, job.assignment, job.student)).to_json()


def _plans(root):
    from nbgrader.api import Gradebook

    from autograder.batch.coursedir import open_course
    from autograder.batch.plan import make_plan

    course = open_course(root)
    gb = Gradebook(course.cd.db_url, course.cd.course_id)
    return course, gb, {a: make_plan(course, gb, a, force=True) for a in IDS}


def dask_alone(source, root, workers):
    """Seconds per notebook through the Dask executor with :func:`null_task`; task sizes."""
    from autograder.batch.worker import Job
    from autograder.cluster.executor import DaskExecutor
    from autograder.cluster.task import Task
    from autograder.notebook.read import read_folder
    from autograder.sandbox.limits import Limits

    course, gb, plans = _plans(root)
    jobs = [Job(a, s, t.folder, t.key) for a in IDS for s, t in plans[a].todo.items()]
    sizes = [
        len(pickle.dumps(Task(j, read_folder(j.folder, plans[j.assignment].canonical))))
        for j in jobs
    ]
    canon = [len(pickle.dumps(p.canonical)) for p in plans.values()]
    ex = DaskExecutor(f"local:{workers}", task=functools.partial(null_task, source=str(source)))
    with ex.session(course, plans, Limits.load(course.config), None) as grade:
        t0 = time.perf_counter()
        n = sum(1 for _ in grade(jobs))
        seconds = time.perf_counter() - t0
    gb.close()
    return seconds / n, sum(sizes) / len(sizes), sum(canon) / len(canon)


def writer(source, root):
    """Commits per second of the batch's main thread, and the mean result file size."""
    from autograder.batch.runner import _commit
    from autograder.batch.worker import Outcome
    from autograder.store import load_results

    course, gb, plans = _plans(root)
    results = [(a, r) for a in IDS for r in load_results(source, a)]
    t0 = time.perf_counter()
    for a, r in results:
        _commit(gb, course, plans[a], Outcome(r))
    seconds = time.perf_counter() - t0
    gb.close()
    size = sum(len(json.dumps(r.to_json())) for _, r in results) / len(results)
    return len(results) / seconds, size


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=40)
    ap.add_argument("--timeout", type=int, default=20, help="cell timeout (s)")
    ap.add_argument("--dry-run", action="store_true", help="print, do not write docs/")
    args = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="bench-dask-")
    try:
        _, base = bench_class.build_courses(tmp, args.timeout)
        names = [f"{k}{w}" for k, w in RUNS] + ["null", "writer"]
        roots = {n: Path(tmp) / n for n in names}
        for r in roots.values():
            shutil.copytree(base, r)
        kinds = bench_class.make_class(list(roots.values()), args.students)
        e = bench_class.env(args.timeout)
        loads = [load()]
        runs = {}
        for kind, w in RUNS:
            runs[(kind, w)] = grade_cli(roots[f"{kind}{w}"], kind, w, e)
            print(f"{kind} x{w}: {runs[(kind, w)][0]:.1f} s, load {load()[0]:.2f}", flush=True)
            loads.append(load())
        scores = {n: bench_class.scores(roots[n]) for n in names[:4]}
        os.environ.update(e)
        alone = dask_alone(roots["dask2"], roots["null"], 2)
        commits, result_size = writer(roots["dask2"], roots["writer"])
        loads.append(load())
    finally:
        shutil.rmtree(tmp, True)
    block = report(args, kinds, runs, scores, alone, commits, result_size, loads)
    print(block)
    if not args.dry_run:
        write_block(block, START, END)


def report(args, kinds, runs, scores, alone, commits, result_size, loads):
    n = len(kinds)
    per = {k: (s[-1] - s[0]) / (len(s) - 1) for k, (_, s, _) in runs.items()}
    same = all(scores[x] == scores["pool1"] for x in scores)
    added1 = per[("dask", 1)] - per[("pool", 1)]
    added2 = (per[("dask", 2)] - per[("pool", 2)]) * 2
    eff = {k: per[(k, 1)] / (2 * per[(k, 2)]) for k in ("pool", "dask")}
    null_s, task_bytes, canon_bytes = alone
    grade_s = per[("pool", 1)]
    date = subprocess.run(["date"], capture_output=True, text=True).stdout.strip()
    label = {"pool": "--workers {}", "dask": "--scheduler local:{}"}
    rows = []
    for k, w in RUNS:
        wall, stamps, code = runs[(k, w)]
        rows.append(
            f"| `{label[k].format(w)}` | {wall:.1f} | {stamps[0]:.1f} | {wall - stamps[-1]:.1f} "
            f"| {per[(k, w)]:.3f} | {code} |"
        )
    la = ", ".join(f"{x[0]:.2f}" for x in loads)
    lines = [
        START,
        f"### Local pool vs Dask ({args.students} students x 5 notebooks = {n} submissions)",
        "",
        f"`python benchmarks/bench_dask.py --students {args.students} --timeout "
        f"{args.timeout}`, finished {date}. Machine: {bench_class.machine()}; "
        f"{bench_class.versions()}; dask/distributed 2026.8.0. The machine is shared with "
        f"other developers: 1-minute load average before, after each run and at the end: "
        f"{la} (2 cores). The four runs are one command each, one after the other, on "
        "identical copies of the class; *span* runs from the first to the last progress "
        "line (start-up and shut-down are the two columns before and after it).",
        "",
        "| command | wall (s) | until first notebook (s) | after last (s) | span / (n-1): "
        "s per notebook | exit |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *rows,
        "",
        f"- Same scores in all four gradebooks: {'yes' if same else 'NO'} ({n} submissions "
        "each; exit status 1 = some rows say `error`: the truncated notebooks).",
        f"- Dask's added cost per notebook, end to end (span per notebook, Dask minus the local "
        f"pool): {1000 * added1:.0f} ms with one worker; {1000 * added2:.0f} ms of worker time "
        "with two (difference x 2). These differences are within the run-to-run noise of a "
        "shared machine; the next line isolates Dask.",
        f"- Dask alone (the same {n} jobs through the same executor, `local:2`, a null task "
        f"that returns the stored result): {1000 * null_s:.1f} ms per notebook "
        f"(target < 20 ms: {'met' if null_s < 0.02 else 'NOT met'}). Per task the client "
        f"sends {task_bytes / 1000:.1f} kB (the pickled `Task`: the notebook's bytes and a "
        f"few names) and receives {result_size / 1000:.1f} kB (the `Outcome` JSON, mostly "
        f"the graded notebook); the canonical cells ({canon_bytes / 1000:.1f} kB per "
        "assignment) are broadcast once.",
        f"- Scaling from 1 to 2 workers (span per notebook, one worker / (2 x two workers)): "
        f"Dask {eff['dask']:.2f}, local pool {eff['pool']:.2f} (2 cores shared with the "
        "other developers' work: neither can reach 1.0 here).",
        f"- The single writer (the batch's main thread: result file, `autograded/`, "
        f"gradebook through `SaveAutoGrades`, journal, each fsynced): {commits:.0f} commits "
        f"per second, measured alone on the {n} results.",
        "",
        "**At 100 workers.** Per task only the pickled `Task` (the submission's bytes plus "
        "names and the key) goes out, the `Outcome` JSON comes back, and the canonical cells "
        "and limits are shared; the client reads each notebook when its task is submitted and "
        "keeps a window of twice the admitted threads in flight, so its memory stays flat. "
        f"With one worker grading a notebook every {grade_s:.2f} s here, 100 workers finish "
        f"about {100 / grade_s:.0f} notebooks per second, which needs that many commits per "
        f"second; the writer measured {commits:.0f}, so beyond about "
        f"{commits * grade_s:.0f} workers the gradebook writer, not the cluster, sets the "
        f"pace (the Dask path costs {1000 * null_s:.1f} ms per notebook against the writer's "
        f"{1000 / commits:.0f} ms). The remedies, not needed at this course's size, are "
        "batching several "
        "students into one gradebook transaction and one journal fsync, or sharding the "
        "gradebook per assignment.",
        END,
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
