"""The one call hidden tests make::

    from autograder.api import grade
    grade("rnn_backward", rnn_backward)

``grade`` returns ``None`` when the student's object matches the reference on
every hidden case of ``name`` (see :mod:`autograder.specs`), and otherwise
raises ``AssertionError`` with one line for the student: which output, what
is wrong with it, and the likely mistake when the catalogue knows it.

The work behind the call is pluggable so hidden tests never change: by default
it runs in this process (:func:`autograder.grader.grade_in_process`); a
hardened executor installs another backend with :func:`set_backend` (from its
kernel start-up code, before any student cell runs), for example one that
runs :func:`autograder.collect.collect` in the student's sandbox and
:func:`autograder.grader.judge` outside it.
"""

from autograder.outputs import GradingFailure

__all__ = ["GradingFailure", "grade", "set_backend"]

_backend = None


def set_backend(fn):
    """Use ``fn(name, obj)`` for every later :func:`grade` call (``None``: the default)."""
    global _backend
    _backend = fn


def _resolve():
    if _backend is not None:
        return _backend
    from autograder.grader import grade_in_process

    return grade_in_process


def grade(name, obj):
    """Grade ``obj`` (a function; the class for ``CaptioningRNN.*``) as ``name``."""
    __tracebackhide__ = True
    _resolve()(name, obj)
