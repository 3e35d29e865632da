"""Typed results: exact JSON round trip, derived scores, format check."""

import json

import pytest

from autograder.results import (
    CellResult,
    KernelDeath,
    NameResult,
    NotebookResult,
    SubmissionResult,
)


def _sample():
    ok = NameResult("rnn_step_forward", True)
    bad = NameResult(
        "rnn_backward",
        False,
        message="rnn_backward [hidden case 2/3]: dWh is wrong: rel_error 0.41",
        mistake="rnn_backward.dWh_not_accumulated",
        output="dWh",
        case=1,
        rel_error=0.41,
        via="reference",
    )
    cells = [
        CellResult("test_rnn_step_forward", 1.0, True, status="passed", names=[ok]),
        CellResult("test_rnn_backward", 3.0, False, bad.message, "failed", [bad], 0.25),
    ]
    nb = NotebookResult(
        "rnn",
        cells,
        deaths=[KernelDeath(7, "timed out after 20 s")],
        notes=["missing cell 'x' restored from the source"],
        cell_seconds=0.5,
        seconds=0.7,
        notebook="{}",
    )
    return SubmissionResult("alice", "rnn", key="k", notebooks=[nb], seconds=0.8)


def test_round_trip_is_exact_through_json_text():
    r = _sample()
    back = SubmissionResult.from_json(json.loads(json.dumps(r.to_json())))
    assert back == r
    assert back.notebooks[0].cells[1].names[0].mistake == "rnn_backward.dWh_not_accumulated"


def test_scores_are_derived_from_cells():
    r = _sample()
    nb = r.notebook("rnn")
    assert (nb.score, nb.max_score) == (1.0, 4.0)
    assert (r.score, r.max_score) == (1.0, 4.0)
    assert (nb.died_at, nb.died) == (7, "timed out after 20 s")
    with pytest.raises(KeyError):
        r.notebook("lstm")


def test_foreign_format_is_refused():
    d = _sample().to_json()
    d["format"] = 99
    with pytest.raises(ValueError, match="format 99"):
        SubmissionResult.from_json(d)
