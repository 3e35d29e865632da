"""The student release runs top to bottom on its own once the answer cells are filled.

Each ``release/<id>/`` folder (made by ``python -m autograder.release`` in a temporary
copy) is moved to a fresh directory; its answer cells get the reference answers, as a
student who solved everything would write them, and nothing else is touched. The
notebook must then run top to bottom in a kernel started in that folder, import the
``workbook`` package shipped next to it (not the repository's), and never import
``solutions`` or ``autograder``.
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
    "    'leaked': sorted(m for m in ('solutions', 'autograder') if m in sys.modules)}))"
)


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return released_course(tmp_path_factory.mktemp("course"), IDS)


def answers(source):
    """``{grade_id: answer source without the solution markers}`` of a source notebook."""
    out = {}
    for c in json.loads(Path(source).read_text(encoding="utf-8"))["cells"]:
        meta = c["metadata"].get("nbgrader", {})
        if meta.get("solution") and c["cell_type"] == "code":  # not the written answers
            lines = "".join(c["source"]).split("\n")
            out[meta["grade_id"]] = "\n".join(ln for ln in lines if "SOLUTION" not in ln)
    return out


@pytest.mark.parametrize("a", IDS)
def test_release_runs_top_to_bottom_with_only_answers_filled(release, a, tmp_path):
    folder = tmp_path / a
    shutil.copytree(release / "release" / a, folder)
    nb = nbformat.read(folder / f"{a}.ipynb", as_version=4)
    filled = answers(ROOT / "assignments" / a / f"{a}.ipynb")
    code = [c for c in nb.cells if c.cell_type == "code"]  # written answers are markdown
    stubs = [c for c in code if c.metadata.get("nbgrader", {}).get("solution")]
    assert stubs and all("NotImplementedError" in c.source for c in stubs)
    assert {c.metadata.nbgrader.grade_id for c in stubs} == set(filled)
    for c in stubs:
        c.source = filled[c.metadata.nbgrader.grade_id]
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    env_keep = {"OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    old = {k: os.environ.get(k) for k in env_keep}
    os.environ.update(env_keep)
    try:
        client = NotebookClient(
            nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
        )
        client.execute(cwd=str(folder))
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    probe = json.loads(nb.cells[-1].outputs[0]["text"])
    assert probe["workbook"].startswith(str(folder.resolve())), probe
    assert probe["leaked"] == [], probe
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
