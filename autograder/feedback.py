"""nbgrader preprocessor: feedback returned to students shows no hidden tests.

Stock ``nbgrader generate_feedback`` renders the autograded notebook, whose test
cells were restored from the source *with* their hidden tests. Configured first
in ``GenerateFeedback.preprocessors`` (see ``nbgrader_config.py``),
:class:`HideHiddenTests` removes every ``### BEGIN HIDDEN TESTS`` region from
the cell source and cuts the traceback of a failed hidden test down to its
last line (the one-line verdict), because IPython tracebacks quote the failing
source line.
"""

import re

from nbgrader.preprocessors import NbGraderPreprocessor

BEGIN, END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def strip_hidden(source):
    """``source`` without its hidden-test regions (unterminated region: to the end)."""
    out, hidden = [], False
    for line in source.split("\n"):
        if BEGIN in line:
            hidden = True
        elif END in line:
            hidden = False
        elif not hidden:
            out.append(line)
    return "\n".join(out).rstrip("\n")


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
