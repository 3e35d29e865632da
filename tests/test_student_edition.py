"""What students download: the student edition, the chapter bundles and the helpers wheel.

The edition is written by ``autograder.student`` from a released copy of the course. It must
hold the release notebooks, ``requirements.txt``, ``runtime.txt``, README and the helpers
wheel, nothing else, and no answer (leak scan). The five bundles, unzipped side by side as a
student would, must run top to bottom in a *bare* venv made from their ``requirements.txt``
(pip resolves the declared dependencies, from the local index pip already uses), with the
answers filled in; before the wheel is installed, each notebook's first cell prints the one
command that fixes it and raises nothing.
"""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from coursecopy import released_course
from test_release_standalone import fill

from autograder import leaks, student

ROOT = Path(__file__).resolve().parents[1]
IDS = ["gradcheck", "softmax", "temporal_loss", "rnn", "lstm"]  # the course order


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return released_course(tmp_path_factory.mktemp("course"), IDS)


@pytest.fixture(scope="module")
def edition(course, tmp_path_factory):
    out = tmp_path_factory.mktemp("edition") / "student"
    return student.edition(out, IDS, course)


def test_edition_holds_the_notebooks_helpers_and_environment_only(edition):
    wheel = student.wheel_name(ROOT)
    expected = {"README.md", "requirements.txt", "runtime.txt", wheel}
    expected |= {f"{a}/{name}" for a in IDS for name in (f"{a}.ipynb", "requirements.txt", wheel)}
    files = {p.relative_to(edition).as_posix() for p in edition.rglob("*") if p.is_file()}
    assert files == expected
    assert leaks.Secrets.of_course(ROOT).scan(edition) == {}
    readme = (edition / "README.md").read_text()
    assert "pip install -r requirements.txt" in readme and "launch" in readme
    assert (edition / "runtime.txt").read_text().strip() == "python-3.11"
    with zipfile.ZipFile(edition / wheel) as whl:
        names = whl.namelist()
    assert "workbook/carry.py" in names and "workbook/numgrad.py" not in names
    assert not [n for n in names if n.startswith(("solutions", "autograder"))]


def test_every_release_folder_holds_no_answer_and_no_hidden_test(course):
    secrets = leaks.Secrets.of_course(ROOT)
    assert len(secrets.lines) > 50
    for a in IDS:
        folder = course / "release" / a
        assert (folder / "workbook" / "carry.py").is_file()
        assert not (folder / "workbook" / "numgrad.py").exists()
        assert secrets.scan(folder) == {}, a


def test_closed_chapter_ships_its_reference_to_later_chapters_only(course, tmp_path):
    """An instructor's course setting: temporal_loss closed -> its reference layers reach the
    rnn release (and the rnn notebook needs no temporal_loss notebook), not its own."""
    from autograder import ship

    for chapter in ("temporal_loss", "rnn"):
        ship.copy_helpers(tmp_path / chapter, course, ["temporal_loss"], chapter=chapter)
    assert not (tmp_path / "temporal_loss" / "workbook" / "closed").exists()
    module = tmp_path / "rnn" / "workbook" / "closed" / "temporal_loss.py"
    assert "def temporal_softmax_loss(" in module.read_text()
    probe = (
        "from workbook.carry import carry_over\n"
        "print(carry_over('temporal_loss', globals(), 'temporal_softmax_loss'))\n"
        "import numpy as np\n"
        "x = np.zeros((2, 3, 4)); y = np.zeros((2, 3), int); m = np.ones((2, 3), bool)\n"
        "print(round(temporal_softmax_loss(x, y, m)[0], 6))\n"
    )
    env = {**os.environ, "PYTHONPATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path / "rnn", capture_output=True,
        text=True, env=env, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "temporal_loss: temporal_softmax_loss from the reference layers (chapter closed)",
        "[]",
        f"{round(3 * 1.3862943611198906, 6)}",
    ]


