"""``python -m autograder grade <id> [<id> ...]``: grade every submission in one worker pool.

Workers (threads, each driving one sandbox at a time) grade students with the grading
core and store their typed results (:mod:`.worker`); the main thread alone writes the
gradebook and the autograded notebooks, then journals the student (:mod:`.commit`). One
pool for the whole list keeps every worker busy until the last notebook (a pool per
assignment idles a worker at the end of each one). One student's notebook never stops
the batch: anything unexpected becomes that student's ``error`` row.
"""

from concurrent.futures import ThreadPoolExecutor, as_completed

from nbgrader.api import Gradebook

from autograder.batch import commit, worker
from autograder.batch.coursedir import open_course
from autograder.batch.plan import make_plan
from autograder.batch.report import Progress, Row, table
from autograder.sandbox import jail
from autograder.sandbox.limits import Limits


def run_all(root, assignments, workers=2, force=False, limits=None, log=None, overrides=None):
    """Grade every submission of every assignment in ``assignments``.

    ``limits``: a :class:`Limits` to use as is; by default ``c.Limits`` of the course's
    ``nbgrader_config.py``, then the ``AUTOGRADER_*`` variables, then ``overrides``
    (``{name: value}``, the command's flags; ``None`` values are ignored). Returns
    ``({assignment: [Row]}, exit_code)``: 1 when a row says ``error``, else 0.
    """
    assignments = list(dict.fromkeys(assignments))
    course = open_course(root)
    if limits is None:
        limits = Limits.load(course.config, **(overrides or {}))
    weak = jail.fallback_warning()
    if weak and log:
        log(f"WARNING: {weak}")
    gb = Gradebook(course.cd.db_url, course.cd.course_id)
    try:
        plans = {a: make_plan(course, gb, a, force) for a in assignments}
        rows = {a: {} for a in assignments}
        progress = Progress(sum(len(p.students) for p in plans.values()))
        for a, plan in plans.items():
            for s, result in plan.skipped.items():
                rows[a][s] = Row.of(result, skipped=True)
                progress.step(f"{s} (unchanged)")
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {
                pool.submit(worker.grade, course, plans[a], s, limits): (a, s)
                for a in assignments
                for s in [*plans[a].ready, *plans[a].todo]
            }
            for f in as_completed(futures):
                a, s = futures[f]
                result = f.result()
                rows[a][s] = Row.of(result, failure=commit.commit(gb, course, plans[a], result))
                progress.step(s if len(assignments) == 1 else f"{a}/{s}")
    finally:
        gb.close()
    out = {a: [rows[a][s] for s in plans[a].students] for a in assignments}
    errors = any(r.status.startswith("error") for rs in out.values() for r in rs)
    return out, 1 if errors else 0


def run(root, assignment, workers=2, force=False, limits=None, log=None):
    """Grade the class on one assignment; return ``([Row], exit_code)``."""
    out, code = run_all(root, [assignment], workers, force, limits, log)
    return out[assignment], code


def main(args, log):
    """The ``grade`` command: ``args`` from :func:`autograder.__main__.parser`."""
    flags = {n: getattr(args, n, None) for n in Limits.names()}
    out, code = run_all(args.root, args.assignment, args.workers, args.force, None, log, flags)
    for a, rows in out.items():
        if len(out) > 1:
            print(f"\n{a}")
        table(rows)
    weak = jail.fallback_warning()
    if weak:
        log(f"WARNING: {weak}")
    return code
