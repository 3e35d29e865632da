"""``benchmarks/stock_diff.py``: why unhardened stock nbgrader scores a test cell
differently from ours, the classification behind bench_class's "identical where stock is
neither fooled nor broken" target. Built on copies of the real rnn notebook."""

import shutil
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
import stock_diff  # noqa: E402

ANSI_TB = ["\x1b[0;31mGradingFailure\x1b[0m  Traceback", "Cell \x1b[0;32mIn[7], line {line}\x1b[0m"]


def _index(nb, gid):
    return next(i for i, c in enumerate(nb.cells) if stock_diff.nbcells.grade_id(c) == gid)


def _cell(a, gid):
    nb = nbformat.read(REPO / "assignments" / a / f"{a}.ipynb", as_version=4)
    return nb.cells[_index(nb, gid)]


def _failed_at(cell, line):
    """``cell`` as stock's autograded notebook keeps it, its error raised at ``line``."""
    cell = nbformat.from_dict(dict(cell))
    tb = [t.format(line=line) for t in ANSI_TB]
    cell.outputs = [nbformat.v4.new_output("error", ename="E", evalue="x", traceback=tb)]
    return cell


def _lines(cell, marker):
    return next(i for i, ln in enumerate(cell.source.splitlines(), 1) if marker in ln)


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """A stock course folder: the source notebooks, and s000's submitted temporal_loss."""
    d = tmp_path_factory.mktemp("stock")
    (d / "assignments").symlink_to(REPO / "assignments")
    return d


def _submit(root, student, nb):
    d = root / "submitted" / student / "temporal_loss"
    d.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, d / "temporal_loss.ipynb")


def test_error_line_reads_the_cells_own_frame_through_colours():
    cell = _failed_at(_cell("rnn", "test_rnn_forward"), 12)
    assert stock_diff.error_line(cell) == 12
    assert stock_diff.error_line(_cell("rnn", "test_rnn_forward")) is None
    src = "a\n### END HIDDEN TESTS\nb\n### END HIDDEN TESTS\nc\n"
    assert stock_diff.hidden_end(src) == 4


def test_causes(root):
    ex = stock_diff.Explainer(root)
    loss = _cell("rnn", "test_CaptioningRNN_loss")
    inside, end = _lines(loss, "BEGIN HIDDEN TESTS") + 1, _lines(loss, "END HIDDEN TESTS")
    assert ex.cause("s001", "rnn", _failed_at(loss, end + 2), 0, 3) == "visible check"
    # s001 has no temporal_loss notebook: stock's carry_over left stand-ins.
    assert ex.cause("s001", "rnn", _failed_at(loss, inside), 0, 3) == "earlier chapter"
    # A cell whose graded function uses no carried layer is not excused by it.
    fwd = _cell("rnn", "test_rnn_forward")
    fwd_inside = _lines(fwd, "BEGIN HIDDEN TESTS") + 1
    assert ex.cause("s001", "rnn", _failed_at(fwd, fwd_inside), 0, 3) == "unexplained"
    # The reference temporal_loss carried over: stock's loss on it is not explained.
    ref = nbformat.read(REPO / "assignments/temporal_loss/temporal_loss.ipynb", as_version=4)
    _submit(root, "s002", ref)
    assert ex.cause("s002", "rnn", _failed_at(loss, inside), 0, 3) == "unexplained"
    # One carried layer not the reference answer excuses it.
    wrong = nbformat.from_dict(ref)
    wrong.cells[_index(wrong, "word_embedding_forward")].source += "\n    out = out * 2\n"
    _submit(root, "s003", wrong)
    assert ex.cause("s003", "rnn", _failed_at(loss, inside), 0, 3) == "earlier chapter"
    # Stock above ours is never excused.
    assert ex.cause("s001", "rnn", _failed_at(loss, end + 2), 3, 0) == "unexplained"


def test_differences_lists_each_differing_cell_once(root):
    graded = root / "autograded" / "s001" / "rnn"
    graded.mkdir(parents=True)
    nb = nbformat.read(REPO / "assignments/rnn/rnn.ipynb", as_version=4)
    loss = _index(nb, "test_CaptioningRNN_loss")
    nb.cells[loss] = _failed_at(nb.cells[loss], _lines(nb.cells[loss], "END HIDDEN TESTS") + 1)
    nbformat.write(nb, graded / "rnn.ipynb")
    ids = stock_diff.Explainer(root).tests["rnn"]
    ours = {("s001", "rnn", g): 2.0 for g in ids}
    stock = dict(ours) | {("s001", "rnn", "test_CaptioningRNN_loss"): 0.0}
    stock[("s001", "rnn", "test_rnn_forward")] = None  # no score at all
    diffs = stock_diff.differences(root, stock, ours, [("s001", "rnn")])
    causes = {d.grade_id: d.cause for d in diffs}
    assert causes == {"test_CaptioningRNN_loss": "visible check", "test_rnn_forward": "unexplained"}
    # No autograded notebook (stock never graded it): every differing cell is unexplained.
    ours2 = {("s002", a, g): v for (_, a, g), v in ours.items()}
    stock2 = {("s002", a, g): v for (_, a, g), v in stock.items()}
    diffs = stock_diff.differences(root, stock2, ours2, [("s002", "rnn")])
    assert {d.cause for d in diffs} == {"unexplained"} and len(diffs) == 2
    assert "unexplained: 2" in stock_diff.summary(diffs)
    shutil.rmtree(root / "autograded")
