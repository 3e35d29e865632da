"""The batch writes the gradebook exactly as stock ``SaveAutoGrades`` does.

One graded notebook (passing and failing test cells, a changed and an unchanged answer, a
written answer graded by hand, a task) is saved into two copies of one gradebook: by stock
``nbgrader.preprocessors.SaveAutoGrades`` and by the batch's ``commit.save_auto_grades``.
Every grade (auto score, needs_manual_grade) and comment ("No response.") must be equal,
and equal to what nbgrader's rules say, also when a TA had already given a manual score.
"""

import copy
import shutil
import sys
import warnings
from pathlib import Path

import pytest
from nbformat import from_dict

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course  # noqa: E402

from autograder.batch import commit  # noqa: E402
from autograder.notebook.verdict import error_output  # noqa: E402

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return course.make_course(tmp_path_factory.mktemp("gradebook"), manual=True)


def _graded(root, written):
    """A graded notebook: log_softmax left as the stub, its test failing; ``written``:
    whether the hand-graded answer was changed."""
    nb = course.submission(root, {k: v for k, v in course.CORRECT.items() if k != "log_softmax"})
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "explain" and written:
            cell.source = "Because exp overflows."
        if gid == "test_log_softmax":
            cell.outputs = [from_dict(error_output("log_softmax: raised NotImplementedError"))]
    return nb


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        yield


def _gradebooks(root, tmp_path, manual_score=None):
    from nbgrader.api import Gradebook

    urls = {}
    warnings.simplefilter("ignore")  # nbgrader's own autoflush warnings, as in its CLI
    for side in ("stock", "ours"):
        shutil.copy(root / "gradebook.db", tmp_path / f"{side}.db")
        urls[side] = f"sqlite:///{tmp_path}/{side}.db"
        with Gradebook(urls[side]) as gb:
            gb.update_or_create_student("alice")
            gb.update_or_create_submission("fx", "alice")
            if manual_score is not None:
                gb.find_grade("test_softmax", "fx", "fx", "alice").manual_score = manual_score
                gb.db.commit()
    return urls


def _save(urls, nb):
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import SaveAutoGrades

    info = {"notebook": "fx", "assignment": "fx", "student": "alice", "db_url": urls["stock"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        SaveAutoGrades().preprocess(copy.deepcopy(nb), {"nbgrader": info})
        with Gradebook(urls["ours"]) as gb:
            commit.save_auto_grades(gb, copy.deepcopy(nb), "fx", "fx", "alice")
            gb.db.commit()


def _dump(url):
    from nbgrader.api import Gradebook

    warnings.simplefilter("ignore")
    with Gradebook(url) as gb:
        sub = gb.find_submission_notebook("fx", "fx", "alice")
        grades = {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade) for g in sub.grades}
        comments = {c.name: c.auto_comment for c in sub.comments}
    return grades, comments


@pytest.mark.parametrize("written", [True, False], ids=["written", "unchanged"])
def test_same_grades_and_comments_as_stock(root, tmp_path, written):
    urls = _gradebooks(root, tmp_path)
    _save(urls, _graded(root, written))
    ours, stock = _dump(urls["ours"]), _dump(urls["stock"])
    assert ours == stock
    grades, comments = ours
    assert grades["test_softmax"] == (2.0, None, False)
    assert grades["test_log_softmax"] == (0.0, None, False)
    assert grades["explain"] == ((None, None, True) if written else (0.0, None, False))
    assert comments["log_softmax"] == "No response."  # the stub, unchanged
    assert comments["softmax"] is None
    assert comments["explain"] == (None if written else "No response.")
    assert comments["task_plot"] is None  # tasks never get "No response."


def test_an_earlier_manual_score_needs_review(root, tmp_path):
    urls = _gradebooks(root, tmp_path, manual_score=1.5)
    _save(urls, _graded(root, True))
    ours, stock = _dump(urls["ours"]), _dump(urls["stock"])
    assert ours == stock
    assert ours[0]["test_softmax"] == (2.0, 1.5, True)


@pytest.mark.sandbox
def test_points_graded_by_hand_are_counted_apart(root):
    """The written answer and the task (1 point each) are in neither score nor max score
    (nbgrader leaves them to a person); the result says how many points they hold."""
    from autograder.notebook.cells import is_manual_cell
    from autograder.notebook.grade import grade_notebook
    from autograder.sandbox import jail

    source = course.source_notebook(manual=True)
    assert [c.metadata.nbgrader["grade_id"] for c in source.cells if is_manual_cell(c)] == [
        "explain",
        "task_plot",
    ]
    ok, why = jail.bwrap_status()
    if not ok:
        pytest.skip(f"no sandbox: {why}")
    result = grade_notebook(course.submission(root, course.CORRECT), name="fx")
    assert (result.score, result.max_score, result.manual_points) == (
        course.FULL_SCORE,
        course.FULL_SCORE,
        2.0,
    )
