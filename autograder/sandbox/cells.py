"""Cell sources: IPython syntax to plain Python, the part of a grade cell that is graded,
and the names a grade cell grades.

All run in the grader (trusted): the sandbox receives plain Python, so input
transformers installed by student code have nothing to transform, and the set of
graded names comes from the *restored* source of the cell, never from the sandbox.
"""

import ast
import functools
import re


@functools.cache
def _transformer():
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


# Where IPython syntax can stand: a line starting with % or !, "= %..." / "= !...", or a
# trailing ? (help). Other cells skip IPython's transformer, the costly part of this step.
_IPYTHON_SYNTAX = re.compile(r"^\s*[%!]|=\s*[%!]|\?\s*$", re.MULTILINE)


def to_python(source):
    """``%magic`` / ``!shell`` / ``?help`` lines become plain calls on ``get_ipython()``."""
    if not _IPYTHON_SYNTAX.search(source):
        return source
    try:
        return _transformer().transform_cell(source)
    except Exception:  # leave it: the sandbox reports the SyntaxError in that cell
        return source


HIDDEN_END = "### END HIDDEN TESTS"


def graded_part(source, end=HIDDEN_END):
    """What the grader runs of a grade cell: up to the end of its last hidden-test region.

    The visible checks after it are for the student (they run them in their notebook);
    not run while grading, they cannot change the cell's points. A cell without hidden
    tests runs whole.
    """
    lines = source.splitlines(keepends=True)
    ends = [i for i, line in enumerate(lines) if line.strip() == end]
    return "".join(lines[: ends[-1] + 1]) if ends else source


def grade_names(source):
    """Names graded by ``grade("<name>", ...)`` calls in ``source``, in order (may repeat)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
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
    return [n for _, _, n in sorted(names)]
