"""Where today's grader is unfair to this corpus, with the cause as issue 9 lists it.

The tests mark these ``xfail(strict=True)``: the suite is green now and turns red (XPASS)
the day the grader is fixed, when the entry is deleted here.

``UNFAIR``: ``(student, graded name) -> cause`` for correct code that loses points.
``UNNAMED``: ``bug student -> cause`` for a wrong answer whose message does not name it.
``CELLS``: ``(student, test cell grade_id) -> cause`` for correct code whose test cell loses its
points in stock ``nbgrader autograde`` (visible checks included).
"""

NEW_ID = "issue 9 cause 5: not in the mistake catalogue yet (judge adds it)"
PY2 = "issue 9: no one-line help for Python 2 / numpy 1 names yet"

UNFAIR = {}

UNNAMED = {
    "gradcheck/loops+python2.xrange": PY2,
    "gradcheck/loops+python2.np_float": PY2,
}

CELLS = {}
