"""No student script runs in the instructor's browser (issue 11), in headless Chromium.

A submission carries every vector of ``attacks.script_submission``: raw HTML and a
``<script>`` in markdown, a ``javascript:`` link, a remote pixel, a mermaid block, an
object's ``_repr_html_``, outputs the student appends itself (HTML, markdown, LaTeX, SVG,
JavaScript, a PNG that breaks out of its attribute, image metadata), an SVG attachment,
a ``text/html`` raw cell and widget state. Each payload sets ``document.title`` and
fetches a beacon URL this test serves on 127.0.0.1. After stock ``nbgrader autograde`` and
``generate_feedback`` (with ``apply(c)``), the submission is opened in formgrader (a real
``jupyter server`` started here on 127.0.0.1 with a token) and the feedback HTML is
opened; no payload may run. A control page (the same submission rendered by plain
nbconvert) shows that the payloads do run when nothing sanitises them.
"""

import http.server
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import attacks  # noqa: E402
import course  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.nbgrader,
    *course.sandbox_marks(),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]

LIVE = """() => {
  const found = [];
  document.querySelectorAll('*').forEach(e => {
    for (const a of e.getAttributeNames()) {
      const v = e.getAttribute(a) || '';
      const js = v.toLowerCase().startsWith('javascript:');
      if (v.includes('PWNED') || js) found.push(e.tagName + ' ' + a);
    }
    if (e.tagName === 'SCRIPT' && e.textContent.includes('PWNED')) found.push('SCRIPT');
  });
  return found;
}"""


class _Beacon(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def beacon():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Beacon)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/beacon", _Beacon.hits
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, beacon):
    root = course.make_course(tmp_path_factory.mktemp("browser"), hardened=True)
    nb = attacks.script_submission(root, beacon[0])
    course.submit(root, "payloads", nb)
    course.submit(root, "honest", course.submission(root))
    course.nbgrader(root, "autograde", "fx")
    course.nbgrader(root, "generate_feedback", "fx")
    return root, nb


@pytest.fixture(scope="module")
def formgrader(graded):
    root, _ = graded
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyter_server", "--no-browser", "--ServerApp.ip=127.0.0.1"]
    cmd += [f"--ServerApp.port={port}", f"--IdentityProvider.token={token}"]
    cmd += [f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0", "--allow-root"]
    log = open(root / "server.log", "w")  # noqa: SIM115 - closed below
    env = dict(course.env(), JUPYTER_RUNTIME_DIR=str(root / "runtime"))
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("jupyter server did not start:\n" + (root / "server.log").read_text())
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    api = pytest.importorskip("playwright.sync_api")
    with api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield b
        b.close()


def _visit(browser, url, beacon_hits):
    """Open ``url``: ``(title, live elements, student-made requests, console lines with a
    payload, beacon hits, the page's text)``."""
    before = len(beacon_hits)
    ctx = browser.new_context()
    page = ctx.new_page()
    requests, console = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: console.append(m.text))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # late onerror / fetch
    out = (
        page.title(),
        page.evaluate(LIVE),
        [u for u in requests if "beacon" in u or "widget" in u or "unpkg" in u],
        [c for c in console if "PWNED" in c],
        beacon_hits[before:],
        page.evaluate("() => document.body.innerText"),
    )
    ctx.close()
    return out


def test_control_unsanitised_page_runs_the_payloads(graded, browser, beacon, tmp_path):
    from nbconvert import HTMLExporter

    _, nb = graded
    page = tmp_path / "control.html"
    page.write_text(HTMLExporter(template_name="lab").from_notebook_node(nbformat.from_dict(nb))[0])
    title, live, requests, _, hits, _ = _visit(browser, page.as_uri(), beacon[1])
    assert title.startswith("PWNED-"), title  # the detection below can see a payload run
    assert live and any("beacon" in u for u in requests) and hits


def test_formgrader_view_of_the_submission_runs_no_student_script(
    graded, formgrader, browser, beacon
):
    from nbgrader.api import Gradebook

    root, _ = graded
    base, token = formgrader
    with Gradebook(f"sqlite:///{root}/gradebook.db") as gb:
        sub_id = gb.find_submission_notebook("fx", "fx", "payloads").id
    url = f"{base}/formgrader/submissions/{sub_id}/?token={token}"
    title, live, requests, console, hits, text = _visit(browser, url, beacon[1])
    assert "PWNED" not in title and live == [] and requests == [] and console == [] and hits == []
    assert "does not render; its source" in text  # the submission view itself rendered


def test_feedback_html_runs_no_student_script(graded, browser, beacon):
    root, _ = graded
    page = root / "feedback" / "payloads" / "fx" / "fx.html"
    text = page.read_text()
    assert "log_softmax" in text  # the real feedback page
    title, live, requests, console, hits, text = _visit(browser, page.as_uri(), beacon[1])
    assert "PWNED" not in title and live == [] and requests == [] and console == [] and hits == []
    assert "does not render; its source" in text
