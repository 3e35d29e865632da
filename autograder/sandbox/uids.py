"""A fresh user id for every sandbox, unique across every grader on the machine.

Run as root, each sandbox runs as its own host uid, so ``RLIMIT_NPROC`` counts only that
student's processes and nothing one student leaves under a uid (a process, a key, a file
in a shared place) meets the next student. Uids come from ``Limits.uid_first`` on, in
turn: a counter in a root-only lock folder (``/run/autograder-uids``, else under the
temporary folder) is advanced under ``flock``, and the uid is held with an ``flock`` on a
file of its own for as long as the sandbox lives (the kernel drops it if the grader dies),
so concurrent graders never share one, and a uid comes back only after ``uid_count``
sandboxes. :func:`give` kills every process left with the uid (``kill -KILL -1`` run as
that uid, then a check of ``/proc``) before the lease ends.
"""

import fcntl
import os
import signal
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass

_DIRS = ("/run/autograder-uids", os.path.join(tempfile.gettempdir(), "autograder-uids"))


@dataclass
class Lease:
    uid: int  # 0: not root, the sandbox runs as the grader's own user
    fd: int | None = None
    path: str | None = None  # the lock file, removed when the lease ends


def lock_dir():
    for d in _DIRS:
        try:
            os.makedirs(d, mode=0o700, exist_ok=True)
            st = os.lstat(d)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and st.st_uid == 0 and not st.st_mode & 0o022:
            return d
    raise RuntimeError(f"no root-owned, private folder for uid locks among {_DIRS}")


def _advance(d, count):
    fd = os.open(os.path.join(d, "next"), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        raw = os.pread(fd, 32, 0).strip()
        n = int(raw) if raw.isdigit() else 0
        os.ftruncate(fd, 0)
        os.pwrite(fd, str((n + 1) % count).encode(), 0)
        return n
    finally:
        os.close(fd)


def take(first, count):
    """A :class:`Lease` on a uid nobody else holds (``uid`` 0 when not running as root)."""
    if os.geteuid() != 0:
        return Lease(0)
    d = lock_dir()
    for _ in range(256):
        uid = first + _advance(d, count) % count
        path = os.path.join(d, str(uid))
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held, now = os.fstat(fd), os.stat(path)  # unlinked by its last holder meanwhile?
            if (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino):
                return Lease(uid, fd, path)
        except (BlockingIOError, FileNotFoundError):
            pass
        os.close(fd)
    raise RuntimeError("no free sandbox uid (256 tried)")


def processes(uid):
    """Live pids whose real, effective or saved uid is ``uid`` (read from ``/proc``)."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status", "rb") as f:
                for line in f:
                    if line.startswith(b"State:") and b"Z" in line.split()[1:2]:
                        break  # a zombie holds nothing; its parent reaps it
                    if line.startswith(b"Uid:"):
                        if str(uid).encode() in line.split()[1:4]:
                            out.append(int(name))
                        break
        except OSError:
            continue
    return out


def kill_all(uid, tries=20):
    """Kill every process of ``uid``; ``True`` when none is left. ``kill -KILL -1`` run as
    ``uid`` reaches all of them at once (a fork bomb cannot outrun it), only when the scan
    of ``/proc`` finds any (usually none: the sandbox's PID namespace died with it)."""
    for i in range(tries):
        left = processes(uid)
        if not left:
            return True
        try:
            subprocess.run(
                ["kill", "-KILL", "-1"], user=uid, group=uid, extra_groups=[],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10, check=False,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            pass
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01 * (i + 1))
    return not processes(uid)


def give(lease):
    """End ``lease``: no process of its uid survives, then the uid lock is released."""
    if lease is None or not lease.uid:
        return
    try:
        kill_all(lease.uid)
    finally:
        if lease.fd is not None:
            try:
                os.unlink(lease.path)  # still locked: a taker checks the inode it locked
            except OSError:
                pass
            os.close(lease.fd)
            lease.fd = None
