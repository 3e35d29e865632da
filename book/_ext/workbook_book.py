"""Sphinx extension of the Backprop Workbook book (loaded through ``_config.yml``).

1. Offline MathJax. MathJax 3 comes from npm's ``mathjax`` package, installed once into
   ``.cache/npm`` (``npm install mathjax@MATHJAX_VERSION``); the files a page needs are
   staged in ``.cache/book-static/mathjax`` and served as ``_static/mathjax``. No page
   loads a script, style sheet or font from another host.
2. Execution cache keyed on code, not only on cells. Every executed MyST notebook page
   gets a hidden last cell listing the repository modules it imports with their digests
   (see ``bookdeps``), so jupyter-cache re-executes it when one of them changes; Sphinx is
   told the same files (``env.note_dependency``) so that it re-reads the page.
3. Kernels import this checkout: the source directory is prepended to ``PYTHONPATH``, and
   plot inline whatever ``MPLBACKEND`` the build was started with.
4. Two builds. The public build warns (a warning fails the strict build) on any page that
   carries nbgrader solution or hidden-test markers. The instructor build
   (``workbook_instructor = True``) renders the assignment sources with a banner and tags
   their solution and hidden-test cells so the style sheet marks them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import bookdeps
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.matching import Matcher

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
MATHJAX_VERSION = "3.2.2"
# What tex-chtml.js loads: itself, its lazily loaded accessibility and menu components,
# TeX extensions loaded on demand (autoload), and the CHTML web fonts.
MATHJAX_PARTS = ("tex-chtml.js", "a11y", "ui", "input/tex/extensions", "output/chtml/fonts")
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS")
DEPS_HEADER = "# Build dependencies of this page (added by book/_ext/workbook_book.py)."


def cache_dir() -> Path:
    return Path(os.environ.get("WORKBOOK_CACHE_DIR") or REPO / ".cache").resolve()


def ensure_mathjax(cache: Path | None = None) -> Path:
    """Return a static directory holding ``mathjax/tex-chtml.js`` (installed if missing)."""
    cache = cache or cache_dir()
    package = cache / "npm" / "node_modules" / "mathjax"
    installed = None
    if (package / "package.json").is_file():
        installed = json.loads((package / "package.json").read_text()).get("version")
    if installed != MATHJAX_VERSION:
        npm = shutil.which("npm")
        if npm is None:
            raise ExtensionError(
                "MathJax is served from the site itself and comes from npm's `mathjax` "
                f"package: install Node.js/npm, or run `npm install --prefix {cache / 'npm'} "
                f"mathjax@{MATHJAX_VERSION}` on a machine that has it."
            )
        (cache / "npm").mkdir(parents=True, exist_ok=True)
        logger.info(f"installing mathjax@{MATHJAX_VERSION} into {cache / 'npm'}")
        subprocess.run(
            [npm, "install", "--prefix", str(cache / "npm"), "--no-save", "--no-audit",
             "--no-fund", "--no-package-lock", "--loglevel=error", f"mathjax@{MATHJAX_VERSION}"],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    static = cache / "book-static"
    stage = static / "mathjax"
    stamp = stage / ".version"
    if not stamp.is_file() or stamp.read_text() != MATHJAX_VERSION:
        shutil.rmtree(stage, ignore_errors=True)
        for part in MATHJAX_PARTS:
            src, dst = package / "es5" / part, stage / part
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst)
            else:
                shutil.copy2(src, dst)
        shutil.copy2(package / "LICENSE", stage / "LICENSE")
        stamp.write_text(MATHJAX_VERSION)
    return static


def on_config_inited(app, config):
    static = ensure_mathjax()
    config.html_static_path = [*config.html_static_path, str(static), str(HERE.parent / "_static")]
    srcdir = str(Path(app.srcdir).resolve())
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if srcdir not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([srcdir, *paths])
    # Kernels inherit the environment: `make` exports MPLBACKEND=Agg, which would make
    # plt.show() in a figure page display nothing.
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"


def _is_thebe(script) -> bool:
    name = str(getattr(script, "filename", script) or "")
    body = str(getattr(script, "attributes", {}).get("body", ""))
    return "thebe" in name or "THEBE_JS_URL" in body


def on_html_page_context(app, pagename, templatename, context, doctree):
    """Drop sphinx-thebe's scripts when thebe is off (as here): they point at a CDN, and
    sphinx-thebe emits its configuration twice (a console error: THEBE_JS_URL declared)."""
    launch = app.config.html_theme_options.get("launch_buttons", {})
    if not launch.get("thebe") and "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not _is_thebe(s)]
        context["css_files"] = [c for c in context.get("css_files", []) if not _is_thebe(c)]


def _is_executed(app, path: Path) -> bool:
    from myst_nb.core.read import is_myst_markdown_notebook

    if path.suffix != ".md" or app.config.nb_execution_mode == "off":
        return False
    rel = path.resolve().relative_to(Path(app.srcdir).resolve()).as_posix()
    if Matcher(app.config.nb_execution_excludepatterns)(rel):
        return False
    return is_myst_markdown_notebook(path.read_text(encoding="utf-8"))


def dependency_cell(text: str, root: Path) -> tuple[str, list[Path]]:
    """The hidden cell to append to MyST notebook ``text``, and the files it lists."""
    from myst_nb.core.read import read_myst_markdown_notebook

    notebook = read_myst_markdown_notebook(text)
    sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    files = bookdeps.code_dependencies(sources, root)
    lines = [DEPS_HEADER, *(f"# {line}" for line in bookdeps.dependency_lines(files, root))]
    body = "\n".join(lines)
    return f"\n\n```{{code-cell}} ipython3\n:tags: [remove-cell]\n\n{body}\n```\n", files


def banner_notebook(text: str, docname: str) -> str:
    """The assignment source ``text`` with an instructor banner and tagged cells."""
    notebook = json.loads(text)
    for cell in notebook["cells"]:
        source = "".join(cell.get("source", ""))
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        nbgrader = cell["metadata"].get("nbgrader", {})
        if "### BEGIN HIDDEN TESTS" in source and "hidden-tests" not in tags:
            tags.append("hidden-tests")
        elif nbgrader.get("solution") and "solution" not in tags:
            tags.append("solution")
    banner = (
        ":::{admonition} Instructor copy: solutions and hidden tests\n"
        ":class: danger\n\n"
        f"This page renders the nbgrader **source** notebook `{docname}.ipynb`. "
        "Code between `### BEGIN SOLUTION` and `### END SOLUTION` (cells with a red "
        "**solution** band) is the reference answer, generated from `solutions/`; cells "
        "with a **hidden tests** band are removed from the student release. "
        "Never publish this build.\n:::\n"
    )
    cell = {"cell_type": "markdown", "metadata": {}, "source": banner}
    if (notebook.get("nbformat"), notebook.get("nbformat_minor", 0)) >= (4, 5):
        cell["id"] = "instructor-banner"
    notebook["cells"].insert(0, cell)
    return json.dumps(notebook, indent=1)


def on_source_read(app, docname, source):
    path = Path(app.env.doc2path(docname))
    text = source[0]
    if app.config.workbook_instructor and docname.startswith("assignments/"):
        if path.suffix == ".ipynb":
            source[0] = banner_notebook(text, docname)
        return
    if any(marker in text for marker in SOLUTION_MARKERS):
        logger.warning(
            f"{docname}: contains nbgrader solution or hidden-test markers; the public "
            "book must only render the student release",
            location=docname,
            type="workbook",
            subtype="leak",
        )
    if _is_executed(app, path):
        cell, files = dependency_cell(text, Path(app.srcdir))
        for file in files:
            app.env.note_dependency(str(file))
        source[0] = text.rstrip("\n") + "\n" + cell


def setup(app):
    app.add_config_value("workbook_instructor", False, "env", [bool])
    app.connect("config-inited", on_config_inited)
    app.connect("source-read", on_source_read)
    app.connect("html-page-context", on_html_page_context)
    app.add_css_file("workbook.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
