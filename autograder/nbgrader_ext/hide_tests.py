"""Remove hidden tests from graded and feedback notebooks (stock nbgrader shows them).

Each hidden-test region (nbgrader's ``ClearHiddenTests`` delimiters, ``### BEGIN HIDDEN
TESTS`` ... ``### END HIDDEN TESTS`` by default) becomes one comment line, and the
traceback of a failed hidden test is cut to its last line, the one-line verdict, because
IPython tracebacks quote the failing source line. Runs after the grades are saved
(``autograde``) and first in ``generate_feedback`` (see :func:`.config.apply`).
"""

import re

from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.nbgrader_ext.utils import hidden_tests

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class HideHiddenTests(NbGraderPreprocessor):
    """Drop hidden-test code and tracebacks from every cell that had hidden tests."""

    def preprocess(self, nb, resources):
        self._hidden = hidden_tests(self.config)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not self._hidden.present(cell.source):
            return cell, resources
        cell.source = self._hidden.remove(cell.source)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                last = f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"
                out["traceback"] = [_ANSI.sub("", last)]
        return cell, resources
