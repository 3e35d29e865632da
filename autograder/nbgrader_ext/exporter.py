"""A notebook exporter that turns an unreadable submission into a clear zero, not a crash.

Empty, truncated, non-UTF-8 or otherwise invalid files become a one-cell notebook saying
why (:mod:`autograder.notebook.read`); the sanitize step then restores every graded cell
from the source (answer stubs), so the student scores 0 with the reason in the feedback
and the class goes on. The reason travels on in ``resources["autograder"]``.
"""

import datetime
import os

from nbconvert.exporters import NotebookExporter

from autograder import intake
from autograder.notebook.read import unreadable_notebook


class TolerantNotebookExporter(NotebookExporter):
    def from_filename(self, filename, resources=None, **kw):
        nb, reason, notes = intake.load_submission(filename)  # regular files only, capped
        if nb is None:
            self.log.error("%s: %s; graded as empty", filename, reason)
            nb = unreadable_notebook(reason)
        resources = self._init_resources(resources)
        resources["autograder"] = {"unreadable": reason, "notes": notes}
        path, base = os.path.split(filename)
        resources["metadata"]["name"] = os.path.splitext(base)[0]
        resources["metadata"]["path"] = path
        mtime = datetime.datetime.fromtimestamp(os.lstat(filename).st_mtime)  # never a link
        resources["metadata"]["modified_date"] = mtime.strftime("%B %d, %Y")
        return self.from_notebook_node(nb, resources=resources, **kw)
