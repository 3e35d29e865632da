"""nbgrader configuration: the stock commands work from the repository root.

    nbgrader generate_assignment <id>   # assignments/<id>/<id>.ipynb -> release/<id>/
    nbgrader autograde <id>             # submitted/<student>/<id>/ -> autograded/
    nbgrader generate_feedback <id>     # autograded/ -> feedback/ (no hidden tests)
    nbgrader export                     # gradebook.db -> grades.csv

See book/instructor.md for the whole workflow. Paths are relative to this
file, so a copy of the repository works the same.
"""

import os

from autograder.course import load as course_manifest

ROOT = os.path.dirname(os.path.abspath(__file__))
COURSE = course_manifest()  # course.toml: ids, order, titles, points

c = get_config()  # noqa: F821 - provided by traitlets when this file is loaded

c.CourseDirectory.root = ROOT
c.CourseDirectory.course_id = COURSE.id
c.CourseDirectory.source_directory = "assignments"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(ROOT, "gradebook.db")
# Source folders hold only the notebook; the workbook helpers are written into each
# release by the ShipHelpers step below (stock generate_assignment, --force and formgrader's
# Generate button included). Submissions hold only the student's work: data caches live
# outside the assignment folder, and the exchange skips any file over 5 MB.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".cache"]
c.CourseDirectory.max_file_size = 5000  # kilobytes, per file (nbgrader's exchange)

# Answer cells become a bare stub (no "YOUR CODE HERE" banner).
c.ClearSolutions.code_stub = {"python": "raise NotImplementedError"}
c.ClearSolutions.begin_solution_delimeter = "BEGIN SOLUTION"
c.ClearSolutions.end_solution_delimeter = "END SOLUTION"

# What students receive (book/instructor.md, "What students receive"): the helpers, and the
# reference layers of the chapters listed here once they are closed (default: none). Carried
# cells call workbook.carry.carry_over (the student's own earlier answers) and hold no code
# of the reference; while grading, the hidden tests swap the reference layers in.
from nbgrader.converters import GenerateAssignment  # noqa: E402

from autograder.ship import ShipHelpers  # noqa: E402

c.GenerateAssignment.preprocessors = [*GenerateAssignment.preprocessors.default(), ShipHelpers]
c.ShipHelpers.closed_chapters = []

# Feedback and formgrader pages typeset math offline: MathJax 3 inlined by our mathjax()
# macro (autograder/offline_math.py), found before nbgrader's own templates.
import nbgrader  # noqa: E402

from autograder.offline_math import template_dir  # noqa: E402

if (_math := template_dir()) is not None:
    _templates = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions/formgrader")
    c.HTMLExporter.extra_template_basedirs = [_math, os.path.join(_templates, "templates")]

# Students are added to the gradebook when their first submission is graded.
c.Autograde.create_student = True
c.GenerateAssignment.create_assignment = True

# A cell's output is capped so one flood cannot bloat the gradebook or feedback.
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 30

# Limits of the hardened grader, for `nbgrader autograde` and `python -m autograder grade`
# alike (autograder/sandbox/limits.py lists them all). cell_timeout is the one timeout:
# the wall seconds one cell may run before its sandbox is ended (that cell and the later
# test cells score 0, earlier credit is kept). The batch's --cell-timeout and the
# AUTOGRADER_CELL_TIMEOUT variable override it.
c.Limits.cell_timeout = 60
c.Limits.total_timeout = 600  # wall seconds for one whole notebook

# Hardened grading (docs/hardened-grading.md): submissions restored from the source, run in a
# sandbox, judged outside it; graded notebooks and feedback show no hidden tests.
from autograder.nbgrader_ext.config import apply  # noqa: E402

apply(c)
