"""Autograde and feedback step: student markdown, outputs and metadata made inert.

Runs :func:`autograder.sanitize.notebook` on the notebook nbgrader writes to
``autograded/`` (after the grades are saved) and on the one ``generate_feedback`` turns
into HTML, so formgrader and the feedback page never run what a student wrote.
"""

from nbgrader.preprocessors import NbGraderPreprocessor

from autograder import sanitize


class SanitizeStudentContent(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        changed = sanitize.notebook(nb)
        if changed:
            info = resources.get("nbgrader", {})
            who = f"{info.get('student')}/{info.get('notebook')}"
            cells = ", ".join(map(str, changed))
            self.log.warning("%s: markdown cell(s) %s shown as source (raw HTML)", who, cells)
        return nb, resources
