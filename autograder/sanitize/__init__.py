"""Nothing a student wrote runs in an instructor's or TA's browser (issue 11).

An autograded notebook is rendered to HTML by nbconvert twice: by formgrader (on the
Jupyter origin, with the instructor's session: a script there can drive the Jupyter API)
and by ``generate_feedback``. :func:`notebook` rewrites, in place, everything student
code or the student's editor put into it:

* code-cell outputs: allow-listed types and MIME types (:mod:`.outputs`, HTML by ``nh3``);
* markdown (and raw) cells the student wrote: unsafe ones (:func:`.markdown.is_safe`)
  become their source as a code block; attachments are kept only when PNG/JPEG/GIF;
* metadata: cells keep ``nbgrader``, ``editable``, ``deletable``, ``tags``; raw cells lose
  ``raw_mimetype``/``format`` (nbconvert pastes text/html raw cells verbatim); the notebook
  keeps ``kernelspec`` and ``language_info`` only (no ``widgets`` state, which nbconvert
  turns into an HTML widget manager that renders it).

Cells restored from the source (locked, not answers) are the instructor's text and keep
their markdown. Used by the ``SanitizeStudentContent`` preprocessor (``autograde`` and
``generate_feedback``) and by the batch where it writes autograded notebooks.
"""

from autograder.sanitize import markdown, outputs

_CELL_KEYS = ("nbgrader", "editable", "deletable", "tags")
_KERNELSPEC = ("display_name", "language", "name")
_LANGUAGE = ("name", "version", "file_extension", "mimetype", "pygments_lexer")
_LANGUAGE += ("nbconvert_exporter",)


def _strings(d, keys):
    d = d if isinstance(d, dict) else {}
    return {k: d[k] for k in keys if isinstance(d.get(k), str)}


def notebook_metadata(md):
    """The notebook metadata kept: ``kernelspec`` and ``language_info`` string fields."""
    md = md if isinstance(md, dict) else {}
    out = {"kernelspec": _strings(md.get("kernelspec"), _KERNELSPEC)}
    out["language_info"] = _strings(md.get("language_info"), _LANGUAGE)
    required = {"kernelspec": ("name", "display_name"), "language_info": ("name",)}
    return {k: v for k, v in out.items() if all(f in v for f in required[k])}


def cell_metadata(md):
    md = md if isinstance(md, dict) else {}
    out = {k: md[k] for k in _CELL_KEYS if k in md}
    if not isinstance(out.get("nbgrader", {}), dict):
        del out["nbgrader"]
    for k in ("editable", "deletable"):
        if k in out and type(out[k]) is not bool:
            del out[k]
    if "tags" in out:
        tags = out["tags"] if isinstance(out["tags"], list) else []
        out["tags"] = [t[:80] for t in tags if isinstance(t, str)][:20]
    return out


def attachments(att):
    """Attachments that are PNG/JPEG/GIF images (``{name: {mime: base64}}``)."""
    out = {}
    for name, bundle in (att if isinstance(att, dict) else {}).items():
        kept = {
            m: "".join(v.split())
            for m, v in (bundle if isinstance(bundle, dict) else {}).items()
            if m in outputs.IMAGES and outputs.is_image(m, v)
        }
        if kept and isinstance(name, str):
            out[name] = kept
    return out


def _instructor_text(cell):
    ng = cell.get("metadata", {}).get("nbgrader", {})
    return isinstance(ng, dict) and bool(ng.get("locked")) and not ng.get("solution")


def cell(c):
    """Sanitise one cell in place; return ``True`` when its markdown was neutralised."""
    trusted_text = _instructor_text(c)
    c["metadata"] = cell_metadata(c.get("metadata"))
    if c.get("cell_type") == "code":
        c["outputs"] = outputs.outputs(c.get("outputs"))
        return False
    if "attachments" in c:
        att = attachments(c.get("attachments"))
        if att:
            c["attachments"] = att
        else:
            del c["attachments"]
    src = c.get("source", "")
    src = "".join(src) if isinstance(src, list) else str(src)
    if c.get("cell_type") == "markdown" and not trusted_text:
        if not markdown.is_safe(src, c.get("attachments")):
            c["source"] = markdown.neutralised(src)
            return True
    return False


def notebook(nb):
    """Sanitise ``nb`` (a NotebookNode or dict) in place; return the neutralised cell numbers."""
    from nbformat import from_dict

    nb["metadata"] = from_dict(notebook_metadata(nb.get("metadata")))
    changed = []
    for i, c in enumerate(nb.get("cells") or [], start=1):
        if cell(c):
            changed.append(i)
        for k in ("metadata", "outputs", "attachments"):
            if k in c:
                c[k] = from_dict(c[k])
    return changed
