"""What the class got wrong, as typed aggregates of one assignment's :class:`ClassData`.

Counts are of *students* (a student who makes one mistake in two cells counts once for it)
unless a field says otherwise. Every aggregate keeps its students' ids (sorted) so that
``--names`` and ``--group`` can show them; the tables drop them by default.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from autograder.mistakes.base import all_mistakes
from autograder.report.book import Section, section_for

SLOWEST = 10


@dataclass
class Distribution:
    """Scores of the class on the assignment (``label`` = its id) or on one graded cell."""

    label: str
    max_score: float
    scores: list[float]
    kind: str = "assignment"
    manual: int = 0

    @property
    def median(self):
        return statistics.median(self.scores) if self.scores else None

    def histogram(self):
        """``[(low, high, count)]``: unit bins up to 20 points, else 20 equal bins; a
        score counts in ``[low, high)``, full marks in the last bin."""
        top = max(self.max_score, max(self.scores, default=0.0), 1e-9)
        n = int(top) if top <= 20 and float(top).is_integer() else 20
        width = top / n
        counts = [0] * n
        for s in self.scores:
            counts[min(max(int(s / width), 0), n - 1)] += 1
        return [(i * width, (i + 1) * width, c) for i, c in enumerate(counts)]

    @property
    def pass_rate(self):
        """Share of full marks (``None`` without scores)."""
        if not self.scores:
            return None
        return sum(s >= self.max_score - 1e-9 for s in self.scores) / len(self.scores)


@dataclass
class MistakeCount:
    """A catalogue mistake (``hint``/``section`` are ``None`` for an id no longer in it)."""

    id: str
    function: str | None
    hint: str | None
    section: Section | None
    students: list[str]
    occurrences: int
    cells: list[str]


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


@dataclass
class NotebookTime:
    student: str
    notebook: str
    seconds: float


@dataclass
class ClassReport:
    assignment: str
    submissions: int
    with_results: int
    orphans: int
    total: Distribution
    cells: list[Distribution]
    mistakes: list[MistakeCount]
    unmatched: list[FailureGroup]
    blamed: int
    incidents: list[Incident]
    times: list[NotebookTime]

    @property
    def median_seconds(self):
        return statistics.median(t.seconds for t in self.times) if self.times else None

    @property
    def slowest(self):
        return sorted(self.times, key=lambda t: (-t.seconds, t.notebook, t.student))[:SLOWEST]


def cause(text, known=()):
    """A reason without its particulars (what follows ``": "``, a byte offset, a quoted name
    that is not one of the ``known`` cell ids): file names, cell ids and exception texts a
    student chose never reach a shared report."""
    head = re.sub(r"\s*\(byte \d+\)", "", text.split(": ", 1)[0])
    head = re.sub(r"'([^']*)'", lambda m: m[0] if m[1] in known else "'…'", head)
    return head.strip() or "unknown"


def _distributions(data):
    total = Distribution(
        data.assignment,
        max((s.max_score for s in data.submissions), default=0.0),
        [s.score for s in data.submissions],
    )
    unique = len(data.cells) == len({c.name for c in data.cells})
    cells = []
    for c in data.cells:
        found = [x for s in data.submissions for x in s.scores if (x.notebook, x.cell) == c.key]
        label = c.name if unique else f"{c.notebook}/{c.name}"
        scores = [x.score for x in found]
        cells.append(Distribution(label, c.max_score, scores, c.kind, sum(x.manual for x in found)))
    return total, cells


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


def _mistakes(data):
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
            MistakeCount(mid, fn, hint, sec, sorted(who[mid]), seen[mid], sorted(cells[mid]))
        )
    return sorted(out, key=lambda m: (-len(m.students), -m.occurrences, m.id))


def group_key(notebook, assignment, cell, name, output):
    parts = [cell, name or "-", output or "-"]
    return "/".join(parts if notebook == assignment else [notebook, *parts])


def _unmatched(data):
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


def _incidents(data):
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


def summarise(data):
    """The :class:`ClassReport` of one assignment's :class:`~.load.ClassData`."""
    total, cells = _distributions(data)
    unmatched, blamed = _unmatched(data)
    times = [
        NotebookTime(r.student, nb.name, nb.seconds)
        for r in data.results
        for nb in r.notebooks
        if not nb.unreadable  # nothing ran: its zero would only pull the median down
    ]
    return ClassReport(
        assignment=data.assignment,
        submissions=len(data.submissions),
        with_results=len(data.results),
        orphans=data.orphans,
        total=total,
        cells=cells,
        mistakes=_mistakes(data),
        unmatched=unmatched,
        blamed=blamed,
        incidents=_incidents(data),
        times=times,
    )
