"""Turn what the sandbox reported for a test cell into a verdict, computed here.

A test cell passes only when (1) every ``grade(name, ...)`` call in its restored source
produced outputs that :func:`autograder.grader.verdict` accepts against the reference, and
(2) the cell ran to the end without an error. (1) is checked here on plain arrays; the
sandbox can only make (2) stricter, never looser. The cell's outputs are rewritten so
that nbgrader's own rule (an ``error`` output scores 0, otherwise full points) gives the
score, and the message is one line with no traceback and no reference code.
"""

from autograder import collect, grader, specs
from autograder.results import NameResult

MAX_MESSAGE = 400


def one_line(text):
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


def _as_collected(name, msg):
    """A :class:`~autograder.collect.Collected` built from an untrusted message."""
    out = collect.Collected.from_wire(msg, specs.get(name).cases, clip=one_line)
    out.name = name
    return out


def _failed(judged, name, message):
    return message, [*judged, NameResult(name, False, message=message)]


def judge_cell(names, run):
    """``(message, [NameResult])``: ``message`` is ``None`` when the cell passes, else the
    one-line failure; the list holds the verdicts up to the first failing name."""
    if run.died:
        return f"kernel died while running this cell: {run.died}", []
    got = {}
    for msg in run.collected:
        n = msg.get("name")
        if isinstance(n, str) and n not in got:
            got[n] = msg
    err = f"{run.error[0]}: {run.error[1]}" if run.error else None
    judged = []
    for name in names:
        try:
            specs.get(name)
        except KeyError:
            return _failed(
                judged, name, f"{name}: unknown graded name (instructor: check the hidden tests)"
            )
        if name not in got:
            return _failed(judged, name, one_line(err or f"{name}: the hidden test did not run"))
        try:
            result = grader.verdict(_as_collected(name, got[name]))
        except Exception as e:  # a grader bug must not pass a student: fail closed, say so
            return _failed(
                judged, name, one_line(f"{name}: could not be graded ({type(e).__name__}: {e})")
            )
        if not result.passed:
            result.message = one_line(result.message)
            return result.message, [*judged, result]
        judged.append(result)
    return (one_line(err) if err else None), judged


def error_output(message, ename="AssertionError"):
    return {"output_type": "error", "ename": ename, "evalue": message, "traceback": [message]}


def grade_cell_outputs(run, message):
    """Outputs written into a test cell: the student's stdout (capped), then the verdict."""
    kept = [
        o for o in run.outputs if o.get("output_type") == "stream" and o.get("name") == "stdout"
    ]
    if message is not None:
        kept.append(error_output(message))
    return kept
