"""Notebook sync: answer cells are generated from solutions/ and cannot drift."""

import json
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

import solutions
from autograder import sync

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "assignments" / "fixture" / "fixture.ipynb"


def cells(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))["cells"]


def answer(path, grade_id):
    for c in cells(path):
        if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id:
            return "".join(c["source"])
    raise KeyError(grade_id)


def test_committed_notebooks_are_in_sync(capsys):
    paths = sync.notebooks(str(ROOT)) + [str(FIXTURE)]
    assert sync.main(["--check", *paths]) == 0, capsys.readouterr().out


def test_function_cell_layout():
    src = sync.expected_source("rnn_step_forward")
    lines = src.splitlines()
    assert lines[0] == "def rnn_step_forward(x, prev_h, Wx, Wh, b):"
    assert lines[1].startswith('    """One time step')
    assert "@validated" not in src
    begin, end = lines.index("    ### BEGIN SOLUTION"), lines.index("    ### END SOLUTION")
    assert lines[begin - 1] == '    """' and end == len(lines) - 1
    body = "\n".join(lines[begin + 1 : end])
    assert "next_h = np.tanh(a)" in body and "return next_h, cache" in body


def test_class_cell_keeps_init_and_marks_loss_and_sample():
    src = sync.expected_source("CaptioningRNN")
    assert src.startswith("class CaptioningRNN")
    assert "@validated" not in src
    assert src.count("        ### BEGIN SOLUTION") == 2 and src.count("### END SOLUTION") == 2
    init = src.split("    def loss(")[0]
    assert "def __init__(" in init and "BEGIN SOLUTION" not in init
    assert 'self._null = word_to_idx["<NULL>"]' in init
    loss = src.split("    def loss(")[1].split("    def sample(")[0]
    assert loss.index('"""') < loss.index("### BEGIN SOLUTION") < loss.index("return loss, grads")


def test_names_outside_solutions_are_left_alone():
    assert sync.expected_source("not_a_solution") is None
    assert sync.expected_source("test_softmax") is None


@pytest.fixture
def nb(tmp_path):
    path = tmp_path / "fixture.ipynb"
    shutil.copy(FIXTURE, path)
    return path


def test_edited_answer_cell_is_detected_and_regenerated(nb, capsys):
    data = json.loads(nb.read_text())
    for c in data["cells"]:
        if c["metadata"].get("nbgrader", {}).get("grade_id") == "nll":
            c["source"] = ["def nll(logp, y):\n", "    return 0.0"]
            c["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x"}]
    nb.write_text(json.dumps(data, indent=1))
    assert sync.main(["--check", str(nb)]) == 1
    assert "cell 'nll' drifted" in capsys.readouterr().out
    other = [c for c in cells(nb) if c["metadata"].get("nbgrader", {}).get("grade_id") != "nll"]
    assert sync.main([str(nb)]) == 0
    assert sync.main(["--check", str(nb)]) == 0
    assert answer(nb, "nll") == sync.expected_source("nll").rstrip("\n")
    after = [c for c in cells(nb) if c["metadata"].get("nbgrader", {}).get("grade_id") != "nll"]
    assert after == other  # only the answer cell was written
    assert all(not c.get("outputs") for c in cells(nb) if c["cell_type"] == "code")


def test_changed_solution_body_is_detected(nb, tmp_path, monkeypatch, capsys):
    """Edit a reference function's body: the notebook now drifts from solutions/."""
    mod = tmp_path / "changed_solution.py"
    lines = sync.expected_source("nll").splitlines(keepends=True)
    changed = "".join(line for line in lines if "SOLUTION" not in line)
    changed = changed.replace("return -np.mean(", "return -2 * np.mean(")
    assert "-2 * np.mean(" in changed
    mod.write_text("import numpy as np\n\n\n" + textwrap.dedent(changed))
    monkeypatch.syspath_prepend(str(tmp_path))
    import changed_solution

    monkeypatch.setattr(solutions, "nll", changed_solution.nll)
    try:
        assert sync.main(["--check", str(nb)]) == 1
        assert "cell 'nll' drifted" in capsys.readouterr().out
        assert sync.main([str(nb)]) == 0
        assert "return -2 * np.mean(" in answer(nb, "nll")
    finally:
        sys.modules.pop("changed_solution", None)


