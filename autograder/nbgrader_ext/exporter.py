"""A notebook exporter that turns an unreadable submission into a clear zero, not a crash.

Empty, truncated, non-UTF-8 or otherwise invalid files become a one-cell notebook saying
why; the sanitize step then restores every graded cell from the source (answer stubs),
so the student scores 0 with the reason in the feedback and the batch goes on.
"""

import datetime
import os
import warnings

import nbformat
from nbconvert.exporters import NotebookExporter
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
    text = f"**This submission could not be read: {reason}. It was graded as empty (0 points).**"
    return v4.new_notebook(cells=[v4.new_markdown_cell(text)])


class TolerantNotebookExporter(NotebookExporter):
    def from_filename(self, filename, resources=None, **kw):
        from autograder import intake  # sec: regular files only, size/cell caps, metadata types

        nb, reason = intake.load_submission(filename)
        if nb is None:
            self.log.error("%s: %s; graded as empty", filename, reason)
            nb = unreadable_notebook(reason)
        resources = self._init_resources(resources)
        path, base = os.path.split(filename)
        resources["metadata"]["name"] = os.path.splitext(base)[0]
        resources["metadata"]["path"] = path
        mtime = datetime.datetime.fromtimestamp(os.lstat(filename).st_mtime)  # sec: lstat
        resources["metadata"]["modified_date"] = mtime.strftime("%B %d, %Y")
        return self.from_notebook_node(nb, resources=resources, **kw)
