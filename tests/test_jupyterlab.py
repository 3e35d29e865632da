"""A release notebook in real JupyterLab 4, as a student uses it (headless Chromium).

The test starts ``jupyter lab`` on 127.0.0.1 with a token in a temporary course folder
(the gradcheck release), opens the notebook, types one answer into its answer cell, runs
all cells from the Run menu, reads the visible check's verdict under the answer, and finds
nbgrader's Validate button in the notebook toolbar; clicking it reports the cells still
unanswered. The server is stopped at the end. Screenshot: artifacts/screenshots/lab.png.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from coursecopy import released_course

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
# Off-site hosts do not resolve: the browser stays on 127.0.0.1 without a Python route
# handler (which only answers while the test is inside a playwright call: a request made
# while the test polls the server would wait for it).
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]  # fmt: skip
ANSWER = (  # a student's own wording of the chapter's formula
    "def rel_error(x, y):\n"
    "    den = np.maximum(1e-8, np.abs(x) + np.abs(y))\n"
    "    return np.max(np.abs(x - y) / den)\n"
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def start_lab(root_dir, home, env=None):
    """A ``jupyter lab`` server on 127.0.0.1 (token, own config dirs), stopped on exit."""
    token, port = secrets.token_hex(16), free_port()
    env = {**os.environ, **(env or {})}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    for var, sub in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTERLAB_SETTINGS_DIR", "settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ("JUPYTER_RUNTIME_DIR", "rt"),
    ]:
        env[var] = str(Path(home) / f".lab-{sub}")  # fmt: skip
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--allow-root", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
           "--LabApp.news_url=",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]  # fmt: skip
    log_path = Path(home) / "lab.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(cmd, cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(240):
                if server.poll() is not None:
                    pytest.fail("jupyter lab exited:\n" + log_path.read_text()[-3000:])
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    time.sleep(0.5)
            else:
                pytest.fail("jupyter lab did not start:\n" + log_path.read_text()[-3000:])
            yield {"base": base, "token": token}
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    course = released_course(tmp_path_factory.mktemp("course"), ["gradcheck"])
    home = tmp_path_factory.mktemp("student")
    shutil.copytree(course / "release" / "gradcheck", home / "gradcheck")
    with start_lab(home, home) as server:
        yield {**server, "home": home}


def lab_state(page, lab):
    """What the page shows and what the server logged: the failure message of a timeout."""
    outputs = page.locator(".jp-OutputArea-output").all_text_contents()
    status = page.locator(".jp-Notebook-ExecutionIndicator").first.get_attribute("data-status")
    log = (lab["home"] / "lab.log").read_text()[-2000:]
    return f"kernel status {status!r}; outputs {[o[:160] for o in outputs]}\nlab.log:\n{log}"


def wait_or_explain(locator, page, lab, what, timeout=120_000):
    """Wait until ``locator`` is in the page; on a timeout, fail with a screenshot and the state."""
    try:
        locator.first.wait_for(state="attached", timeout=timeout)
    except Exception as error:  # playwright's TimeoutError
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "lab-timeout.png"))
        pytest.fail(f"{what}: {error}\n{lab_state(page, lab)}")


def wait_kernel_connected(page, lab, timeout=120):
    """Until the server has an idle kernel with the browser connected to it.

    The notebook's execution indicator can read idle before the browser's session has its
    kernel; "Run All Cells" then walks the cells and runs none (seen on a loaded machine).
    """
    url = f"{lab['base']}/api/kernels?token={lab['token']}"
    deadline = time.monotonic() + timeout
    kernels = []
    while time.monotonic() < deadline:
        kernels = json.loads(urllib.request.urlopen(url, timeout=10).read())
        if any(k["connections"] >= 1 and k["execution_state"] == "idle" for k in kernels):
            return
        page.wait_for_timeout(500)
    pytest.fail(f"no idle kernel with a connection after {timeout} s: {kernels}")


def type_answer(page, cell):
    """Replace the cell's source by ANSWER with the keyboard; True once the editor holds it."""
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(ANSWER)
    page.keyboard.press("Escape")
    return "np.maximum(1e-8" in editor.inner_text()


def test_student_fills_an_answer_runs_all_and_reads_the_verdict(lab):
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{lab['base']}/lab/tree/gradcheck/gradcheck.ipynb?token={lab['token']}")
        wait_or_explain(page.locator(".jp-Notebook .jp-Cell"), page, lab, "notebook not shown")
        wait_or_explain(
            page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']"),
            page,
            lab,
            "kernel not idle",
        )
        wait_kernel_connected(page, lab)

        # the answer cell: the first code cell whose source is the rel_error stub
        cell = page.locator(".jp-CodeCell").filter(has_text="def rel_error(x, y):").first
        typed = type_answer(page, cell) or type_answer(page, cell)  # a slow editor: once more
        assert typed, "the answer did not land in the editor:\n" + lab_state(page, lab)

        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        verdict = page.locator(".jp-OutputArea-output").filter(
            has_text="rel_error(x, y): rel_error"
        )
        wait_or_explain(verdict, page, lab, "no verdict under the answer after Run All")
        text = verdict.first.text_content()
        assert "(ok, below 1e-06)" in text, text
        # the next exercise is still a stub: run-all stops there with its NotImplementedError
        stub = page.locator(".jp-OutputArea-output").filter(has_text="NotImplementedError")
        wait_or_explain(stub, page, lab, "run-all did not stop at the next stub")

        validate = page.get_by_role("button", name="Validate")
        if validate.count() == 0:
            validate = page.locator(".jp-Toolbar button").filter(has_text="Validate")
        assert validate.count() >= 1, "nbgrader's Validate button is not in the notebook toolbar"
        validate.first.click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=180_000)
        page.wait_for_function(
            "() => /cell failed|cell passed|PASSED|FAILED/.test("
            "document.querySelector('.jp-Dialog').innerText)",
            timeout=180_000,
        )
        report = dialog.text_content()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "lab.png"))
        browser.close()
    assert report.startswith("Validation Results"), report[:2000]
    assert "The following cell failed" in report and "NotImplementedError" in report
    assert "rel_error" not in report.split("The following cell failed")[1][:80]  # answered: passes
