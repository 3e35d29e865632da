"""The batch front door, ``python -m autograder grade <id> [<id> ...]``, over the grading core.

Modules (one job each):

``coursedir``  the course root's nbgrader configuration, read once (:class:`UsageError`)
``plan``       per assignment: who is graded, who is only committed, who is skipped
``worker``     grade one student (worker thread) with :mod:`autograder.notebook`, store it
``commit``     autograded notebooks, the gradebook (nbgrader's ``SaveAutoGrades``), journal
``journal``    submission keys and the append-only journal of committed students
``report``     the progress bar (tqdm) and the status table (tabulate) of typed rows
``runner``     the worker pool: :func:`run_all`, :func:`run`, :func:`main`
"""

from autograder.batch.coursedir import UsageError
from autograder.batch.runner import main, run, run_all

__all__ = ["UsageError", "main", "run", "run_all"]
