"""Gradescope and PrairieLearn autograders built from the fixture course.

* ``python -m autograder gradescope fx -o DIR`` writes a zip whose ``run_autograder``,
  run in a temporary folder laid out like ``/autograder``, grades correct, wrong,
  cheating and broken submissions with the scores stock ``nbgrader autograde`` (with the
  course's hardened configuration) gives them, and writes a ``results.json`` that
  Gradescope's published fields accept; missing, renamed and unreadable notebooks give a
  results file that says so.
* ``python -m autograder prairielearn fx -o DIR`` writes an image context whose
  ``entrypoint``, run against a folder laid out like ``/grade`` and without any network
  (a network namespace of its own), does the same in PrairieLearn's format.
* Without Docker: ``setup.sh``, ``run_autograder``, the ``Dockerfile`` and ``entrypoint``
  name only files the zip or context holds; the requirements are exact pins of the lock
  and cover every distribution grading imports.
* Where bubblewrap cannot run, student code runs as an unprivileged user, announced.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

import jsonschema
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course  # noqa: E402
import mixed  # noqa: E402

from workbook.data import captions  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = Path(__file__).parent / "fixtures" / "hosted"
NBGRADED = ("correct", "wrong", "cheat", "exit", "truncated")  # stock nbgrader grades these


def _schema(name):
    return jsonschema.Draft202012Validator(json.loads((SCHEMAS / name).read_text()))


def _env(**extra):
    e = course.env()
    e["BACKPROP_DATA_DIR"] = str(captions.ensure_dataset().parent)  # as setup.sh makes it
    e.update(extra)
    return e


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The fixture course, its Gradescope zip and its PrairieLearn context."""
    tmp = tmp_path_factory.mktemp("hosted")
    root = course.make_course(tmp / "course")
    for name in ("gradescope", "prairielearn"):
        cmd = [sys.executable, "-m", "autograder", name, "fx", "-o", str(tmp / name)]
        r = subprocess.run(cmd, cwd=root, env=_env(), capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert r.stderr.startswith("wrote ")
    return root, tmp / "gradescope" / "gradescope-fx.zip", tmp / "prairielearn"


def _submission(folder, kind, root, raw=None):
    """A student's upload: ``kind`` of :data:`mixed.KINDS`, ``missing``, ``renamed`` or
    ``raw`` bytes."""
    folder.mkdir(parents=True)
    if kind == "missing":
        return
    name = "fx (1).ipynb" if kind == "renamed" else "fx.ipynb"
    if raw is None:
        raw = mixed.KINDS["correct" if kind == "renamed" else kind][0](root)
    (folder / name).write_bytes(raw)


def gradescope(zip_path, kind, root, tmp, python=sys.executable, raw=None, **env):
    """Run ``run_autograder`` in ``tmp/autograder``; the parsed ``results.json``."""
    ag = tmp / "autograder"
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(ag / "source")
    shutil.copy(ag / "source" / "run_autograder", ag / "run_autograder")
    _submission(ag / "submission", kind, root, raw)
    env = _env(AUTOGRADER_ROOT=str(ag), AUTOGRADER_PYTHON=python, **env)
    r = subprocess.run(["bash", str(ag / "run_autograder")], env=env, capture_output=True)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    return json.loads((ag / "results" / "results.json").read_text())


def prairielearn(context, kind, root, tmp, wrap=()):
    """Run ``entrypoint`` against ``tmp/grade``; the parsed ``results.json``."""
    home = tmp / "grader"
    shutil.copytree(context, home)
    _submission(tmp / "grade" / "student", kind, root)
    env = _env(GRADE_ROOT=str(tmp / "grade"), GRADER_HOME=str(home), GRADER_PYTHON=sys.executable)
    r = subprocess.run([*wrap, "bash", str(home / "entrypoint")], env=env, capture_output=True)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    return json.loads((tmp / "grade" / "results" / "results.json").read_text())


@pytest.fixture(scope="module")
def nbgrader_scores(built):
    """Stock ``nbgrader autograde fx`` (hardened configuration) on the same submissions."""
    root, _, _ = built
    for kind in NBGRADED:
        course.submit(root, kind, raw=mixed.KINDS[kind][0](root))
    course.nbgrader(root, "autograde", "fx", check=False)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions("fx")}


def _unshare():
    if shutil.which("unshare") is None:
        return None
    r = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    return ["unshare", "-n"] if r.returncode == 0 else None


