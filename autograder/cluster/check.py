"""May this Dask worker grade? The same grader as the client, and a real sandbox.

:func:`grader_digest` fingerprints what decides a score: the course manifest, the
reference solutions, the ``workbook`` package staged into the sandbox, every module of
``autograder`` (specs, mistake catalogue, grading core, sandbox): the files a hosted
autograder ships, :data:`~autograder.hosted.bundle.GRADER_SOURCES`; and the numpy and
nbformat versions. It is computed once per process. :func:`refusal` compares a worker
with the client's digest and tells why it must not grade, in one line.

:class:`Admit` is a Dask worker plugin: registered by the client, it runs on every
worker, now and on any that joins later (a restarted or added worker), and gives the
workers that may grade a resource named after the digest (one unit per thread); tasks
ask for that resource, so a refusing worker never receives one.
"""

import functools
import hashlib
import logging
import platform
from importlib import metadata
from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin

from autograder.hosted.bundle import GRADER_SOURCES
from autograder.sandbox import jail

ROOT = Path(__file__).resolve().parents[2]
logger = logging.getLogger("autograder.cluster")


class Refused(Exception):
    """A worker would not grade: another grader version, or no sandbox (one-line reason)."""


@functools.cache
def grader_digest():
    """sha256 of the grader's code, the course manifest, the solutions and key versions."""
    versions = "; ".join(f"{d} {metadata.version(d)}" for d in ("numpy", "nbformat"))
    h = hashlib.sha256(versions.encode())
    h.update(f"; python {platform.python_version_tuple()[:2]}".encode())
    for top in GRADER_SOURCES:
        base = ROOT / top
        paths = [base] if base.is_file() else sorted(base.rglob("*.py"))
        for p in paths:
            if "__pycache__" not in p.parts:
                h.update(p.relative_to(ROOT).as_posix().encode() + b"\0")
                h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def refusal(digest, weak_ok, sandbox=None, local=None):
    """Why this process must not grade for a client of ``digest``, or ``None``.

    ``sandbox`` is :func:`jail.bwrap_status` and ``local`` :func:`grader_digest` (given
    only by tests). Without bubblewrap the worker refuses unless ``weak_ok``: the
    instructor opted in to the announced weak fallback.
    """
    local = local or grader_digest()
    if local != digest:
        return (
            f"another grader or course version here (digest {local[:12]}, the client's "
            f"{digest[:12]}): install the same checkout of the project on every worker"
        )
    ok, why = sandbox or jail.bwrap_status()
    if not ok and not weak_ok:
        return (
            f"no sandbox here ({why}): install bubblewrap and allow user namespaces, or "
            "pass --allow-weak-sandbox to grade in the weak fallback"
        )
    return None


def resource_name(digest, weak_ok):
    return f"autograder-{digest[:16]}" + ("-weak-ok" if weak_ok else "")


class Admit(WorkerPlugin):
    """Grant :func:`resource_name` to a worker when :func:`refusal` finds nothing."""

    idempotent = True  # a second client of the same grader finds its workers admitted

    def __init__(self, digest, weak_ok):
        self.digest, self.weak_ok = digest, weak_ok
        self.name = resource_name(digest, weak_ok)

    async def setup(self, worker):
        reason = refusal(self.digest, self.weak_ok)  # once per worker: a bwrap probe, ~10 ms
        verdicts = getattr(worker, "autograder_admission", {})
        verdicts[self.name] = reason
        worker.autograder_admission = verdicts
        if reason is None:
            warm()
            await worker.set_resources(**{self.name: worker.state.nthreads})
        else:
            logger.warning("this worker refuses to grade: %s", reason)

    def teardown(self, worker):
        jail.remove_staged()  # a closing worker may be killed before its atexit handlers


def warm():
    """Import the grading core and stage the sandbox now, on every admitted worker at once,
    rather than in each worker's first task (seconds of imports and copying)."""
    from autograder.cluster import task  # noqa: F401  (grading core, grader, specs)
    from autograder.notebook import cells, run  # noqa: F401

    cells.to_python("%matplotlib inline")  # IPython's transformer, built once
    jail.staging_dir()


def admission(name, dask_worker):
    """Run on a worker (``Client.run``): ``(reason or None, weak-sandbox warning or None)``."""
    verdicts = getattr(dask_worker, "autograder_admission", {})
    if name not in verdicts:
        return "not checked yet (joined while the grader was starting)", None
    return verdicts[name], jail.fallback_warning()
