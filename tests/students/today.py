"""Where today's grader is unfair to this corpus, with the cause as issue 9 lists it.

The tests mark these ``xfail(strict=True)``: the suite stays green while a known unfairness
is open and turns red (XPASS) the day the grader is fixed, when the entry is deleted here.
Every entry found while building the corpus (issue 9's causes 1-5: reference sub-functions
that rejected students' own caches, extreme-score cases that max-shifted code could not
pass, visible checks that decided scores, unnamed bugs, no help for Python 2 code) has been
fixed and deleted; a new one is added here with its cause.

``UNFAIR``: ``(student, graded name) -> cause`` for correct code that loses points.
``UNNAMED``: ``bug student -> cause`` for a wrong answer whose message does not name it.
``CELLS``: ``(student, test cell grade_id) -> cause`` for correct code whose test cell loses its
points in stock ``nbgrader autograde``; ``PY2_E2E``: the cause while the graded cells of
Python 2 code do not say what to change (``None``: they do).
"""

UNFAIR: dict = {}
UNNAMED: dict = {}
CELLS: dict = {}
PY2_E2E = None
