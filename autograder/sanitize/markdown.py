"""Student markdown that nbconvert (formgrader, feedback HTML) would render as live HTML.

:func:`is_safe` parses the source with nbconvert's own markdown parser (mistune with its
math rules, the one ``markdown2html`` uses) and refuses raw HTML (block or inline),
links other than ``http(s):``, ``mailto:`` or ``#anchor``, images other than a kept
``attachment:`` or a ``data:`` PNG/JPEG/GIF (no request leaves the page), and fenced code
nbconvert does not escape (``mermaid``). Then it renders the source with nbconvert's
``markdown2html_mistune`` and checks the HTML against a tag and attribute allow-list, so
a renderer quirk cannot slip past the parse. Code spans and math stay as written: the
renderer escapes them (``<START>``, ``y_{<t}`` in the course's own cells are kept).

:func:`neutralised` is what an unsafe cell becomes: a note and the student's source as a
fenced code block, which every renderer shows as text.
"""

import functools
import re
from html.parser import HTMLParser

_IMAGE = re.compile(r"data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=]*$")
_LINK = re.compile(r"(https?:|mailto:|#)", re.IGNORECASE)
_INFO = re.compile(r"[A-Za-z0-9_+.#-]*")
NOTE = "*(This cell held raw HTML, scripts or links the grader does not render; its source:)*"
_TAGS = set(
    "p em strong code pre a img ul ol li blockquote hr br del table thead tbody tr th td".split()
)
_TAGS |= {
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "span",
    "div",
    "input",
    "dl",
    "dt",
    "dd",
    "sup",
    "sub",
}
_ATTRS = {"class", "id", "href", "src", "alt", "title", "type", "disabled", "checked", "style"}
_STYLE = re.compile(r"text-align:\s*(left|right|center);?")


@functools.cache
def _parser():
    from nbconvert.filters.markdown_mistune import MarkdownWithMath

    return MarkdownWithMath(renderer=None)


def _tokens_safe(tokens, attachments):
    for t in tokens:
        kind, attrs = t.get("type"), t.get("attrs") or {}
        if kind in ("block_html", "inline_html"):
            return False
        url = str(attrs.get("url", ""))
        if kind == "link" and not _LINK.match(url.strip()):
            return False
        if kind == "image":
            name = url[len("attachment:") :] if url.startswith("attachment:") else None
            if not (_IMAGE.match(url) or (name is not None and name in attachments)):
                return False
        info = str(attrs.get("info") or "").strip().split(" ")[0]
        if kind == "block_code" and (info.startswith("mermaid") or not _INFO.fullmatch(info)):
            return False
        if not _tokens_safe(t.get("children") or [], attachments):
            return False
    return True


class _Gate(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ok = True

    def handle_starttag(self, tag, attrs):
        if tag not in _TAGS:
            self.ok = False
        for name, value in attrs:
            value = (value or "").strip()
            if name not in _ATTRS:
                self.ok = False
            elif name == "href" and not _LINK.match(value):
                self.ok = False
            elif name == "src" and not _IMAGE.match(value):
                self.ok = False
            elif name == "style" and not _STYLE.fullmatch(value):
                self.ok = False
            elif name == "type" and value != "checkbox":
                self.ok = False

    handle_startendtag = handle_starttag

    def handle_pi(self, data):
        self.ok = False

    def unknown_decl(self, data):
        self.ok = False


def rendered_safe(source, attachments=None):
    """The HTML nbconvert renders from ``source`` uses only inert tags and attributes."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    try:
        renderer = IPythonRenderer(escape=False, attachments=dict(attachments or {}))
        html = MarkdownWithMath(renderer=renderer).render(source)
    except Exception:  # noqa: BLE001 - a renderer failure (missing attachment...): not shown
        return False
    gate = _Gate()
    gate.feed(html)
    gate.close()
    return gate.ok


def is_safe(source, attachments=None):
    """``source`` renders to inert HTML (see the module doc); ``attachments``: the cell's
    (already sanitised) ``{name: {mime: base64}}``."""
    try:
        tokens = _parser().parse(source)[0]
    except Exception:  # noqa: BLE001 - unparseable: shown as code
        return False
    attachments = attachments or {}
    return _tokens_safe(tokens, set(attachments)) and rendered_safe(source, attachments)


def neutralised(source):
    """``source`` shown as text: a note and a fenced code block longer than any fence in it."""
    runs = [len(m) for m in re.findall(r"`+", source)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return f"{NOTE}\n\n{fence}text\n{source}\n{fence}\n"
