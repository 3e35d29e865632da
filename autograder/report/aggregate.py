"""One assignment's class report as typed aggregates: scores, failures, incidents, time.

Counts are of *students* (a student who makes one mistake in two cells counts once for it)
unless a field says otherwise. Every aggregate keeps its students' ids (sorted) so that
``--names`` and ``--group`` can show them; the tables drop them by default.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from autograder.report import failures
from autograder.report.failures import FailureGroup, Incident, MistakeCount

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


def _distributions(data):
    total = Distribution(
        data.assignment,
        sum(c.max_score for c in data.cells),
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


def summarise(data):
    """The :class:`ClassReport` of one assignment's :class:`~.load.ClassData`."""
    total, cells = _distributions(data)
    unmatched, blamed = failures.unmatched(data)
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
        mistakes=failures.mistakes(data),
        unmatched=unmatched,
        blamed=blamed,
        incidents=failures.incidents(data),
        times=times,
    )
