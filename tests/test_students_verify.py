"""The corpus's correct students are correct, established without the grader: their backward
passes against centered differences of their own forward passes, their forward passes against
the definitions, and both against PyTorch autograd when torch is installed."""

import importlib.util
import zlib

import numpy as np
import pytest
from students import course, kernel, styles, verify

HAVE_TORCH = importlib.util.find_spec("torch") is not None
STUDENTS = [
    (s, n)
    for ch in course.CHAPTERS
    for s in [*styles.styles(ch).values(), *styles.seed_students(ch, fixed=True)]
    for n in s.names
]
IDS = [f"{s.name}-{n}" for s, n in STUDENTS]


def _run(student, name, kind):
    fn = verify.checks(name).get(kind)
    assert fn is not None, f"no {kind} check for {name}"
    rng = np.random.default_rng([zlib.crc32(student.name.encode()), zlib.crc32(name.encode())])
    fn(kernel.notebook_namespace(student), rng)


@pytest.mark.parametrize(("student", "name"), STUDENTS, ids=IDS)
def test_correct_by_numeric_gradient(student, name):
    _run(student, name, "numeric")


@pytest.mark.torch
@pytest.mark.skipif(not HAVE_TORCH, reason="PyTorch is not installed (WITH_TORCH=1 make venv)")
@pytest.mark.parametrize(
    ("student", "name"),
    [(s, n) for s, n in STUDENTS if "autograd" in verify.checks(n)],
    ids=[i for (s, n), i in zip(STUDENTS, IDS, strict=True) if "autograd" in verify.checks(n)],
)
def test_correct_by_autograd(student, name):
    _run(student, name, "autograd")


@pytest.mark.parametrize("name", [n for ch in course.CHAPTERS for n in course.chapter(ch).names])
def test_every_graded_name_has_a_numeric_check(name):
    assert "numeric" in verify.checks(name)
