"""The canonical nbgrader cells of a notebook: what the source says each tracked cell is.

The gradebook holds every tracked cell of the released notebook as nbgrader saved it
(answer stubs without solutions, test cells *with* their hidden tests). The order comes
from the source notebook when it can be read, else from the gradebook.
"""

import json
import os
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class CanonicalCell:
    """One tracked cell of the source notebook (``points`` is 0 for ungraded cells)."""

    grade_id: str
    cell_type: str
    source: str
    locked: bool = False
    solution: bool = False
    grade: bool = False
    task: bool = False
    points: float = 0.0
    checksum: str | None = None

    def to_json(self):
        return asdict(self)


def source_order(path):
    """The ``grade_id`` of every tracked cell of the notebook at ``path``, in order."""
    try:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
        ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb["cells"]]
        return [i for i in ids if i]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []


def canonical_cells(db_url, notebook_id, assignment_id, source_path=None):
    """``[CanonicalCell]`` of one notebook of the gradebook at ``db_url``, in source order."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        nb = gb.find_notebook(notebook_id, assignment_id)
        grades = {c.name: float(c.max_score) for c in nb.grade_cells}
        tasks = {c.name: float(c.max_score) for c in nb.task_cells}
        solutions = {c.name for c in nb.solution_cells}
        cells = [
            CanonicalCell(
                grade_id=s.name,
                cell_type=s.cell_type,
                source=s.source or "",
                locked=bool(s.locked),
                solution=s.name in solutions,
                grade=s.name in grades,
                task=s.name in tasks,
                points=grades.get(s.name, tasks.get(s.name, 0.0)),
                checksum=s.checksum,
            )
            for s in nb.source_cells
        ]
    order = source_order(source_path) if source_path and os.path.exists(source_path) else []
    rank = {g: i for i, g in enumerate(order)}
    return sorted(cells, key=lambda c: rank.get(c.grade_id, len(rank)))
