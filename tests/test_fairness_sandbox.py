"""Fair verdicts through the real sandbox (issue 9): a grade cell's visible checks after its
hidden tests never change its points, a composite with its own cache layout passes (both
collections cross the wire), the rnn model's cell cannot reach the LSTM references, and a
Python 2 ``print x`` in an answer cell is explained in the grade cell that needs it.

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


def _grade(name, obj, points=1, visible=""):
    hidden = f'### BEGIN HIDDEN TESTS\nfrom autograder.api import grade\ngrade("{name}", {obj})\n'
    md = {"grade": True, "grade_id": f"test_{name}", "locked": True, "points": points}
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
