"""Grade one student: the grading core on a submission already read, nothing written.

Whoever runs it (a thread of the local pool, a Dask worker on another machine) hands
back an :class:`Outcome`; only the batch's main thread stores and commits it. Anything
unexpected (a grader bug) becomes that student's ``error`` result with the reason; the
traceback travels beside it (``Outcome.trace``, written to ``<state dir>/traces/``), never
inside the result, which students may see. It never stops the batch.
"""

import traceback
from dataclasses import dataclass

from autograder.notebook.grade import grade_files
from autograder.results import SubmissionResult


@dataclass(frozen=True)
class Job:
    """One (assignment, student) to grade: where the submission is and its key."""

    assignment: str
    student: str
    folder: str
    key: str


@dataclass
class Outcome:
    """What grading one :class:`Job` gave.

    ``final`` is False when the student was not graded for a reason outside the
    submission (a Dask worker refused or died, the scheduler went away): the result is
    then an ``error`` row that is neither stored nor journaled, so the next run grades it.
    """

    result: SubmissionResult
    trace: str | None = None
    final: bool = True

    def to_json(self):
        return {"result": self.result.to_json(), "trace": self.trace, "final": self.final}

    @classmethod
    def from_json(cls, d):
        return cls(SubmissionResult.from_json(d["result"]), d.get("trace"), bool(d["final"]))

    @classmethod
    def not_graded(cls, job, reason):
        """An error row for ``job`` that the next run grades again."""
        result = SubmissionResult(job.student, job.assignment, job.key, "error", reason)
        return cls(result, final=False)


def grade(job, submitted, canonical, limits, hidden, costs=None):
    """The :class:`Outcome` of ``job`` (``submitted``: its :class:`Submitted` files;
    ``costs``: ``{notebook name: ReferenceCosts}``, the cells' CPU bounds, or ``None``)."""
    try:
        result = grade_files(
            job.student, job.assignment, submitted, canonical, job.key, limits, hidden, costs
        )
        return Outcome(result)
    except Exception as e:  # a grader failure on one student: that student's error row
        reason = f"grader failure: {type(e).__name__}: {e}"
        result = SubmissionResult(job.student, job.assignment, job.key, "error", reason)
        return Outcome(result, trace=traceback.format_exc()[-4000:])
