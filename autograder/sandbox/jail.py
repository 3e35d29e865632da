"""How the sandboxed process is started: bubblewrap when it works here, else a weak fallback.

The sandbox sees a read-only ``/usr``, the Python installation and the virtual
environment's ``site-packages`` (read-only), a staged copy of the few grading modules
student code may see (``/opt/grader``: the ``grade()`` collector, specs, ``workbook`` and
its captioning data set; never ``solutions/``, the mistake catalogue, source notebooks or
the gradebook), and a size-capped tmpfs ``/tmp`` as its only writable place. It has no
network, its own PID, IPC and UTS namespaces, a fresh session, and dies with its parent.
When started as root the runner switches to an unprivileged user id of its own (one per
concurrent sandbox, so ``RLIMIT_NPROC`` caps fork bombs per student) before any student
code runs.
"""

import atexit
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox import scratch, seccomp, uids

ROOT = Path(__file__).resolve().parents[2]
GRADER_DIR = "/opt/grader"
# What student code may import from the repository (copied, read-only, into the sandbox).
STAGED = [
    "course.toml",
    "autograder/course.py",
    "autograder/api.py",
    "autograder/collect.py",
    "autograder/collected.py",
    "autograder/namespaces.py",
    "autograder/outputs.py",
    "autograder/specs",
    "autograder/sandbox/wire.py",
    "autograder/sandbox/guest.py",
    "autograder/sandbox/guest_io.py",
    "autograder/sandbox/guest_grade.py",
    "autograder/sandbox/zygote.py",
    "autograder/sandbox/private.py",
    "workbook",
]
# Never staged, although inside a staged folder: the gradcheck chapter's answers (a student
# could otherwise exec their source and pass that chapter with the course's own code).
UNSTAGED = ("workbook/numgrad.py",)
_INIT = '"""Grading modules visible inside the sandbox (a staged subset)."""\n'
_staged = {}
_lock = threading.Lock()


def _unstaged(folder, names):
    here = Path(folder).resolve()
    secret = {(ROOT / rel).resolve() for rel in UNSTAGED}
    return {n for n in names if here / n in secret or n == "__pycache__" or n.endswith(".pyc")}


def _copy(src, dst):
    if src.is_dir():
        shutil.copytree(src, dst, ignore=_unstaged)
    else:
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)


def _datasets():
    """``[(folder, rel)]``: the captioning data set the notebooks load, to stage at
    ``.cache/captions/<name>``, which is the staged ``workbook``'s default cache folder.

    Without it, ``load_captioning_data()`` in the read-only sandbox regenerates the set in
    memory in every notebook that loads it (5-10 s each). Generated here once when missing
    (and cached on disk as usual); when that fails, notebooks just generate it themselves.
    """
    try:
        from workbook.data import captions

        folder = captions.ensure_dataset()
    except Exception:  # noqa: BLE001 - only a speed-up: the sandbox can still generate it
        return []
    return [(folder, f".cache/captions/{folder.name}")]