@pytest.mark.slow
def test_contexts_name_only_files_they_hold(built):
    _, zip_path, context = built
    names = set(zipfile.ZipFile(zip_path).namelist())
    assert {"setup.sh", "run_autograder", "requirements.txt", "assignment.json"} <= names
    setup = zipfile.ZipFile(zip_path).read("setup.sh").decode()
    for ref in re.findall(r"/autograder/source/([\w./-]+)", setup):
        assert ref in names, f"setup.sh names {ref}, not in the zip"
    run = zipfile.ZipFile(zip_path).read("run_autograder").decode()
    module = re.search(r"-m (autograder[\w.]+)", run).group(1)
    assert module.replace(".", "/") + ".py" in names
    dockerfile = (context / "Dockerfile").read_text()
    copies = re.findall(r"^COPY (\S+) \S+$", dockerfile, flags=re.M)
    assert copies and all((context / c).exists() for c in copies), copies
    assert re.search(r'ENTRYPOINT \["/grader/entrypoint"\]', dockerfile)
    assert "COPY entrypoint /grader/entrypoint" in dockerfile
    entry = (context / "entrypoint").read_text()
    module = re.search(r"-m (autograder[\w.]+)", entry).group(1)
    assert (context / "source" / (module.replace(".", "/") + ".py")).is_file()
    assert not (context / "source" / "solutions" / "__pycache__").exists()
    lock = set((REPO / "requirements.lock").read_text().split())
    for reqs in (zipfile.ZipFile(zip_path).read("requirements.txt").decode(),):
        assert reqs.split() and set(reqs.split()) <= lock  # exact pins from the lock
    assert (context / "source" / "requirements.txt").read_text() == reqs
    spec = json.loads(zipfile.ZipFile(zip_path).read("assignment.json"))
    assert spec["assignment"] == "fx" and list(spec["notebooks"]) == ["fx"]
    assert spec["hidden_visibility"] == "after_due_date"


@pytest.mark.sandbox
@pytest.mark.slow
def test_gradescope_autograder(built, nbgrader_scores, tmp_path):
    root, zip_path, _ = built
    validator = _schema("gradescope.schema.json")
    seen = {}
    for kind in (*NBGRADED, "empty", "missing", "renamed"):
        data = seen[kind] = gradescope(zip_path, kind, root, tmp_path / kind)
        validator.validate(data)
        assert [t["name"] for t in data["tests"]] == list(course.POINTS)
        assert [t["max_score"] for t in data["tests"]] == list(course.POINTS.values())
        assert {t["visibility"] for t in data["tests"]} == {"after_due_date"}
        assert "bubblewrap sandbox" in data["output"]
        assert not re.search(r"[\d.]+ / [\d.]+ points", data["output"])  # no total: hidden
        if kind in nbgrader_scores:
            assert sum(t["score"] for t in data["tests"]) == nbgrader_scores[kind], kind
    assert nbgrader_scores == {k: mixed.KINDS[k][1] for k in NBGRADED}
    wrong = seen["wrong"]["tests"]
    assert wrong[0]["output"] == "passed"
    assert "log-sum-exp without subtracting the row maximum" in wrong[1]["output"]
    assert "fx.ipynb could not be graded: fx.ipynb was not submitted" in seen["missing"]["output"]
    assert "the notebook file is empty" in seen["empty"]["output"]
    assert "Graded fx (1).ipynb as fx.ipynb." in seen["renamed"]["output"]
    assert sum(t["score"] for t in seen["renamed"]["tests"]) == course.FULL_SCORE


@pytest.mark.sandbox
@pytest.mark.slow
def test_prairielearn_grader_offline(built, nbgrader_scores, tmp_path):
    root, _, context = built
    wrap = _unshare()
    if wrap is None:
        pytest.skip("cannot make a network namespace here (unshare -n)")
    validator = _schema("prairielearn.schema.json")
    for kind in (*NBGRADED, "empty", "missing"):
        data = prairielearn(context, kind, root, tmp_path / kind, wrap)
        validator.validate(data)
        points = sum(t["points"] for t in data["tests"])
        assert data["score"] == pytest.approx(points / course.FULL_SCORE)
        assert [t["max_points"] for t in data["tests"]] == list(course.POINTS.values())
        if kind in nbgrader_scores:
            assert points == nbgrader_scores[kind], kind
        unreadable = kind in ("truncated", "empty", "missing")
        assert data["gradable"] is not unreadable
        if unreadable:
            assert data["format_errors"] and data["format_errors"][0].startswith("fx.ipynb: ")
        if kind == "correct":
            assert data["message"] == "8 / 8 points"
            assert [t["description"] for t in data["tests"]] == list(course.CORRECT)


