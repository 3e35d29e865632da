"""What the reference solution's run of each cell costs: the cells' CPU bounds.

Once per assignment notebook, the *source* notebook (solutions and hidden tests in place)
runs in the sandbox like a submission (:func:`measure`), and the runner's CPU seconds for
each cell are kept (:class:`ReferenceCosts`), cached next to the results in
``<root>/.autograder/<assignment>/costs-<notebook>-<digest>.json``; the digest covers the
canonical cells and the source notebook's bytes, so a changed source is measured again.

A submitted cell may then use ``max(Limits.cell_cpu_floor, Limits.cell_cpu_factor x`` the
reference's CPU seconds for the same cell``)`` (:meth:`ReferenceCosts.bound`): the same
cell is the cell with the same nbgrader ``grade_id`` (answer, test and given cells), else
a source cell with the same code (the import cell). The student's own cells get the bound
of the source's costliest cell. A busy loop then costs seconds, not the whole
``cell_timeout`` (which still bounds sleeping or blocked cells).
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.notebook.cells import grade_id, is_grade_cell, to_python
from autograder.notebook.hidden import DEFAULT

FORMAT = 1


def _code_key(source):
    return hashlib.sha256(source.encode()).hexdigest()[:24]


def _run_source(cell, hidden):
    src = hidden.graded_part(cell.source) if is_grade_cell(cell) else cell.source
    return to_python(src)


@dataclass
class ReferenceCosts:
    """CPU seconds of the reference run of one source notebook's cells."""

    by_id: dict = field(default_factory=dict)  # grade_id -> seconds
    by_code: dict = field(default_factory=dict)  # digest of the code as run -> seconds
    digest: str = ""
    hidden: object = field(default=DEFAULT, repr=False, compare=False)

    def reference(self, cell):
        """The reference's CPU seconds for ``cell`` (``None``: no such cell in the source)."""
        gid = grade_id(cell)
        if gid in self.by_id:
            return self.by_id[gid]
        return self.by_code.get(_code_key(_run_source(cell, self.hidden)))

    def bound(self, cell, number, limits):
        """CPU seconds ``cell`` (1-based ``number``) may use when it is graded."""
        ref = self.reference(cell)
        if ref is None:
            ref = max([*self.by_id.values(), *self.by_code.values()], default=0.0)
        return max(limits.cell_cpu_floor, limits.cell_cpu_factor * ref)

    def to_json(self):
        by_id, by_code = self.by_id, self.by_code
        return {"format": FORMAT, "by_id": by_id, "by_code": by_code, "digest": self.digest}

    @classmethod
    def from_json(cls, d, hidden=DEFAULT):
        if d.get("format") != FORMAT:
            raise ValueError("another format")
        by_id = {str(k): float(v) for k, v in d["by_id"].items()}
        by_code = {str(k): float(v) for k, v in d["by_code"].items()}
        return cls(by_id, by_code, str(d.get("digest", "")), hidden)


def measure(nb, limits, hidden=DEFAULT):
    """Run source notebook ``nb`` in the sandbox; its :class:`ReferenceCosts`."""
    from autograder.notebook.run import reference_run

    cpu = reference_run(nb, limits, hidden)
    costs = ReferenceCosts(hidden=hidden)
    for number, seconds in cpu.items():
        cell = nb.cells[number - 1]
        gid = grade_id(cell)
        if gid:
            costs.by_id[gid] = round(seconds, 4)
        else:
            key = _code_key(_run_source(cell, hidden))
            costs.by_code[key] = round(max(seconds, costs.by_code.get(key, 0.0)), 4)
    return costs


def for_source(path, state_dir, limits, hidden=DEFAULT, canonical_digest=""):
    """The cached :class:`ReferenceCosts` of the source notebook at ``path`` (measured and
    cached in ``state_dir`` when missing); ``None`` when the source cannot be read."""
    from autograder.store import write_atomic

    path = Path(path)
    try:
        raw = path.read_bytes()
        nb = nbformat.reads(raw.decode(), as_version=4)
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    digest = hashlib.sha256(f"{FORMAT}:{canonical_digest}:".encode() + raw).hexdigest()
    cache = Path(state_dir) / f"costs-{path.stem}-{digest[:16]}.json"
    try:
        return ReferenceCosts.from_json(json.loads(cache.read_text()), hidden)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    costs = measure(nb, limits, hidden)
    costs.digest = digest
    cache.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(cache, json.dumps(costs.to_json(), sort_keys=True).encode())
    return costs
