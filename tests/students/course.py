"""The source notebooks as a student meets them: given cells, answer cells, graded test cells.

The notebooks are read from the repository of the ``autograder`` package that is imported,
so the corpus can be graded by another developer's tree (``PYTHONPATH=<tree>``).
"""

import ast
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

import autograder

ROOT = Path(autograder.__file__).resolve().parents[1]
CHAPTERS = ("gradcheck", "softmax", "temporal_loss", "rnn", "lstm")
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.S)
GRADE_CALL = re.compile(r"""grade\(\s*["']([^"']+)["']""")


@dataclass(frozen=True)
class TestCell:
    """A graded test cell: its id, points, the names its hidden part grades, its source."""

    grade_id: str
    points: float
    names: tuple
    source: str

    @property
    def visible(self):
        """The part a student runs (hidden tests removed)."""
        return HIDDEN.sub("", self.source)


@dataclass(frozen=True)
class Chapter:
    """One notebook: its setup code (imports, given cells), answer cells, test cells and the
    written answers (markdown answer cells graded by hand)."""

    id: str
    setup: tuple  # sources of the first code cell and of every given cell, in order
    answers: dict  # grade_id -> source of the answer cell (the reference, never executed here)
    tests: tuple  # TestCell, in notebook order
    written: dict  # grade_id -> points of each written answer, in notebook order

    @property
    def names(self):
        """Every graded name of the chapter, in notebook order."""
        return tuple(n for t in self.tests for n in t.names)

    def cell_of(self, name):
        """The test cell grading ``name``."""
        return next(t for t in self.tests if name in t.names)


def notebook_path(chapter):
    return ROOT / "assignments" / chapter / f"{chapter}.ipynb"


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


def plain_python(source):
    """``source`` without IPython magics (``%matplotlib inline``), as the grader runs it."""
    return "\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!")))


@functools.cache
def chapter(cid):
    nb = nbformat.read(notebook_path(cid), as_version=4)
    setup, answers, tests, written, seen_code = [], {}, [], {}, False
    for cell in nb.cells:
        meta = _meta(cell)
        if cell.cell_type == "markdown" and meta.get("solution") and meta.get("grade"):
            written[meta["grade_id"]] = float(meta["points"])
        if cell.cell_type != "code":
            continue
        gid = meta.get("grade_id", "")
        if meta.get("solution"):
            answers[gid] = cell.source
        elif meta.get("grade"):
            names = tuple(GRADE_CALL.findall(cell.source))
            tests.append(TestCell(gid, float(meta.get("points", 0)), names, cell.source))
        elif not seen_code or gid.startswith("given_"):
            setup.append(plain_python(cell.source))
        seen_code = True
    return Chapter(cid, tuple(setup), answers, tuple(tests), written)


def given_class_parts(cid, cls="CaptioningRNN"):
    """``(header, docstring + given methods)`` of the class answer cell, without ``loss`` and
    ``sample``: what a student keeps of the cell when filling in the two methods."""
    src = chapter(cid).answers[cls]
    lines = src.splitlines()
    node = ast.parse(src).body[0]
    keep = []
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name in ("loss", "sample"):
            continue
        keep.append("\n".join(lines[item.lineno - 1 : item.end_lineno]))
    return lines[node.lineno - 1], keep
