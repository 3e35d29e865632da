"""The report's numbers as tables: one :class:`Table` is written both as HTML and as CSV.

Cells hold typed values (``int``, ``float``, ``str``, ``None``, or a :class:`Link`); each
writer formats them (the CSV plainly, the HTML for people: rates as percentages). Student
ids are columns only when ``names`` is true.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass
class Table:
    """``name`` is the CSV file stem and the HTML table id; ``kinds[i]`` says how column
    ``i`` is shown: ``text``, ``int``, ``num``, ``rate``, ``seconds``, ``link`` or ``code``."""

    name: str
    title: str
    columns: list[str]
    kinds: list[str]
    rows: list[list] = field(default_factory=list)


def _ids(students):
    return " ".join(students)


def summary(rep):
    rate = rep.total.pass_rate
    rows = [
        ["graded submissions (gradebook)", rep.submissions],
        ["submissions with a stored grading result", rep.with_results],
        ["maximum score", rep.total.max_score],
        ["median score", rep.total.median],
        ["full marks (%)", None if rate is None else round(100 * rate, 2)],
        ["notebooks timed", len(rep.times)],
        ["median grading time per notebook (s)", rep.median_seconds],
        ["failures blamed on an earlier function", rep.blamed],
        ["stored results without a gradebook submission", rep.orphans],
    ]
    return Table("summary", "Summary", ["metric", "value"], ["text", "num"], rows)


def histogram(rep):
    rows = [[lo, hi, n] for lo, hi, n in rep.total.histogram()]
    cols = ["score_from", "score_to", "students"]
    return Table("score_histogram", "Total score histogram", cols, ["num", "num", "int"], rows)


def cells(rep):
    cols = ["cell", "kind", "max_score", "submissions", "median", "full_marks", "manual"]
    kinds = ["code", "text", "num", "int", "num", "rate", "int"]
    rows = [
        [d.label, d.kind, d.max_score, len(d.scores), d.median, d.pass_rate, d.manual]
        for d in rep.cells
    ]
    return Table("cells", "Per graded cell", cols, kinds, rows)


def mistakes(rep, base, names=False):
    cols = ["rank", "mistake", "kind", "students", "occurrences", "hint", "section"]
    kinds = ["int", "code", "text", "int", "int", "text", "link"]
    rows = []
    for i, m in enumerate(rep.mistakes, start=1):
        sec = Link(m.section.title, m.section.url(base)) if m.section else None
        hint = m.hint or "(not in the current mistake catalogue)"
        rows.append([i, m.id, m.kind, len(m.students), m.occurrences, hint, sec])
    return _with_ids(
        Table("mistakes", "Diagnosed mistakes", cols, kinds, rows), rep.mistakes, names
    )


def unmatched(rep, command, names=False):
    cols = ["group", "cell", "name", "output", "students", "median_rel_error", "command"]
    kinds = ["code", "code", "code", "code", "int", "num", "code"]
    rows = [
        [
            g.key,
            g.cell,
            g.name,
            g.output,
            len(g.students),
            g.median_rel_error,
            f"{command} --group {shlex.quote(g.key)}",
        ]  # fmt: skip
        for g in rep.unmatched
    ]
    table = Table("unmatched", "Failures that matched no known mistake", cols, kinds, rows)
    return _with_ids(table, rep.unmatched, names)


def robustness(rep, names=False):
    cols, kinds = ["kind", "cause", "notebooks", "students"], ["text", "text", "int", "int"]
    rows = [[i.kind, i.cause, i.notebooks, len(i.students)] for i in rep.incidents]
    return _with_ids(Table("robustness", "Robustness", cols, kinds, rows), rep.incidents, names)


def slowest(rep, names=False):
    cols, kinds = ["rank", "notebook", "seconds"], ["int", "code", "seconds"]
    rows = [[i, t.notebook, t.seconds] for i, t in enumerate(rep.slowest, start=1)]
    table = Table("slowest", "Slowest notebooks", cols, kinds, rows)
    if names:
        table.columns.append("student")
        table.kinds.append("code")
        for row, t in zip(table.rows, rep.slowest, strict=True):
            row.append(t.student)
    return table


def _with_ids(table, items, names):
    if names:
        table.columns.append("student_ids")
        table.kinds.append("code")
        for row, item in zip(table.rows, items, strict=True):
            row.append(_ids(item.students))
    return table


def all_tables(rep, base, command, names=False):
    """Every table of the report, in page order."""
    return [
        summary(rep),
        histogram(rep),
        cells(rep),
        mistakes(rep, base, names),
        unmatched(rep, command, names),
        robustness(rep, names),
        slowest(rep, names),
    ]
