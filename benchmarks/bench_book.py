"""Cold and warm build time of the book, measured in one run; writes docs/benchmarks.md.

Cold: a fresh copy of the book's sources in a temporary folder, with empty caches
(execution cache, MathJax from npm, the generated captioning data set): what `make book`
costs on a fresh clone after `make release`, figures included. Warm: the same build again
with no change. Both run `scripts/build_book.py` as a subprocess and are timed end to end.

    python benchmarks/bench_book.py            # prints and updates docs/benchmarks.md
    python benchmarks/bench_book.py --no-write
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import cpu_model, write_block

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "benchmarks.md"
START, END = "<!-- book:start -->", "<!-- book:end -->"
SOURCES = ("_config.yml", "_toc.yml", "book", "scripts", "solutions", "workbook", "autograder",
           "release", "pyproject.toml")  # fmt: skip


def timed_build(root: Path, env: dict) -> tuple[float, dict]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(root / "scripts" / "build_book.py"), "--source", str(root), "--quiet"],
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    report = json.loads((root / "_build" / "book-report.json").read_text())
    if proc.returncode != 0:
        sys.exit(f"build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return seconds, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    if not (REPO / "release").is_dir():
        sys.exit("release/ is missing: run `make release` first")
    with tempfile.TemporaryDirectory(prefix="bench-book-") as tmp:
        root, caches = Path(tmp) / "book", Path(tmp) / "caches"
        root.mkdir()
        ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
        for name in SOURCES:
            src = REPO / name
            if src.is_dir():
                shutil.copytree(src, root / name, ignore=ignore)
            elif src.is_file():
                shutil.copy2(src, root / name)
        env = {**os.environ, "WORKBOOK_CACHE_DIR": str(caches),
               "BACKPROP_DATA_DIR": str(caches / "captions"), "PYTHONHASHSEED": "0"}  # fmt: skip
        cold, cold_report = timed_build(root, env)
        warm, warm_report = timed_build(root, env)
    result = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "cold_s": round(cold, 1),
        "cold_executed": len(cold_report["executed"]),
        "warm_s": round(warm, 1),
        "warm_executed": len(warm_report["executed"]),
        "warm_sphinx_s": warm_report["seconds"],
    }
    print(json.dumps(result, indent=2))
    cold_ok = "met" if cold < 240 else "**not met**"
    warm_ok = "met" if warm < 0.1 * cold else "**not met**"
    block = f"""{START}
## Book build (`make book`)

`benchmarks/bench_book.py`, {result["date"]}, {result["machine"]}; both builds in one run, on a
fresh copy of the sources with empty caches (execution cache, MathJax from npm, generated
captioning data), after `make release`. Times are end to end (`scripts/build_book.py` as a
subprocess, Python start-up included). The machine is shared: wall times are indicative.

| build | wall time | pages executed | target |
| --- | ---: | ---: | --- |
| cold (fresh clone) | {cold:.1f} s | {result["cold_executed"]} | < 240 s: {cold_ok} |
| warm (no change) | {warm:.1f} s ({warm / cold:.1%} of cold) | {result["warm_executed"]} \
| < 10% of cold: {warm_ok} |

Of the warm rebuild, {result["warm_sphinx_s"]:.1f} s is Sphinx itself; the rest is starting
Python and importing Jupyter Book.
{END}"""
    if not args.no_write:
        write_block(block, START, END, DOC)
        print(f"updated {DOC.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
