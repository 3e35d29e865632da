"""Why unhardened stock ``nbgrader autograde`` scores a test cell differently from ours.

``bench_class.py`` compares the two graders on the correct, mistake and blank notebooks.
Stock (nbgrader without the hardened configuration) is *broken by design* on a test cell
when that cell's verdict did not come from its hidden tests on this notebook's own
answers; each differing cell gets one :attr:`CellDiff.cause`:

* ``visible check``: stock's error was raised after ``### END HIDDEN TESTS``, in the
  visible checks a student runs, which stock runs in the student's kernel as part of the
  cell (ours runs a test cell up to the end of its hidden tests: issue 9's "a bug costs its
  own cell only");
* ``earlier chapter``: the cell's graded function uses a layer carried over
  (``carry_over``) from an earlier chapter that, in this student's own notebook, is not
  the reference answer (or the notebook is unreadable: stock's carry_over then leaves a
  stand-in); ours grades with the reference layers in their place;
* ``unexplained``: anything else, stock higher included. The benchmark's target needs none.

    python benchmarks/stock_diff.py <folder kept by bench_class.py --keep>
"""

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import course, specs
from autograder.notebook import cells as nbcells
from autograder.notebook.hidden import DEFAULT
from autograder.sync import HIDDEN_END, carried_manifest

CAUSES = ("visible check", "earlier chapter", "unexplained")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_AT = re.compile(r"^Cell In\[\d+\], line (\d+)", re.M)


@dataclass(frozen=True)
class CellDiff:
    """One test cell scored differently by stock and by ours."""

    student: str
    assignment: str
    grade_id: str
    stock: float | None
    ours: float | None
    cause: str


def error_line(cell):
    """Line (1-based) of the test cell where stock's error was raised, or ``None``."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            m = _AT.search(_ANSI.sub("", "\n".join(out.get("traceback", []))))
            return int(m.group(1)) if m else None
    return None


def hidden_end(source):
    """Line (1-based) of the last ``### END HIDDEN TESTS`` in ``source``, or ``None``."""
    ends = [i for i, ln in enumerate(source.splitlines(), 1) if HIDDEN_END in ln]
    return ends[-1] if ends else None


def _answers(path):
    """``{grade_id: source}`` of the answer cells of notebook ``path`` (``None``: unreadable)."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - a truncated or missing submission
        return None
    answers = [c for c in nb.cells if nbcells.nbgrader_md(c).get("solution")]
    return {nbcells.grade_id(c): c.source for c in answers}


def _uses(source):
    """Names a test cell's graded functions use: the graded names and their swaps."""
    out = set()
    for name in nbcells.grade_names(DEFAULT.graded_part(source)):
        try:
            spec = specs.resolve(name).spec
        except KeyError:
            continue
        out |= {*spec.uses, *spec.swap}
    return out


class Explainer:
    """Per assignment: its test cells, and which carried (chapter, name) each one uses."""

    def __init__(self, root):
        self.root = Path(root)
        self.carried = {}  # assignment -> {grade_id: {(chapter, name), ...}}
        self.tests = {}  # assignment -> [grade_id of each test cell, in order]
        self.reference = {}  # assignment -> {grade_id: answer-cell source}
        for a in course.load().ids:
            path = self.root / "assignments" / a / f"{a}.ipynb"
            nb, self.reference[a] = nbformat.read(path, as_version=4), _answers(path)
            code = [c for c in nb.cells if c.cell_type == "code"]
            carried = [m for c in code if (m := carried_manifest(c.source))]
            tests = [c for c in code if nbcells.is_grade_cell(c)]
            self.tests[a] = [nbcells.grade_id(c) for c in tests]
            self.carried[a] = {}
            for c in tests:
                uses = _uses(c.source)
                self.carried[a][nbcells.grade_id(c)] = {
                    (ch, n) for ch, ns in carried for n in ns if n in uses
                }

    def _chapter_wrong(self, student, chapter, names):
        mine = _answers(self.root / "submitted" / student / chapter / f"{chapter}.ipynb")
        ref = self.reference[chapter]
        return mine is None or any(mine.get(n) != ref.get(n) for n in names)

    def cause(self, student, assignment, cell, stock, ours):
        """The :data:`CAUSES` entry of stock's autograded test ``cell``."""
        if stock is None or ours is None or stock > ours:
            return "unexplained"
        line, end = error_line(cell), hidden_end(cell.source)
        if line is not None and end is not None and line > end:
            return "visible check"
        needed = self.carried[assignment].get(nbcells.grade_id(cell), ())
        by_chapter = {}
        for chapter, name in needed:
            by_chapter.setdefault(chapter, []).append(name)
        if any(self._chapter_wrong(student, ch, ns) for ch, ns in by_chapter.items()):
            return "earlier chapter"
        return "unexplained"


def differences(stock_root, stock_scores, ours_scores, keys):
    """:class:`CellDiff` of every test cell of ``keys`` ((student, id) pairs) that the two
    graders score differently. ``*_scores``: ``{(student, id, grade_id): score}``."""
    ex, out = Explainer(stock_root), []
    for student, a in sorted(keys):
        path = Path(stock_root) / "autograded" / student / a / f"{a}.ipynb"
        graded = nbformat.read(path, as_version=4).cells if path.exists() else []
        graded = {nbcells.grade_id(c): c for c in graded if nbcells.is_grade_cell(c)}
        for gid in ex.tests[a]:
            st, ou = stock_scores.get((student, a, gid)), ours_scores.get((student, a, gid))
            if st is not None and ou is not None and abs(st - ou) < 1e-9:
                continue
            cell = graded.get(gid)
            cause = "unexplained" if cell is None else ex.cause(student, a, cell, st, ou)
            out.append(CellDiff(student, a, gid, st, ou, cause))
    return out


def cell_scores(root):
    """``{(student, id, grade cell): auto score}`` from ``root``'s gradebook."""
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{Path(root) / 'gradebook.db'}") as gb:
        for a in course.load().ids:
            for sub in gb.assignment_submissions(a):
                for nb in sub.notebooks:
                    for g in nb.grades:
                        out[(sub.student.id, a, g.name)] = g.auto_score
    return out


def ours_cell_scores(root):
    """``{(student, id, grade_id): score}`` of the test cells in ours' stored results."""
    from autograder.store import load_results

    return {
        (r.student, a, c.grade_id): c.score
        for a in course.load().ids
        for r in load_results(root, a)
        for nb in r.notebooks
        for c in nb.cells
    }


def summary(diffs):
    """One line: the differing cells by cause, with the unexplained ones listed."""
    counts = {c: sum(d.cause == c for d in diffs) for c in CAUSES}
    parts = ", ".join(f"{c}: {n}" for c, n in counts.items())
    odd = [(d.student, d.assignment, d.grade_id, d.stock, d.ours) for d in diffs
           if d.cause == "unexplained"]  # fmt: skip
    listed = f"; unexplained: {odd[:10]}" if odd else ""
    return f"{len(diffs)} test cells differ ({parts}){listed}"


def main(argv=None):
    """Explain the differing cells of a class kept by ``bench_class.py --keep``."""
    import bench_class

    (kept,) = argv if argv is not None else sys.argv[1:]
    stock, ours = Path(kept) / "stock", Path(kept) / "ours"
    kinds = bench_class.kinds_of(stock)
    keys = [k for k, kind in kinds.items() if kind in bench_class.COMPARED]
    diffs = differences(stock, cell_scores(stock), ours_cell_scores(ours), keys)
    print(f"{len(keys)} notebooks compared (correct, mistake1, mistake2, blank)")
    print(summary(diffs))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
