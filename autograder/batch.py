"""``python -m autograder grade <id> [<id> ...]``: grade every submission in parallel.

Workers (threads, each driving one sandbox at a time) grade students and write atomic
result files; the main thread alone writes the gradebook and the autograded notebooks,
then journals the student (see :mod:`autograder.batch_state`). One student's notebook
never stops the batch: anything unexpected becomes that student's ``error`` row.
"""

import hashlib
import json
import os
import traceback
import warnings
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import NamedTuple

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

from autograder import batch_state as state
from autograder.batch_grade import grade_student
from autograder.batch_gradebook import commit, write_autograded
from autograder.batch_report import Progress, table
from autograder.nbgrader_ext import safe_files
from autograder.nbgrader_ext.canonical import canonical_cells
from autograder.sandbox import jail


class UsageError(Exception):
    """The command cannot start (unknown assignment): nothing was graded."""


def course_directory(root):
    root = os.path.abspath(root)
    if not os.path.isfile(os.path.join(root, "nbgrader_config.py")):
        raise UsageError(f"no nbgrader_config.py in {root}: run in the course root or use --root")
    try:
        cfg = PyFileConfigLoader("nbgrader_config.py", path=root).load_config()
    except Exception as e:  # the instructor's config file: say which error, no traceback dump
        raise UsageError(f"{root}/nbgrader_config.py failed: {type(e).__name__}: {e}") from None
    safe_files.install()  # sec: timestamp.txt read as a small regular file only
    cd = CourseDirectory(config=cfg)
    cd.root = root
    return cd


def _canonical(cd, gb, assignment):
    out = {}
    for nb in gb.find_assignment(assignment).notebooks:
        src = os.path.join(cd.format_path(cd.source_directory, ".", assignment), f"{nb.name}.ipynb")
        out[nb.name] = canonical_cells(cd.db_url, nb.name, assignment, src)
    return out


def _students(cd, assignment):
    base = Path(cd.root) / cd.submitted_directory
    return sorted(p.parent.name for p in base.glob(f"*/{assignment}") if p.is_dir())


class Plan(NamedTuple):
    """What to do for one assignment (see :func:`_plan`)."""

    state_dir: Path
    canonical: dict
    rows: dict
    todo: dict
    ready: dict
    students: list


def _plan(cd, gb, assignment, students, force, progress):
    """What to do for one assignment's ``students``: a :class:`Plan`.

    ``rows`` already holds the students whose graded submission is unchanged; ``todo`` maps
    the others to ``(submission_dir, key)``; ``ready`` holds results written by an earlier
    run (killed before committing them) that only need committing.
    """
    try:
        canonical = _canonical(cd, gb, assignment)
    except MissingEntry:
        raise UsageError(
            f"no assignment {assignment!r} in the gradebook: run generate_assignment"
        ) from None
    digest = hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()
    d = state.state_dir(cd.root, assignment)
    done = {} if force else state.committed(d)
    rows, todo = {}, {}
    for s in students:
        sub = cd.format_path(cd.submitted_directory, s, assignment)
        key = state.submission_key(sub, digest)
        if s in done and done[s].get("key") == key:
            _, status, score, mx, detail = done[s].get("row") or (s, "graded", None, None, "")
            rows[s] = (s, f"{status} (unchanged, skipped)", score, mx, detail)
            progress.step(f"{s} (unchanged)")
        else:
            todo[s] = (sub, key)
    ready = {s: r for s, (_, k) in todo.items() if (r := state.load_result(d, s, k)) and not force}
    return Plan(d, canonical, rows, todo, ready, students)


def run_all(root, assignments, workers=2, force=False, limits=None, log=None):
    """Grade every submission of every assignment in ``assignments`` in one worker pool.

    One pool for the whole list keeps every worker busy until the last notebook (a pool per
    assignment idles a worker at the end of each one). Returns ``({assignment: rows}, code)``.
    """
    assignments = list(dict.fromkeys(assignments))
    cd = course_directory(root)
    weak = jail.fallback_warning()
    if weak and log:
        log(f"WARNING: {weak}")
    gb = Gradebook(cd.db_url, cd.course_id)
    try:
        found = {a: _students(cd, a) for a in assignments}
        progress = Progress(sum(len(s) for s in found.values()))
        plans = {a: _plan(cd, gb, a, found[a], force, progress) for a in assignments}

        def work(a, s):
            plan = plans[a]
            if s in plan.ready:
                return plan.ready[s]
            sub, key = plan.todo[s]
            try:
                r = grade_student(s, sub, plan.canonical, key, limits)
            except Exception as e:  # a grader failure on one student: that student's error row
                r = {"student": s, "key": key, "status": "error", "notebooks": {}}
                r["reason"] = f"grader failure: {type(e).__name__}: {e}"
                r["trace"] = traceback.format_exc()[-2000:]
            state.save_result(plan.state_dir, s, r)
            return r

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {pool.submit(work, a, s): (a, s) for a in assignments for s in plans[a].todo}
            for f in as_completed(futures):
                a, s = futures[f]
                plans[a].rows[s] = _commit(gb, cd, plans[a].state_dir, a, f.result())
                progress.step(s if len(assignments) == 1 else f"{a}/{s}")
    finally:
        gb.close()
    out = {a: [plans[a].rows[s] for s in plans[a].students] for a in assignments}
    errors = any(r[1].startswith("error") for rows in out.values() for r in rows)
    return out, 1 if errors else 0


def run(root, assignment, workers=2, force=False, limits=None, log=None):
    """Grade the class on one assignment; return ``(rows, exit_code)``."""
    out, code = run_all(root, [assignment], workers, force, limits, log)
    return out[assignment], code


def _commit(gb, cd, d, assignment, r):
    s = r["student"]
    try:
        write_autograded(cd, assignment, r)
        with warnings.catch_warnings():  # nbgrader's own autoflush warnings, as in its CLI
            warnings.simplefilter("ignore")
            score = commit(gb, cd, assignment, r)
    except Exception as e:
        gb.db.rollback()
        return (s, "error", None, None, f"could not save grades: {type(e).__name__}: {e}")
    mx = sum(g[1] for e in r["notebooks"].values() for g in e["grades"])
    died = [
        f"{n}: kernel died at cell {e['died_at']} ({e['died']})"
        for n, e in r["notebooks"].items()
        if e.get("died")
    ]
    if r["status"] == "error":
        row = (s, "error", score, mx, r.get("reason"))
    else:
        row = (s, "graded", score, mx, "; ".join(died))
    state.journal(d, s, r["key"], score, row)
    return row


def main(args, log):
    out, code = run_all(args.root, args.assignment, args.workers, args.force, log=log)
    for a, rows in out.items():
        if len(out) > 1:
            print(f"\n{a}")
        table(rows)
    weak = jail.fallback_warning()
    if weak:
        log(f"WARNING: {weak}")
    return code
