"""Typed grading results: what every front door consumes (nbgrader, batch, report, exports).

One submission of one assignment is graded into a :class:`SubmissionResult`, made of one
:class:`NotebookResult` per expected notebook, made of one :class:`CellResult` per nbgrader
test cell, made of one :class:`NameResult` per ``grade("<name>", ...)`` call in that cell.
Every class serialises to plain JSON values with ``to_json()`` and back with
``from_json()``; the round trip is exact (``from_json(r.to_json()) == r``).

These objects carry only what the grader decided, never reference code, expected values
or hidden-test source: a result may be shown to anybody who may see the score.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

FORMAT = 1


@dataclass
class NameResult:
    """The verdict on one graded name (``"rnn_backward"``, ``"CaptioningRNN.loss:lstm"``).

    ``message`` is the one-line text shown to the student (``None`` when it passed).
    ``mistake`` is the id of the catalogue entry the outputs matched (a known mistake or a
    named convention), ``output`` the label of the first failing output, ``case`` the
    0-based hidden case it failed on, ``rel_error`` how far it was, ``cause`` the earlier
    graded function blamed for a composite's failure, ``via`` which sub-functions passed
    (``"own"``, ``"reference"``, or ``"reference forward"``: a backward right on the
    reference forward's cache while the student's forward fails its own test; ``None`` for
    names that have none).
    """

    name: str
    passed: bool
    message: str | None = None
    mistake: str | None = None
    output: str | None = None
    case: int | None = None
    rel_error: float | None = None
    cause: str | None = None
    via: str | None = None

    def to_json(self):
        return asdict(self)

    @classmethod
    def from_json(cls, d):
        return cls(**d)


@dataclass
class CellResult:
    """One nbgrader test cell: all-or-nothing ``points``; ``status`` says how it ended.

    ``status`` is ``"passed"``, ``"failed"`` (a graded name failed or the cell raised),
    ``"died"`` (the sandbox died in this cell or in a cell it needs) or ``"unreadable"``.
    """

    grade_id: str
    points: float
    passed: bool
    message: str | None = None
    status: str = "failed"
    names: list[NameResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def score(self):
        return self.points if self.passed else 0.0

    def to_json(self):
        d = asdict(self)
        d["names"] = [n.to_json() for n in self.names]
        return d

    @classmethod
    def from_json(cls, d):
        d = dict(d)
        d["names"] = [NameResult.from_json(n) for n in d.get("names", [])]
        return cls(**d)


@dataclass
class _CellEvent:
    """Something that happened at 1-based cell ``cell``, and why."""

    cell: int
    reason: str

    def to_json(self):
        return asdict(self)

    @classmethod
    def from_json(cls, d):
        return cls(**d)


@dataclass
class KernelDeath(_CellEvent):
    """The sandbox died at 1-based cell ``cell`` for ``reason`` ("timed out after 20 s")."""


@dataclass
class CellStop(_CellEvent):
    """The runner interrupted 1-based cell ``cell`` at its CPU or wall-clock limit, as stock
    nbgrader interrupts a kernel: an error in that cell, the sandbox lived on."""


@dataclass
class NotebookResult:
    """One notebook of a submission.

    ``notebook`` is the graded notebook as nbformat JSON text (outputs written, hidden tests
    removed), what ``autograded/`` receives; ``unreadable`` the reason a file could not be
    read (every cell then scores 0); ``notes`` the structure repairs made while restoring it;
    ``cell_seconds`` the cells' own run time in the sandbox, ``seconds`` the wall time.
    ``deaths`` lists every sandbox that died (a fresh one then ran the cells the remaining
    test cells need), ``stopped`` the cells interrupted at a limit; ``cells_skipped``
    counts the code cells not run (no test cell needs them, or after the last one);
    ``manual_points`` the points of the cells graded by hand (written answers, tasks), in
    neither ``score`` nor ``max_score``.
    """

    name: str
    cells: list[CellResult] = field(default_factory=list)
    deaths: list[KernelDeath] = field(default_factory=list)
    stopped: list[CellStop] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unreadable: str | None = None
    weak_sandbox: str | None = None
    cell_seconds: float = 0.0
    seconds: float = 0.0
    cells_run: int = 0
    cells_skipped: int = 0
    manual_points: float = 0.0
    notebook: str | None = None

    @property
    def score(self):
        return sum(c.score for c in self.cells)

    @property
    def max_score(self):
        return sum(c.points for c in self.cells)

    @property
    def died(self):
        """The first death's reason, or ``None``."""
        return self.deaths[0].reason if self.deaths else None

    @property
    def died_at(self):
        return self.deaths[0].cell if self.deaths else None

    def to_json(self):
        d = asdict(self)
        d["cells"] = [c.to_json() for c in self.cells]
        d["deaths"] = [k.to_json() for k in self.deaths]
        d["stopped"] = [k.to_json() for k in self.stopped]
        return d

    @classmethod
    def from_json(cls, d):
        d = dict(d)
        d["cells"] = [CellResult.from_json(c) for c in d.get("cells", [])]
        d["deaths"] = [KernelDeath.from_json(k) for k in d.get("deaths", [])]
        d["stopped"] = [CellStop.from_json(k) for k in d.get("stopped", [])]
        return cls(**d)


@dataclass
class SubmissionResult:
    """One student's submission of one assignment.

    ``status`` is ``"graded"`` or ``"error"`` (something for the instructor: a missing,
    renamed or unreadable notebook, a grader failure), with ``reason``. ``key`` identifies
    the submission's bytes and the assignment's source (re-runs skip unchanged ones).
    """

    student: str
    assignment: str
    key: str = ""
    status: str = "graded"
    reason: str | None = None
    notebooks: list[NotebookResult] = field(default_factory=list)
    seconds: float = 0.0
    format: int = FORMAT

    @property
    def score(self):
        return sum(n.score for n in self.notebooks)

    @property
    def max_score(self):
        return sum(n.max_score for n in self.notebooks)

    @property
    def manual_points(self):
        """Points graded by hand, outside ``score`` and ``max_score``."""
        return sum(n.manual_points for n in self.notebooks)

    def notebook(self, name):
        """The :class:`NotebookResult` named ``name`` (``KeyError`` if absent)."""
        for n in self.notebooks:
            if n.name == name:
                return n
        raise KeyError(name)

    def to_json(self):
        d = asdict(self)
        d["notebooks"] = [n.to_json() for n in self.notebooks]
        return d

    @classmethod
    def from_json(cls, d):
        d = dict(d)
        if d.get("format") != FORMAT:
            raise ValueError(f"result format {d.get('format')!r}, expected {FORMAT}")
        d["notebooks"] = [NotebookResult.from_json(n) for n in d.get("notebooks", [])]
        return cls(**d)
