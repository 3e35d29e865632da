"""Regenerate the answer cells of the source notebooks from ``solutions/`` (one source of truth).

Usage::

    python -m autograder.sync            # rewrite drifted answer cells
    python -m autograder.sync --check    # exit 1 listing drifted cells, change nothing

An answer cell is a code cell whose ``metadata.nbgrader.solution`` is true and
whose ``grade_id`` names a top-level object of ``solutions`` (a function, or
``CaptioningRNN``). Its source becomes::

    def rnn_step_forward(x, prev_h, Wx, Wh, b):
        \"\"\"<docstring copied from solutions>\"\"\"
        ### BEGIN SOLUTION
        <body copied from solutions>
        ### END SOLUTION

with decorators stripped. A class keeps its skeleton (``__init__`` and any other
method given in full) with one solution region per method in
:data:`CLASS_SOLUTIONS`.

A *given* cell (``grade_id`` = ``given_<name>``, locked, not a solution) holds
code that no chapter asks students to write (the affine layer, ``sigmoid``): the
whole reference ``<name>`` (decorators stripped, no solution markers) under a
one-line :data:`GIVEN_HEADER`.

A *carried* cell (``grade_id`` = ``given_<chapter>``, a chapter id) brings in the
student's own answers of an earlier chapter. Its visible part is the manifest,
``carry_over("<chapter>", globals(), "<name>", ...)`` (:mod:`workbook.carry`); sync
writes above it, between hidden-test markers, the reference of those names, which
the grader runs (the cells are restored from the source) and nbgrader removes from
the release and the feedback. Each name must be an answer of that chapter.

Only answer, given and carried cells are written; their outputs are cleared.
Notebooks are read and written with ``nbformat``.
"""

import argparse
import ast
import functools
import glob
import importlib
import inspect
import os
import sys
import textwrap

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
CLASS_SOLUTIONS = {"CaptioningRNN": ("loss", "sample")}
GIVEN_PREFIX = "given_"
GIVEN_HEADER = "# Given code (read-only): you wrote or met this in an earlier exercise.\n"
HIDDEN_END = "### END HIDDEN TESTS"
CARRIED_VISIBLE = (
    "# Your own answers from the {chapter} chapter, read from its notebook (workbook.carry).\n"
    "from workbook.carry import carry_over\n\n"
    "carry_over(\n"
    '    "{chapter}",\n'
    "    globals(),\n"
    "{names}"
    ")\n"
)


def _unwrap(fn):
    while hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    return fn


def _decorator_span(node):
    """0-based [start, stop) line span of ``node``'s decorators (empty if none)."""
    if not node.decorator_list:
        return node.lineno - 1, node.lineno - 1
    return min(d.lineno for d in node.decorator_list) - 1, node.lineno - 1


def _with_solution(lines, node):
    """Lines of function ``node``: header and docstring, then the body between markers."""
    first = node.body[0]
    has_doc = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    body_start = first.end_lineno if has_doc else first.lineno - 1
    stmts = node.body[1:] if has_doc else node.body
    if not stmts:
        raise ValueError(f"{node.name} has no body to put between solution markers")
    indent = lines[stmts[0].lineno - 1][: stmts[0].col_offset]
    body = lines[body_start : node.end_lineno]
    while body and not body[0].strip():
        body = body[1:]
    head = lines[node.lineno - 1 : body_start]
    return head + [indent + BEGIN] + body + [indent + END]


def function_cell(fn):
    """Answer-cell source of a function: signature, docstring, marked body; no decorators."""
    source = textwrap.dedent(inspect.getsource(_unwrap(fn)))
    lines = source.splitlines()
    node = ast.parse(source).body[0]
    return "\n".join(_with_solution(lines, node)).rstrip() + "\n"


def class_cell(cls, methods):
    """Answer-cell source of a class: skeleton given, ``methods`` bodies between markers."""
    source = textwrap.dedent(inspect.getsource(cls))
    lines = source.splitlines()
    node = ast.parse(source).body[0]
    edits = []  # (start, stop, replacement), applied bottom-up
    for item in node.body:
        if not isinstance(item, ast.FunctionDef):
            continue
        start, _ = _decorator_span(item)
        if item.name in methods:
            new = _with_solution(lines, item)
        else:
            new = lines[item.lineno - 1 : item.end_lineno]
        edits.append((start, item.end_lineno, new))
    missing = set(methods) - {i.name for i in node.body if isinstance(i, ast.FunctionDef)}
    if missing:
        raise ValueError(f"{cls.__name__} has no method(s) {sorted(missing)}")
    for start, stop, new in sorted(edits, reverse=True):
        lines[start:stop] = new
    start, _ = _decorator_span(node)
    return "\n".join(lines[start:]).rstrip() + "\n"


def given_source(obj):
    """Given-cell source: the whole reference ``obj`` without decorators or markers."""
    if isinstance(obj, type):
        return GIVEN_HEADER + class_cell(obj, ())
    source = textwrap.dedent(inspect.getsource(_unwrap(obj)))
    node = ast.parse(source).body[0]
    lines = source.splitlines()[node.lineno - 1 :]
    return GIVEN_HEADER + "\n".join(lines).rstrip() + "\n"


