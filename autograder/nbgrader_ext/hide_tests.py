"""Remove hidden tests from graded and feedback notebooks (stock nbgrader shows them).

Each ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` region becomes one comment
line (an unterminated region runs to the end of the cell), and the traceback of a failed
hidden test is cut to its last line, the one-line verdict, because IPython tracebacks
quote the failing source line. Runs after the grades are saved (``autograde``) and first
in ``generate_feedback`` (see :func:`autograder.nbgrader_ext.config.apply`).
"""

import re

from nbgrader.preprocessors import NbGraderPreprocessor

BEGIN, END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
PLACEHOLDER = "# (hidden tests: run by the grader)"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def strip_hidden(source):
    """``source`` with each hidden-test region replaced by :data:`PLACEHOLDER`."""
    out, inside = [], False
    for line in source.split("\n"):
        if BEGIN in line:
            inside = True
            out.append(PLACEHOLDER)
        elif END in line and inside:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


class HideHiddenTests(NbGraderPreprocessor):
    """Drop hidden-test code and tracebacks from every cell that had hidden tests."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or BEGIN not in cell.source:
            return cell, resources
        cell.source = strip_hidden(cell.source)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                last = f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"
                out["traceback"] = [_ANSI.sub("", last)]
        return cell, resources
