"""Cells: nbgrader's roles, IPython syntax to plain Python, and the names a test cell grades.

The one definition of an autograded test cell (:func:`is_grade_cell`) and of a cell's
nbgrader fields lives here; every front door uses it. The rest runs in the grader
(trusted): the sandbox receives plain Python, so input transformers installed by student
code have nothing to transform, and the set of graded names comes from the *restored*
source of the cell, never from the sandbox.
"""

import ast
import functools
import re


def nbgrader_md(cell):
    """The cell's ``nbgrader`` metadata (``{}`` when absent or not a mapping)."""
    md = cell.get("metadata", {}).get("nbgrader", {})
    return md if isinstance(md, dict) else {}


def is_grade_cell(cell):
    """An autograded test cell: a code cell nbgrader grades that is not an answer cell."""
    md = nbgrader_md(cell)
    return cell.get("cell_type") == "code" and bool(md.get("grade")) and not md.get("solution")


def is_manual_cell(cell):
    """A cell nbgrader leaves to a person: a graded answer cell (a written answer) or a task."""
    md = nbgrader_md(cell)
    return bool(md.get("grade") and md.get("solution")) or bool(md.get("task"))


def grade_id(cell):
    return nbgrader_md(cell).get("grade_id")


def points(cell):
    return float(nbgrader_md(cell).get("points", 0))


def last_grade_cell(nb):
    """1-based number of the last test cell (every cell when there is none)."""
    last = 0
    for i, cell in enumerate(nb.cells, start=1):
        if is_grade_cell(cell):
            last = i
    return last or len(nb.cells)


@functools.cache
def _transformer():
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


# Where IPython syntax can stand: a line starting with % or !, "= %..." / "= !...", or a
# trailing ? (help). Other cells skip IPython's transformer, the costly part of this step.
_IPYTHON_SYNTAX = re.compile(r"^\s*[%!]|=\s*[%!]|\?\s*$", re.MULTILINE)


@functools.lru_cache(maxsize=4096)  # the same cells come back in every student's notebook
def to_python(source):
    """``%magic`` / ``!shell`` / ``?help`` lines become plain calls on ``get_ipython()``."""
    if not _IPYTHON_SYNTAX.search(source):
        return source
    try:
        return _transformer().transform_cell(source)
    except Exception:  # leave it: the sandbox reports the SyntaxError in that cell
        return source


def grade_names(source):
    """Names graded by ``grade("<name>", ...)`` calls in ``source``, in order (may repeat)."""
    return list(_grade_names(source))


@functools.lru_cache(maxsize=4096)  # test cells are restored from the source: the same for all
def _grade_names(source):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ()
    names = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "grade"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.append((node.lineno, node.col_offset, node.args[0].value))
    return tuple(n for _, _, n in sorted(names))
