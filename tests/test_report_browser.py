"""The class report opened from disk in headless Debian Chromium (Playwright).

Every request the page makes is routed through the test: anything that is not a local
file is recorded and aborted, and the test fails on it. No console error, every plot
decoded, and a full-page screenshot is written (checked non-trivial in size).
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
sys.path.insert(0, str(Path(__file__).parent))
import report_class as rc  # noqa: E402
from test_book_browser import CHROMIUM, FLAGS  # noqa: E402

from autograder.__main__ import main  # noqa: E402

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]

IMAGES = """() => Array.from(document.images).map(i => [i.complete && i.naturalWidth > 0, i.alt])"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
        root = rc.make_course(tmp_path_factory.mktemp("course"))
        rc.grade_class(root, rc.CLASS)
        rc.make_course(root, assignment="lstm")  # nobody submitted
        for extra in ([], ["--names", "--out", str(root / "named")]):
            assert main(["report", "rnn", "lstm", "--root", str(root), *extra]) == 0
        yield root


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield b
        b.close()


def open_offline(browser, path):
    """``(page, context, foreign requests, errors)`` for the file ``path``."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    foreign, errors = [], []

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    page.goto(Path(path).as_uri(), wait_until="load")
    return page, context, foreign, errors


@pytest.mark.parametrize("which", ["reports/rnn.html", "named/rnn.html", "reports/lstm.html"])
def test_report_opens_offline_without_errors(browser, reports, which, tmp_path):
    page, context, foreign, errors = open_offline(browser, reports / which)
    try:
        assert page.title().startswith("Class report: ")
        images = page.evaluate(IMAGES)
        if "lstm" in which:
            assert images == [] and page.locator("#empty").count() == 1
        else:
            assert len(images) == 4 and all(ok and alt for ok, alt in images), images
            assert page.locator("table#mistakes tbody tr").count() == 3
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > (5_000 if "lstm" in which else 50_000)
        assert foreign == [], "requests to other hosts"
        assert errors == [], "console errors or failed requests"
    finally:
        context.close()


def test_book_links_open_the_section(browser, reports, tmp_path):
    """A mistake's link, pointed at a book folder, lands on the section's anchor."""
    book = tmp_path / "book"
    page_dir = book / "book" / "derivations"
    page_dir.mkdir(parents=True)
    (page_dir / "rnn.html").write_text(
        '<!DOCTYPE html><title>rnn</title><section id="backpropagation-through-time">'
        "<h2>Backpropagation through time</h2></section>"
    )
    out = tmp_path / "out"
    args = ["report", "rnn", "--root", str(reports), "--out", str(out), "--book-url", str(book)]
    assert main(args) == 0
    page, context, foreign, errors = open_offline(browser, out / "rnn.html")
    try:
        page.locator("table#mistakes a").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith("/book/derivations/rnn.html#backpropagation-through-time")
        assert foreign == [] and errors == []
    finally:
        context.close()