def staging_dir(extra=()):
    """A directory (created once per process) holding the staged modules, world-readable."""
    key = tuple(str(e) for e in extra)
    with _lock:
        if key in _staged and Path(_staged[key]).is_dir():
            return _staged[key]
        d = Path(scratch.make("stage"))
        for rel in STAGED:
            _copy(ROOT / rel, d / rel)
        for pkg in ("autograder", "autograder/sandbox"):
            (d / pkg / "__init__.py").write_text(_INIT)
        for src, rel in _datasets():
            _copy(Path(src), d / rel)
        for src, rel in extra:
            _copy(Path(src), d / rel)
        for p in [d, *d.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        _staged[key] = str(d)
        atexit.register(shutil.rmtree, str(d), True)
        return str(d)


def remove_staged():
    """Remove this process's staged directories now (a Dask worker closing; else at exit)."""
    with _lock:
        for d in _staged.values():
            shutil.rmtree(d, True)
        _staged.clear()


@functools.cache
def bwrap_status():
    """``(True, path)`` when bubblewrap can create a sandbox here, else ``(False, reason)``."""
    path = shutil.which("bwrap")
    if os.environ.get("AUTOGRADER_NO_BWRAP") == "1":
        return False, "bubblewrap disabled by AUTOGRADER_NO_BWRAP=1"
    if not path:
        return False, "bubblewrap (bwrap) is not installed"
    probe = [
        path,
        "--ro-bind",
        "/",
        "/",
        "--unshare-pid",
        "--unshare-net",
        "--die-with-parent",
        "true",
    ]
    try:
        r = subprocess.run(probe, capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as e:
        return False, f"bwrap failed to start: {e}"
    if r.returncode != 0:
        return False, "bwrap cannot create namespaces here: " + r.stderr.decode(errors="replace")[
            :200
        ]
    return True, path


@functools.cache
def fallback_problem():
    """Why the weak fallback, started as root, cannot run the runner as the sandbox's uid
    (the Python installation or the temporary folder is closed to other users), or None."""
    if os.geteuid() != 0:
        return "not running as root"
    for top in sorted({sys.base_prefix, sys.prefix, tempfile.gettempdir()}):
        p = Path(top)
        for d in [*reversed(p.parents), p]:
            if not os.stat(d).st_mode & 0o001:
                return f"{d} cannot be entered by other users"
    return None


def fallback_drops():
    """True when the weak fallback runs student code as the sandbox's own uid."""
    return os.geteuid() == 0 and fallback_problem() is None


def fallback_warning():
    ok, why = bwrap_status()
    if ok:
        return None
    who = ""
    if os.geteuid() == 0:
        problem = fallback_problem()
        who = f"as root ({problem}), " if problem else "as an unprivileged user, "
    return (
        f"WEAK FALLBACK SANDBOX: {why}; student code runs {who}without filesystem "
        "or network isolation"
    )


def take_uid(limits):
    """A :class:`~autograder.sandbox.uids.Lease` on a fresh uid for one sandbox."""
    return uids.take(limits.uid_first, limits.uid_count)


def give_uid(lease):
    """Kill every process left with the lease's uid, then release it."""
    uids.give(lease)


@dataclass
class Launch:
    """How to start one sandbox: ``argv``/``env`` and the extra fds to pass (seccomp)."""

    argv: list
    env: dict
    isolated: bool
    fds: tuple = ()

    def close(self):
        for fd in self.fds:
            os.close(fd)


def _ro_with_parents(args, made, path):
    parts = Path(path).parts
    for i in range(2, len(parts)):
        parent = str(Path(*parts[:i]))
        if parent not in made:
            made.add(parent)
            args += ["--perms", "0755", "--dir", parent]
    args += ["--ro-bind", str(path), str(path)]


def _env():
    env = {
        "HOME": "/tmp/home",
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/home/.mpl",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    return env


def command(stage, cmd_fd, msg_fd, uid, limits):
    """A :class:`Launch`: how to start the runner for one sandbox session.

    bubblewrap starts as root (the Python installation may live where only root can reach
    it, e.g. ``/root/.pyenv``, so an unprivileged bwrap with ``--unshare-user`` could not
    bind it); the runner switches to the sandbox's fresh ``uid`` (:mod:`.uids`) before any
    student code. The seccomp filter of :mod:`.seccomp` is loaded by bwrap; ``/tmp`` and
    ``/dev/shm`` are private, size-capped tmpfs.
    """
    ok, bwrap = bwrap_status()
    guest = f"{GRADER_DIR}/autograder/sandbox/guest.py"
    env = _env()
    runner = ["-s", "-B", guest, str(cmd_fd), str(msg_fd), str(uid if os.geteuid() == 0 else 0)]
    if not ok:
        env = dict(env, HOME=tempfile.gettempdir(), PYTHONPATH=stage, AUTOGRADER_GUEST_ROOT=stage)
        env.pop("MPLCONFIGDIR")
        guest_local = os.path.join(stage, "autograder/sandbox/guest.py")
        argv = ["/bin/sh", "-c", '"$@"; exit $?', "sh", sys.executable, "-s", "-B", guest_local]
        guest_uid = str(uid if fallback_drops() else 0)  # root: the sandbox's uid when it can
        return Launch(argv + [str(cmd_fd), str(msg_fd), guest_uid], env, False)
    args = _jail(bwrap, stage, limits)
    if uid:  # the runner needs them once, to switch to ``uid`` (which drops them all)
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    fds = []
    filt = seccomp.pipe_fd()
    if filt is not None:
        args += ["--seccomp", str(filt)]
        fds.append(filt)
    args += _environment(env)
    py = os.path.join(sys.prefix, "bin", "python")
    return Launch(args + ["--", py, *runner], {}, True, tuple(fds))


def zygote_command(stage, sock_fd, prog_fd, limits):
    """The :class:`Launch` of a warm fork server (:mod:`.zygote`): the same jail, as root
    and without the seccomp filter, which each forked runner loads itself after making
    its own ``/tmp``, ``/dev/shm`` and IPC and dropping to its fresh uid (:mod:`.private`)."""
    ok, bwrap = bwrap_status()
    if not ok:
        raise RuntimeError("no bubblewrap: no warm sandboxes")
    args = _jail(bwrap, stage, limits) + _environment(_env())
    py = os.path.join(sys.prefix, "bin", "python")
    server = f"{GRADER_DIR}/autograder/sandbox/zygote.py"
    return Launch(args + ["--", py, "-s", "-B", server, str(sock_fd), str(prog_fd)], {}, True)


def kill_uid(uid):
    """Kill every process of ``uid`` now (a warm runner and what it started)."""
    if uid:
        uids.kill_all(uid)


def _environment(env):
    args = ["--clearenv"]
    for k, v in env.items():
        args += ["--setenv", k, v]
    return args + ["--setenv", "PYTHONPATH", GRADER_DIR, "--chdir", "/tmp"]


def _jail(bwrap, stage, limits):
    """bubblewrap's arguments for the jail: mounts, namespaces, the session."""
    args = [bwrap, "--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/lib", "/lib64", "/sbin", "/lib32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    size = str(2 * limits.file_mb << 20)
    args += ["--proc", "/proc", "--dev", "/dev"]
    args += ["--perms", "1777", "--size", size, "--tmpfs", "/dev/shm"]
    args += ["--perms", "1777", "--size", size, "--tmpfs", "/tmp"]
    made = {"/tmp", "/usr"}
    for p in sorted({sys.base_prefix, sys.prefix}):
        if not p.startswith("/usr/"):
            _ro_with_parents(args, made, p)
    args += ["--perms", "0755", "--dir", "/opt", "--ro-bind", stage, GRADER_DIR]
    args += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
    args += ["--unshare-cgroup-try", "--hostname", "sandbox", "--die-with-parent", "--new-session"]
    return args
