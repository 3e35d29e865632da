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

import nbformat
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

    def stripped_json(self, nb, validate=True):
        """``nb`` as nbformat JSON text without its hidden tests (``nb`` is left as it was);
        ``validate=False``: not checked against the schema (the caller does it later)."""
        return self._stripped(nb, lambda: nbformat.writes(nb) if validate else v4.writes(nb))

    def stripped_copy(self, nb):
        """What ``nbformat.v4.reads(self.stripped_json(nb, validate=False))`` gives (a copy
        in plain JSON types, ``nb`` left as it was), without the indented text in between:
        Python's JSON encoder is its slow pure-Python one with ``indent``."""

        def copy():
            text = json.dumps(nb, cls=v4.nbjson.BytesEncoder, sort_keys=True, ensure_ascii=False)
            return v4.nbjson.to_notebook(json.loads(text))  # joins split lines, strips transient

        return self._stripped(nb, copy)

    def _stripped(self, nb, make):
        saved = [(c, c.source) for c in nb.cells if c.cell_type == "code"]
        try:
            for cell, source in saved:
                if self.present(source):
                    cell.source = self.remove(source)
            return make()
        finally:
            for cell, source in saved:
                cell.source = source


DEFAULT = HiddenTests()
