"""A released copy of the course in a temporary folder, for the end-to-end tests."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def released_course(root, ids, extra=None):
    """Copy ``nbgrader_config.py``, ``workbook/`` and the ``ids`` sources into ``root`` and
    run ``python -m autograder.release``; ``extra`` is ``{id: folder}`` of more sources."""
    root = Path(root)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "workbook", root / "workbook", ignore=ignore)
    for a in ids:
        src = (extra or {}).get(a, ROOT / "assignments" / a)
        shutil.copytree(src, root / "assignments" / a, ignore=ignore)
    env = dict(os.environ)  # nbgrader calls `jupyter` and `alembic` from PATH: this venv's
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    cmd = [sys.executable, "-m", "autograder.release", *ids]
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root
