"""The grader's temporary folders, named by the process that made them.

A grader removes its staging and work folders when it ends, but a process killed with
SIGKILL (an out-of-memory kill, ``kill -9``, a Dask worker torn down) cannot: every such
run used to leave a 19 MB staged copy in ``/tmp``. Each folder's name carries its
owner's pid (``autograder-<kind>-<pid>-<random>``); the first folder a process makes sweeps
away the ones whose owner no longer runs. A folder whose pid was reused by another process
is kept (never removed by mistake, only later). Pids are read in this process's PID
namespace: graders sharing one temporary folder must share it too (one host, or one
container), as they do when started on one machine.
"""

import functools
import os
import shutil
import tempfile
from pathlib import Path

PREFIX = "autograder-"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _owner(name, kind):
    """The pid in folder name ``autograder-<kind>-<pid>-<random>``, or ``None``."""
    head = f"{PREFIX}{kind}-"
    pid, sep, _ = name[len(head) :].partition("-") if name.startswith(head) else ("", "", "")
    return int(pid) if sep and pid.isdigit() else None


def sweep(kind, folder=None):
    """Remove the ``kind`` folders in ``folder`` (the temporary folder) of dead owners."""
    base = Path(folder or tempfile.gettempdir())
    removed = []
    try:
        entries = list(base.iterdir())
    except OSError:
        return removed
    for d in entries:
        pid = _owner(d.name, kind)
        if pid is None or pid == os.getpid() or _alive(pid) or d.is_symlink():
            continue
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d.name)
    return removed


@functools.cache
def _swept(kind, base):
    sweep(kind, base)
    return True


def make(kind):
    """A new folder ``autograder-<kind>-<pid>-<random>`` (after one sweep per process)."""
    _swept(kind, tempfile.gettempdir())
    return tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-")
