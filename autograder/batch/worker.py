"""Grade one student in a worker thread: the grading core, then the stored result.

Anything unexpected (a grader bug, a full disk) becomes that student's ``error`` result
with the reason (the traceback goes to ``<state dir>/traces/<student>.txt``, never into
the result, which students may see); it never stops the batch.
"""

import traceback

from autograder import store
from autograder.notebook.grade import grade_submission
from autograder.results import SubmissionResult


def grade(course, plan, student, limits):
    """The :class:`SubmissionResult` of ``student`` in ``plan``, stored before it returns."""
    if student in plan.ready:
        return plan.ready[student]
    todo = plan.todo[student]
    try:
        result = grade_submission(
            student,
            plan.assignment,
            todo.folder,
            plan.canonical,
            key=todo.key,
            limits=limits,
            hidden=course.hidden,
        )
    except Exception as e:  # a grader failure on one student: that student's error row
        reason = f"grader failure: {type(e).__name__}: {e}"
        result = SubmissionResult(student, plan.assignment, todo.key, "error", reason)
        traces = plan.state_dir / "traces"
        traces.mkdir(exist_ok=True)
        (traces / f"{student}.txt").write_text(traceback.format_exc()[-4000:])
    store.save(course.root, result)
    return result
