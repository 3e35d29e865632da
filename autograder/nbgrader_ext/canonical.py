"""The canonical nbgrader cells of a notebook, from the gradebook, in source order.

The gradebook holds every tracked cell of the released notebook as nbgrader saved it
(answer stubs without solutions, test cells *with* their hidden tests). The order comes
from the source notebook when it can be read, else from the gradebook.
"""

import json
import os

from nbgrader.api import Gradebook


def source_order(path):
    try:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
        ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb["cells"]]
        return [i for i in ids if i]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []


def canonical_cells(db_url, notebook_id, assignment_id, source_path=None):
    with Gradebook(db_url) as gb:
        nb = gb.find_notebook(notebook_id, assignment_id)
        grades = {c.name: float(c.max_score) for c in nb.grade_cells}
        tasks = {c.name: float(c.max_score) for c in nb.task_cells}
        solutions = {c.name for c in nb.solution_cells}
        cells = [
            {
                "grade_id": s.name,
                "cell_type": s.cell_type,
                "source": s.source or "",
                "locked": bool(s.locked),
                "checksum": s.checksum,
                "solution": s.name in solutions,
                "grade": s.name in grades,
                "task": s.name in tasks,
                "points": grades.get(s.name, tasks.get(s.name, 0.0)),
            }
            for s in nb.source_cells
        ]
    order = source_order(source_path) if source_path and os.path.exists(source_path) else []
    rank = {g: i for i, g in enumerate(order)}
    return sorted(cells, key=lambda c: rank.get(c["grade_id"], len(rank)))


def source_path_for(preprocessor, assignment_id, notebook_id):
    """The source notebook path via the converter's course directory (or ``None``)."""
    conv = getattr(getattr(preprocessor, "parent", None), "parent", None)
    coursedir = getattr(conv, "coursedir", None)
    if coursedir is None:
        return None
    d = coursedir.format_path(coursedir.source_directory, ".", assignment_id)
    return os.path.join(d, f"{notebook_id}.ipynb")
