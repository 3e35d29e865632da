"""One Dask task: what travels to a worker, and what the worker does with it.

The client sends a :class:`Task` (the job and its :class:`~autograder.notebook.read.Submitted`
bytes: no shared filesystem), the assignment's canonical cells (scattered once per
assignment, cached by each worker) and the run's :class:`Setup` (the client's grader
digest, limits and hidden-test delimiters). :func:`grade_task` checks the worker again
(:func:`.check.refusal`), grades with the same core as the local pool
(:func:`autograder.batch.worker.grade`) and returns plain JSON
(:meth:`~autograder.batch.worker.Outcome.to_json`); it writes nothing on the worker.
"""

from dataclasses import dataclass, field

from autograder.batch import worker
from autograder.batch.worker import Job
from autograder.cluster.check import Refused, refusal
from autograder.notebook.hidden import DEFAULT, HiddenTests
from autograder.notebook.read import Submitted
from autograder.sandbox.limits import Limits


@dataclass
class Setup:
    """What every task of one run shares: the client's digest, mode, limits, delimiters."""

    digest: str
    weak_ok: bool = False
    limits: dict = field(default_factory=dict)  # {name: value} of the client's Limits
    hidden: HiddenTests = DEFAULT

    @classmethod
    def of(cls, digest, weak_ok, limits, hidden):
        return cls(digest, weak_ok, {n: getattr(limits, n) for n in Limits.names()}, hidden)


@dataclass
class Task:
    """One (assignment, student) with the bytes of its notebooks."""

    job: Job
    submitted: Submitted

    def nbytes(self):
        return sum(len(b) for b in self.submitted.files.values())


def grade_task(task, canonical, setup):
    """Run on a worker: the :class:`~autograder.batch.worker.Outcome` JSON of ``task``."""
    reason = refusal(setup.digest, setup.weak_ok)
    if reason:
        raise Refused(reason)
    limits = Limits(**setup.limits)  # the client's limits, not this worker's environment
    outcome = worker.grade(task.job, task.submitted, canonical, limits, setup.hidden)
    return outcome.to_json()
