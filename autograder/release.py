"""Build the student release: ``python -m autograder.release gradcheck softmax ...``.

1. ``python -m autograder.sync --check``: the answer cells must match ``solutions/``;
2. ``nbgrader generate_assignment <id> --force`` for each id (``release/<id>/``:
   solution regions replaced by stubs, hidden tests removed, outputs cleared, and,
   through the configured :class:`autograder.ship.ShipHelpers` step, the ``workbook``
   helpers and ``requirements.txt`` next to the notebook, so the folder runs on its
   own);
3. a final scan (:mod:`autograder.leaks`): no released file may contain a marker, a
   line of a solution region or of the matching reference function, or a hidden test.

Run from the repository root (where ``nbgrader_config.py`` lives), or pass
``--root``. Exit status 1 on any failure.
"""

import argparse
import os
import subprocess
import sys

from autograder import leaks, sync

MARKERS = leaks.MARKERS


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
    folders = []
    secrets = leaks.Secrets.of_course(root)
    for i in ids:
        nbgrader("generate_assignment", i, "--force", root=root)
        out = os.path.join(root, "release", i)
        if not os.path.isfile(os.path.join(out, "workbook", "__init__.py")):
            raise RuntimeError(
                f"{out}: no workbook helpers (is ShipHelpers in nbgrader_config.py?)"
            )
        bad = leaked_markers(out)
        if bad:
            raise RuntimeError(f"released notebook still has markers: {bad}")
        found = secrets.scan(out)
        if found:
            raise RuntimeError(f"answers or hidden tests in the release: {found}")
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
