"""The course the batch grades: nbgrader's course directory and configuration, read once.

``nbgrader_config.py`` in the course root is loaded with traitlets, as nbgrader does; a
missing or broken file is a :class:`UsageError` (one line, nothing graded).
"""

import os
from dataclasses import dataclass
from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder.nbgrader_ext import safe_files
from autograder.nbgrader_ext.utils import hidden_tests
from autograder.notebook.hidden import HiddenTests


class UsageError(Exception):
    """The command cannot start (bad configuration, unknown assignment): nothing was graded."""


@dataclass
class Course:
    """The course root's :class:`CourseDirectory`, its configuration and delimiters."""

    cd: CourseDirectory
    config: Config
    hidden: HiddenTests

    @property
    def root(self):
        return self.cd.root

    def submitted(self, student, assignment):
        return self.cd.format_path(self.cd.submitted_directory, student, assignment)

    def autograded(self, student, assignment):
        return self.cd.format_path(self.cd.autograded_directory, student, assignment)

    def source(self, assignment, notebook):
        d = self.cd.format_path(self.cd.source_directory, ".", assignment)
        return os.path.join(d, f"{notebook}.ipynb")

    def students(self, assignment):
        """Students with a submission folder for ``assignment``, sorted."""
        base = Path(self.cd.root) / self.cd.submitted_directory
        return sorted(p.parent.name for p in base.glob(f"*/{assignment}") if p.is_dir())


def open_course(root):
    root = os.path.abspath(root)
    if not os.path.isfile(os.path.join(root, "nbgrader_config.py")):
        raise UsageError(f"no nbgrader_config.py in {root}: run in the course root or use --root")
    try:
        cfg = PyFileConfigLoader("nbgrader_config.py", path=root).load_config()
    except Exception as e:  # the instructor's config file: say which error, no traceback dump
        raise UsageError(f"{root}/nbgrader_config.py failed: {type(e).__name__}: {e}") from None
    safe_files.install()  # timestamp.txt read as a small regular file only
    cd = CourseDirectory(config=cfg)
    cd.root = root
    return Course(cd, cfg, hidden_tests(cfg))
