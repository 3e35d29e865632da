"""Sanitize step: restore the submission's structure from the source (replaces nbgrader's
``DeduplicateIds`` + ``OverwriteCells``), so duplicated, split, deleted or retyped test
cells and edited metadata are repaired and graded instead of aborting the class.

The repairs are logged and handed to the autograde step (:data:`utils.HANDOVER` in the
notebook's metadata), which puts them into the typed result.
"""

from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.nbgrader_ext import utils
from autograder.notebook.canonical import canonical_cells
from autograder.notebook.restore import restore


class RestoreCells(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        src = utils.source_path(self, info["assignment"], info["notebook"])
        canon = canonical_cells(info["db_url"], info["notebook"], info["assignment"], src)
        restored, notes = restore(nb, canon)
        for note in notes:
            self.log.warning("%s/%s: %s", info.get("student"), info["notebook"], note)
        handed = resources.get("autograder", {})
        unreadable = handed.get("unreadable")
        restored.metadata[utils.HANDOVER] = {
            "notes": [] if unreadable else [*handed.get("notes", []), *notes],
            "unreadable": unreadable,
        }
        return restored, resources
