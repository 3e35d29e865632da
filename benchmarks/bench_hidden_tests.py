"""CPU time of each notebook's hidden tests (target: under 2 s per notebook).

For every source notebook, every ``grade("<name>", ...)`` call of its test cells is run
in this process on independent copies of the reference objects (what a student who
wrote the reference would submit), cold: the reference outputs are recomputed, nothing
is cached between notebooks. CPU time is ``time.process_time`` (all threads of this
process); BLAS runs on one thread, as in the hardened grader's workers. The table is
written to ``docs/benchmarks.md`` between ``<!-- hidden:start -->`` and ``<!-- hidden:end -->``.

    python benchmarks/bench_hidden_tests.py [--repeats 3]
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from report import cpu_model, write_block  # noqa: E402

from autograder import grader, specs, sync  # noqa: E402
from autograder.mistakes.base import build_function  # noqa: E402
from autograder.notebook.cells import grade_names  # noqa: E402

DOC = REPO / "docs" / "benchmarks.md"
START, END = "<!-- hidden:start -->", "<!-- hidden:end -->"
TARGET = 2.0


def graded_names(path):
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    names = []
    for c in nb["cells"]:
        if c["cell_type"] == "code" and c["metadata"].get("nbgrader", {}).get("grade"):
            names += grade_names("".join(c["source"]))
    return names


def notebook_cpu(names):
    """CPU seconds to grade ``names`` once, from a cold reference-output cache."""
    grader.reference_outputs.cache_clear()
    t0 = time.process_time()
    for name in names:
        ns = {u: build_function(u) for u in specs.get(name).uses}
        grader.grade_in_process(name, ns[specs.resolve(name).slot], ns)
    return time.process_time() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    rows = []
    for path in sync.notebooks(str(REPO)):
        names = graded_names(path)
        times = [notebook_cpu(names) for _ in range(args.repeats)]
        rows.append((Path(path).stem, len(names), min(times), float(np.median(times))))
        print(f"{rows[-1][0]:14s} {len(names):2d} calls  median {rows[-1][3]:.3f} s CPU")
    cpu = cpu_model()
    lines = [
        START,
        "## Hidden tests: CPU time per notebook",
        "",
        f"`benchmarks/bench_hidden_tests.py`, {time.strftime('%Y-%m-%d')}, {cpu}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}, "
        "one BLAS thread. Every `grade(...)` call of the notebook's test cells, run on copies "
        "of the reference answers (all pass), cold reference cache, "
        f"{args.repeats} repeats. Target: under {TARGET:g} s of CPU per notebook.",
        "",
        "| notebook | grade calls | CPU s (min) | CPU s (median) | target |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, n, best, med in rows:
        verdict = "met" if med < TARGET else "**not met**"
        lines.append(f"| {name} | {n} | {best:.3f} | {med:.3f} | < {TARGET:g} s: {verdict} |")
    lines.append(END)
    write_block("\n".join(lines), START, END, DOC)
    print(f"wrote {DOC}")
    return 0 if all(r[3] < TARGET for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
