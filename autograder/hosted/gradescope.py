"""A Gradescope autograder built from the same grader: ``python -m autograder gradescope <id>``.

:func:`build` writes ``gradescope-<id>.zip``: ``setup.sh`` (run once, as root, when
Gradescope builds the image: Python 3.11, bubblewrap, the pinned ``requirements.txt`` in
``/autograder/venv``, the captioning data set, then the source made readable by root
only), ``run_autograder`` (run for every submission) and the context of
:mod:`.bundle`. :func:`main` is what ``run_autograder`` calls: it grades
``/autograder/submission`` and writes ``/autograder/results/results.json`` in Gradescope's
format (one test per graded cell: ``name``, ``score``, ``max_score``, the one-line
message as ``output``, ``visibility``: hidden-test cells ``after_due_date`` unless built
otherwise; a top-level ``output``). Whatever happens, a results file is written: an
unreadable or missing notebook scores 0 and says why; a grader failure says so.
"""

import argparse
import json
import sys
import tempfile
import traceback
import zipfile
from pathlib import Path

from autograder.hosted import runtime
from autograder.hosted.bundle import HostedAssignment, of_course, write_context

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu 22.04 base).
# Written by `python -m autograder gradescope <id>`: every Python package is pinned.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3.11 python3.11-venv bubblewrap
python3.11 -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --no-cache-dir -r /autograder/source/requirements.txt
# The captioning data set the notebooks load, generated once into the source's cache folder.
cd /autograder/source
PYTHONPATH=/autograder/source /autograder/venv/bin/python -c \\
    "from workbook.data import captions; captions.ensure_dataset()"
# Solutions, grader and hidden tests: readable by root only (student code never runs as root).
chmod -R go-rwx /autograder/source
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission, as root. For a local test the paths move with
# AUTOGRADER_ROOT (default /autograder) and AUTOGRADER_PYTHON (default its venv's python).
AG="${AUTOGRADER_ROOT:-/autograder}"
PY="${AUTOGRADER_PYTHON:-$AG/venv/bin/python}"
mkdir -p "$AG/results"
cd "$AG/source" || exit 1
PYTHONPATH="$AG/source" "$PY" -m autograder.hosted.gradescope \\
    --source "$AG/source" --submission "$AG/submission" --results "$AG/results"
if [ ! -s "$AG/results/results.json" ]; then
    MSG="The autograder could not start; please tell your instructor."
    echo "{\\"score\\": 0, \\"output\\": \\"$MSG\\", \\"tests\\": []}" > "$AG/results/results.json"
fi
"""


def results(graded, spec):
    """Gradescope's ``results.json`` content for a :class:`~.runtime.Graded`."""
    r = graded.result
    tests = []
    for nb in r.notebooks:
        canon = {c.grade_id: c for c in spec.notebooks.get(nb.name, [])}
        for cell in nb.cells:
            source = canon[cell.grade_id].source if cell.grade_id in canon else ""
            hidden = spec.hidden.present(source)
            name = cell.grade_id if len(r.notebooks) == 1 else f"{nb.name}: {cell.grade_id}"
            tests.append(
                {
                    "name": name,
                    "score": cell.score,
                    "max_score": cell.points,
                    "output": cell.message or "passed",
                    "visibility": spec.hidden_visibility if hidden else "visible",
                }
            )
    all_visible = all(t["visibility"] == "visible" for t in tests)
    return {
        "output": runtime.summary(graded, with_score=all_visible),
        "execution_time": round(r.seconds),
        "tests": tests,
    }


def failure(reason):
    return {"score": 0.0, "output": f"The autograder could not grade this: {reason}.", "tests": []}


def main(argv=None):
    ap = argparse.ArgumentParser(description="grade one Gradescope submission")
    ap.add_argument("--source", default="/autograder/source")
    ap.add_argument("--submission", default="/autograder/submission")
    ap.add_argument("--results", default="/autograder/results")
    args = ap.parse_args(argv)
    try:
        spec = HostedAssignment.load(args.source)
        data = results(runtime.grade_dir(spec, args.submission), spec)
    except Exception as e:  # never leave Gradescope without a results file
        traceback.print_exc(file=sys.stdout)  # stdout: shown to instructors only
        data = failure(f"{type(e).__name__}: {e}")
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(data, indent=1))
    print(data["output"])
    return 0


def build(root, assignment, out, hidden_visibility="after_due_date"):
    """Write ``<out>/gradescope-<assignment>.zip``; return its path."""
    spec = of_course(root, assignment, hidden_visibility)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"gradescope-{assignment}.zip"
    with tempfile.TemporaryDirectory() as tmp:
        write_context(tmp, spec)
        Path(tmp, "setup.sh").write_text(SETUP)
        Path(tmp, "run_autograder").write_text(RUN)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
            for p in sorted(Path(tmp).rglob("*")):
                if p.is_file():
                    info = zipfile.ZipInfo.from_file(p, p.relative_to(tmp).as_posix())
                    mode = 0o755 if p.name in ("setup.sh", "run_autograder") else 0o644
                    info.external_attr = mode << 16
                    info.compress_type = zipfile.ZIP_DEFLATED
                    z.writestr(info, p.read_bytes())
    return target


if __name__ == "__main__":
    sys.exit(main())
