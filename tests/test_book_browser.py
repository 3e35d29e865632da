"""The built book in a real browser: headless Debian Chromium driven by Playwright.

The site (the session build of tests/test_book_build.py) is served over a local HTTP
server on 127.0.0.1; every page of the table of contents must load without console errors
and without a request to any other host, with its math typeset by the MathJax served from
the site itself and every image loaded. Search finds the LSTM chapter and the download
button returns a valid notebook. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

import nbformat
import pytest
import yaml

from autograder import course

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_book_build import REPO, site_build  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO / "artifacts" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]


def toc_pages() -> list[str]:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            pages += [chapter["file"], *(s["file"] for s in chapter.get("sections", []))]
    return pages


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    info = site_build(tmp_path_factory)
    if info["report"]["status"] != 0:
        pytest.fail(f"strict book build failed:\n{info['log'][-8000:]}")
    handler = functools.partial(_QuietHandler, directory=info["html"])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield browser
        browser.close()


class Visit:
    """A page opened with every request and console error recorded."""

    def __init__(self, browser, base_url):
        self.base_url = base_url
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))
        self.page.on(
            "response",
            lambda r: self.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None,
        )

    def open(self, path: str):
        self.page.goto(self.base_url + path, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        return self.page

    def foreign(self) -> list[str]:
        local = (self.base_url, "data:", "blob:", "about:")
        return [url for url in self.requests if not url.startswith(local)]

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, base_url):
    v = Visit(browser, base_url)
    yield v
    v.close()


TYPESET = """async () => {
  if (!window.MathJax || !MathJax.startup) return null;
  await MathJax.startup.promise;
  return document.querySelectorAll('mjx-container').length;
}"""

PROSE = """() => {
  const main = document.querySelector('article') || document.body;
  const copy = main.cloneNode(true);
  copy.querySelectorAll('pre, code, mjx-container, script, .highlight').forEach(e => e.remove());
  return copy.innerText;
}"""

BROKEN_IMAGES = """() => Array.from(document.images)
  .filter(img => !img.complete || img.naturalWidth === 0)
  .map(img => img.getAttribute('src'))"""


@pytest.mark.parametrize("page_path", toc_pages())
def test_toc_page_loads_offline_with_math_and_images(visit, page_path):
    page = visit.open(f"{page_path}.html")
    has_math = page.locator("script[src*='mathjax/tex-chtml.js']").count() > 0
    if has_math:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        assert page.evaluate(TYPESET) > 0, "MathJax produced no mjx-container"
        assert page.locator("mjx-merror").count() == 0, "MathJax reported a TeX error"
    prose = page.evaluate(PROSE)
    assert "$$" not in prose and "\\(" not in prose and "\\[" not in prose, "raw TeX left"
    assert page.evaluate(BROKEN_IMAGES) == []
    assert visit.foreign() == [], "requests to other hosts"
    assert visit.errors == [], "console errors or failed requests"


def test_derivations_have_math(visit):
    for chapter in course.load().ids:
        page = visit.open(f"book/derivations/{chapter}.html")
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        assert page.evaluate(TYPESET) > 5, chapter
    assert visit.foreign() == []


def test_figures_have_loaded(visit):
    for chapter in course.load().ids:
        page = visit.open(f"book/figures/{chapter}.html")
        widths = page.eval_on_selector_all(
            ".cell_output img", "els => els.map(i => i.naturalWidth)"
        )
        assert widths and all(w > 0 for w in widths), (chapter, widths)


def test_search_for_lstm_returns_the_lstm_chapter(visit):
    page = visit.open("search.html?q=LSTM")
    page.wait_for_selector("#search-results ul.search li", timeout=20_000)
    hrefs = page.eval_on_selector_all(
        "#search-results ul.search li a", "els => els.map(e => e.getAttribute('href'))"
    )
    assert any("derivations/lstm.html" in h or "release/lstm/lstm.html" in h for h in hrefs), hrefs
    assert visit.foreign() == []


def test_download_button_returns_a_valid_notebook(visit):
    page = visit.open("release/lstm/lstm.html")
    link = page.locator(".dropdown-download-buttons a[href$='.ipynb']").first
    href = link.get_attribute("href")
    assert href and "_sources/release/lstm/lstm.ipynb" in href
    response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + href)
    assert response.ok
    nb = nbformat.reads(response.text(), as_version=4)
    nbformat.validate(nb)
    assert any("NotImplementedError" in c.source for c in nb.cells if c.cell_type == "code")


def test_download_menu_offers_the_chapter_bundle(visit):
    import io
    import zipfile

    page = visit.open("release/rnn/rnn.html")
    link = page.locator(".dropdown-download-buttons a[href$='rnn.zip']").first
    href = link.get_attribute("href")
    assert href == "../../downloads/rnn.zip"
    response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + href)
    assert response.ok
    names = zipfile.ZipFile(io.BytesIO(response.body())).namelist()
    assert "rnn/rnn.ipynb" in names and "rnn/requirements.txt" in names
    assert [n for n in names if n.endswith(".whl")]
    assert visit.foreign() == []


def test_screenshots(visit):
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    for name, path in [("home", "index.html"), ("chapter-lstm", "book/derivations/lstm.html"),
                       ("figures-lstm", "book/figures/lstm.html")]:  # fmt: skip
        page = visit.open(path)
        if page.locator("script[src*='mathjax']").count():
            page.evaluate(TYPESET)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000
