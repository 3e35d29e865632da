"""Students as answer-cell sources: style files are split into cells, bugs are applied to them.

A style file ``<chapter>/<style>.py`` is ordinary Python. Its top-level statements are cut into
answer cells: each ``def``/``class`` named like an answer cell of the chapter's notebook ends a
cell, and everything since the previous one (imports, helper functions) goes into that cell,
as a student would keep a helper next to the function that uses it. The module docstring
describes the student and is not part of any cell. A ``class CaptioningRNN`` in a style holds
only what the student wrote (``loss``, ``sample``, helpers): the notebook's class docstring and
given ``__init__`` are put back around it, as they are in the student's cell.
"""

import ast
import importlib
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path

from students import course

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Student:
    """One complete submission of one chapter: ``cells`` maps answer grade_id -> source."""

    chapter: str
    name: str  # "<chapter>/<style>", or "<chapter>/<style>+<bug>" for a bug
    cells: dict = field(hash=False, compare=False)
    about: str = ""  # what kind of student this is / where the code came from
    answers: tuple | None = None  # graded names answered (default: every name of a cell held)

    @property
    def names(self):
        """The chapter's graded names this student answers, in notebook order."""
        every = course.chapter(self.chapter).names
        if self.answers is not None:
            return tuple(n for n in every if n in self.answers)
        return tuple(n for n in every if n.split(":")[0].split(".")[0] in self.cells)


@dataclass(frozen=True)
class Bug:
    """A wrong answer: ``base`` style with the answer cell ``cell`` edited.

    ``expect`` is what the failing message must name: a catalogue id
    (``"rnn_backward.dprev_h_not_carried"``), a convention id
    (``"<function>.convention_<what>"``) or a Python 2 help (``"python2.xrange"``).
    ``name`` is the graded name that must lose its points. The edit is ``patch``
    (``(old, new)`` pairs, each ``old`` occurring exactly once in the cell) or a whole new
    ``source`` for the cell; ``alias`` lists other ids that name the same idea; ``also`` maps
    other answer cells to their ``(old, new)`` pairs
    (a bug that spans a forward's cache and its backward).
    """

    expect: str
    name: str
    base: str
    patch: tuple = ()
    source: str | None = None
    cell: str | None = None
    also: tuple = ()  # ((grade_id, ((old, new), ...)), ...)
    alias: tuple = ()  # other ids that name the same mistake (the catalogue may merge them)
    about: str = ""

    @property
    def slot(self):
        return self.cell or self.name.split(":")[0].split(".")[0]


def _cells_of(chapter, path):
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    lines = text.splitlines()
    answers = course.chapter(chapter).answers
    cells, pending = {}, []
    body = tree.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        about, body = body[0].value.value, body[1:]
    else:
        about = ""
    for node in body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        src = "\n".join(lines[start - 1 : node.end_lineno])
        name = getattr(node, "name", None)
        if name in answers:
            if name == "CaptioningRNN":
                src = _with_given_class(chapter, node, lines)
            cells[name] = "\n\n".join([*pending, src]) + "\n"
            pending = []
        else:
            pending.append(src)
    if pending:
        raise ValueError(f"{path}: code after the last answer cell")
    return cells, " ".join(about.split())


def _with_given_class(chapter, node, lines):
    header, given = course.given_class_parts(chapter)
    mine = ["\n".join(lines[i.lineno - 1 : i.end_lineno]) for i in node.body]
    indent = " " * node.body[0].col_offset
    parts = given + [m if m.startswith(indent) else indent + m for m in mine]
    return header + "\n" + "\n\n".join(parts)


def styles(chapter):
    """Every correct style of ``chapter``: ``{style name: Student}`` (sorted by name)."""
    folder = HERE / chapter
    out = {}
    if not folder.is_dir():
        return out
    for info in sorted(pkgutil.iter_modules([str(folder)]), key=lambda m: m.name):
        if info.name in ("bugs", "__init__") or info.name.startswith("_"):
            continue
        cells, about = _cells_of(chapter, folder / f"{info.name}.py")
        out[info.name] = Student(chapter, f"{chapter}/{info.name}", cells, about)
    return out


def bugs(chapter):
    """``[(Bug, Student)]`` of ``chapter``'s ``bugs.py``, each student one bug on its base."""
    if not (HERE / chapter / "bugs.py").is_file():
        return []
    mod = importlib.import_module(f"students.{chapter}.bugs")
    base = styles(chapter)
    out = []
    for bug in mod.BUGS:
        student = base[bug.base]
        cells = dict(student.cells)
        edits = [(bug.slot, bug.patch, bug.source), *((g, p, None) for g, p in bug.also)]
        for gid, patch, source in edits:
            src = cells[gid] if source is None else source
            for old, new in patch:
                n = src.count(old)
                if n != 1:
                    raise ValueError(f"{chapter} bug {bug.expect}: {old!r} occurs {n} times")
                src = src.replace(old, new)
            if src == cells[gid]:
                raise ValueError(f"{chapter} bug {bug.expect}: the edit changes nothing")
            cells[gid] = src
        name = f"{student.name}+{bug.expect}"
        if any(s.name == name for _, s in out):
            raise ValueError(f"{name}: two bugs of one id on one style")
        out.append((bug, Student(chapter, name, cells, bug.about)))
    return out


def base_of(chapter, bug):
    """The correct student a bug (of :func:`bugs` or a seed's found version) was made from."""
    every = {**styles(chapter), **{s.name: s for s in seed_students(chapter, fixed=True)}}
    return every[bug.base]


def seed_students(chapter, fixed):
    """Students made of the seeds' real code for ``chapter`` (:mod:`students.seeds`): the
    ``fixed`` versions (minimal repairs) or the code as found."""
    from students import seeds

    return seeds.students(chapter, fixed)
