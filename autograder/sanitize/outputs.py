"""Outputs of student code, reduced to an allow-list a browser can show without running.

Kept: ``stream``, ``error``, ``display_data`` and ``execute_result`` outputs, each with
string fields only and no output metadata (nbconvert writes ``width=...`` unquoted into
``<img>``); MIME types ``text/plain``, PNG/JPEG/GIF images (checked to *be* base64 images,
since nbconvert pastes them into an attribute), ``text/html`` sanitised by ``nh3``
(the Ammonia sanitiser: no script, event handler, ``javascript:`` URL, style or remote
image survives) and ``text/markdown`` when :func:`autograder.sanitize.markdown.is_safe`.
Everything else (``application/javascript``, ``image/svg+xml``, widget views, LaTeX,
JSON...) is dropped; a bundle left empty says what was removed.
"""

import base64
import binascii
import re

import nh3

from autograder.sanitize import markdown

IMAGES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff", "image/gif": b"GIF8"}
_B64 = re.compile(r"[A-Za-z0-9+/=\s]*")
_DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=]*")
_LINK = re.compile(r"(https?:|mailto:|#)", re.IGNORECASE)
_TAGS = nh3.ALLOWED_TAGS - {"area", "map"}
_ATTRIBUTES = {k: set(v) for k, v in nh3.ALLOWED_ATTRIBUTES.items()} | {"*": {"class"}}


def _attribute(tag, attr, value):
    if attr == "src":
        return value if _DATA_IMAGE.fullmatch(value.strip()) else None
    if attr in ("href", "cite"):
        return value if _LINK.match(value.strip()) else None
    return value


def clean_html(html):
    """``html`` sanitised: an allow-list of inert tags and attributes (see module doc)."""
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute,
        url_schemes={"http", "https", "mailto", "data"},
    )


def is_image(mime, data):
    """``data`` is a base64 string that decodes to an image of type ``mime``."""
    if not isinstance(data, str) or not _B64.fullmatch(data):
        return False
    try:
        head = base64.b64decode("".join(data[:64].split())[:24] + "==", validate=False)
    except (binascii.Error, ValueError):
        return False
    return head.startswith(IMAGES[mime])


def bundle(data):
    """The allowed part of a MIME bundle (``{mime: data}``), never empty."""
    out, dropped = {}, []
    for mime, value in (data if isinstance(data, dict) else {}).items():
        if mime == "text/plain" and isinstance(value, str):
            out[mime] = value
        elif mime in IMAGES and is_image(mime, value):
            out[mime] = "".join(value.split())
        elif mime == "text/html" and isinstance(value, str):
            out[mime] = clean_html(value)
        elif mime == "text/markdown" and isinstance(value, str) and markdown.is_safe(value):
            out[mime] = value
        else:
            dropped.append(str(mime)[:60])
    if not out:
        out["text/plain"] = f"[output removed by the grader: {', '.join(dropped) or 'empty'}]"
    return out


def _text(v):
    if isinstance(v, list):
        v = "".join(x for x in v if isinstance(x, str))
    return v if isinstance(v, str) else ""


def output(o):
    """One allowed output (a plain dict) or ``None``."""
    if not isinstance(o, dict):
        return None
    kind = o.get("output_type")
    if kind == "stream":
        name = "stderr" if o.get("name") == "stderr" else "stdout"
        return {"output_type": "stream", "name": name, "text": _text(o.get("text"))}
    if kind == "error":
        tb = o.get("traceback") if isinstance(o.get("traceback"), list) else []
        return {
            "output_type": "error",
            "ename": _text(o.get("ename")),
            "evalue": _text(o.get("evalue")),
            "traceback": [x for x in tb if isinstance(x, str)],
        }
    if kind in ("display_data", "execute_result"):
        out = {"output_type": kind, "data": bundle(o.get("data")), "metadata": {}}
        if kind == "execute_result":
            count = o.get("execution_count")
            out["execution_count"] = count if type(count) is int else None
        return out
    return None


def outputs(items):
    """The allowed outputs of a code cell, in order."""
    kept = (output(o) for o in (items if isinstance(items, list) else []))
    return [o for o in kept if o is not None]
