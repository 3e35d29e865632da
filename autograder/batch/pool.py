"""The executor seam of the batch, and its local implementation: a pool of worker threads.

An executor grades :class:`~autograder.batch.worker.Job` objects somewhere and hands back
their :class:`~autograder.batch.worker.Outcome` as each finishes; it writes nothing. The
runner (:mod:`.runner`) does everything else the same way whatever the executor: the plan,
storing, committing, journaling, the progress bar and the table. Two executors exist:

* :class:`LocalPool` (here): threads on this machine, each driving one sandbox at a time;
* :class:`autograder.cluster.executor.DaskExecutor`: tasks on a Dask distributed cluster.

An executor has ``warning()`` (what to announce about its sandboxes, or ``None``) and
``session(course, plans, limits, log)``, a context manager giving ``grade(jobs)``, an
iterator of ``(job, outcome)`` in completion order. ``session`` raises
:class:`~autograder.batch.coursedir.UsageError` when it cannot start (nothing graded).
"""

import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager

from autograder.batch import worker
from autograder.batch.plan import cost_jobs, measure_costs
from autograder.notebook.read import read_folder
from autograder.sandbox import jail


class LocalPool:
    """``workers`` threads on this machine: each reads a submission and grades it."""

    def __init__(self, workers=2):
        self.workers = max(1, workers)

    def warning(self):
        return jail.fallback_warning()

    @contextmanager
    def session(self, course, plans, limits, log=None):
        def one(job):
            canonical = plans[job.assignment].canonical
            submitted = read_folder(job.folder, canonical, limits)
            costs = plans[job.assignment].costs
            return worker.grade(job, submitted, canonical, limits, course.hidden, costs)

        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            _costs(pool, course, plans, limits, log)  # starts the workers' warm sandboxes too

            def grade(jobs):
                futures = {pool.submit(one, job): job for job in jobs}
                for f in as_completed(futures):
                    yield futures[f], f.result()

            yield grade


def _costs(pool, course, plans, limits, log):
    """Each notebook's reference cell costs (the cells' CPU bounds), measured once per
    source in the workers (cached in the assignment's state folder)."""
    t0 = time.monotonic()
    jobs = [(a, job) for a, p in plans.items() for job in cost_jobs(course, p)]
    done = [(a, job[0], pool.submit(measure_costs, job, limits)) for a, job in jobs]
    for a, name, future in done:
        cost = future.result()
        if cost is not None:
            plans[a].costs[name] = cost
    if log and jobs:
        log(f"reference cell costs of {len(jobs)} notebooks: {time.monotonic() - t0:.1f} s")