def test_every_answer_cell_of_the_notebooks_names_a_solution():
    """A typo in a grade_id would silently skip the sync: every answer cell must resolve."""
    for path in sync.notebooks(str(ROOT)):
        for c in cells(path):
            meta = c["metadata"].get("nbgrader", {})
            if c["cell_type"] == "code" and meta.get("solution"):
                assert sync.expected_source(meta["grade_id"]) is not None, (path, meta)


def test_committed_notebooks_carry_no_outputs(tmp_path):
    """Source and fixture notebooks are stored stripped (the pre-commit hook's job)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import strip_outputs

    found = sorted(ROOT.glob("assignments/*/*.ipynb")) + sorted(
        ROOT.glob("tests/fixtures/**/*.ipynb")
    )
    assert len(found) >= 6
    for path in found:
        copy = tmp_path / path.name
        shutil.copy(path, copy)
        assert not strip_outputs.strip(copy), f"{path} has outputs or execution counts"
    dirty = json.loads(FIXTURE.read_text())
    next(c for c in dirty["cells"] if c["cell_type"] == "code")["execution_count"] = 3
    (tmp_path / "dirty.ipynb").write_text(json.dumps(dirty))
    assert strip_outputs.strip(tmp_path / "dirty.ipynb")


RNN = ROOT / "assignments" / "rnn" / "rnn.ipynb"


def carried(path, chapter):
    for c in cells(path):
        if c["metadata"].get("nbgrader", {}).get("grade_id") == f"given_{chapter}":
            return c
    raise KeyError(chapter)


def test_carried_cell_holds_no_reference_code_only_the_carry_over_call():
    """The manifest is the carry_over call; no reference code, not even hidden (the grader
    swaps the reference layers in through its proxies, outside the sandbox)."""
    cell = carried(RNN, "temporal_loss")
    source = "".join(cell["source"])
    assert cell["metadata"]["nbgrader"]["locked"] and not cell["metadata"]["nbgrader"]["grade"]
    assert "HIDDEN" not in source and "def " not in source
    chapter, names = sync.carried_manifest(source)
    assert chapter == "temporal_loss" and "temporal_softmax_loss" in names
    for name in names:
        assert f'"{name}"' in source
    assert source == sync.carried_source(chapter, names, str(ROOT)).rstrip("\n")


def test_carried_cell_drift_and_a_wrong_manifest(tmp_path, capsys):
    course = tmp_path / "course"
    for chapter in ("rnn", "temporal_loss"):
        (course / "assignments" / chapter).mkdir(parents=True)
        shutil.copy(
            ROOT / "assignments" / chapter / f"{chapter}.ipynb", course / "assignments" / chapter
        )
    path = course / "assignments" / "rnn" / "rnn.ipynb"
    data = json.loads(path.read_text())
    for c in data["cells"]:
        if c["metadata"].get("nbgrader", {}).get("grade_id") == "given_temporal_loss":
            c["source"] = "".join(c["source"]).replace("globals(),", "globals(),  # edited")
    path.write_text(json.dumps(data, indent=1))
    assert sync.main(["--check", str(path)]) == 1
    assert "cell 'given_temporal_loss' drifted" in capsys.readouterr().out
    assert sync.main([str(path)]) == 0 and sync.main(["--check", str(path)]) == 0
    data = json.loads(path.read_text())
    for c in data["cells"]:
        if c["metadata"].get("nbgrader", {}).get("grade_id") == "given_temporal_loss":
            c["source"] = "".join(c["source"]).replace('"temporal_softmax_loss"', '"rnn_forward"')
    path.write_text(json.dumps(data, indent=1))
    sync.chapter_answers.cache_clear()
    assert sync.main(["--check", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not answers of the temporal_loss chapter: ['rnn_forward']" in err[0]
