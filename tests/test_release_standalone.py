"""The student release runs top to bottom on its own once the answer cells are filled.

The ``release/<id>/`` folders (made by ``python -m autograder.release`` in a temporary
copy) are moved to one fresh course folder, as nbgrader's ``fetch_assignment`` lays them
out; their answer cells get the reference answers, as a student who solved everything
would write them, and are saved there. Each notebook must then run top to bottom in a
kernel started in its folder, import the ``workbook`` package shipped next to it (not the
repository's), never import ``solutions`` or ``autograder``, and take the earlier
chapters' layers from the student's own earlier notebooks (``workbook.carry``).
"""

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest
from coursecopy import released_course
from nbclient import NotebookClient

from autograder import sync

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
IDS = [Path(p).parent.name for p in sync.notebooks(str(ROOT))]
PROBE = (
    "import sys, os, json\n"
    "print(json.dumps({'workbook': os.path.realpath(sys.modules['workbook'].__file__),\n"
    "    'leaked': sorted(m for m in ('solutions', 'autograder', 'workbook.numgrad')\n"
    "                     if m in sys.modules)}))"
)
ENV = {"OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}


def answers(source):
    """``{grade_id: answer source without the solution markers}`` of a source notebook."""
    out = {}
    for c in nbformat.read(source, as_version=4).cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("solution") and c.cell_type == "code":  # not the written answers
            lines = c.source.split("\n")
            out[meta["grade_id"]] = "\n".join(ln for ln in lines if "SOLUTION" not in ln)
    return out


def fill(path, source):
    """Write the reference answers into the answer cells of the released notebook ``path``."""
    nb = nbformat.read(path, as_version=4)
    filled = answers(source)
    code = [c for c in nb.cells if c.cell_type == "code"]  # written answers are markdown
    stubs = [c for c in code if c.metadata.get("nbgrader", {}).get("solution")]
    assert stubs and all("NotImplementedError" in c.source for c in stubs)
    assert {c.metadata.nbgrader.grade_id for c in stubs} == set(filled)
    for c in stubs:
        c.source = filled[c.metadata.nbgrader.grade_id]
    for c in nb.cells:  # written answers (manually graded): some text, as a student writes
        if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution"):
            c.source = "**Your answer:** a sentence or two of the student's own."
    nbformat.write(nb, path)
    return nb


def execute(nb, folder, timeout=300):
    old = {k: os.environ.get(k) for k in ENV}
    os.environ.update(ENV)
    try:
        client = NotebookClient(
            nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": folder}}
        )
        client.execute(cwd=str(folder))
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    return nb


def stdout(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    release = released_course(tmp_path_factory.mktemp("course"), IDS)
    course = tmp_path_factory.mktemp("student") / "course"
    for a in IDS:
        shutil.copytree(release / "release" / a, course / a)
        fill(course / a / f"{a}.ipynb", ROOT / "assignments" / a / f"{a}.ipynb")
    return course


@pytest.mark.parametrize("a", IDS)
def test_release_runs_top_to_bottom_with_only_answers_filled(course, a):
    folder = course / a
    nb = nbformat.read(folder / f"{a}.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    execute(nb, folder)
    probe = json.loads(nb.cells[-1].outputs[0]["text"])
    assert probe["workbook"].startswith(str(folder.resolve())), probe
    assert probe["leaked"] == [], probe
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    for cell in nb.cells:  # every carried cell says where each layer came from
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid.startswith("given_") and "carry_over" in cell.source:
            chapter = gid.removeprefix("given_")
            assert f"from your answers in ../{chapter}/{chapter}.ipynb" in stdout(cell)
    assert not list(folder.rglob(".cache")), "a data cache was written into the assignment"