def reference_source(obj, docstring=True):
    """Source of a reference function or class without decorators (and maybe docstring)."""
    if isinstance(obj, type):
        return class_cell(obj, ())
    source = textwrap.dedent(inspect.getsource(_unwrap(obj)))
    node = ast.parse(source).body[0]
    lines = source.splitlines()
    first = node.body[0]
    if not docstring and isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        del lines[first.lineno - 1 : first.end_lineno]
    return "\n".join(lines[node.lineno - 1 :]).rstrip() + "\n"


@functools.cache
def chapter_answers(chapter, root="."):
    """The grade_ids of the answer cells of ``assignments/<chapter>/<chapter>.ipynb``."""
    path = os.path.join(root, "assignments", chapter, f"{chapter}.ipynb")
    if not os.path.isfile(path):
        return frozenset()
    nb = nbformat.read(path, as_version=4)
    meta = [c.metadata.get("nbgrader", {}) for c in nb.cells if c.cell_type == "code"]
    return frozenset(str(m.get("grade_id")) for m in meta if m.get("solution"))


def carried_manifest(source):
    """``(chapter, names)`` of the ``carry_over(...)`` call in a carried cell, or ``None``."""
    visible = source.split(HIDDEN_END)[-1]
    try:
        tree = ast.parse(visible)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "carry_over":
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if args and all(isinstance(a, str) for a in args):
                return args[0], tuple(args[1:])
    return None


def carried_source(chapter, names, root="."):
    """Carried-cell source: the carry_over call of ``names`` (answers of ``chapter``).

    The cell holds no reference code, not even hidden: the grader runs it in the sandbox,
    where the earlier notebook is absent and ``carry_over`` leaves stand-ins; the hidden
    tests swap the reference layers in through the grader's proxies (code and expected
    values never enter the sandbox, so a submission cannot print or reuse them).
    """
    solutions = importlib.import_module("solutions")
    answers = chapter_answers(chapter, root)  # empty when that chapter is not in this course
    wrong = [n for n in names if (answers and n not in answers) or not hasattr(solutions, n)]
    if wrong:
        raise ValueError(f"given_{chapter}: not answers of the {chapter} chapter: {wrong}")
    listed = "".join(f'    "{n}",\n' for n in names)
    return CARRIED_VISIBLE.format(chapter=chapter, names=listed)


def expected_source(grade_id, given=False):
    """Generated source of answer cell ``grade_id`` (or of a given cell for ``given``).

    ``None`` when ``grade_id`` does not name a top-level object of ``solutions``.
    """
    solutions = importlib.import_module("solutions")
    obj = getattr(solutions, grade_id, None) if grade_id.isidentifier() else None
    if obj is None:
        return None
    if given:
        return given_source(obj)
    if isinstance(obj, type):
        return class_cell(obj, CLASS_SOLUTIONS.get(grade_id, ()))
    if callable(obj):
        return function_cell(obj)
    return None


def _wanted(cell, root):
    """The generated source of ``cell``, or ``None`` when sync does not own it."""
    meta = cell.metadata.get("nbgrader", {})
    gid = str(meta.get("grade_id", ""))
    if meta.get("solution"):
        return expected_source(gid)
    if not gid.startswith(GIVEN_PREFIX) or meta.get("grade"):
        return None
    manifest = carried_manifest(cell.source)
    if manifest is not None:
        chapter, names = manifest
        if gid != GIVEN_PREFIX + chapter:
            raise ValueError(f"{gid}: its carry_over call names chapter {chapter!r}")
        return carried_source(chapter, names, root)
    return expected_source(gid[len(GIVEN_PREFIX) :], given=True)


def sync_notebook(path, check=False, root=None):
    """Sync one notebook; returns the grade_ids whose cells drifted (and were rewritten)."""
    root = root or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(path))))
    nb = nbformat.read(path, as_version=4)
    drifted = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        want = _wanted(cell, root)
        if want is None:
            continue
        want = want.rstrip("\n")
        if cell.source != want or cell.outputs or cell.execution_count is not None:
            drifted.append(cell.metadata["nbgrader"]["grade_id"])
            cell.source, cell.outputs, cell.execution_count = want, [], None
    if drifted and not check:
        nbformat.write(nb, path)
    return drifted


def notebooks(root="."):
    """Every source notebook ``assignments/<id>/<id>.ipynb`` under ``root``."""
    pattern = os.path.join(root, "assignments", "*", "*.ipynb")
    found = []
    for p in sorted(glob.glob(pattern)):
        folder = os.path.basename(os.path.dirname(p))
        if os.path.splitext(os.path.basename(p))[0] == folder:
            found.append(p)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m autograder.sync", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--check", action="store_true", help="report drift, write nothing")
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    parser.add_argument("notebooks", nargs="*", help="notebooks (default: all source notebooks)")
    args = parser.parse_args(argv)
    paths = args.notebooks or notebooks(args.root)
    total = 0
    for path in paths:
        try:
            drifted = sync_notebook(path, check=args.check)
        except ValueError as e:  # a carried cell naming what its chapter does not answer
            print(f"{path}: {e}", file=sys.stderr)
            return 1
        total += len(drifted)
        for gid in drifted:
            verb = "drifted from solutions" if args.check else "regenerated"
            print(f"{path}: cell {gid!r} {verb}")
    if args.check and total:
        print(f"{total} answer cell(s) differ from solutions/; run: python -m autograder.sync")
        return 1
    if not args.check:
        print(f"synced {len(paths)} notebook(s), {total} cell(s) rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