def _pinned_python(tmp, requirements):
    """A venv of Debian's ``/usr/bin/python3.11`` (readable by every user) holding only the
    distributions of ``requirements`` (linked from this venv), or ``None``: what
    ``setup.sh`` would install, without the network."""
    base = Path("/usr/bin/python3.11")
    if not base.exists():
        return None
    venv = tmp / "py"
    subprocess.run([str(base), "-m", "venv", "--without-pip", str(venv)], check=True)
    site = venv / "lib" / "python3.11" / "site-packages"
    for line in requirements.split():
        dist = metadata.distribution(line.split("==")[0])
        assert dist.version == line.split("==")[1], line
        for top in {f.parts[0] for f in dist.files if f.parts[0] != ".."}:
            if not (site / top).exists():
                (site / top).symlink_to(dist.locate_file(top))
    return venv / "bin" / "python"


@pytest.mark.slow
def test_gradescope_with_only_the_pins_and_no_bubblewrap(built):
    """The zip's requirements are enough to grade, and where bubblewrap cannot run the
    student's code runs as an unprivileged user, announced in the output."""
    root, zip_path, _ = built
    if os.geteuid() != 0:
        pytest.skip("needs root: the fallback drops to an unprivileged user only from root")
    tmp = Path(tempfile.mkdtemp(prefix="hosted-fallback-"))
    try:
        tmp.chmod(0o755)  # the unprivileged user must reach the Python installation
        reqs = zipfile.ZipFile(zip_path).read("requirements.txt").decode()
        python = _pinned_python(tmp, reqs)
        if python is None:
            pytest.skip("no /usr/bin/python3.11 to build a Python every user can read")
        answers = dict(course.CORRECT)
        check = '    import os\n    assert os.getuid() != 0, "student code runs as root"'
        answers["softmax"] = answers["softmax"].replace(
            '"""Softmax along the last axis."""', f'"""Softmax."""\n{check}'
        )
        raw = json.dumps(course.submission(root, answers)).encode()
        data = gradescope(
            zip_path, "as_user", root, tmp, str(python), raw=raw, AUTOGRADER_NO_BWRAP="1"
        )
        assert [t["score"] for t in data["tests"]] == list(course.POINTS.values()), data
        assert (
            "WEAK FALLBACK SANDBOX: bubblewrap disabled by AUTOGRADER_NO_BWRAP=1" in data["output"]
        )
        assert "runs as an unprivileged user" in data["output"]
    finally:
        shutil.rmtree(tmp, True)


@pytest.mark.slow
def test_a_broken_autograder_still_writes_a_results_file(built, tmp_path):
    """No ``assignment.json`` (grader failure), or no Python at all: a results file that
    says so, for both platforms."""
    from autograder.hosted import gradescope as gs
    from autograder.hosted import prairielearn as pl

    (tmp_path / "src").mkdir()
    assert gs.main(["--source", str(tmp_path / "src"), "--results", str(tmp_path / "gs")]) == 0
    data = json.loads((tmp_path / "gs" / "results.json").read_text())
    _schema("gradescope.schema.json").validate(data)
    assert data["score"] == 0 and "could not grade this: FileNotFoundError" in data["output"]
    assert pl.main(["--source", str(tmp_path / "src"), "--results", str(tmp_path / "pl")]) == 0
    data = json.loads((tmp_path / "pl" / "results.json").read_text())
    _schema("prairielearn.schema.json").validate(data)
    assert data["gradable"] is False and "could not grade" in data["format_errors"][0]
    _, zip_path, context = built
    ag = tmp_path / "autograder"
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(ag / "source")
    env = _env(AUTOGRADER_ROOT=str(ag), AUTOGRADER_PYTHON=str(tmp_path / "no-python"))
    subprocess.run(["bash", str(ag / "source" / "run_autograder")], env=env, check=True)
    data = json.loads((ag / "results" / "results.json").read_text())
    _schema("gradescope.schema.json").validate(data)
    assert "could not start" in data["output"]
    env = _env(GRADE_ROOT=str(tmp_path / "grade"), GRADER_HOME=str(context))
    env["GRADER_PYTHON"] = str(tmp_path / "no-python")
    subprocess.run(["bash", str(context / "entrypoint")], env=env, check=True)
    data = json.loads((tmp_path / "grade" / "results" / "results.json").read_text())
    _schema("prairielearn.schema.json").validate(data)
    assert data["gradable"] is False and "could not start" in data["format_errors"][0]
