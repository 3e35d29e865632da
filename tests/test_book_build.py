"""The book: strict build, no leaks in the public site, instructor build, execution cache.

One strict build per session (``site_build``) in a temporary copy of the book's sources,
shared with tests/test_book_browser.py. The copy starts from the repository's execution
cache when there is one (``_build/.jupyter_cache``; its keys are content digests, so reuse
is safe) and reuses the repository's MathJax and captioning-data caches.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from autograder import course

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = course.load().ids
COPIED = ("_config.yml", "_toc.yml", "book", "scripts", "solutions", "workbook", "autograder",
          "assignments", "pyproject.toml", "nbgrader_config.py", "course.toml")  # fmt: skip
# release/ is always made afresh in the copy: a developer's stale release/ must not be tested.

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
# autograder/leaks.py: lines of every solution region and hidden region, and the bodies of
# the reference functions the chapters ask for, found anywhere in a file (archives included).
from autograder.leaks import REGION, Secrets, distinctive, text_lines  # noqa: E402

_distinctive = distinctive


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


def page_lines(path: Path) -> tuple[set[str], str]:
    """The stripped text lines of a built file (HTML tags removed, notebooks flattened)."""
    return text_lines(path.name, path.read_text(encoding="utf-8", errors="replace"))


def scan(folder: Path, secrets: Secrets) -> dict[str, list[str]]:
    """Every text file and archive member of ``folder`` -> the leaks found in it."""
    return secrets.scan(folder, skip=("_static",))  # _static: theme and MathJax assets


@pytest.fixture(scope="module")
def secrets():
    found = Secrets.of_course(REPO)
    assert len(found.lines) > 50, "too few reference lines: the leak scan would prove nothing"
    return found


@pytest.fixture(scope="module")
def reference(secrets):
    return secrets.lines


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


def test_public_site_leaks_no_solution_or_hidden_test(site, secrets):
    """HTML, _sources, the downloads (bundles and wheel, read inside) and the search index."""
    html_dir = Path(site["html"])
    assert (html_dir / "downloads" / "rnn.zip").is_file()
    leaks = scan(html_dir, secrets)
    assert leaks == {}, f"solution code or hidden tests in the public site: {leaks}"


def test_leak_scan_catches_answers_in_archives_and_prose(tmp_path, secrets):
    """Positive control: the gradcheck reference in a zip, an answer line quoted in a page."""
    import zipfile

    with zipfile.ZipFile(tmp_path / "bundle.zip", "w") as zf:
        zf.write(REPO / "workbook" / "numgrad.py", "gradcheck/workbook/numgrad.py")
    (tmp_path / "page.html").write_text(
        "<p>the loop, with <code>grad[ix] = np.sum((pos - neg) * df) / (2 * h)</code>.</p>"
    )
    leaks = scan(tmp_path, secrets)
    assert set(leaks) == {"bundle.zip!gradcheck/workbook/numgrad.py", "page.html"}
    assert "grad[ix] = (fxph - fxmh) / (2 * h)" in leaks["bundle.zip!gradcheck/workbook/numgrad.py"]


def test_chapter_pages_offer_the_bundle_and_the_wheel_and_no_placeholder(site):
    html_dir = Path(site["html"])
    wheels = sorted((html_dir / "downloads").glob("*.whl"))
    assert len(wheels) == 1
    for chapter in CHAPTERS:
        page = (html_dir / "release" / chapter / f"{chapter}.html").read_text()
        assert f"../../downloads/{chapter}.zip" in page, chapter
        assert f"../../downloads/{wheels[0].name}" in page, chapter
    for path in html_dir.rglob("*.html"):  # no target configured: no button, no placeholder
        text = path.read_text(encoding="utf-8")
        assert "example.org" not in text and "example.com" not in text, path
        assert "launch-buttons" not in text and "repository-button" not in text, path


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


def test_launch_and_repository_buttons_come_from_the_one_setting():
    """repository.url unset: no repository or launch button; set: both, opening the chapter
    at its path in the student edition, on the services that have a URL."""
    from types import SimpleNamespace

    import student_site

    def configured(url, launch):
        options = {"repository_url": url, "launch_buttons": dict(launch)}
        config = SimpleNamespace(html_theme_options=options, html_extra_path=[])
        app = SimpleNamespace(srcdir=str(REPO / "tests"), config=config)  # no release/ there
        student_site.on_config_inited(app, config)
        return options

    launch = {"binderhub_url": "https://mybinder.org", "jupyterhub_url": "", "thebe": False}
    off = configured("", launch)
    assert off["use_repository_button"] is False and off["launch_buttons"] == {}
    on = configured("https://github.com/course/student-edition", launch)
    assert on["use_repository_button"] is True
    assert on["launch_buttons"] == {"binderhub_url": "https://mybinder.org", "thebe": False}

    url = "https://mybinder.org/v2/gh/course/student-edition/main?urlpath=lab/tree/release/rnn/rnn.ipynb"
    nb = "../../_sources/release/rnn/rnn.ipynb"  # the download keeps the book's own path
    context = {
        "pathto": lambda target, resource=0: f"../../{target}",
        "header_buttons": [
            {"label": "launch-buttons", "buttons": [{"url": url}]},
            {"label": "download-buttons", "buttons": [{"url": nb}, {"url": "a.pdf"}]},
        ],
    }
    app = SimpleNamespace(config=SimpleNamespace(workbook_wheel="helpers.whl"))
    student_site.on_html_page_context(app, "release/rnn/rnn", "page.html", context, None)
    launch_group, downloads = context["header_buttons"]
    assert launch_group["buttons"][0]["url"].endswith("urlpath=lab/tree/rnn/rnn.ipynb")
    urls = [b["url"] for b in downloads["buttons"]]
    assert urls == [nb, "../../downloads/rnn.zip", "../../downloads/helpers.whl", "a.pdf"]
