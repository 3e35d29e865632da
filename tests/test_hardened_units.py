"""Fast checks of the hardened grader's pieces (no sandbox needed)."""

import numpy as np
import pytest
from nbformat import v4

from autograder.notebook import cells
from autograder.notebook.canonical import CanonicalCell
from autograder.notebook.hidden import DEFAULT as HIDDEN
from autograder.notebook.read import read_submission
from autograder.notebook.recap import recap
from autograder.notebook.restore import restore
from autograder.sandbox import wire
from autograder.sandbox.limits import Limits


def _roundtrip(v):
    return wire.decode(wire.encode(v)[8:])


def test_wire_round_trip_plain_data():
    v = {
        "a": np.arange(6.0).reshape(2, 3),
        "b": (1, 2.5, float("nan"), None, "s"),
        "c": [np.float32(1)],
    }
    out = _roundtrip(v)
    assert np.array_equal(out["a"], v["a"]) and type(out["a"]) is np.ndarray
    assert out["b"][:2] == (1, 2.5) and np.isnan(out["b"][2])
    assert out["c"][0].dtype == np.float32


def test_wire_refuses_objects_and_subclasses():
    class Sub(np.ndarray):
        pass

    out = _roundtrip({"x": np.zeros(3).view(Sub), "y": object(), "z": np.array(["s"])})
    assert all(isinstance(out[k], wire.Rejected) for k in "xyz")


def test_wire_rejects_lying_frames():
    frame = bytearray(wire.encode(np.zeros(4))[8:])
    frame[-1:] = b""
    with pytest.raises(wire.WireError):
        wire.decode(bytes(frame))


CANON = [
    CanonicalCell(
        grade_id="ans",
        cell_type="code",
        source="def f():\n    raise NotImplementedError",
        locked=False,
        solution=True,
        grade=False,
        points=0,
        checksum="c1",
    ),
    CanonicalCell(
        grade_id="test",
        cell_type="code",
        source="x = 1\n### BEGIN HIDDEN TESTS\ngrade('f', f)\n### END HIDDEN TESTS",
        locked=True,
        solution=False,
        grade=True,
        points=2,
        checksum="c2",
    ),
]


def _cell(gid, src, kind="code", **md):
    meta = {"nbgrader": dict({"grade_id": gid, "schema_version": 3}, **md)} if gid else {}
    make = v4.new_code_cell if kind == "code" else v4.new_markdown_cell
    return make(src, metadata=meta)


def test_restore_repairs_structure():
    nb = v4.new_notebook(
        cells=[
            _cell(None, "import numpy"),
            _cell("test", "tampered", kind="markdown", grade=False, points=99, schema_version=99),
            _cell("ans", "def f():\n    return 1", solution=True),
            _cell("test", "duplicate", grade=True),
        ]
    )
    out, notes = restore(nb, CANON)
    srcs = [c.source for c in out.cells]
    assert srcs == ["import numpy", "def f():\n    return 1", CANON[1].source]
    assert out.cells[2].metadata.nbgrader["points"] == 2.0 and out.cells[2].cell_type == "code"
    assert len({c.id for c in out.cells}) == 3 and notes


def test_restore_puts_back_deleted_cells_before_moved_definitions():
    nb = v4.new_notebook(cells=[_cell(None, "def f():\n    return 1")])
    out, _ = restore(nb, CANON)
    assert [c.source.split("\n")[0] for c in out.cells] == ["def f():", "def f():", "x = 1"]
    assert "return 1" in out.cells[1].source  # the student's definition runs after the stub


def test_hidden_tests_are_stripped():
    text = HIDDEN.remove(CANON[1].source)
    assert "grade(" not in text and text.startswith("x = 1")


def test_grade_names_and_ipython_syntax():
    assert cells.grade_names("grade('a', a)\nif 1:\n    api.grade('b', b)") == ["a", "b"]
    assert "get_ipython()" in cells.to_python("%matplotlib inline\nx = 1")


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"", "empty"),
        (b'{"cells": [', "not a valid"),
        (b'{"a": "\xff"}', "UTF-8"),
        (b"[]", "not a valid"),
    ],
)
def test_unreadable_submissions(raw, reason):
    nb, why = read_submission(raw)
    assert nb is None and reason in why


def test_recap_caps_every_output_type():
    lim = Limits(stream_bytes=100, display_bytes=1000, display_items=2, error_chars=50)
    outs = [{"output_type": "stream", "name": "stdout", "text": "x" * 10_000}]
    outs += [{"output_type": "display_data", "data": {"text/plain": "d"}}] * 10
    outs += [{"output_type": "execute_result", "data": {"text/plain": "r" * 10_000}}]
    outs += [
        {
            "output_type": "error",
            "ename": "E",
            "evalue": "v" * 10_000,
            "traceback": ["t" * 10_000] * 100,
        }
    ]
    outs += [{"output_type": "bogus"}, "junk"]
    got = recap(outs, lim)
    assert len(got[0]["text"]) < 200
    assert sum(o["output_type"] == "display_data" for o in got) == 2
    assert not any(o["output_type"] == "execute_result" for o in got)
    err = got[-1]
    assert len(err["evalue"]) <= 50 and sum(map(len, err["traceback"])) <= 50


def test_weak_fallback_still_grades_and_says_so(monkeypatch):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
    import course

    from autograder.notebook.grade import grade_notebook
    from autograder.sandbox import jail

    monkeypatch.setenv("AUTOGRADER_NO_BWRAP", "1")
    jail.bwrap_status.cache_clear()
    try:
        nb = course.source_notebook()
        result = grade_notebook(nb)
        assert result.score == course.FULL_SCORE
        assert result.weak_sandbox and "WEAK FALLBACK" in result.weak_sandbox
    finally:
        monkeypatch.delenv("AUTOGRADER_NO_BWRAP")
        jail.bwrap_status.cache_clear()


def test_sandbox_reads_the_staged_captioning_set_instead_of_regenerating_it():
    from autograder.notebook.grade import grade_notebook

    src = (
        "from workbook.data import captions\n"
        "data = captions.load_captioning_data(max_train=5)\n"
        "print('regenerated:', len(captions._MEMORY), data['train_captions'].shape)"
    )
    nb = v4.new_notebook(cells=[v4.new_code_cell(src)])
    result = grade_notebook(nb)
    assert result.died is None
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert "regenerated: 0 (5, 17)" in text, nb.cells[0].outputs


def _graded_notebook(trailing):
    test = v4.new_code_cell("print('checked')")
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "t", "points": 1}
    return v4.new_notebook(
        cells=[v4.new_code_cell("x = 1"), test, v4.new_markdown_cell("demo"), *trailing]
    )


def test_cells_after_the_last_grade_cell_are_not_run_unless_asked(monkeypatch):
    from autograder.notebook.grade import grade_notebook

    trailing = [v4.new_code_cell("print('trained')"), v4.new_code_cell("import os; os._exit(3)")]
    nb = _graded_notebook(trailing)
    result = grade_notebook(nb)
    assert result.score == 1 and result.died is None
    assert [o["text"] for o in nb.cells[1].outputs] == ["checked\n"]
    for cell in nb.cells[3:]:
        assert cell.execution_count is None
        assert "not run while grading" in cell.outputs[0]["text"]

    monkeypatch.setenv("AUTOGRADER_RUN_TRAILING", "1")
    nb = _graded_notebook(trailing)
    result = grade_notebook(nb)
    assert result.score == 1 and result.died_at == 5
    assert [o["text"] for o in nb.cells[3].outputs] == ["trained\n"]
