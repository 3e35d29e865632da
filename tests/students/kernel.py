"""A student's notebook namespace, built like the kernel's.

The notebook's setup cells (imports and given code) run first, then the student's answer
cells in notebook order. A cell that does not compile or raises leaves its names undefined,
as in the notebook. Nothing here asks the grader.

Given cells may carry a student's answers of an earlier chapter over (``workbook.carry``:
the rnn chapter's layers of temporal_loss, the lstm chapter's of both). Two kernels differ
there:

- :func:`namespace`, the kernel that *grades*: like the grading sandbox, it has no earlier
  notebook, so the carried names are ``carry_over``'s stand-ins (the grader swaps the
  reference layers in);
- :func:`notebook_namespace`, the student's own kernel: the earlier chapters' notebooks of
  the same student (the same style there, else ``cs231n``) sit next to this one, as in a
  course folder, and their answers are carried over. Correctness is decided on this one.
"""

import contextlib
import functools
import io
import os
import tempfile
from pathlib import Path

import nbformat

from students import course

_TMP = tempfile.TemporaryDirectory(prefix="students-kernel-")  # removed at exit


@functools.cache
def _build(student, own):
    ch = course.chapter(student.chapter)
    ns = {"__name__": "__main__"}
    here = _course_folder(student) / student.chapter if own else Path(_TMP.name, "nowhere")
    here.mkdir(parents=True, exist_ok=True)
    with _cwd(here), contextlib.redirect_stdout(io.StringIO()):  # carry_over's report line
        for i, src in enumerate(ch.setup):
            exec(compile(src, f"<setup cell {i}>", "exec"), ns)  # noqa: S102 - the course's code
    errors = {}
    for gid in ch.answers:
        src = student.cells.get(gid)
        if src is None:
            continue
        try:
            exec(compile(src, f"<{student.name} {gid}>", "exec"), ns)  # noqa: S102
        except Exception as e:  # the student's cell failed: its names stay undefined
            errors[gid] = f"{type(e).__name__}: {e}"
    return ns, errors


@contextlib.contextmanager
def _cwd(folder):
    """Run in ``folder`` with no ``WORKBOOK_COURSE_DIR``: carry_over looks only around it."""
    old, env = Path.cwd(), os.environ.pop("WORKBOOK_COURSE_DIR", None)
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)
        if env is not None:
            os.environ["WORKBOOK_COURSE_DIR"] = env


def earlier(student, chapter):
    """The same student in an earlier ``chapter``: that chapter's style of the same name,
    else its ``cs231n`` style."""
    from students import styles

    every = styles.styles(chapter)
    style = student.name.split("/", 1)[1].split("+", 1)[0]
    return every.get(style, every["cs231n"])


def _course_folder(student):
    """A course folder holding ``student``'s notebooks of every chapter before its own."""
    before = course.CHAPTERS[: course.CHAPTERS.index(student.chapter)]
    return _folder(tuple(earlier(student, c) for c in before))


@functools.cache
def _folder(students):
    root = Path(tempfile.mkdtemp(dir=_TMP.name))
    for s in students:
        (root / s.chapter).mkdir()
        nbformat.write(_notebook_of(s), root / s.chapter / f"{s.chapter}.ipynb")
    return root


def _notebook_of(student):
    """The chapter's notebook as ``student`` leaves it: their answer cells, visible checks."""
    nb = nbformat.read(course.notebook_path(student.chapter), as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            cell.source = student.cells.get(meta["grade_id"], "raise NotImplementedError")
        elif cell.cell_type == "code" and meta.get("grade"):
            cell.source = course.HIDDEN.sub("", cell.source)
    return nb


def namespace(student):
    """The (shared, cached) globals of ``student``'s grading kernel after every answer cell
    ran: carried names are stand-ins, as in the grading sandbox."""
    return _build(student, False)[0]


def notebook_namespace(student):
    """The (shared, cached) globals of ``student``'s own notebook kernel, with the answers of
    the earlier chapters carried over from that student's notebooks."""
    return _build(student, True)[0]


def cell_errors(student):
    """``{grade_id: error}`` of the student's answer cells that did not run."""
    return dict(_build(student, False)[1])
