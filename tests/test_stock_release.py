"""Stock nbgrader makes the complete release, the same as ``make release``.

In a copy of the course, ``python -m autograder.release rnn`` writes ``release/rnn``; then
stock ``nbgrader generate_assignment rnn`` (into an empty release folder), the same with
``--force`` over an existing release, and formgrader's Generate button (its API call, in a
``jupyter lab`` server started here on 127.0.0.1) must each write the same files, byte
for byte: the notebook, the ``workbook`` helpers and ``requirements.txt``.
"""

import hashlib
import json
import shutil
import urllib.request
from pathlib import Path

import pytest
from coursecopy import released_course
from test_jupyterlab import start_lab
from test_nbgrader_roundtrip import nbgrader

pytestmark = [pytest.mark.nbgrader, pytest.mark.slow]


def tree(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(Path(folder).rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = released_course(tmp_path_factory.mktemp("course"), ["rnn"])
    made = tree(root / "release" / "rnn")
    assert {"rnn.ipynb", "requirements.txt", "workbook/__init__.py", "workbook/carry.py"} <= set(
        made
    )
    assert "workbook/numgrad.py" not in made
    return root, made


def test_generate_assignment_writes_the_complete_release(course):
    root, made = course
    shutil.rmtree(root / "release" / "rnn")
    nbgrader(root, "generate_assignment", "rnn")
    assert tree(root / "release" / "rnn") == made


def test_generate_assignment_force_keeps_it_complete(course):
    root, made = course
    nbgrader(root, "generate_assignment", "rnn", "--force")
    assert tree(root / "release" / "rnn") == made


@pytest.mark.browser
def test_formgrader_generate_button_writes_the_complete_release(course):
    root, made = course
    shutil.rmtree(root / "release" / "rnn")
    with start_lab(root, root) as lab:
        request = urllib.request.Request(
            f"{lab['base']}/formgrader/api/assignment/rnn/assign",
            method="POST",
            data=b"",
            headers={"Authorization": f"token {lab['token']}"},
        )
        with urllib.request.urlopen(request, timeout=300) as response:
            result = json.loads(response.read())
    assert result.get("success"), result
    assert tree(root / "release" / "rnn") == made
