"""What the preprocessors share: the course directory, the hidden-test delimiters, names.

Cell predicates (``is_grade_cell`` and friends) are the grading core's, in
:mod:`autograder.notebook.cells`: one definition for every front door.
"""

import os

from autograder.notebook.hidden import HiddenTests


def hidden_tests(config):
    """The course's hidden-test delimiters: nbgrader's ``ClearHiddenTests`` configuration."""
    from nbgrader.preprocessors import ClearHiddenTests

    clear = ClearHiddenTests(config=config)
    return HiddenTests(clear.begin_test_delimeter, clear.end_test_delimeter)


def coursedir(preprocessor):
    """The converter's :class:`nbgrader.coursedir.CourseDirectory` (or ``None``)."""
    exporter = getattr(preprocessor, "parent", None)
    return getattr(getattr(exporter, "parent", None), "coursedir", None)


def source_path(preprocessor, assignment_id, notebook_id):
    """The source notebook's path via the converter's course directory (or ``None``)."""
    cd = coursedir(preprocessor)
    if cd is None:
        return None
    d = cd.format_path(cd.source_directory, ".", assignment_id)
    return os.path.join(d, f"{notebook_id}.ipynb")


def who(resources):
    """``student/notebook`` of the notebook being converted, for log lines."""
    info = resources.get("nbgrader", {})
    return f"{info.get('student')}/{info.get('notebook')}"


# What the sanitize step tells the autograde step about a notebook (two nbgrader
# conversions: only the notebook itself travels between them). Always overwritten by
# RestoreCells and removed by HardenedExecute, so a student cannot set it.
HANDOVER = "autograder"
