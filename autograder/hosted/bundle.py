"""What a hosted autograder (Gradescope, PrairieLearn) carries, and how it is written.

A context holds the grader's own source (:data:`GRADER_SOURCES`: the same files the Dask
workers' digest covers), ``assignment.json`` (a :class:`HostedAssignment`: the canonical
cells of the assignment from the course's gradebook, the hidden-test delimiters, the
course's limits, how results are shown) and ``requirements.txt`` (the exact pins of
``requirements.lock`` for what grading imports, and nothing else: no nbgrader, no
Jupyter Book). The project is not pip-installed in the image: the grader runs with the
source on its ``PYTHONPATH``, which only root may read, so student code (an unprivileged
user in the weak fallback) cannot import ``solutions``.
"""

import json
import re
import shutil
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

from autograder.notebook.canonical import CanonicalCell
from autograder.notebook.hidden import HiddenTests

ROOT = Path(__file__).resolve().parents[2]
GRADER_SOURCES = ("course.toml", "autograder", "solutions", "workbook")
# What grading imports besides the project's own dependencies (pyproject.toml).
RUNTIME = ("nbformat", "traitlets", "ipython", "nbconvert", "nh3")
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
SPEC = "assignment.json"


@dataclass
class HostedAssignment:
    """Everything a hosted run needs about one assignment besides the grader's code."""

    assignment: str
    notebooks: dict[str, list[CanonicalCell]]
    hidden: HiddenTests = field(default_factory=HiddenTests)
    limits: dict = field(default_factory=dict)  # {name: value} of the course's Limits
    hidden_visibility: str = "after_due_date"  # Gradescope visibility of hidden-test cells

    def to_json(self):
        d = asdict(self)
        d["notebooks"] = {n: [c.to_json() for c in cells] for n, cells in self.notebooks.items()}
        return d

    @classmethod
    def from_json(cls, d):
        d = dict(d)
        d["notebooks"] = {
            n: [CanonicalCell(**c) for c in cells] for n, cells in d["notebooks"].items()
        }
        d["hidden"] = HiddenTests(**d["hidden"])
        return cls(**d)

    def save(self, folder):
        Path(folder, SPEC).write_text(json.dumps(self.to_json(), indent=1))

    @classmethod
    def load(cls, folder):
        return cls.from_json(json.loads(Path(folder, SPEC).read_text()))


def of_course(root, assignment, hidden_visibility="after_due_date"):
    """The :class:`HostedAssignment` of ``assignment`` in the course at ``root``."""
    from nbgrader.api import Gradebook

    from autograder.batch.coursedir import UsageError, open_course
    from autograder.batch.plan import assignment_cells
    from autograder.sandbox.limits import Limits

    if hidden_visibility not in VISIBILITIES:
        raise UsageError(f"visibility must be one of {', '.join(VISIBILITIES)}")
    course = open_course(root)
    with Gradebook(course.cd.db_url, course.cd.course_id) as gb:
        cells = assignment_cells(course, gb, assignment)
    limits = Limits.load(course.config)
    values = {n: getattr(limits, n) for n in Limits.names()}
    return HostedAssignment(assignment, cells, course.hidden, values, hidden_visibility)


def _name(requirement):
    return re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0]


def _key(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(lock=ROOT / "requirements.lock"):
    """The lines of ``requirements.lock`` that grading needs (its import closure), sorted."""
    from packaging.markers import Marker

    pins = {}
    for line in Path(lock).read_text().splitlines():
        if "==" in line:
            pins[_key(line.split("==")[0])] = line.strip()
    todo = [_name(r) for r in metadata.requires("backprop-workbook") or [] if "extra ==" not in r]
    todo += list(RUNTIME)
    seen = set()
    while todo:
        key = _key(todo.pop())
        if key in seen:
            continue
        seen.add(key)
        if key not in pins:
            raise ValueError(f"{key} is needed for grading but not pinned in {lock}")
        for req in metadata.requires(key) or []:
            name, _, marker = req.partition(";")
            if marker and not Marker(marker).evaluate({"extra": ""}):
                continue
            todo.append(_name(name))
    return sorted((pins[k] for k in seen), key=str.lower)


def write_source(dest):
    """Copy :data:`GRADER_SOURCES` of this checkout into ``dest`` (no caches, no data)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for rel in GRADER_SOURCES:
        src = ROOT / rel
        if src.is_dir():
            shutil.copytree(src, dest / rel, ignore=ignore, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dest / rel)


def write_context(dest, spec):
    """The files every hosted context shares: source, ``assignment.json``, requirements."""
    write_source(dest)
    spec.save(dest)
    Path(dest, "requirements.txt").write_text("\n".join(requirements()) + "\n")
