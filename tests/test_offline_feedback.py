"""Feedback HTML and formgrader's notebook view typeset math with no off-site request.

A released copy of the softmax chapter (its text is full of math) is autograded for one
student; headless Chromium opens the feedback file as a student would (``file://``) and
formgrader's view of the submission in a ``jupyter lab`` server started here on
127.0.0.1 (stopped after). Both must typeset every formula (MathJax inlined by
``autograder/offline_math.py``) and request nothing from another host.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from coursecopy import released_course
from test_jupyterlab import CHROMIUM, FLAGS, start_lab
from test_nbgrader_roundtrip import nbgrader

pytestmark = [
    pytest.mark.browser,
    pytest.mark.nbgrader,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]
ROOT = Path(__file__).resolve().parents[1]

TYPESET = """async () => {
  await MathJax.startup.promise;
  return [document.querySelectorAll('mjx-container').length,
          document.querySelectorAll('mjx-merror').length];
}"""


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = released_course(tmp_path_factory.mktemp("course"), ["softmax"])
    (root / "submitted" / "alice" / "softmax").mkdir(parents=True)
    shutil.copy(root / "assignments/softmax/softmax.ipynb", root / "submitted/alice/softmax")
    nbgrader(root, "autograde", "softmax")
    nbgrader(root, "generate_feedback", "softmax")
    return root


@pytest.fixture(scope="module")
def browser():
    api = pytest.importorskip("playwright.sync_api")
    with api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield b
        b.close()


def typeset(browser, url, local):
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    found, errors = page.evaluate(TYPESET)
    page.close()
    return found, errors, [u for u in requests if not u.startswith((local, "data:", "blob:"))]


def test_feedback_typesets_math_with_no_off_site_request(course, browser):
    page = course / "feedback" / "alice" / "softmax" / "softmax.html"
    assert "cdnjs" not in page.read_text()
    found, errors, foreign = typeset(browser, page.as_uri(), "file:")
    assert found > 20 and errors == 0
    assert foreign == []


def test_formgrader_notebook_view_typesets_math_with_no_off_site_request(course, browser):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission_notebook("softmax", "softmax", "alice").id
    env = {"PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
    with start_lab(course, course, env) as lab:
        url = f"{lab['base']}/formgrader/submissions/{sub}/?token={lab['token']}"
        found, errors, foreign = typeset(browser, url, lab["base"])
    assert found > 20 and errors == 0
    assert foreign == []
