"""Autograde step: grade the restored notebook with the grading core (sandboxed run,
verdicts outside it) and store its typed result (:mod:`autograder.store`).

Replaces nbgrader's ``Execute``: the outputs it writes make nbgrader's own
``SaveAutoGrades`` give the right score (an ``error`` output in a failing test cell).
Limits come from ``c.Limits`` in ``nbgrader_config.py`` (and ``AUTOGRADER_*`` overrides).
"""

from nbgrader.preprocessors import NbGraderPreprocessor

from autograder import store
from autograder.nbgrader_ext import utils
from autograder.notebook.grade import grade_notebook
from autograder.sandbox.limits import Limits


class HardenedExecute(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        handover = dict(nb.metadata.pop(utils.HANDOVER, None) or {})
        limits = Limits.load(self.config)
        hidden = utils.hidden_tests(self.config)
        result = grade_notebook(nb, None, limits, name=info.get("notebook", ""), hidden=hidden)
        result.notes = [str(n) for n in handover.get("notes") or []]
        result.unreadable = handover.get("unreadable")
        who = utils.who(resources)
        if result.weak_sandbox:
            self.log.warning("%s", result.weak_sandbox)
        if result.died:
            self.log.warning("%s: kernel died at cell %s: %s", who, result.died_at, result.died)
        self.log.info("%s: %g / %g points (hardened)", who, result.score, result.max_score)
        cd = utils.coursedir(self)
        if cd is not None and info.get("student") and info.get("assignment"):
            store.save_notebook(cd.root, info["student"], info["assignment"], result)
        resources["autograder"] = result
        return nb, resources
