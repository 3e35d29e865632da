"""Stock nbgrader reads a submission folder through links, pipes and devices: not any more.

nbgrader 0.9 reads three things from ``submitted/<student>/<assignment>/`` (and, for
``generate_feedback``, from ``autograded/``) besides the notebooks, which our exporter
reads through :func:`autograder.intake.load_submission`:

* ``BaseConverter.init_assignment`` copies every other file with ``shutil.copy``, which
  follows a symbolic link (a root-only file's bytes land in ``autograded/`` and then in
  ``feedback/``) and blocks forever on a named pipe;
* ``CourseDirectory.get_existing_timestamp`` opens ``timestamp.txt`` and reads it whole.

:func:`install` (called by :func:`autograder.nbgrader_ext.config.apply`) replaces the
copy for ``autograde`` and ``generate_feedback`` with :func:`autograder.intake.copy_extras`
(regular, small, not a web page) and the timestamp read with
:func:`autograder.intake.read_timestamp`. Other converters (``generate_assignment`` copies
the instructor's own files) keep nbgrader's code. Idempotent.
"""

import functools

_MARK = "_autograder_safe_files"


def _safe_init_assignment(original):
    @functools.wraps(original)
    def init_assignment(self, assignment_id, student_id):
        from nbgrader.converters import Autograde, GenerateFeedback

        if not isinstance(self, (Autograde, GenerateFeedback)):
            return original(self, assignment_id, student_id)
        from autograder import intake

        source = self._format_source(assignment_id, student_id)
        dest = self._format_dest(assignment_id, student_id)
        refused = intake.copy_extras(source, dest, self.coursedir.ignore + ["*.ipynb"])
        for rel, reason in refused:
            self.log.warning("%s/%s: extra file %s: %s", student_id, assignment_id, rel, reason)

    setattr(init_assignment, _MARK, True)
    return init_assignment


def _safe_timestamp(self, dest_path):
    """``CourseDirectory.get_existing_timestamp`` reading only a regular, small file."""
    import os

    from nbgrader.utils import parse_utc

    from autograder import intake

    path = os.path.join(dest_path, "timestamp.txt")
    if not os.path.lexists(path):
        return None
    text = intake.read_timestamp(dest_path)
    if not text:
        self.log.warning("Empty or unreadable timestamp file (not a small regular file): %s", path)
        return None
    try:
        return parse_utc(text)
    except ValueError:
        self.fail(f"Invalid timestamp string: {path}")


setattr(_safe_timestamp, _MARK, True)


def install():
    from nbgrader.converters.base import BaseConverter
    from nbgrader.coursedir import CourseDirectory

    if not getattr(BaseConverter.init_assignment, _MARK, False):
        BaseConverter.init_assignment = _safe_init_assignment(BaseConverter.init_assignment)
    if not getattr(CourseDirectory.get_existing_timestamp, _MARK, False):
        CourseDirectory.get_existing_timestamp = _safe_timestamp
