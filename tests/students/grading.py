"""Today's verdict on one student's graded name, in-process, as the notebook would get it.

The student's namespace is the kernel's (:mod:`students.kernel`); a name whose cell did not
run is undefined, so the test cell's ``grade("x", x)`` fails with ``NameError`` as in the
notebook. Otherwise the name is judged by :func:`autograder.grader.grade_in_process`.
"""

import importlib
import re
from dataclasses import dataclass

from students import kernel

# What a message must say for the Python 2 help to count as given (issue 9: "one-line help
# for Python 2 syntax and names numpy 2 removed").
PY2_HELP = {
    "python2.xrange": re.compile(r"(?<![\w`'\"])range\b"),  # mentions range, not only xrange
    "python2.print": re.compile(r"print\("),
    "python2.np_float": re.compile(r"float64|builtin|use `?float`?\b"),
}


@dataclass(frozen=True)
class Verdict:
    passed: bool
    message: str = ""
    mistake: str | None = None  # the grader's own mistake id, when it reports one


def verdict(student, name):
    """The grader's :class:`Verdict` on ``name`` for ``student`` (never raises for the student)."""
    from autograder import grader

    ns = kernel.namespace(student)
    slot = name.split(":")[0].split(".")[0]
    if slot not in ns:
        return Verdict(False, f"NameError: name {slot!r} is not defined")
    try:
        result = grader.grade_in_process(name, ns[slot], ns)
    except AssertionError as e:
        return Verdict(False, str(e), getattr(e, "mistake", None))
    if getattr(result, "passed", True) is False:  # a grader that returns a typed result
        return Verdict(False, result.message or "", getattr(result, "mistake", None))
    return Verdict(True)


def hint_of(expect):
    """The catalogue hint of mistake id ``expect``, or ``None`` when the catalogue lacks it."""
    base = importlib.import_module("autograder.mistakes.base")
    try:
        return base.find(expect).hint
    except KeyError:
        return None


def names(v, expect, alias=()):
    """True when failing verdict ``v`` names ``expect`` (or one of the ``alias`` ids): its id
    or hint, the Python 2 help, the text of ``"says:<text>"``; ``"loses"`` asks only that
    the points are lost."""
    if v.passed:
        return False
    if any(names(v, a) for a in alias):
        return True
    if expect == "loses":
        return True
    if expect.startswith("says:"):
        return expect[5:] in v.message
    if v.mistake == expect:
        return True
    if expect in PY2_HELP:
        return bool(PY2_HELP[expect].search(v.message))
    hint = hint_of(expect)
    return bool(hint) and hint in v.message


def lost_elsewhere(bug, student, base):
    """Graded names outside the bug's edited cells that ``base`` passes and ``student`` fails:
    where the bug costs points a second time (issue 9: "a bug costs points once")."""
    edited = {bug.slot, *(g for g, _ in bug.also)}
    return [
        n
        for n in student.names
        if n.split(":")[0].split(".")[0] not in edited
        and verdict(base, n).passed
        and not verdict(student, n).passed
    ]
