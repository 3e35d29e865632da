"""What issue 13's overhead work keeps from one notebook to the next, and that it leaks nothing.

* The diagnosis keeps each mutant's outputs on each hidden case (:func:`autograder.diagnose._run`,
  keyed by the graded name, the case and the impl's objects): students graded one after the
  other with different mistakes (or none the catalogue knows) are each told their own, and
  another impl (another reference or mutant object) is run again, not served stale outputs.
* The published notebook's copy (:meth:`HiddenTests.stripped_copy`) is what the JSON text
  round trip it replaces gave, on notebooks with hidden tests, outputs, split lines, bytes,
  non-ASCII text, NaN and transient metadata.
* The warm fork server preloads ``numpy.random`` and the specs (what every child imported
  for itself before): a child finds them imported, a student's changes to them do not reach
  the next student, and every child's global RNG is seeded afresh.
"""

import json
import os
import sys
import types
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course  # noqa: E402

from autograder import diagnose, grader, specs  # noqa: E402
from autograder.mistakes.base import build_function, build_mutants, find  # noqa: E402


def _message(name, obj):
    graded = specs.resolve(name)
    ns = {u: build_function(u) for u in graded.spec.uses}
    ns[graded.slot] = obj
    with pytest.raises(AssertionError) as e:
        grader.grade_in_process(name, obj, ns)
    return str(e.value)


def test_students_graded_in_turn_are_each_told_their_own_mistake():
    diagnose._RUNS.clear()
    a, b = find("log_softmax.log_of_softmax"), find("log_softmax.missing_logsumexp")
    student_a, student_b = build_mutants(a)[0], build_mutants(b)[0]
    for _ in range(2):  # the second round is served from the kept runs
        assert _message("log_softmax", student_a).endswith(f" — {a.label}: {a.hint}")
        assert _message("log_softmax", student_b).endswith(f" — {b.label}: {b.hint}")
        unknown = _message("log_softmax", lambda x: x * 0.0 + 1.0)  # no catalogue mistake
        assert a.hint not in unknown and b.hint not in unknown
    assert diagnose._RUNS  # the runs were kept


def test_a_kept_run_is_only_for_the_same_objects():
    diagnose._RUNS.clear()
    graded = specs.resolve("log_softmax")
    ref = grader.reference_impl(graded)
    mutant = build_mutants(find("log_softmax.log_of_softmax"))[0]
    other = types.SimpleNamespace(**{**vars(ref), graded.slot: mutant})
    first = diagnose._run(graded, ref, 0)
    second = diagnose._run(graded, other, 0)
    assert first is diagnose._run(graded, ref, 0)  # kept
    assert second is not first and set(first[1]) == set(second[1])
    with diagnose.quiet():
        fresh = graded.spec.case(diagnose.case_rng(graded.name, 0), other)
    for k, v in fresh.items():
        np.testing.assert_array_equal(second[1][k], v)
    copy = types.SimpleNamespace(**{**vars(ref), graded.slot: build_function(graded.slot)})
    assert diagnose._run(graded, copy, 0) is not first  # an equal copy is another object


def _awkward_notebook():
    from nbformat import from_dict, v4

    nb = v4.new_notebook(
        metadata={"orig_nbformat": 3, "kernelspec": {"name": "python3", "display_name": "P"}}
    )
    test = "x = 1\n### BEGIN HIDDEN TESTS\ngrade('softmax', softmax)\n### END HIDDEN TESTS\nx"
    cell = v4.new_code_cell(test, metadata={"nbgrader": {"grade": True, "grade_id": "t"}})
    cell.metadata["trusted"] = True
    cell.outputs = [
        from_dict({"output_type": "stream", "name": "stdout", "text": ["a\n", "b é\n"]}),
        from_dict(
            {
                "output_type": "execute_result",
                "execution_count": 3,
                "metadata": {"w": float("nan")},
                "data": {"text/plain": ["1\n", "2"], "image/png": b"iVBORw0KGgo="},
            }
        ),
    ]
    nb.cells = [v4.new_markdown_cell(["# Title\n", "ünïcode ✓"]), cell, v4.new_code_cell("y = 2\n")]
    return nb


def test_the_published_copy_is_the_text_round_trip_it_replaces():
    import copy as copying
    import math

    import nbformat

    from autograder.notebook.hidden import DEFAULT

    nb = _awkward_notebook()
    before = copying.deepcopy(nb)
    stripped = copying.deepcopy(nb)  # what the grader published before: nbformat's text
    for cell in stripped.cells:
        if cell.cell_type == "code" and DEFAULT.present(cell.source):
            cell.source = DEFAULT.remove(cell.source)
    old = nbformat.v4.reads(nbformat.v4.writes(stripped))
    new = DEFAULT.stripped_copy(nb)
    assert json.dumps(nb, sort_keys=True, default=str) == json.dumps(
        before, sort_keys=True, default=str
    )
    assert "BEGIN HIDDEN" not in new.cells[1].source
    assert math.isnan(new.cells[1].outputs[1].metadata["w"])
    assert nbformat.v4.writes(new) == nbformat.v4.writes(old)
    assert json.dumps(new, sort_keys=True) == json.dumps(old, sort_keys=True)


SANDBOX = [
    *course.sandbox_marks(),
    pytest.mark.skipif(os.geteuid() != 0, reason="warm sandboxes need root"),
]

CHANGE = """
import sys
import numpy as np
import autograder.specs.softmax as spec
print(json.dumps({'preloaded': [m in before for m in
      ('numpy.random', 'autograder.specs.softmax', 'autograder.sandbox.wire')],
      'rand': np.random.rand()}))
np.random.rand = lambda *a: 0.5
np.random.LEFT = 'answers'
spec.LEFT = 'answers'
"""
LOOK = """
import numpy as np
import autograder.specs.softmax as spec
print(json.dumps({'rand': np.random.rand(), 'np_left': hasattr(np.random, 'LEFT'),
                  'spec_left': hasattr(spec, 'LEFT')}))
"""


def _cell(code):
    from autograder.notebook.run import serve_reference
    from autograder.sandbox.host import Session
    from autograder.sandbox.limits import Limits

    s = Session(serve_reference, Limits(cell_timeout=20))
    assert s.start(), s.dead
    try:
        first = "import json, sys\nbefore = set(sys.modules)\n"
        run = s.run_cell(1, first + code, names=[])
        text = "".join(o.get("text", "") for o in run.outputs if o.get("output_type") == "stream")
        assert s.warm and run.error is None, run.outputs
        return json.loads(text.splitlines()[-1])
    finally:
        s.close()


def _sandboxed(test):
    for mark in SANDBOX:
        test = mark(test)
    return test


@_sandboxed
def test_preloaded_modules_are_imported_fresh_for_each_student():
    a = _cell(CHANGE)
    assert a["preloaded"] == [True, True, True]
    b = _cell(LOOK)
    assert not b["np_left"] and not b["spec_left"]
    assert b["rand"] != 0.5 and b["rand"] != a["rand"]  # no shared RNG state either
