"""Safe intake (issue 11): submissions are read as small regular files only, never a crash.

Fast checks of :mod:`autograder.intake` and of the stock-nbgrader guards of
:mod:`autograder.nbgrader_ext.safe_files` (no sandbox needed). The end-to-end attacks
(through ``nbgrader autograde`` and the batch) are in ``test_security_submissions.py``.
"""

import json
import os
import threading

import pytest
from nbformat import v4

from autograder import intake
from autograder.notebook.canonical import CanonicalCell
from autograder.notebook.restore import restore
from autograder.sandbox.limits import Limits

SECRET = b"ROOT-ONLY-SECRET 4242"


@pytest.fixture
def secret(tmp_path):
    d = tmp_path / "private"
    d.mkdir(mode=0o700)
    p = d / "answers.txt"
    p.write_bytes(SECRET)
    p.chmod(0o600)
    return p


def _in_time(fn, *args, seconds=10):
    """Run ``fn`` in a thread; fail (instead of hanging the suite) if it blocks."""
    out = {}
    t = threading.Thread(target=lambda: out.update(v=_catch(fn, *args)), daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"{fn.__name__} blocked"
    return out["v"]


def _catch(fn, *args):
    try:
        return fn(*args)
    except intake.Refused as e:
        return e


def test_regular_file_is_read(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"hello")
    assert intake.read_regular(tmp_path / "a.txt", 100) == b"hello"


def test_symlink_is_refused_without_reading_the_target(tmp_path, secret):
    (tmp_path / "nb.ipynb").symlink_to(secret)
    e = _in_time(intake.read_regular, tmp_path / "nb.ipynb", 1 << 20)
    assert isinstance(e, intake.Refused) and "symbolic link" in str(e)
    assert SECRET.decode() not in str(e)


def test_symlinked_parent_folder_is_refused(tmp_path, secret):
    (tmp_path / "sub").symlink_to(secret.parent)
    e = _in_time(intake.read_regular, tmp_path / "sub" / secret.name, 1 << 20)
    assert isinstance(e, intake.Refused)


def test_fifo_and_device_are_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "nb.ipynb")
    e = _in_time(intake.read_regular, tmp_path / "nb.ipynb", 1 << 20)
    assert isinstance(e, intake.Refused) and "named pipe" in str(e)
    e = _in_time(intake.read_regular, "/dev/zero", 1 << 20)
    assert isinstance(e, intake.Refused) and "device" in str(e)


def test_size_cap(tmp_path):
    (tmp_path / "big").write_bytes(b"x" * 2000)
    e = _catch(intake.read_regular, tmp_path / "big", 1000)
    assert isinstance(e, intake.Refused) and "limit" in str(e)


def test_too_many_cells_is_refused_before_parsing(tmp_path):
    empty = {
        "cell_type": "code",
        "source": "",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
    }
    nb = {"cells": [empty] * 50_000, "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    (tmp_path / "fx.ipynb").write_text(json.dumps(nb))
    got, reason, _ = intake.load_submission(tmp_path / "fx.ipynb", Limits())
    assert got is None and "50000 cells (limit 2000)" in reason


def test_symlinked_notebook_becomes_a_reason(tmp_path, secret):
    (tmp_path / "fx.ipynb").symlink_to(secret)
    got, reason, _ = intake.load_submission(tmp_path / "fx.ipynb", Limits())
    assert got is None and "symbolic link" in reason and SECRET.decode() not in reason


CANON = [
    CanonicalCell("ans", "code", "def f():\n    raise NotImplementedError", solution=True,
                  checksum="c1"),
    CanonicalCell("test", "code", "grade('f', f)", locked=True, grade=True, points=2,
                  checksum="c2"),
]  # fmt: skip


@pytest.mark.parametrize(
    "hostile",
    [
        {"nbgrader": {"grade_id": ["test"], "grade": True}},
        {"nbgrader": {"grade_id": {"x": 1}}},
        {"nbgrader": "test"},
        {"nbgrader": ["grade_id", "test"]},
        "metadata as a string",
    ],
)
def test_hostile_metadata_types_are_normalised_and_restore_works(hostile):
    cells = [
        {"cell_type": "code", "source": "def f():\n    return 1", "metadata": {}, "outputs": []},
        {"cell_type": "code", "source": ["x = ", "1"], "metadata": hostile, "outputs": []},
        "not a cell",
        {"cell_type": "widget", "source": 7, "metadata": {}},
    ]
    nb = {"cells": cells, "metadata": [], "nbformat": 4, "nbformat_minor": 5}
    notes = intake.normalise(nb)
    assert notes and all(isinstance(c, dict) for c in nb["cells"])
    out, _ = restore(v4.new_notebook(cells=[]) | nb, CANON)  # no TypeError: unhashable list
    gids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in out.cells]
    assert gids.count("test") == 1 and gids.count("ans") == 1


