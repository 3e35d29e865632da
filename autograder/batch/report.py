"""What the instructor sees: a progress bar on stderr and one status row per student.

On a terminal the bar is ``tqdm``'s; elsewhere (a log file, CI) each finished student is
one plain line ``[k/n] label``. The table is ``tabulate``'s, one :class:`Row` per student.
"""

import sys
from dataclasses import dataclass, field

from tabulate import tabulate
from tqdm import tqdm

from autograder.results import SubmissionResult


@dataclass
class Row:
    """One student's line of the status table, made from their typed result."""

    student: str
    status: str  # "graded" / "error", plus " (unchanged, skipped)" when not regraded
    score: float | None
    max_score: float | None
    detail: str
    result: SubmissionResult | None = field(default=None, repr=False)

    @classmethod
    def of(cls, result, skipped=False, failure=None):
        """The row of ``result``; ``failure``: the grades could not be saved (why)."""
        if failure:
            return cls(result.student, "error", None, None, failure, result)
        details = []
        for nb in result.notebooks:
            details += [f"{nb.name}: kernel died at cell {d.cell} ({d.reason})" for d in nb.deaths]
            details += [f"{nb.name}: cell {d.cell} stopped ({d.reason})" for d in nb.stopped]
            details += [f"{nb.name}: repaired: {note}" for note in nb.notes]
        detail = result.reason or "" if result.status == "error" else "; ".join(details)
        status = result.status + (" (unchanged, skipped)" if skipped else "")
        return cls(result.student, status, result.score, result.max_score, detail, result)


class Progress:
    def __init__(self, total, stream=None):
        self.total, self.done = total, 0
        self.stream = stream or sys.stderr
        self.bar = None
        if self.stream.isatty():
            self.bar = tqdm(total=total, file=self.stream, unit="nb", dynamic_ncols=True)

    def step(self, label):
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(label[:30], refresh=False)
            self.bar.update(1)
            if self.done == self.total:
                self.bar.close()
        else:
            self.stream.write(f"[{self.done}/{self.total}] {label}\n")
            self.stream.flush()


def _score(row):
    if row.score is None:
        return "-"
    manual = row.result.manual_points if row.result is not None else 0
    return f"{row.score:g}/{row.max_score:g}" + (f" (+{manual:g} by hand)" if manual else "")


def table(rows, stream=None):
    """Print ``rows`` (:class:`Row`) as aligned columns: student, status, score, detail."""
    stream = stream or sys.stdout
    lines = [
        (
            r.student,
            r.status,
            _score(r),
            r.detail,
        )
        for r in rows
    ]
    text = tabulate(
        lines,
        headers=("student", "status", "score", "detail"),
        tablefmt="plain",
        disable_numparse=True,
    )
    stream.write(text + "\n")
