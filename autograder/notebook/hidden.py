"""Hidden tests: where they are in a cell's source, and their removal.

A hidden-test region runs from a line holding ``begin`` to a line holding ``end`` (an
unterminated region runs to the end of the cell) and becomes one comment line,
:data:`PLACEHOLDER`. The delimiters are nbgrader's ``ClearHiddenTests.begin_test_delimeter``
/ ``end_test_delimeter``: the front doors read them from the course's configuration
(:func:`autograder.nbgrader_ext.utils.hidden_tests`); :data:`DEFAULT` holds nbgrader's
defaults for callers without one.
"""

import json
from dataclasses import dataclass

from nbformat import v4

PLACEHOLDER = "# (hidden tests: run by the grader)"


@dataclass(frozen=True)
class HiddenTests:
    begin: str = "BEGIN HIDDEN TESTS"
    end: str = "END HIDDEN TESTS"

    def present(self, source):
        return self.begin in source

    def remove(self, source):
        """``source`` with each hidden-test region replaced by :data:`PLACEHOLDER`."""
        out, inside = [], False
        for line in source.split("\n"):
            if self.begin in line:
                inside = True
                out.append(PLACEHOLDER)
            elif self.end in line and inside:
                inside = False
            elif not inside:
                out.append(line)
        return "\n".join(out)

    def graded_part(self, source):
        """What the grader runs of a test cell: up to the end of its last hidden-test region.

        The visible checks after it are for the student (they run them in their notebook);
        not run while grading, they cannot change the cell's points. A cell without hidden
        tests runs whole.
        """
        lines = source.splitlines(keepends=True)
        ends = [i for i, line in enumerate(lines) if self.end in line]
        return "".join(lines[: ends[-1] + 1]) if ends else source

    def stripped_copy(self, nb):
        """A copy of ``nb`` without its hidden tests, in plain JSON types (``nb`` is left as
        it was), as nbformat would read it back from its own text; not validated (the
        caller does). Python's C JSON encoder, not nbformat's indented (pure-Python) one."""
        saved = [(c, c.source) for c in nb.cells if c.cell_type == "code"]
        try:
            for cell, source in saved:
                if self.present(source):
                    cell.source = self.remove(source)
            text = json.dumps(nb, cls=v4.nbjson.BytesEncoder, sort_keys=True, ensure_ascii=False)
        finally:
            for cell, source in saved:
                cell.source = source
        return v4.nbjson.to_notebook(json.loads(text))  # joins split lines, strips transient


DEFAULT = HiddenTests()
