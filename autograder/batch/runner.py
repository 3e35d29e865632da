"""``python -m autograder grade <id> [<id> ...]``: grade every submission, commit on this machine.

An executor (:mod:`.pool`: the local pool of worker threads, or a Dask cluster with
``--scheduler``) grades students with the grading core and hands back their typed
results; this module's main thread alone stores each result (:mod:`autograder.store`),
writes the gradebook and the autograded notebooks, then journals the student
(:mod:`.commit`), whatever the executor. One executor for the whole list keeps every
worker busy until the last notebook (a pool per assignment idles a worker at the end of
each one). One student's notebook never stops the batch: anything unexpected becomes
that student's ``error`` row.
"""

import contextlib
import warnings

from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from autograder import store
from autograder.batch import commit
from autograder.batch.coursedir import UsageError, open_course
from autograder.batch.plan import make_plan
from autograder.batch.pool import LocalPool
from autograder.batch.report import Progress, Row, table
from autograder.batch.worker import Job
from autograder.sandbox import warm
from autograder.sandbox.limits import Limits


def _commit(gb, course, plan, outcome):
    """Store, commit and journal one outcome (main thread); its status :class:`Row`."""
    result = outcome.result
    if not outcome.final:  # not graded (the executor failed): nothing kept, re-run grades it
        return Row.of(result)
    if outcome.trace:
        traces = plan.state_dir / "traces"
        traces.mkdir(exist_ok=True)
        (traces / f"{result.student}.txt").write_text(outcome.trace)
    try:
        store.save(course.root, result)
    except OSError as e:
        return Row.of(result, failure=f"could not store the result: {e}")
    return Row.of(result, failure=commit.commit(gb, course, plan, result))


def run_all(
    root,
    assignments,
    workers=2,
    force=False,
    limits=None,
    log=None,
    overrides=None,
    executor=None,
):
    """Grade every submission of every assignment in ``assignments``.

    ``limits``: a :class:`Limits` to use as is; by default ``c.Limits`` of the course's
    ``nbgrader_config.py``, then the ``AUTOGRADER_*`` variables, then ``overrides``
    (``{name: value}``, the command's flags; ``None`` values are ignored). ``executor``:
    where students are graded (default: :class:`LocalPool` of ``workers`` threads).
    Returns ``({assignment: [Row]}, exit_code)``: 1 when a row says ``error``, else 0.
    """
    assignments = list(dict.fromkeys(assignments))
    executor = executor or LocalPool(workers)
    course = open_course(root)
    if limits is None:
        limits = Limits.load(course.config, **(overrides or {}))
    gb = Gradebook(course.cd.db_url, course.cd.course_id)
    stack = contextlib.ExitStack()
    try:
        # nbgrader's own autoflush warnings, ignored as in its CLI; installed before the
        # workers start, so their own warning filters (saved and restored) keep it
        stack.enter_context(warnings.catch_warnings())
        warnings.filterwarnings("ignore", category=SAWarning)
        plans = {a: make_plan(course, gb, a, force) for a in assignments}
        rows = {a: {} for a in assignments}
        jobs = [Job(a, s, t.folder, t.key) for a in assignments for s, t in plans[a].todo.items()]
        with executor.session(course, plans, limits, log) as grade:
            weak = executor.warning()
            if weak and log:
                log(f"WARNING: {weak}")
            progress = Progress(sum(len(p.students) for p in plans.values()))
            for a, plan in plans.items():
                for s, result in plan.skipped.items():
                    rows[a][s] = Row.of(result, skipped=True)
                    progress.step(f"{s} (unchanged)")
                for s, result in plan.ready.items():  # stored by a killed run: commit only
                    rows[a][s] = Row.of(result, failure=commit.commit(gb, course, plan, result))
                    progress.step(s if len(assignments) == 1 else f"{a}/{s}")
            for job, outcome in grade(jobs):
                a, s = job.assignment, job.student
                rows[a][s] = _commit(gb, course, plans[a], outcome)
                progress.step(s if len(assignments) == 1 else f"{a}/{s}")
    finally:
        stack.close()
        gb.close()
        warm.close_all()  # the workers' fork servers
    out = {a: [rows[a][s] for s in plans[a].students] for a in assignments}
    errors = any(r.status.startswith("error") for rs in out.values() for r in rs)
    return out, 1 if errors else 0


def run(root, assignment, workers=2, force=False, limits=None, log=None, executor=None):
    """Grade the class on one assignment; return ``([Row], exit_code)``."""
    out, code = run_all(root, [assignment], workers, force, limits, log, executor=executor)
    return out[assignment], code


def executor_of(args):
    """The executor the ``grade`` command's ``args`` ask for."""
    if getattr(args, "scheduler", None):
        from autograder.cluster.executor import DaskExecutor

        return DaskExecutor(args.scheduler, weak_ok=args.allow_weak_sandbox)
    if getattr(args, "allow_weak_sandbox", False):
        raise UsageError("--allow-weak-sandbox applies to Dask workers: use it with --scheduler")
    return LocalPool(args.workers)


def main(args, log):
    """The ``grade`` command: ``args`` from :func:`autograder.__main__.parser`."""
    flags = {n: getattr(args, n, None) for n in Limits.names()}
    executor = executor_of(args)
    out, code = run_all(
        args.root, args.assignment, args.workers, args.force, None, log, flags, executor
    )
    for a, rows in out.items():
        if len(out) > 1:
            print(f"\n{a}")
        table(rows)
    weak = executor.warning()
    if weak:
        log(f"WARNING: {weak}")
    return code
