"""A PrairieLearn external grader built from the same grader: ``python -m autograder
prairielearn <id> -o DIR``.

:func:`build` writes an image context laid out like the image's ``/grader``: a
``Dockerfile`` (Python 3.11 and bubblewrap on Debian, the pinned requirements in
``/grader/venv``, the captioning data set generated at build time, the source readable by
root only), ``entrypoint`` (the image's entrypoint), ``source/`` (the context of
:mod:`.bundle`) and a ``README.md`` with the question's ``externalGradingOptions``.
Grading needs no network: everything is in the image. :func:`main`, run by the
entrypoint, grades ``/grade/student`` and writes ``/grade/results/results.json`` in
PrairieLearn's format: ``score`` in [0, 1], ``tests`` with ``name``, ``description``,
``points``, ``max_points``, ``message``. A missing or unreadable notebook is
``"gradable": false`` with ``format_errors`` (no attempt is used up); so is a grader failure.

(Longer than most modules: a third of it is the three files it writes, kept as templates.)
"""

import argparse
import json
import shutil
import sys
import traceback
from pathlib import Path

from autograder.hosted import runtime
from autograder.hosted.bundle import HostedAssignment, of_course, write_context

DOCKERFILE = """# PrairieLearn external grader for `{id}`: `python -m autograder prairielearn {id}`.
# docker build -t <registry>/<image>:<tag> . && docker push <registry>/<image>:<tag>
FROM python:3.11-slim-bookworm
RUN apt-get update \\
    && apt-get install -y --no-install-recommends bubblewrap \\
    && rm -rf /var/lib/apt/lists/*
COPY source/requirements.txt /grader/requirements.txt
RUN python -m venv /grader/venv \\
    && /grader/venv/bin/python -m pip install --no-cache-dir -r /grader/requirements.txt
COPY source /grader/source
COPY entrypoint /grader/entrypoint
# The captioning data set, generated once; then solutions, grader and hidden tests root-only.
RUN cd /grader/source \\
    && PYTHONPATH=/grader/source /grader/venv/bin/python -c \\
        "from workbook.data import captions; captions.ensure_dataset()" \\
    && chmod -R go-rwx /grader/source \\
    && chmod 755 /grader/entrypoint
ENTRYPOINT ["/grader/entrypoint"]
"""

ENTRYPOINT = """#!/usr/bin/env bash
# The grading job (the image's ENTRYPOINT), run by PrairieLearn with no network. For a local
# test: GRADE_ROOT (default /grade), GRADER_HOME (default /grader), GRADER_PYTHON.
G="${GRADE_ROOT:-/grade}"
H="${GRADER_HOME:-/grader}"
PY="${GRADER_PYTHON:-$H/venv/bin/python}"
mkdir -p "$G/results"
cd "$H/source" || exit 1
PYTHONPATH="$H/source" "$PY" -m autograder.hosted.prairielearn \\
    --source "$H/source" --student "$G/student" --results "$G/results"
if [ ! -s "$G/results/results.json" ]; then
    MSG="The autograder could not start; please tell your instructor."
    echo "{\\"gradable\\": false, \\"format_errors\\": [\\"$MSG\\"]}" > "$G/results/results.json"
fi
"""

README = """# PrairieLearn external grader: `{id}`

Build this folder into an image and push it where PrairieLearn can pull it:

    docker build -t <registry>/<image>:<tag> .
    docker push <registry>/<image>:<tag>

In the question's `info.json` (students upload {files} with
`<pl-file-upload file-names="{files}">` in `question.html`):

```json
"externalGradingOptions": {{
  "enabled": true,
  "image": "<registry>/<image>:<tag>",
  "entrypoint": "/grader/entrypoint",
  "timeout": {timeout}
}}
```

Grading needs no network (leave `enableNetworking` off). The grader runs student code in
bubblewrap when the container allows it, else as an unprivileged user in the weak fallback,
and says which in the results' `output`.
"""


def results(graded):
    """PrairieLearn's ``results.json`` content for a :class:`~.runtime.Graded`."""
    r = graded.result
    tests = [
        {
            "name": cell.grade_id if len(r.notebooks) == 1 else f"{nb.name}: {cell.grade_id}",
            "description": ", ".join(n.name for n in cell.names),
            "points": cell.score,
            "max_points": cell.points,
            "message": cell.message or "passed",
        }
        for nb in r.notebooks
        for cell in nb.cells
    ]
    out = {
        "gradable": True,
        "score": r.score / r.max_score if r.max_score else 0.0,
        "message": f"{r.score:g} / {r.max_score:g} points",
        "output": runtime.summary(graded),
        "tests": tests,
    }
    unreadable = [f"{nb.name}.ipynb: {nb.unreadable}" for nb in r.notebooks if nb.unreadable]
    if unreadable:
        out.update(gradable=False, format_errors=unreadable)
    return out


def failure(reason):
    return {"gradable": False, "format_errors": [f"The autograder could not grade this: {reason}"]}


def main(argv=None):
    ap = argparse.ArgumentParser(description="grade one PrairieLearn submission")
    ap.add_argument("--source", default="/grader/source")
    ap.add_argument("--student", default="/grade/student")
    ap.add_argument("--results", default="/grade/results")
    args = ap.parse_args(argv)
    try:
        spec = HostedAssignment.load(args.source)
        data = results(runtime.grade_dir(spec, args.student))
    except Exception as e:  # never leave PrairieLearn without a results file
        traceback.print_exc(file=sys.stdout)
        data = failure(f"{type(e).__name__}: {e}")
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(data, indent=1))
    print(data.get("output") or data["format_errors"][0])
    return 0


def build(root, assignment, out):
    """Write the image context of ``assignment`` into ``out``; return ``out``.

    An earlier context's ``source/`` there is replaced; nothing else in ``out`` is removed.
    """
    spec = of_course(root, assignment)
    out = Path(out)
    if (out / "source" / "assignment.json").is_file():
        shutil.rmtree(out / "source")
    write_context(out / "source", spec)
    (out / "Dockerfile").write_text(DOCKERFILE.format(id=assignment))
    (out / "entrypoint").write_text(ENTRYPOINT)
    (out / "entrypoint").chmod(0o755)
    files = " ".join(f"{n}.ipynb" for n in spec.notebooks)
    timeout = int(min(600, spec.limits.get("total_timeout", 600) + 60))
    (out / "README.md").write_text(README.format(id=assignment, files=files, timeout=timeout))
    return out


if __name__ == "__main__":
    sys.exit(main())
