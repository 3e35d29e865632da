"""Build the student release: ``python -m autograder.release gradcheck softmax ...``.

1. ``python -m autograder.sync --check``: the answer cells must match ``solutions/``;
2. ``nbgrader generate_assignment <id> --force`` for each id (``release/<id>/``:
   solution regions replaced by stubs, hidden tests removed, outputs cleared);
3. a copy of the ``workbook/`` package next to each released notebook, so the
   folder runs on its own (``import workbook`` needs nothing installed but
   numpy, matplotlib, scikit-learn and h5py);
4. a final scan: no released file may contain a solution or hidden-test marker.

Run from the repository root (where ``nbgrader_config.py`` lives), or pass
``--root``. Exit status 1 on any failure.
"""

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys

from autograder import sync

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def workbook_dir(root):
    """The ``workbook`` package to ship: ``<root>/workbook`` or the installed one."""
    local = os.path.join(root, "workbook")
    if os.path.isfile(os.path.join(local, "__init__.py")):
        return local
    spec = importlib.util.find_spec("workbook")
    return list(spec.submodule_search_locations)[0]


def nbgrader(*args, root="."):
    """Run a stock nbgrader command in ``root``; raise ``RuntimeError`` with its log on failure."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    env = dict(os.environ)  # nbgrader calls `alembic` and `jupyter` from PATH: use this venv's
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[2:])} failed:\n{proc.stdout}{proc.stderr}")
    return proc


def leaked_markers(folder):
    """``[(path, marker)]`` for released notebooks that still carry a marker."""
    bad = []
    for dirpath, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".ipynb"):
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    text = f.read()
                bad += [(path, m) for m in MARKERS if m in text]
    return bad


def release(ids, root="."):
    """Release each assignment id into ``<root>/release/<id>/``; returns the folders."""
    paths = [os.path.join(root, "assignments", i, f"{i}.ipynb") for i in ids]
    missing = [p for p in paths if not os.path.isfile(p)]
    if missing:
        raise FileNotFoundError(f"no source notebook: {', '.join(missing)}")
    drifted = {p: d for p in paths if (d := sync.sync_notebook(p, check=True))}
    if drifted:
        lines = [f"  {p}: {', '.join(d)}" for p, d in drifted.items()]
        raise RuntimeError(
            "answer cells drifted from solutions/ (run python -m autograder.sync):\n"
            + "\n".join(lines)
        )
    src = workbook_dir(root)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    folders = []
    for i in ids:
        nbgrader("generate_assignment", i, "--force", root=root)
        out = os.path.join(root, "release", i)
        dest = os.path.join(out, "workbook")
        if os.path.exists(dest):
            shutil.rmtree(dest)
        shutil.copytree(src, dest, ignore=ignore)
        bad = leaked_markers(out)
        if bad:
            raise RuntimeError(f"released notebook still has markers: {bad}")
        folders.append(out)
    return folders


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.release", description=__doc__)
    parser.add_argument("ids", nargs="+", help="assignment ids (folders of assignments/)")
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    args = parser.parse_args(argv)
    try:
        for folder in release(args.ids, args.root):
            print(f"released {folder}")
    except (RuntimeError, FileNotFoundError) as e:
        print(f"release failed: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
