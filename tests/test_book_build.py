"""The book: strict build, no leaks in the public site, instructor build, execution cache.

One strict build per session (``site_build``) in a temporary copy of the book's sources,
shared with tests/test_book_browser.py. The copy starts from the repository's execution
cache when there is one (``_build/.jupyter_cache``; its keys are content digests, so reuse
is safe) and reuses the repository's MathJax and captioning-data caches.
"""

from __future__ import annotations

import ast
import html
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
import yaml

from autograder import course

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = course.load().ids
COPIED = ("_config.yml", "_toc.yml", "book", "scripts", "solutions", "workbook", "autograder",
          "assignments", "release", "pyproject.toml", "nbgrader_config.py",
          "course.toml")  # fmt: skip
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
GRADE_CALL = re.compile(r"(?<![\w])grade\(")
TEXT_SUFFIXES = {".html", ".js", ".txt", ".ipynb", ".md", ".json", ".py", ".css"}

sys.path.insert(0, str(REPO / "book" / "_ext"))
import bookdeps  # noqa: E402


# -- building ---------------------------------------------------------------------------
def build_env() -> dict:
    env = dict(os.environ)
    env.setdefault("WORKBOOK_CACHE_DIR", str(REPO / ".cache"))
    env.setdefault("BACKPROP_DATA_DIR", str(REPO / ".cache" / "captions"))
    env.setdefault("PYTHONHASHSEED", "0")
    env["MPLBACKEND"] = "Agg"  # as `make` sets it: the build must still plot inline
    return env


def run_build(root: Path, *args: str, timeout: float = 900) -> tuple[dict, str]:
    """Run scripts/build_book.py of ``root``; return its JSON report and the log."""
    cmd = [sys.executable, str(root / "scripts" / "build_book.py"), "--source", str(root), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=build_env(), timeout=timeout)
    log = proc.stdout + proc.stderr
    report_dir = root / "_build" / ("instructor" if "--instructor" in args else "")
    report_path = report_dir / "book-report.json"
    if not report_path.is_file():
        pytest.fail(f"build wrote no report (exit {proc.returncode}):\n{log[-5000:]}")
    return json.loads(report_path.read_text()), log


def make_release(root: Path) -> None:
    """Generate release/ in the copy with the project's own release step."""
    proc = subprocess.run(
        [sys.executable, "-m", "autograder.release", *CHAPTERS],
        cwd=root,
        capture_output=True,
        text=True,
        env={**build_env(), "PYTHONPATH": str(root)},
        timeout=600,
    )
    if proc.returncode != 0 or not (root / "release").is_dir():
        pytest.fail(f"`python -m autograder.release` failed:\n{proc.stdout}\n{proc.stderr}")


def copy_sources(root: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc")
    for name in COPIED:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name, ignore=ignore)
        elif src.is_file():
            shutil.copy2(src, root / name)
    if not (root / "release").is_dir():
        make_release(root)
    # A developer's checkout also holds tool caches and docs/: the strict build must skip them.
    for decoy in (".pytest_cache/README.md", "docs/notes.md", ".ruff_cache/README.md"):
        (root / decoy).parent.mkdir(parents=True, exist_ok=True)
        (root / decoy).write_text("# not a page of the book\n")
    cache = REPO / "_build" / ".jupyter_cache"
    if cache.is_dir():
        shutil.copytree(cache, root / "_build" / ".jupyter_cache")


def site_build(tmp_path_factory) -> dict:
    """The session's strict public build (built once, whichever test module asks first)."""
    root = tmp_path_factory.getbasetemp() / "book-site"
    done = root / "session-build.json"
    if done.is_file():
        return json.loads(done.read_text())
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    copy_sources(root)
    report, log = run_build(root, "--fresh")
    (root / "build.log").write_text(log)
    info = {"root": str(root), "html": str(root / "_build" / "html"), "report": report, "log": log}
    done.write_text(json.dumps(info))
    return info


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    info = site_build(tmp_path_factory)
    if info["report"]["status"] != 0:
        pytest.fail(f"strict book build failed:\n{info['log'][-8000:]}")
    return info


