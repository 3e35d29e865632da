"""Fair verdicts through the real sandbox (issue 9): a grade cell's visible checks after its
hidden tests never change its points, a composite with its own cache layout passes (both
collections cross the wire), the rnn model's cell cannot reach the LSTM references, a
Python 2 ``print x`` in an answer cell is explained in the grade cell that needs it, a
swapped-in ``logsumexp`` takes numpy's keywords, a wrong loss over carried stand-ins is
told its own mistake, and a right backward over a wrong forward passes on the reference
forward's cache (served through the proxy, collected across the wire).

One notebook, graded once by the grading core (:func:`autograder.notebook.grade.grade_notebook`).
"""

import sys
from pathlib import Path

import pytest
from nbformat import v4

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course  # noqa: E402

pytestmark = course.sandbox_marks()

SIX_ITEM_CACHES = (Path(__file__).parent / "test_fairness.py").read_text()
SIX_ITEM_CACHES = SIX_ITEM_CACHES.split('SIX_ITEM_CACHES = """')[1].split('"""')[0]


def _grade(name, obj, points=1, visible="", gid=None):
    hidden = f'### BEGIN HIDDEN TESTS\nfrom autograder.api import grade\ngrade("{name}", {obj})\n'
    md = {"grade": True, "grade_id": gid or f"test_{name}", "locked": True, "points": points}
    md |= {"schema_version": 3, "solution": False, "task": False}
    return v4.new_code_cell(hidden + "### END HIDDEN TESTS\n" + visible, metadata={"nbgrader": md})


LSTM_PROBE = """
class CaptioningRNN:
    def __init__(self, word_to_idx, input_dim=512, wordvec_dim=128, hidden_dim=128,
                 cell_type="rnn", dtype=None):
        self.params = {}

    def loss(self, features, captions):
        print("lstm proxy:", type(lstm_forward).__name__)
        lstm_forward(features[:, None], features, 0, 0, 0)
"""


SCIPY_LIKE = (Path(__file__).parent / "test_fairness.py").read_text()
SCIPY_LIKE = SCIPY_LIKE.split('SCIPY_LIKE_LOGSUMEXP = """')[1].split('"""')[0]
SCIPY_LIKE = SCIPY_LIKE.replace("np.sum(np.exp", "np.mean(np.exp")  # logsumexp's bug
CARRIED = ("word_embedding_forward", "word_embedding_backward", "temporal_affine_forward")
CARRIED += ("temporal_affine_backward", "temporal_softmax_loss")


def _wrong_loss_over_carried_stand_ins():
    """A notebook's rnn chapter without its earlier notebook (carried layers: stand-ins), own
    rnn layers, a loss with a catalogue mistake."""
    from textwrap import indent

    from autograder.mistakes.base import find, mutant_source, reference_source

    own = ("affine_forward", "affine_backward", "rnn_step_forward", "rnn_step_backward")
    own += ("rnn_forward", "rnn_backward")
    methods = reference_source("CaptioningRNN.__init__")
    methods += mutant_source(find("CaptioningRNN.loss.mask_inverted"))
    return (
        "from workbook.carry import carry_over\n"
        f"carry_over('temporal_loss', globals(), *{CARRIED!r})\n"
        + "".join(reference_source(n) for n in own)
        + f"class CaptioningRNN:\n{indent(methods, '    ')}"
    )


def _wrong_step_forward():
    """A wrong rnn_step_forward (no bias) and a right rnn_step_backward."""
    from autograder.mistakes.base import reference_source

    forward = reference_source("rnn_step_forward").replace(" + b", "")
    return forward + reference_source("rnn_step_backward")


@pytest.fixture(scope="module")
def graded():
    from autograder.notebook.grade import grade_notebook

    cells = [
        v4.new_code_cell("import numpy as np"),
        v4.new_code_cell(SIX_ITEM_CACHES),
        _grade("rnn_backward", "rnn_backward", visible="assert False, 'a failing visible check'"),
        v4.new_code_cell("def softmax(f):\n    print f\n    return f"),
        _grade("softmax", "softmax"),
        v4.new_code_cell(
            "from autograder.sandbox import guest_grade\n"
            "lstm_forward = guest_grade._reference_proxy('lstm_forward')\n" + LSTM_PROBE
        ),
        _grade("CaptioningRNN.loss", "CaptioningRNN"),
        v4.new_code_cell(SCIPY_LIKE),
        _grade("logsumexp", "logsumexp"),
        _grade("log_softmax", "log_softmax"),
        _grade("softmax_loss_vectorized", "softmax_loss_vectorized"),
        v4.new_code_cell(_wrong_loss_over_carried_stand_ins()),
        _grade("CaptioningRNN.loss", "CaptioningRNN", gid="test_loss_over_stand_ins"),
        v4.new_code_cell(_wrong_step_forward()),
        _grade("rnn_step_forward", "rnn_step_forward"),
        _grade("rnn_step_backward", "rnn_step_backward"),
    ]
    nb = v4.new_notebook(cells=cells)
    result = grade_notebook(nb)
    return {c.grade_id: c for c in result.cells}, nb


def test_visible_checks_after_the_hidden_tests_never_score(graded):
    grades, _ = graded
    assert grades["test_rnn_backward"].passed, grades["test_rnn_backward"]  # own caches: passes


def test_python2_print_is_explained_where_the_name_is_needed(graded):
    grades, _ = graded
    passed, message = grades["test_softmax"].passed, grades["test_softmax"].message
    assert not passed and "name 'softmax' is not defined" in message
    assert "cell 4, which defines softmax, did not run: SyntaxError" in message
    assert message.endswith("old code: print x is Python 2 syntax; call print(x))"), message


def test_the_rnn_model_cell_cannot_reach_the_lstm_reference(graded):
    grades, _ = graded
    cell = grades["test_CaptioningRNN.loss"]
    passed, message = cell.passed, cell.message
    assert not passed and "NameError: lstm_forward is not available here" in message, message


def test_a_swapped_in_logsumexp_takes_the_keywords_across_the_wire(graded):
    grades, _ = graded
    assert not grades["test_logsumexp"].passed
    for gid in ("test_log_softmax", "test_softmax_loss_vectorized"):
        assert grades[gid].passed, grades[gid].message  # the logsumexp bug costs once


def test_a_wrong_loss_over_carried_stand_ins_is_told_its_own_mistake(graded):
    from autograder.mistakes.base import find

    grades, _ = graded
    cell = grades["test_loss_over_stand_ins"]
    assert not cell.passed and find("CaptioningRNN.loss.mask_inverted").hint in cell.message
    assert "not found" not in cell.message and "cause" not in cell.message, cell.message


def test_a_backward_over_a_wrong_forward_passes_on_the_reference_forwards_cache(graded):
    grades, _ = graded
    assert not grades["test_rnn_step_forward"].passed
    assert grades["test_rnn_step_backward"].passed, grades["test_rnn_step_backward"].message
