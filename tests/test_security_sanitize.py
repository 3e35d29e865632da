"""Sanitising student content (issue 11), without a sandbox or a browser.

The payloads of ``attacks.script_vectors`` are put into a notebook (markdown cells, raw
cell, attachments, metadata, and the outputs the sandbox lets through), sanitised, and
rendered by nbconvert's HTML exporter as formgrader and the feedback do: no payload is
left in a script, an attribute or an element a browser would run. The course's own
markdown is left exactly as written. ``test_security_browser.py`` proves it in Chromium.
"""

import base64
import json
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat import v4

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import attacks  # noqa: E402

from autograder import sanitize  # noqa: E402
from autograder.sanitize import markdown, outputs  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BEACON = "http://127.0.0.1:9/beacon"
KS = {"name": "python3", "display_name": "Python 3", "language": "python"}
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(32)).decode()


class _Live(HTMLParser):
    """Where a payload would run: inside <script>, or any attribute value."""

    def __init__(self):
        super().__init__()
        self.live, self._script = [], False

    def handle_starttag(self, tag, attrs):
        self._script = tag == "script"
        for name, value in attrs:
            if "PWNED" in (value or "") or "127.0.0.1:9" in (value or ""):
                self.live.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        self._script = False

    def handle_data(self, data):
        if self._script and "PWNED" in data:
            self.live.append(f"<script>{data[:80]}")


def _hostile_notebook():
    cells = [v4.new_markdown_cell(md) for md, _ in attacks.script_vectors(BEACON).values() if md]
    code = v4.new_code_cell("Evil()")
    html = (
        "<script>document.title='PWNED-o'</script><img src=x onerror=\"document.title='PWNED-i'\">"
    )
    code.outputs = [
        v4.new_output(
            "display_data",
            data={
                "text/plain": "x",
                "text/html": html,
                "text/markdown": "<img src=x onerror=\"document.title='PWNED-m'\">",
                "image/png": "x\" onerror=\"document.title='PWNED-p'",
                "text/latex": "\\href{javascript:document.title='PWNED-l'}{x}",
            },
            metadata={"image/png": {"width": "1 onerror=document.title='PWNED-w'"}},
        ),
        v4.new_output("display_data", data={"image/svg+xml": "<svg onload='PWNED'/>"}),
    ]
    raw = v4.new_raw_cell("<script>document.title='PWNED-raw'</script>")
    raw.metadata.update(raw_mimetype="text/html", format="text/html")
    att = v4.new_markdown_cell("![a](attachment:evil.svg)")
    att["attachments"] = {"evil.svg": {"image/svg+xml": base64.b64encode(b"<svg/>").decode()}}
    nb = v4.new_notebook(cells=[*cells, code, raw, att])
    nb.metadata["widgets"] = attacks.WIDGET_STATE
    return nb


def _render(nb):
    from nbconvert import HTMLExporter

    html, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    return html


def test_unsanitised_notebook_is_live():  # the check below can fail: it sees the payloads
    parser = _Live()
    parser.feed(_render(_hostile_notebook()))
    assert len(parser.live) >= 5, parser.live


def test_sanitised_notebook_renders_inert():
    nb = _hostile_notebook()
    nb.cells[5].outputs.append({"output_type": "weird", "data": {"text/html": "<b>"}})
    changed = sanitize.notebook(nb)
    assert len(changed) == 6  # the five markdown vectors and the svg attachment reference
    nbformat.validate(nb)
    html = _render(nb)
    parser = _Live()
    parser.feed(html)
    assert parser.live == []
    assert "widget-state" not in html and "javascript:" not in html.replace(
        "javascript:document", ""
    )
    code = nb.cells[5]
    assert [list(o.get("data", {})) for o in code.outputs] == [
        ["text/plain", "text/html"],
        ["text/plain"],
    ]
    assert code.outputs[0].metadata == {} and "PWNED" not in code.outputs[0].data["text/html"]
    assert nb.cells[6].metadata == {} and "attachments" not in nb.cells[7]
    assert "<script>" in nb.cells[1].source  # shown as source, not lost
    assert nb.metadata == {}


def test_benign_content_is_kept():
    md = "# Title\n\n*em* `<START>` $y_{<t}$ [link](https://example.org) ![a](attachment:a.png)"
    cell = v4.new_markdown_cell(md)
    cell["attachments"] = {"a.png": {"image/png": PNG}}
    out = v4.new_output("display_data", data={"text/plain": "t", "image/png": PNG})
    table = "<table class='dataframe'><tr><td>1</td></tr></table>"
    res = v4.new_output("execute_result", data={"text/plain": "t", "text/html": table})
    res.execution_count = 3
    code = v4.new_code_cell("x", outputs=[out, res, v4.new_output("stream", text="hi")])
    nb = v4.new_notebook(cells=[cell, code], metadata={"kernelspec": KS, "widgets": {}})
    assert sanitize.notebook(nb) == []
    assert nb.cells[0].source == md and nb.cells[0].attachments["a.png"]["image/png"] == PNG
    assert nb.cells[1].outputs[0].data["image/png"] == PNG
    assert "dataframe" in nb.cells[1].outputs[1].data["text/html"]
    assert nb.cells[1].outputs[1].execution_count == 3
    assert nb.metadata == {"kernelspec": KS}


@pytest.mark.parametrize("path", sorted(REPO.glob("assignments/*/*.ipynb")), ids=lambda p: p.stem)
def test_course_markdown_is_untouched(path):
    nb = json.loads(path.read_text())
    cells = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert cells
    for c in cells:
        assert markdown.is_safe("".join(c["source"]), c.get("attachments")), c["source"][:3]


def test_instructor_locked_markdown_is_kept():
    cell = v4.new_markdown_cell("<b>instructor</b>")
    cell.metadata["nbgrader"] = {"locked": True, "solution": False, "grade_id": "intro"}
    answer = v4.new_markdown_cell("<b onclick=x>student</b>")
    answer.metadata["nbgrader"] = {"locked": False, "solution": True, "grade_id": "essay"}
    nb = v4.new_notebook(cells=[cell, answer])
    assert sanitize.notebook(nb) == [2]
    assert nb.cells[0].source == "<b>instructor</b>"


def test_images_must_be_images():
    assert outputs.is_image("image/png", PNG)
    assert not outputs.is_image("image/png", 'x" onerror="y')
    assert not outputs.is_image("image/png", base64.b64encode(b"<svg/>").decode())
    assert not outputs.is_image("image/jpeg", PNG)
