"""The grading core: one submitted notebook in, one typed result out.

read -> restore -> run in the sandbox -> judge outside it -> a typed result
(:mod:`autograder.results`). Every front door (``nbgrader autograde`` through
:mod:`autograder.nbgrader_ext`, ``python -m autograder grade`` through
:mod:`autograder.batch`) calls one of the two entry points of :mod:`.grade`:

``grade_notebook(submission, canonical, limits)``   bytes or a notebook -> ``NotebookResult``
``grade_submission(student, assignment, folder, canonical, ...)``  -> ``SubmissionResult``

Modules (one job each):

``read``       tolerant reading: an unreadable file becomes a reason, never a crash
``canonical``  the source's nbgrader cells (:class:`CanonicalCell`), from the gradebook
``restore``    rebuild a submission's nbgrader structure from the canonical cells
``cells``      nbgrader cell predicates, IPython syntax to Python, graded names of a cell
``hidden``     the hidden-test delimiters and their removal
``run``        run a restored notebook cell by cell in one sandbox session
``recap``      re-check and cap what the sandbox reports as outputs
``verdict``    judge a test cell's collected outputs here, write its outputs
``grade``      the entry points above
"""

_ENTRY = ("grade_notebook", "grade_submission")


def __getattr__(name):  # the entry points, imported on first use (the parts stay light)
    if name in _ENTRY:
        from autograder.notebook import grade

        return getattr(grade, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
