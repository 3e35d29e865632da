"""Why cells failed: diagnosed mistakes ranked, unmatched failures grouped, incidents.

Read from the stored typed results only (the gradebook knows scores, not causes). A student
counts once per mistake, group or incident however many cells or notebooks it touches;
``occurrences`` and ``notebooks`` count those.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from autograder.mistakes.base import all_mistakes
from autograder.report.book import Section, section_for


@dataclass
class MistakeCount:
    """A catalogue entry the failures matched; ``kind`` is its label (``likely mistake`` or
    ``convention``). ``kind``/``hint``/``section`` are ``None`` for an id no longer in it."""

    id: str
    function: str | None
    hint: str | None
    section: Section | None
    students: list[str]
    occurrences: int
    cells: list[str]
    kind: str | None = None


@dataclass
class FailureGroup:
    """Failing outputs that matched no known mistake, for one (test cell, graded name, output)."""

    key: str
    cell: str
    name: str | None
    output: str | None
    students: list[str]
    rel_errors: list[float] = field(default_factory=list)

    @property
    def median_rel_error(self):
        return statistics.median(self.rel_errors) if self.rel_errors else None


@dataclass
class Incident:
    """Notebooks that hit one robustness event ``kind`` for one ``cause``."""

    kind: str
    cause: str
    notebooks: int
    students: list[str]


def cause(text, known=()):
    """A reason without its particulars (what follows ``": "``, a byte offset, a quoted name
    that is not one of the ``known`` cell ids): file names, cell ids and exception texts a
    student chose never reach a shared report."""
    head = re.sub(r"\s*\(byte \d+\)", "", text.split(": ", 1)[0])
    head = re.sub(r"'([^']*)'", lambda m: m[0] if m[1] in known else "'…'", head)
    return head.strip() or "unknown"


def _failing(data):
    """``(student, notebook, cell, NameResult or None)`` of every failed test cell; ``None``
    when the cell failed with no failing graded name (it raised before any check)."""
    for r in data.results:
        for nb in r.notebooks:
            for c in nb.cells:
                if c.status != "failed":
                    continue
                bad = [n for n in c.names if not n.passed]
                for n in bad or [None]:
                    yield r.student, nb.name, c.grade_id, n


def mistakes(data):
    catalogue = {m.id: m for m in all_mistakes()}
    who, seen, cells = defaultdict(set), defaultdict(int), defaultdict(set)
    for student, _, cell, n in _failing(data):
        if n is not None and n.mistake:
            who[n.mistake].add(student)
            seen[n.mistake] += 1
            cells[n.mistake].add(cell)
    out = []
    for mid in who:
        m = catalogue.get(mid)
        fn = m.function if m else None
        sec = section_for(fn) if fn else None
        hint = m.hint if m else None
        out.append(
            MistakeCount(
                mid,
                fn,
                hint,
                sec,
                sorted(who[mid]),
                seen[mid],
                sorted(cells[mid]),
                m.label if m else None,
            )  # fmt: skip
        )
    return sorted(out, key=lambda m: (-len(m.students), -m.occurrences, m.id))


def group_key(notebook, assignment, cell, name, output):
    parts = [cell, name or "-", output or "-"]
    return "/".join(parts if notebook == assignment else [notebook, *parts])


def unmatched(data):
    groups, blamed = {}, 0
    for student, nb, cell, n in _failing(data):
        if n is not None and (n.mistake or n.cause):
            blamed += bool(n.cause) and not n.mistake
            continue
        name, output = (n.name, n.output) if n else (None, None)
        key = group_key(nb, data.assignment, cell, name, output)
        g = groups.setdefault(key, FailureGroup(key, cell, name, output, []))
        if student not in g.students:
            g.students.append(student)
        if n is not None and n.rel_error is not None:
            g.rel_errors.append(n.rel_error)
    for g in groups.values():
        g.students.sort()
    ranked = sorted(groups.values(), key=lambda g: (-len(g.students), g.key))
    return ranked, blamed


def incidents(data):
    known = {c.name for c in data.cells} | {
        c.grade_id for r in data.results for nb in r.notebooks for c in nb.cells
    }
    found = defaultdict(list)  # (kind, cause) -> students, one entry per notebook
    for r in data.results:
        for nb in r.notebooks:
            for d in nb.deaths:
                kind = "timeout" if d.reason.startswith("timed out") else "kernel death"
                found[kind, cause(d.reason, known)].append(r.student)
            for note in nb.notes:
                found["restored cell", cause(note, known)].append(r.student)
            if nb.unreadable:
                found["unreadable notebook", cause(nb.unreadable, known)].append(r.student)
            if nb.weak_sandbox:
                found["weak sandbox", cause(nb.weak_sandbox, known)].append(r.student)
        if r.status == "error" and not any(nb.unreadable for nb in r.notebooks):
            found["submission error", cause(r.reason or "error", known)].append(r.student)
    rows = [Incident(k, c, len(s), sorted(set(s))) for (k, c), s in found.items()]
    order = ["kernel death", "timeout", "unreadable notebook", "submission error"]
    order += ["restored cell", "weak sandbox"]
    return sorted(rows, key=lambda i: (order.index(i.kind), -i.notebooks, i.cause))
