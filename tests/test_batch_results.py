"""Typed results kept in one place, the status rows made from them, one Limits configuration.

No sandbox: results, rows and limits are built directly.
"""

import json

import pytest
from traitlets.config import Config

from autograder import store
from autograder.__main__ import parser
from autograder.batch.report import Row, table
from autograder.nbgrader_ext.utils import hidden_tests
from autograder.notebook.hidden import DEFAULT, PLACEHOLDER
from autograder.results import CellResult, KernelDeath, NotebookResult, SubmissionResult
from autograder.sandbox.limits import Limits


def _result(student, died=False, notes=()):
    cells = [CellResult("test_a", 2.0, True, status="passed"), CellResult("test_b", 3.0, False)]
    deaths = [KernelDeath(4, "timed out after 8 s")] if died else []
    nb = NotebookResult("fx", cells, deaths=deaths, notes=list(notes), notebook="{}")
    return SubmissionResult(student, "fx", key="k", notebooks=[nb])


def test_results_are_stored_and_loaded_typed(tmp_path):
    for s in ("bob", "alice"):
        store.save(tmp_path, _result(s))
    (store.results_dir(tmp_path, "fx") / "torn.json").write_text('{"student": "')
    (store.results_dir(tmp_path, "fx") / "eve.json").write_text(json.dumps(_result("x").to_json()))
    got = store.load_results(tmp_path, "fx")
    assert [r.student for r in got] == ["alice", "bob"]  # torn and misnamed files left out
    assert got[0] == _result("alice") and got[0].score == 2.0


def test_one_notebook_at_a_time_builds_the_submission(tmp_path):
    nb = _result("alice").notebooks[0]
    store.save_notebook(tmp_path, "alice", "fx", nb)
    other = NotebookResult("fx2", [CellResult("t", 1.0, True)], unreadable="empty")
    r = store.save_notebook(tmp_path, "alice", "fx", other)
    again = store.save_notebook(tmp_path, "alice", "fx", nb)  # regraded: replaced, not added
    assert [n.name for n in again.notebooks] == ["fx2", "fx"]
    assert (r.status, r.reason) == ("error", "fx2: empty")
    assert store.load(tmp_path, "fx", "alice") == again and again.key == ""


def test_rows_carry_kernel_deaths_and_repair_notes():
    row = Row.of(_result("alice", died=True, notes=["duplicate of cell 'test_a'"]))
    assert (row.status, row.score, row.max_score) == ("graded", 2.0, 5.0)
    assert "fx: kernel died at cell 4 (timed out after 8 s)" in row.detail
    assert "fx: repaired: duplicate of cell 'test_a'" in row.detail
    skipped = Row.of(_result("bob"), skipped=True)
    assert skipped.status == "graded (unchanged, skipped)"
    failed = Row.of(_result("eve"), failure="could not save grades: OSError: full")
    assert (failed.status, failed.score) == ("error", None)


def test_status_table(capsys):
    table([Row.of(_result("alice")), Row("bob", "error", None, None, "fx: empty")])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["student", "status", "score", "detail"]
    assert lines[1].split() == ["alice", "graded", "2/5"]
    assert lines[2].split()[:3] == ["bob", "error", "-"]
    written = _result("carol")
    written.notebooks[0].manual_points = 2.0  # a written answer: graded by hand, not here
    table([Row.of(written)])
    line = capsys.readouterr().out.splitlines()[1]
    assert line.split()[:5] == ["carol", "graded", "2/5", "(+2", "by"], line


def test_limits_come_from_config_then_environment_then_flags():
    c = Config()
    c.Limits.cell_timeout = 12.0
    c.Limits.run_trailing = True
    assert Limits.load(c, environ={}).cell_timeout == 12.0
    assert Limits.load(c, environ={}).run_trailing is True
    env = {"AUTOGRADER_CELL_TIMEOUT": "7", "AUTOGRADER_FIGURES": "0"}
    assert (Limits.load(c, env).cell_timeout, Limits.load(c, env).figures) == (7.0, False)
    assert Limits.load(c, env, cell_timeout=3.0, memory_mb=None).cell_timeout == 3.0
    assert Limits.load(environ={}).cell_timeout == 60.0


def test_every_limit_is_a_flag_of_the_batch():
    args = parser().parse_args(["grade", "fx", "--cell-timeout", "5", "--no-figures"])
    assert (args.cell_timeout, args.figures, args.memory_mb) == (5.0, False, None)
    assert {n for n in Limits.names() if hasattr(args, n)} == set(Limits.names())
    with pytest.raises(SystemExit):
        parser().parse_args(["grade", "fx", "--cell-timeout", "soon"])


def test_hidden_test_delimiters_are_nbgraders():
    from nbgrader.preprocessors import ClearHiddenTests

    assert DEFAULT.begin == ClearHiddenTests.begin_test_delimeter.default_value
    assert DEFAULT.end == ClearHiddenTests.end_test_delimeter.default_value
    c = Config()
    c.ClearHiddenTests.begin_test_delimeter = "BEGIN SECRET"
    c.ClearHiddenTests.end_test_delimeter = "END SECRET"
    hidden = hidden_tests(c)
    assert hidden.remove("a\n# BEGIN SECRET\nb\n# END SECRET\nc") == f"a\n{PLACEHOLDER}\nc"
    assert DEFAULT.remove("a\n# BEGIN SECRET\nb") == "a\n# BEGIN SECRET\nb"
