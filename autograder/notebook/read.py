"""Tolerant reading: the bytes of a submitted file become a notebook or a reason, never a crash.

Empty, truncated, non-UTF-8 or otherwise invalid files give ``(None, reason)``; the front
doors then grade :func:`unreadable_notebook` (one markdown cell saying why) restored
from the source, so the student scores 0 with the reason in the feedback.
"""

import warnings

import nbformat
from nbformat import v4


def read_submission(raw):
    """``(notebook, None)`` or ``(None, reason)`` for the bytes of a submitted file."""
    if not raw.strip():
        return None, "the notebook file is empty"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, f"the notebook file is not UTF-8 text (byte {e.start})"
    try:
        with warnings.catch_warnings():  # duplicate / missing cell ids: repaired by restore
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
    except Exception as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        return None, f"the notebook file is not a valid notebook (truncated?): {reason[:120]}"
    if not isinstance(nb.get("cells"), list):
        return None, "the notebook file has no cells"
    return nb, None


def unreadable_notebook(reason):
    """A one-cell notebook that tells the student why their file could not be graded."""
    text = f"**This submission could not be read: {reason}. It was graded as empty (0 points).**"
    return v4.new_notebook(cells=[v4.new_markdown_cell(text)])
