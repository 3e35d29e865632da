"""Build the Backprop Workbook site strictly (the `make book` / `make book-instructor` step).

    python scripts/build_book.py                 # public site  -> _build/html
    python scripts/build_book.py --instructor    # + assignment sources with solutions
                                                 #              -> _build/instructor/html

Strict: nitpicky, every warning is an error, and the build keeps going to report them all
(`jupyter-book build -n -W --keep-going`). Both builds share one execution cache
(`_build/.jupyter_cache`); figure pages are keyed on the code they import (see
book/_ext/workbook_book.py), so a rebuild with no change executes nothing.

Each build writes a JSON report next to its html folder (`_build/book-report.json`,
`_build/instructor/book-report.json`): status, seconds, and which pages were executed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from autograder.course import load as _course  # noqa: E402

CHAPTERS = _course().ids  # the course manifest, course.toml


class _Tee:
    """Pass writes through to a stream and keep Sphinx's warning lines."""

    def __init__(self, stream):
        self.stream = stream
        self.warnings: list[str] = []
        self._line = ""

    def write(self, text):
        self._line += text
        *lines, self._line = self._line.split("\n")
        self.warnings += [line for line in lines if "WARNING:" in line or "ERROR:" in line]
        return self.stream.write(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


def cache_records(cache_path: Path) -> dict[int, str]:
    """Primary key -> notebook path of every record in the jupyter cache (empty if none)."""
    if not cache_path.exists():
        return {}
    from jupyter_cache import get_cache

    return {record.pk: record.uri for record in get_cache(str(cache_path)).list_cache_records()}


def toc_files(toc: dict) -> list[str]:
    """Every `file:` entry of a sphinx-external-toc mapping, in order."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            if "root" in node:
                found.append(node["root"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(toc)
    return found


def missing_sources(source: Path, files: list[str]) -> list[str]:
    suffixes = (".md", ".ipynb", ".rst")
    return [f for f in files if not any(source.joinpath(f + s).is_file() for s in suffixes)]


def instructor_toc(source: Path, toc: dict) -> dict:
    """The public toc plus a part listing the assignment source notebooks."""
    chapters = [
        {"file": f"assignments/{name}/{name}"}
        for name in CHAPTERS
        if source.joinpath("assignments", name, f"{name}.ipynb").is_file()
    ]
    toc = json.loads(json.dumps(toc))
    if chapters:
        part = {"caption": "Instructor: assignment sources (solutions)", "chapters": chapters}
        toc.setdefault("parts", []).append(part)
    return toc


def build(
    source: Path = REPO,
    output: Path | None = None,
    instructor: bool = False,
    fresh: bool = False,
    cache: Path | None = None,
    quiet: bool = False,
) -> dict:
    """Build the book; return the report (also written as JSON next to the html folder)."""
    from jupyter_book.sphinx import build_sphinx

    source = Path(source).resolve()
    build_dir = source / "_build"
    if output is None:
        output = build_dir / "instructor" / "html" if instructor else build_dir / "html"
    output = Path(output).resolve()
    cache = Path(cache).resolve() if cache else build_dir / ".jupyter_cache"
    output.parent.mkdir(parents=True, exist_ok=True)

    config = yaml.safe_load(source.joinpath("_config.yml").read_text(encoding="utf-8"))
    toc = yaml.safe_load(source.joinpath("_toc.yml").read_text(encoding="utf-8"))
    overrides = {
        "nitpicky": True,
        "latex_individualpages": False,
        "nb_execution_cache_path": str(cache),
        "workbook_instructor": instructor,
    }
    toc_path = source / "_toc.yml"
    if instructor:
        toc = instructor_toc(source, toc)
        toc_path = output.parent / "_toc.yml"
        toc_path.write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
        overrides["exclude_patterns"] = sorted(
            {"_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"}
            | {p for p in config.get("exclude_patterns", []) if p != "assignments"}
        )
    overrides["external_toc_path"] = str(toc_path)

    missing = missing_sources(source, toc_files(toc))
    if missing:
        released = any(m.startswith("release/") for m in missing)
        hint = " (run `make release` first)" if released else ""
        print(f"build_book: missing pages listed in the toc{hint}: {', '.join(missing)}")
        return {"status": 2, "missing": missing}

    before = cache_records(cache)
    start = time.perf_counter()
    tee = _Tee(sys.stderr)
    sys.stderr = tee
    try:
        status = build_sphinx(
            source,
            output,
            use_external_toc=True,
            noconfig=True,
            path_config=str(source / "_config.yml"),
            confoverrides=overrides,
            builder="html",
            warningiserror=True,
            keep_going=True,
            freshenv=fresh,
            quiet=quiet,
        )
    finally:
        sys.stderr = tee.stream
    seconds = time.perf_counter() - start
    after = cache_records(cache)
    executed = sorted(
        Path(uri).resolve().relative_to(source).as_posix()
        if Path(uri).resolve().is_relative_to(source)
        else uri
        for pk, uri in after.items()
        if pk not in before
    )
    report = {
        "status": status if isinstance(status, int) else 1,
        "error": None if isinstance(status, int) else repr(status),
        "instructor": instructor,
        "output": str(output),
        "seconds": round(seconds, 2),
        "executed": executed,
        "warnings": tee.warnings,
    }
    output.parent.joinpath("book-report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"build_book: {'instructor' if instructor else 'public'} build "
        f"{'succeeded' if report['status'] == 0 else 'FAILED'} in {seconds:.1f} s; "
        f"{len(tee.warnings)} warning(s); "
        f"executed {len(executed)} page(s){': ' + ', '.join(executed) if executed else ''}; "
        f"open {output / 'index.html'}"
    )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instructor", action="store_true", help="also render solutions")
    parser.add_argument("--source", type=Path, default=REPO, help="book root (has _config.yml)")
    parser.add_argument("--output", type=Path, help="html output folder")
    parser.add_argument("--cache", type=Path, help="jupyter-cache folder")
    parser.add_argument("--fresh", action="store_true", help="re-read every page (no env)")
    parser.add_argument("--quiet", action="store_true", help="only warnings and the summary")
    args = parser.parse_args(argv)
    report = build(args.source, args.output, args.instructor, args.fresh, args.cache, args.quiet)
    return report["status"]


if __name__ == "__main__":
    sys.exit(main())
