"""Sanitize step: restore the submission's structure from the source (replaces nbgrader's
``DeduplicateIds`` + ``OverwriteCells``), so duplicated, split, deleted or retyped test
cells and edited metadata are repaired and graded instead of aborting the batch."""

from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.nbgrader_ext.canonical import canonical_cells, source_path_for
from autograder.sandbox.restore import restore


class RestoreCells(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        src = source_path_for(self, info["assignment"], info["notebook"])
        canon = canonical_cells(info["db_url"], info["notebook"], info["assignment"], src)
        restored, notes = restore(nb, canon)
        for note in notes:
            self.log.warning("%s/%s: %s", info.get("student"), info["notebook"], note)
        return restored, resources
