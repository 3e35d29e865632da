"""The course manifest (course.toml) is the one list of assignments, and it is right.

Its points agree with the source notebooks' nbgrader metadata, and every list of
chapters (the Makefile, the book build, the specs, nbgrader_config.py) is the manifest's.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder import course, specs

REPO = Path(__file__).resolve().parents[1]


def _test_cells(assignment):
    nb = json.loads((REPO / "assignments" / assignment / f"{assignment}.ipynb").read_text())
    return [
        c["metadata"]["nbgrader"]
        for c in nb["cells"]
        if c["metadata"].get("nbgrader", {}).get("grade")
    ]


@pytest.mark.parametrize("assignment", course.load().ids)
def test_manifest_points_match_the_source_notebook(assignment):
    points = sum(float(md.get("points", 0)) for md in _test_cells(assignment))
    assert course.load().assignment(assignment).points == points


def test_every_assignment_folder_is_in_the_manifest():
    folders = {p.parent.name for p in (REPO / "assignments").glob("*/*.ipynb")}
    assert folders == set(course.load().ids)


def test_every_list_of_chapters_is_the_manifest():
    ids = course.load().ids
    assert specs.CHAPTERS == ids
    sys.path.insert(0, str(REPO / "scripts"))
    import build_book

    assert tuple(build_book.CHAPTERS) == ids
    make = subprocess.run(
        ["make", "-n", "--no-print-directory", "release", f"PY={sys.executable}", "STAMP="],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert f"autograder.release {' '.join(ids)}" in make.stdout, make.stdout + make.stderr


def test_nbgrader_config_takes_the_course_id_from_the_manifest():
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()
    assert cfg.CourseDirectory.course_id == course.load().id
    assert "timeout" not in cfg.get("Execute", {})  # one timeout: c.Limits.cell_timeout
    assert cfg.Limits.cell_timeout == 60


def test_a_broken_manifest_is_one_clear_error(tmp_path):
    bad = tmp_path / "course.toml"
    bad.write_text('[course]\nid = "x"\ntitle = "X"\n[[assignment]]\nid = "a"\n')
    with pytest.raises(ValueError, match="missing or malformed field 'title'"):
        course.load(bad)
    bad.write_text(
        '[course]\nid = "x"\ntitle = "X"\n'
        + '[[assignment]]\nid = "a"\ntitle = "A"\npoints = 1\n' * 2
    )
    with pytest.raises(ValueError, match="listed twice"):
        course.load(bad)
