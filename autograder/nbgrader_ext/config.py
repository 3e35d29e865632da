"""Switch the stock nbgrader commands to the hardened grader: ``apply(c)`` in nbgrader_config.py.

``nbgrader autograde``: submissions are read tolerantly, their structure is restored from
the source, they run in the sandbox, verdicts are computed outside it, hidden tests are
removed from the graded notebooks. ``nbgrader generate_feedback``: hidden tests removed.
"""


def apply(c):
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        ClearOutput,
        GetGrades,
        IgnorePattern,
        LimitOutput,
        OverwriteKernelspec,
        SaveAutoGrades,
    )

    from autograder.nbgrader_ext import safe_files
    from autograder.nbgrader_ext.execute import HardenedExecute
    from autograder.nbgrader_ext.exporter import TolerantNotebookExporter
    from autograder.nbgrader_ext.hide_tests import HideHiddenTests
    from autograder.nbgrader_ext.restore_cells import RestoreCells
    from autograder.nbgrader_ext.sanitize_content import SanitizeStudentContent

    safe_files.install()  # sec: extra files and timestamp.txt read as small regular files only
    c.Autograde.exporter_class = TolerantNotebookExporter
    c.Autograde.sanitize_preprocessors = [
        RestoreCells,
        ClearOutput,
        OverwriteKernelspec,
        CheckCellMetadata,
    ]
    c.Autograde.autograde_preprocessors = [
        HardenedExecute,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        HideHiddenTests,
        SanitizeStudentContent,  # sec: nothing a student wrote runs in formgrader
        CheckCellMetadata,
    ]
    c.GenerateFeedback.preprocessors = [
        HideHiddenTests,
        SanitizeStudentContent,  # sec: ... nor in the feedback HTML
        GetGrades,
        CSSHTMLHeaderPreprocessor,
    ]
    return c