# -- leak scan ----------------------------------------------------------------------------
def _function_body_lines(func) -> list[str]:
    source = textwrap.dedent(inspect.getsource(func))
    tree = ast.parse(source)
    node = tree.body[0]
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring is copied into the student notebook on purpose
    lines = source.splitlines()
    out = []
    for stmt in body:
        out += lines[stmt.lineno - 1 : stmt.end_lineno]
    return out


def _distinctive(line: str) -> bool:
    """A line that would only be in a page if reference code were: long, not a comment,
    not a bare return/raise/unpacking of a cache."""
    if len(line) < 24 or line.startswith(("#", '"', "'")):
        return False
    if re.fullmatch(r"(return|raise|pass|else:|try:|finally:)\b.*", line) and len(line) < 40:
        return False
    if re.fullmatch(r"[\w, ()]+ = cache", line):
        return False
    return True


REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)(.*?)### END \1", re.S)


def source_notebooks() -> list[Path]:
    return sorted((REPO / "assignments").glob("*/*.ipynb"))


def solution_regions(code_only: bool = False) -> tuple[set[str], set[str]]:
    """(lines inside solution regions, lines outside them) of the assignment sources;
    ``code_only`` leaves out the markdown cells (written answers' rubrics, which render as
    formatted prose, not as their source lines)."""
    inside, outside = set(), set()
    for path in source_notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            if code_only and cell.cell_type != "code":
                continue
            public = cell.source
            for match in REGION.finditer(cell.source):
                if match.group(1) == "SOLUTION":
                    inside |= {line.strip() for line in match.group(2).splitlines()}
                public = public.replace(match.group(0), "")
            outside |= {line.strip() for line in public.splitlines()}
    return inside, outside


def reference_lines() -> set[str]:
    """Distinctive lines of the reference: bodies of every function and method of
    ``solutions`` and the solution regions of the assignment sources, less whatever the
    sources show students on purpose (skeletons, support code, checks)."""
    import solutions

    inside, public = solution_regions()
    lines = {line for line in inside if _distinctive(line)}
    for name in solutions.__all__:
        obj = getattr(solutions, name)
        funcs = []
        if inspect.isclass(obj):
            funcs = [v for v in vars(obj).values() if inspect.isfunction(v)]
        elif inspect.isfunction(obj):
            funcs = [obj]
        for func in funcs:
            func = inspect.unwrap(func)
            if not func.__module__.startswith("solutions"):
                continue  # re-exported public tools (workbook.gradcheck) are not solutions
            for line in _function_body_lines(func):
                if _distinctive(line.strip()):
                    lines.add(line.strip())
    return lines - public


def page_lines(path: Path) -> tuple[set[str], str]:
    """The stripped text lines of a built file (HTML tags removed, notebooks flattened)."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    text = raw
    if path.suffix == ".html":
        text = html.unescape(re.sub(r"<[^>]+>", "", raw))
    elif path.suffix == ".ipynb":
        nb = json.loads(raw)
        parts = []
        for cell in nb.get("cells", []):
            parts.append("".join(cell.get("source", "")))
            for output in cell.get("outputs", []):
                parts.append("".join(output.get("text", "")))
                for value in output.get("data", {}).values():
                    if isinstance(value, (str, list)) and not str(value).startswith("iVBOR"):
                        parts.append("".join(value))
        text = "\n".join(parts)
    return {line.strip() for line in text.splitlines()}, text


def scan(folder: Path, reference: set[str]) -> dict[str, list[str]]:
    """Every text file of ``folder`` -> the leaks found in it."""
    leaks = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
            continue
        if "_static" in path.relative_to(folder).parts:
            continue  # theme and MathJax assets
        lines, text = page_lines(path)
        found = sorted(reference & lines)
        found += [m for m in MARKERS if m in text]
        if GRADE_CALL.search(text):
            found.append("grade( call")
        if path.name == "searchindex.js":  # words, not lines: look for raw fragments too
            found += [line for line in reference if line in text]
        if found:
            leaks[str(path.relative_to(folder))] = found
    return leaks


@pytest.fixture(scope="module")
def reference():
    lines = reference_lines()
    assert len(lines) > 50, "too few reference lines: the leak scan would prove nothing"
    return lines


# -- tests ------------------------------------------------------------------------------
def test_strict_build_has_no_warnings(site):
    report = site["report"]
    assert report["status"] == 0
    assert report["warnings"] == []
    sphinx_warnings = [line for line in site["log"].splitlines() if "WARNING:" in line]
    assert sphinx_warnings == []
    assert "build succeeded" in site["log"]


def test_every_toc_page_is_built(site):
    html_dir = Path(site["html"])
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = [toc["root"]] + [
        f["file"]
        for part in toc["parts"]
        for chapter in part["chapters"]
        for f in [chapter, *chapter.get("sections", [])]
    ]
    missing = [f for f in files if not (html_dir / f"{f}.html").is_file()]
    assert missing == []
    assert {f"release/{c}/{c}" for c in CHAPTERS} <= set(files)
    assert (html_dir / "index.html").is_file()


def test_public_site_leaks_no_solution_or_hidden_test(site, reference):
    leaks = scan(Path(site["html"]), reference)
    assert leaks == {}, f"solution code or hidden tests in the public site: {leaks}"


def test_leak_scan_sees_the_solution_regions(reference):
    """Positive control: the scan's notion of reference code covers the solution regions."""
    found = {p.parent.name for p in source_notebooks()}
    assert found == set(CHAPTERS), f"assignments/*/*.ipynb finds {sorted(found)}"
    inside, _ = solution_regions()
    distinctive = {line for line in inside if _distinctive(line)}
    assert len(distinctive) > 30
    found = set()
    for path in source_notebooks():
        found |= reference & page_lines(path)[0]
    assert distinctive - found <= distinctive & solution_regions()[1]


