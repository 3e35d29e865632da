"""Remove hidden-test regions from graded and feedback notebooks (nbgrader shows them).

Each ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` region becomes one comment
line. Runs after the grades are saved (``autograde``) and first in ``generate_feedback``.
"""

from nbgrader.preprocessors import NbGraderPreprocessor

BEGIN, END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
PLACEHOLDER = "# (hidden tests: run by the grader)"


def strip_hidden(source):
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
    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and BEGIN in cell.source:
            cell.source = strip_hidden(cell.source)
        return cell, resources
