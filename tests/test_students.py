"""Many correct ways, tested: every correct student style scores full on every graded name,
every wrong answer loses its points with a message that names the mistake, and nowhere else.

In-process and fast: one test per (student, graded name) through
:func:`autograder.grader.grade_in_process` (see ``tests/students/``). Where today's grader is
unfair, the test is ``xfail(strict=True)`` with the cause (``tests/students/today.py``).
"""

import ast

import pytest
from students import course, grading, kernel, styles, today

CORRECT = [
    (student, name)
    for ch in course.CHAPTERS
    for student in [*styles.styles(ch).values(), *styles.seed_students(ch, fixed=True)]
    for name in student.names
]
BUGS = [
    pair
    for ch in course.CHAPTERS
    for pair in [*styles.bugs(ch), *styles.seed_students(ch, fixed=False)]
]


def _xfail(reason):
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


@pytest.mark.parametrize(
    ("student", "name"),
    [
        pytest.param(s, n, marks=_xfail(today.UNFAIR.get((s.name, n))), id=f"{s.name}-{n}")
        for s, n in CORRECT
    ],
)
def test_correct_student_scores_full(student, name):
    assert not kernel.cell_errors(student), kernel.cell_errors(student)
    v = grading.verdict(student, name)
    assert v.passed, v.message


@pytest.mark.parametrize(
    ("bug", "student"),
    [pytest.param(b, s, marks=_xfail(today.UNNAMED.get(s.name)), id=s.name) for b, s in BUGS],
)
def test_wrong_answer_loses_points_and_is_named(bug, student):
    v = grading.verdict(student, bug.name)
    assert not v.passed, f"{student.name}: full marks for a wrong {bug.name}"
    if bug.slot in kernel.cell_errors(student):
        return  # the cell does not even run: what the student is told is checked end to end
    assert grading.names(v, bug.expect, bug.alias), f"{bug.expect} not named: {v.message}"


@pytest.mark.parametrize(
    ("bug", "student"),
    [
        pytest.param(b, s, marks=_xfail(today.TWICE.get((s.name, b.name))), id=s.name)
        for b, s in BUGS
    ],
)
def test_a_bug_costs_points_once(bug, student):
    base = styles.base_of(student.chapter, bug)
    lost = grading.lost_elsewhere(bug, student, base)
    assert not lost, {n: grading.verdict(student, n).message for n in lost}


def test_every_graded_name_has_four_correct_styles():
    for ch in course.CHAPTERS:
        count = {n: 0 for n in course.chapter(ch).names}
        for s in styles.styles(ch).values():
            for n in count:
                count[n] += n.split(":")[0].split(".")[0] in s.cells
        assert all(c >= 4 for c in count.values()), (ch, count)


def _imported(path):
    """Module names ``path`` imports (statements and string arguments such as import_module's)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def test_no_student_code_imports_the_oracle_or_the_catalogue():
    for path in sorted(styles.HERE.rglob("*.py")):
        for mod in _imported(path):
            assert mod != "solutions" and not mod.startswith("solutions."), (path, mod)
            if path.name != "grading.py":  # the verdict side looks an expected id's hint up
                assert not mod.startswith("autograder.mistakes"), (path, mod)
