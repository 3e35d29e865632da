"""The Dask executor of the batch: each (assignment, student) is one task on a cluster.

``--scheduler tcp://HOST:PORT`` connects to a running ``dask scheduler``; ``--scheduler
local:N`` starts a ``LocalCluster`` of N single-threaded worker processes here. The
session registers :class:`~.check.Admit` (workers that may grade get the run's resource),
asks every worker why it refused (logged; no admitted worker is a usage error: nothing is
graded), scatters each assignment's canonical cells once, then keeps a bounded window of
tasks in flight: a submission is read on this machine only when its task is submitted,
so memory stays flat whatever the class size. Results come back as plain JSON, in
completion order, to the runner, which alone writes (see :mod:`autograder.batch.pool`).
A worker killed mid-task has its task re-run elsewhere by Dask; a task that still fails
(every worker it ran on died, a worker refused, the scheduler went away) becomes an
``error`` row that is not journaled, so the next run grades that student.

(Longer than most modules: connecting, admitting workers and the submission window are
one session's steps, kept together.)
"""

import logging
import uuid
from contextlib import contextmanager

from autograder.batch.coursedir import UsageError
from autograder.batch.worker import Outcome
from autograder.cluster.check import Admit, Refused, admission, grader_digest
from autograder.cluster.task import Setup, Task, grade_task
from autograder.notebook.read import read_folder

WAIT_FOR_WORKERS = 60  # seconds a session waits for the first worker to join


def parse(address):
    """``("local", N)`` or ``("remote", address)``; :class:`UsageError` otherwise."""
    if address.startswith("local:"):
        n = address[len("local:") :]
        if not n.isdigit() or int(n) < 1:
            raise UsageError(f"--scheduler local:N needs a number of workers, got {address!r}")
        return "local", int(n)
    if "://" not in address:
        raise UsageError(f"--scheduler needs tcp://HOST:PORT or local:N, got {address!r}")
    return "remote", address


class DaskExecutor:
    """Grade on the Dask cluster at ``address`` (``weak_ok``: admit workers without bwrap)."""

    def __init__(self, address, weak_ok=False, task=grade_task):
        self.kind, self.target = parse(address)
        self.address, self.weak_ok = address, weak_ok
        self.task = task  # what runs on the worker (benchmarks time Dask alone with another)
        self.weak = None
        self.digest = grader_digest()

    def warning(self):
        return self.weak

    def _connect(self):
        from distributed import Client, LocalCluster

        cluster = None
        try:
            if self.kind == "local":
                cluster = LocalCluster(
                    n_workers=self.target,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.ERROR,  # not the nannies' shutdown chatter
                )
                return Client(cluster, set_as_default=False), cluster
            return Client(self.target, timeout="20s", set_as_default=False), None
        except (OSError, TimeoutError) as e:
            if cluster is not None:
                cluster.close()
            raise UsageError(f"could not reach the Dask scheduler at {self.address}: {e}") from None

    def _admit(self, client, log):
        """``(resource, threads)`` of the admitted workers; refusals are logged."""
        try:
            client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
        except TimeoutError:
            raise UsageError(
                f"no Dask worker joined {self.address} in {WAIT_FOR_WORKERS} s"
            ) from None
        plugin = Admit(self.digest, self.weak_ok)
        try:
            client.register_plugin(plugin)
        except Exception as e:  # a worker could not even load the plugin: no project there
            raise UsageError(
                f"a Dask worker could not load the grader ({type(e).__name__}: {e}): "
                "install the project on every worker"
            ) from None
        answers = client.run(admission, plugin.name, on_error="return")
        threads = client.nthreads()
        admitted, refused, weak = {}, [], {}
        for addr, answer in sorted(answers.items()):
            if isinstance(answer, BaseException):
                answer = (f"{type(answer).__name__}: {answer}", None)
            reason, warning = answer
            if reason:
                refused.append(f"worker {addr} refuses: {reason}")
            else:
                admitted[addr] = threads.get(addr, 1)
                if warning:
                    weak[addr] = warning.removeprefix("WEAK FALLBACK SANDBOX: ")
        for line in refused:
            if log:
                log(line)
        if not admitted:
            raise UsageError("no Dask worker may grade: " + "; ".join(refused))
        if weak:  # each worker's own words (the first one's, when they differ)
            why = next(iter(weak.values()))
            self.weak = f"WEAK FALLBACK SANDBOX on Dask worker(s) {', '.join(weak)}: {why}"
        if log:
            log(
                f"Dask: {len(admitted)} worker(s), {sum(admitted.values())} thread(s) grading "
                f"(scheduler {client.scheduler.address})"
            )
        return plugin.name, sum(admitted.values())

    @contextmanager
    def session(self, course, plans, limits, log=None):
        client, cluster = self._connect()
        try:
            resource, threads = self._admit(client, log)
            setup = Setup.of(self.digest, self.weak_ok, limits, course.hidden)
            canonical = {  # on every worker up front: no worker is preferred for holding it
                a: client.scatter([p.canonical], broadcast=True)[0] for a, p in plans.items()
            }
            window = max(4, 2 * threads + 2)

            def grade(jobs):
                yield from self._run(
                    client, plans, canonical, setup, resource, window, jobs, limits
                )

            yield grade
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    def _run(self, client, plans, canonical, setup, resource, window, jobs, limits):
        from distributed import as_completed

        jobs, pending, done = iter(jobs), {}, as_completed(loop=client.loop)

        def submit_next():
            job = next(jobs, None)
            if job is None:
                return
            submitted = read_folder(job.folder, plans[job.assignment].canonical, limits)
            task = Task(job, submitted)
            key = f"grade-{job.assignment}-{job.student}-{uuid.uuid4().hex[:8]}"
            future = client.submit(
                self.task,
                task,
                canonical[job.assignment],
                setup,
                key=key,
                resources={resource: 1},
                pure=False,
            )
            pending[future.key] = job
            done.add(future)

        for _ in range(window):
            submit_next()
        for future in done:
            job = pending.pop(future.key)
            try:
                outcome = Outcome.from_json(future.result())
            except Refused as e:
                outcome = Outcome.not_graded(job, f"not graded: a worker refused: {e}")
            except Exception as e:  # workers died under it, scheduler lost...: re-run grades it
                reason = f"not graded on the cluster ({type(e).__name__}: {e}); re-run to grade"
                outcome = Outcome.not_graded(job, reason)
            future.release()
            submit_next()
            yield job, outcome
