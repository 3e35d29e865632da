"""The batch front door, ``python -m autograder grade <id> [<id> ...]``, over the grading core.

Modules (one job each):

``coursedir``  the course root's nbgrader configuration, read once (:class:`UsageError`)
``plan``       per assignment: who is graded, who is only committed, who is skipped
``worker``     grade one student (a :class:`Job`) with :mod:`autograder.notebook`: an ``Outcome``
``commit``     autograded notebooks, the gradebook (nbgrader's ``SaveAutoGrades``), journal
``journal``    submission keys and the append-only journal of committed students
``report``     the progress bar (tqdm) and the status table (tabulate) of typed rows
``pool``       the executor seam and the local pool of worker threads
``runner``     :func:`run_all`, :func:`run`, :func:`main`: plan, grade, commit
"""

__all__ = ["UsageError", "main", "run", "run_all"]


def __getattr__(name):  # imported on first use: a Dask worker needs ``worker``, not nbgrader
    if name == "UsageError":
        from autograder.batch.coursedir import UsageError

        return UsageError
    if name in __all__:
        from autograder.batch import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