def test_downloads_are_the_student_notebooks(site):
    html_dir = Path(site["html"])
    for chapter in CHAPTERS:
        path = html_dir / "_sources" / "release" / chapter / f"{chapter}.ipynb"
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert "NotImplementedError" in code, chapter
        page = (html_dir / "release" / chapter / f"{chapter}.html").read_text()
        assert f"_sources/release/{chapter}/{chapter}.ipynb" in page  # the download button


def test_site_loads_nothing_from_other_hosts(site):
    html_dir = Path(site["html"])
    remote = re.compile(
        r"<(?:script|link|img|iframe|source)\b[^>]*?(?:src|href)=[\"'](?:https?:)?//", re.I
    )
    offenders = {}
    for path in html_dir.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in remote.finditer(text):
            tag = text[match.start() : text.index(">", match.start()) + 1]
            if tag.lower().startswith("<link") and 'rel="canonical"' in tag:
                continue
            offenders.setdefault(path.name, []).append(tag)
    assert offenders == {}
    assert (html_dir / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert list((html_dir / "_static" / "mathjax" / "output" / "chtml" / "fonts").rglob("*.woff"))
    intro = (html_dir / "book" / "intro.html").read_text()
    assert "_static/mathjax/tex-chtml.js" in intro
    css = "\n".join(p.read_text(errors="replace") for p in html_dir.rglob("*.css"))
    assert not re.search(r"url\(\s*[\"']?(?:https?:)?//", css)


def test_figures_are_rendered_without_their_code(site):
    html_dir = Path(site["html"])
    for chapter in CHAPTERS:
        page = (html_dir / "book" / "figures" / f"{chapter}.html").read_text()
        assert "<img" in page and "_images/" in page, chapter
        assert "import numpy" not in page and "from solutions" not in page, chapter
        assert "Build dependencies of this page" not in page


def test_warm_rebuild_executes_nothing(site):
    report, log = run_build(Path(site["root"]))
    assert report["status"] == 0, log[-4000:]
    assert report["executed"] == []
    assert report["warnings"] == []


def _dependents(root: Path, rel: str) -> set[str]:
    from myst_nb.core.read import read_myst_markdown_notebook

    pages = set()
    for page in sorted((root / "book" / "figures").glob("*.md")):
        nb = read_myst_markdown_notebook(page.read_text())
        sources = [c.source for c in nb.cells if c.cell_type == "code"]
        files = bookdeps.code_dependencies(sources, root)
        if root / rel in files:
            pages.add(page.relative_to(root).as_posix())
    return pages


@pytest.mark.slow
def test_editing_a_solution_reexecutes_exactly_its_dependent_pages(site):
    root = Path(site["root"])
    all_pages = {p.relative_to(root).as_posix() for p in (root / "book" / "figures").glob("*.md")}
    # The solutions module with the fewest dependent figure pages (at least one): cheapest.
    candidates = sorted(
        (len(deps), rel, deps)
        for rel in (p.relative_to(root).as_posix() for p in (root / "solutions").glob("*.py"))
        if (deps := _dependents(root, rel))
    )
    assert candidates, "no figure page depends on solutions/"
    _, rel, expected = candidates[0]
    assert expected < all_pages

    target = root / rel
    os.utime(target)  # a touch alone changes no digest: nothing re-executes
    report, log = run_build(root)
    assert report["status"] == 0 and report["executed"] == [], log[-4000:]

    target.write_text(target.read_text() + "\n# edited by test_book_build\n")
    report, log = run_build(root)
    assert report["status"] == 0, log[-4000:]
    assert set(report["executed"]) == expected, (rel, report["executed"])


@pytest.mark.slow
def test_instructor_build_shows_marked_solutions(site, reference):
    root = Path(site["root"])
    found = {p.parent.name for p in (root / "assignments").glob("*/*.ipynb")}
    assert found == set(CHAPTERS), f"assignments/*/*.ipynb finds {sorted(found)}"
    report, log = run_build(root, "--instructor")
    assert report["status"] == 0 and report["warnings"] == [], log[-4000:]
    html_dir = Path(report["output"])
    pages = sorted((html_dir / "assignments").glob("*/*.html"))
    assert pages
    found = set()
    for page in pages:
        text = page.read_text()
        assert "Instructor copy: solutions and hidden tests" in text, page
        assert "tag_solution" in text, page
        found |= reference & page_lines(page)[0]
    inside, public = solution_regions(code_only=True)
    shown = {line for line in inside if _distinctive(line)} - public
    assert len(found & shown) > 0.9 * len(shown), sorted(shown - found)[:10]
    # the public pages of the instructor build are the same student notebooks
    assert (html_dir / "release" / "rnn" / "rnn.html").is_file()


def test_dependency_resolution_follows_names_not_whole_packages(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from .a import fa\nfrom .b import fb\nfrom .c import *\n")
    (pkg / "a.py").write_text("from pkg._util import helper\n\ndef fa():\n    return helper()\n")
    (pkg / "b.py").write_text("import numpy as np\n\ndef fb():\n    return np.pi\n")
    (pkg / "c.py").write_text("X = 1\n")
    (pkg / "_util.py").write_text("def helper():\n    return 1\n")
    (pkg / "sub").mkdir()
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "d.py").write_text("from ..b import fb\n")

    def deps(*sources):
        return {
            p.relative_to(tmp_path).as_posix()
            for p in bookdeps.code_dependencies(sources, tmp_path)
        }

    assert deps("%matplotlib inline\nfrom pkg import fa") == {
        "pkg/__init__.py",
        "pkg/a.py",
        "pkg/_util.py",
    }
    assert deps("from pkg.b import fb") == {"pkg/__init__.py", "pkg/b.py"}
    assert deps("import pkg.sub.d") == {
        "pkg/__init__.py",
        "pkg/sub/__init__.py",
        "pkg/sub/d.py",
        "pkg/b.py",
    }
    assert deps("import pkg") == {
        "pkg/__init__.py",
        "pkg/a.py",
        "pkg/_util.py",
        "pkg/b.py",
        "pkg/c.py",
    }
    assert deps("from pkg import X") >= {"pkg/c.py"}  # star re-export: conservative
    assert deps("import numpy as np") == set()

    before = bookdeps.dependency_lines(
        bookdeps.code_dependencies(["from pkg import fa"], tmp_path), tmp_path
    )
    (pkg / "b.py").write_text("# changed\n")
    unchanged = bookdeps.dependency_lines(
        bookdeps.code_dependencies(["from pkg import fa"], tmp_path), tmp_path
    )
    (pkg / "_util.py").write_text("def helper():\n    return 2\n")
    changed = bookdeps.dependency_lines(
        bookdeps.code_dependencies(["from pkg import fa"], tmp_path), tmp_path
    )
    assert before == unchanged != changed