def test_missing_earlier_notebook_is_one_clear_line_and_a_stand_in(tmp_path):
    probe = (
        "from workbook.carry import carry_over\n"
        "carry_over('rnn', globals(), 'rnn_step_forward')\n"
        "try:\n    rnn_step_forward(1, 2, 3, 4, 5)\n"
        "except NotImplementedError as e:\n    print('raised:', e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    lines = out.stdout.splitlines()
    assert out.returncode == 0 and len(lines) == 2, out
    assert lines[0].startswith("rnn.ipynb not found (looked in ../rnn/rnn.ipynb")
    assert lines[1] == f"raised: {lines[0]}"


def test_unanswered_and_failing_earlier_answers_are_named(course, tmp_path):
    """A stub is 'not answered yet'; a wrong answer 'fails its visible check', carried."""
    folder = tmp_path / "temporal_loss"
    folder.mkdir()
    source = ROOT / "assignments" / "temporal_loss" / "temporal_loss.ipynb"
    nb = fill_copy(course / "release" / "temporal_loss" / "temporal_loss.ipynb", source, folder)
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade_id") == "temporal_affine_backward":
            c.source = c.source.replace(
                "db = dout_flat.sum(axis=0)", "db = dout_flat.sum(axis=0) * 2"
            )
        if c.metadata.get("nbgrader", {}).get("grade_id") == "word_embedding_backward":
            c.source = c.source.split('    """\n', 2)[0] + '    """\n    raise NotImplementedError'
    nbformat.write(nb, folder / "temporal_loss.ipynb")
    (tmp_path / "rnn").mkdir()
    names = ("word_embedding_backward", "temporal_affine_backward", "temporal_affine_forward")
    probe = (
        "from workbook.carry import carry_over\n"
        f"carry_over('temporal_loss', globals(), *{names!r})\n"
        "print(callable(temporal_affine_backward))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(course)}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path / "rnn", capture_output=True, text=True,
        env=env, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("word_embedding_backward: not answered yet in ")
    assert lines[1].startswith("temporal_affine_backward: fails its visible check (")
    assert "db" in lines[1] and lines[2] == "True"


def fill_copy(release_nb, source, folder):
    path = folder / release_nb.name
    path.write_bytes(release_nb.read_bytes())
    return fill(path, source)


def run_notebook(path, kernel, env):
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name=kernel)
    old = dict(os.environ)
    os.environ.update(env)
    try:
        client.execute(cwd=str(path.parent))
    finally:
        os.environ.clear()
        os.environ.update(old)
    return nb


@pytest.mark.slow
def test_bundles_run_top_to_bottom_in_a_bare_venv(edition, course, tmp_path):
    downloads = tmp_path / "downloads"
    student.bundles(edition, downloads, IDS)
    home = tmp_path / "me"
    for a in IDS:  # a student downloads the five bundles into one folder
        with zipfile.ZipFile(downloads / f"{a}.zip") as zf:
            zf.extractall(home)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    reqs = (home / "gradcheck" / "requirements.txt").read_text().splitlines()
    deps = [r for r in reqs if r and not r.startswith("#") and not r.endswith(".whl")]
    pip = [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, *deps], check=True, timeout=900, capture_output=True)
    kernels = tmp_path / "jupyter"
    subprocess.run(
        [str(py), "-m", "ipykernel", "install", "--prefix", str(kernels), "--name", "bare"],
        check=True, timeout=120, capture_output=True,
    )  # fmt: skip
    env = {"JUPYTER_PATH": str(kernels / "share" / "jupyter"), "MPLBACKEND": "Agg",
           "OPENBLAS_NUM_THREADS": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")}  # fmt: skip

    # Helpers not installed yet: the first cell prints the one command, no traceback.
    for a in IDS:
        nb = nbformat.read(home / a / f"{a}.ipynb", as_version=4)
        first = next(c for c in nb.cells if c.cell_type == "code")
        nb.cells = [first]
        nbformat.write(nb, tmp_path / f"{a}-first.ipynb")
        out = run_notebook(tmp_path / f"{a}-first.ipynb", "bare", env).cells[0].outputs
        assert [o.output_type for o in out] == ["stream"], (a, out)
        assert "%pip install -r requirements.txt" in out[0]["text"], a

    # One pip install of the wheel the project builds, from the bundle's own requirements.
    proc = subprocess.run(
        [*pip, "-r", "requirements.txt"], cwd=home / "gradcheck", timeout=900, capture_output=True
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    for a in IDS:
        path = home / a / f"{a}.ipynb"
        fill(path, ROOT / "assignments" / a / f"{a}.ipynb")
        nb = run_notebook(path, "bare", env)
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert not errors, (a, errors[:1])
    assert sorted(p.name for p in (home / "rnn").iterdir()) == sorted(
        ["rnn.ipynb", "requirements.txt", student.wheel_name(ROOT)]
    ), "running the notebook wrote into its folder (a data cache?)"
