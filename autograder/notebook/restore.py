"""Rebuild a submission's nbgrader structure from the source, whatever the student did.

The *canonical* cells are the source notebook's nbgrader cells
(:class:`~autograder.notebook.canonical.CanonicalCell`, from the gradebook, in source
order). :func:`restore` returns a notebook in which

* every canonical cell appears exactly once, in source order, with canonical metadata
  and cell type (retyped cells are converted back, edited metadata is replaced);
* locked and grade cells carry the canonical source (hidden tests restored); a deleted
  one is put back; duplicates of them are dropped;
* an answer (solution) cell keeps the student's source (the last copy when duplicated;
  earlier copies stay as ordinary cells, as nbgrader does); a deleted one gets the stub;
* the student's own cells stay, each after the canonical cell it followed.

It never raises on a malformed submission cell and never leaves a cell needing manual
grading because of structure: the result always validates.
"""

import copy

from nbformat import from_dict, v4
from nbformat.v4.nbbase import random_cell_id


def _gid(cell):
    md = cell.get("metadata", {}).get("nbgrader")
    return md.get("grade_id") if isinstance(md, dict) else None


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def canonical_metadata(c):
    """The nbgrader metadata of canonical cell ``c``, as nbgrader writes it."""
    md = {
        "grade": bool(c.grade),
        "grade_id": c.grade_id,
        "locked": bool(c.locked),
        "schema_version": 3,
        "solution": bool(c.solution),
        "task": bool(c.task),
    }
    if c.grade or c.task:
        md["points"] = float(c.points)
    if c.checksum:
        md["checksum"] = c.checksum
    return md


def _make(cell_type, source, metadata=None):
    # Built directly: v4.new_code_cell validates every cell against the schema (~1 ms each,
    # a noticeable share of a notebook's grading); the restored notebook is validated whole.
    cell = {"id": random_cell_id(), "cell_type": cell_type, "metadata": {}, "source": source}
    if cell_type == "code":
        cell.update(outputs=[], execution_count=None)
    cell = from_dict(cell)
    if metadata:
        cell.metadata.update(metadata)
    return cell


def _free(cell):
    """A student cell with no (valid) nbgrader role: plain code or markdown, outputs cleared."""
    kind = cell.get("cell_type") if cell.get("cell_type") in ("code", "markdown", "raw") else "raw"
    new = v4.new_raw_cell(_source(cell)) if kind == "raw" else _make(kind, _source(cell))
    md = {k: v for k, v in dict(cell.get("metadata") or {}).items() if k != "nbgrader"}
    new.metadata.update(copy.deepcopy(md) if isinstance(md, dict) else {})
    return new


def restore(nb, canonical):
    """Return ``(restored_notebook, notes)``; ``notes`` lists what was repaired."""
    canon = {c.grade_id: c for c in canonical}
    notes, last_seen = [], {}
    cells = list(nb.get("cells") or [])
    for i, cell in enumerate(cells):
        g = _gid(cell)
        if g in canon:
            if g in last_seen:
                notes.append(f"duplicate of cell '{g}'")
            last_seen[g] = i
    anchored, anchor = {None: []}, None
    for i, cell in enumerate(cells):
        if not isinstance(cell, dict):
            continue
        g = _gid(cell)
        if g in canon and last_seen[g] == i:
            anchor = g
            anchored.setdefault(g, [])
        elif g in canon and not canon[g].solution:
            continue  # an extra copy of a locked / test cell: dropped
        else:
            if g is not None and g not in canon:
                notes.append(f"unknown cell id '{g}' treated as an ordinary cell")
            anchored.setdefault(anchor, []).append(_free(cell))
    out, pending = [], list(anchored[None])
    for c in canonical:
        g = c.grade_id
        student = cells[last_seen[g]] if g in last_seen else None
        if student is None:
            notes.append(f"missing cell '{g}' restored from the source")
        elif student.get("cell_type") != c.cell_type:
            notes.append(f"cell '{g}' changed type; restored as {c.cell_type}")
        keep_student = c.solution and student is not None and not c.locked
        src = _source(student) if keep_student else c.source
        new = _make(c.cell_type, src, {"nbgrader": canonical_metadata(c)})
        if student is not None:
            for k, v in dict(student.get("metadata") or {}).items():
                if k not in ("nbgrader", "editable", "deletable"):
                    new.metadata[k] = copy.deepcopy(v)
        if c.locked or c.grade:
            new.metadata["deletable"] = False
            if c.locked:
                new.metadata["editable"] = False
        if student is None and c.solution:
            out.append(new)  # a missing answer's stub goes *before* the student's own cells
            out.extend(pending)  # so a definition the student moved elsewhere still wins
        else:
            out.extend(pending)
            out.append(new)
        pending = list(anchored.get(g, []))
    out.extend(pending)
    result = v4.new_notebook(cells=out, metadata=copy.deepcopy(dict(nb.get("metadata") or {})))
    for i, cell in enumerate(result.cells):
        cell["id"] = f"cell-{i:04d}"  # deterministic, unique (duplicated ids fail validation)
    return result, notes
