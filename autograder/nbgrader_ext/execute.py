"""Autograde step: run the notebook in the sandbox and judge grade cells outside it.

Replaces nbgrader's ``Execute``: the outputs it writes make nbgrader's own
``SaveAutoGrades`` give the right score (an ``error`` output in a failing grade cell).
"""

from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.sandbox.run import grade_notebook


class HardenedExecute(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        nb, result = grade_notebook(nb)
        who = f"{info.get('student')}/{info.get('notebook')}"
        if result.weak_sandbox:
            self.log.warning("%s", result.weak_sandbox)
        if result.died:
            self.log.warning("%s: kernel died at cell %s: %s", who, result.died_at, result.died)
        self.log.info("%s: %g / %g points (hardened)", who, result.score, result.max_score)
        resources["autograder"] = result
        return nb, resources