def test_extra_files_only_regular_small_and_inert(tmp_path, secret):
    sub = tmp_path / "sub"
    (sub / "data").mkdir(parents=True)
    (sub / "data" / "ok.csv").write_text("1,2\n")
    (sub / "timestamp.txt").symlink_to(secret)
    (sub / "big.npy").write_bytes(b"0" * 5000)
    (sub / "page.html").write_text("<script>alert(1)</script>")
    (sub / "pic.svg").write_text("<svg onload='alert(1)'/>")
    os.mkfifo(sub / "pipe.txt")
    (sub / "linkdir").symlink_to(secret.parent, target_is_directory=True)
    ok, refused = intake.extra_files(sub, limits=Limits(extra_file_bytes=1000))
    assert ok == ["data/ok.csv"]
    assert sorted(r for r, _ in refused) == sorted(
        ["timestamp.txt", "big.npy", "page.html", "pic.svg", "pipe.txt", "linkdir"]
    )
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "data").mkdir()
    (dest / "data" / "ok.csv").symlink_to(secret)  # a planted link at the destination
    _in_time(intake.copy_extras, sub, dest, (), Limits(extra_file_bytes=1000))
    assert (dest / "data" / "ok.csv").read_text() == "1,2\n" and not os.path.islink(
        dest / "data" / "ok.csv"
    )
    assert secret.read_bytes() == SECRET  # the planted link's target was not overwritten
    assert not (dest / "timestamp.txt").exists()


def test_submission_digest_reads_no_pipe_or_link(tmp_path, secret):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "fx.ipynb").write_text("{}")
    os.mkfifo(sub / "timestamp.txt")
    (sub / "x").symlink_to(secret)
    first = _in_time(intake.submission_digest, sub, b"k")
    secret.write_bytes(b"changed")  # what a link points to is never read
    assert intake.submission_digest(sub, b"k") == first
    (sub / "fx.ipynb").write_text('{"a": 1}')
    assert intake.submission_digest(sub, b"k") != first


def test_stock_nbgrader_guards_are_installed_by_apply(tmp_path, secret):
    from nbgrader.converters.base import BaseConverter
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    from autograder.nbgrader_ext.config import apply

    apply(Config())
    assert getattr(BaseConverter.init_assignment, "_autograder_safe_files", False)
    cd = CourseDirectory()
    os.mkfifo(tmp_path / "timestamp.txt")
    assert _in_time(cd.get_existing_timestamp, str(tmp_path)) is None
    os.unlink(tmp_path / "timestamp.txt")
    (tmp_path / "timestamp.txt").symlink_to(secret)
    assert cd.get_existing_timestamp(str(tmp_path)) is None
    os.unlink(tmp_path / "timestamp.txt")
    (tmp_path / "timestamp.txt").write_text("2026-01-01 12:00:00.000000 UTC")
    assert cd.get_existing_timestamp(str(tmp_path)).year == 2026
