"""What a chapter ships to students besides its notebook: the helpers, and nothing else.

Every chapter folder that reaches a student (``release/<id>/``, the student edition, a
download bundle) holds ``<id>.ipynb``, the ``workbook`` helpers and ``requirements.txt``.
The helpers are the repository's ``workbook`` package less :data:`PRIVATE` (the gradcheck
chapter's answers, the course's reference for them) plus, for the chapters an instructor
has *closed* (:attr:`ShipHelpers.closed_chapters`, empty by default), their reference
layers as ``workbook/closed/<chapter>.py``, generated from ``solutions/`` at release time
(never into the closed chapter's own release, never a chapter that is not listed).

Stock nbgrader makes the complete release: ``nbgrader_config.py`` appends
:class:`ShipHelpers` to ``GenerateAssignment.preprocessors``, so ``nbgrader
generate_assignment <id>`` (``--force`` too, and formgrader's Generate button, which run
the same converter) writes the helpers next to the notebook.
"""

import ast
import os
import shutil
import tomllib
from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List, Unicode

PRIVATE = ("numgrad.py",)  # the gradcheck chapter's answers: the repository and the grader only
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "closed", *PRIVATE)
EXTRA_REQUIREMENTS = ("jupyterlab>=4",)  # to open the notebooks after a plain `pip install`


def workbook_dir(root="."):
    """The ``workbook`` package to ship: ``<root>/workbook`` or the installed one."""
    local = Path(root) / "workbook"
    if (local / "__init__.py").is_file():
        return local
    import workbook

    return Path(workbook.__file__).parent


def project(root="."):
    """``[project]`` of ``<root>/pyproject.toml`` (or of this checkout)."""
    path = Path(root) / "pyproject.toml"
    if not path.is_file():
        path = Path(__file__).resolve().parents[1] / "pyproject.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))["project"]


def requirements(root=".", wheel=None):
    """``requirements.txt`` of a chapter folder (pip and Binder read it)."""
    lines = [*project(root)["dependencies"], *EXTRA_REQUIREMENTS]
    if wheel:
        lines.append(f"./{wheel}")
    head = "# pip install -r requirements.txt   (Python 3.11; then: jupyter lab)\n"
    return head + "\n".join(lines) + "\n"


def _solutions_names():
    import solutions

    return {n: getattr(solutions, n) for n in solutions.__all__}


def closed_source(chapter, root="."):
    """Source of ``workbook/closed/<chapter>.py``: the reference answers of ``chapter`` and the
    given helpers they call (no other chapter's answer)."""
    from autograder import sync

    refs = _solutions_names()
    answers = {a for a in sync.chapter_answers(chapter, root) if a in refs}
    if not answers:
        raise ValueError(f"closed chapter {chapter!r}: no answer cell names a reference function")
    others = set()
    for path in sync.notebooks(root):
        other = Path(path).parent.name
        if other != chapter:
            others |= set(sync.chapter_answers(other, root))
    todo, names = sorted(answers), []
    while todo:
        name = todo.pop(0)
        if name in names:
            continue
        names.append(name)
        tree = ast.parse(sync.reference_source(refs[name]))
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        todo += sorted(u for u in used if u in refs and u not in others and u not in names)
    body = "\n\n".join(sync.reference_source(refs[n]) for n in reversed(names))
    doc = f'"""Reference layers of the {chapter} chapter, shipped after it closed."""\n\n'
    return doc + "import numpy as np\n\n\n" + body


def copy_helpers(dest, root=".", closed=(), chapter=None):
    """Write ``<dest>/workbook`` (public helpers and closed chapters) and ``requirements.txt``."""
    dest = Path(dest)
    target = dest / "workbook"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(workbook_dir(root), target, ignore=IGNORE)
    for other in closed:
        if other == chapter:
            continue  # a chapter's own release never holds its answers
        (target / "closed").mkdir(exist_ok=True)
        (target / "closed" / "__init__.py").write_text(
            '"""Reference layers of closed chapters."""\n'
        )
        (target / "closed" / f"{other}.py").write_text(closed_source(other, root))
    (dest / "requirements.txt").write_text(requirements(root))
    return target


class ShipHelpers(NbGraderPreprocessor):
    """``generate_assignment`` step: put the helpers next to the released notebook."""

    closed_chapters = List(
        Unicode(),
        default_value=[],
        help="Chapters whose reference layers are shipped to later chapters (book/instructor.md)",
    ).tag(config=True)

    def preprocess(self, nb, resources):
        assignment = resources["nbgrader"]["assignment"]
        coursedir = CourseDirectory(config=self.config)
        dest = coursedir.format_path(coursedir.release_directory, ".", assignment)
        os.makedirs(dest, exist_ok=True)
        copy_helpers(dest, coursedir.root, self.closed_chapters, chapter=assignment)
        self.log.info("Shipped the workbook helpers into %s", dest)
        return nb, resources
