"""The warm fork server inside one jail: ``python zygote.py SOCK_FD SECCOMP_FD``.

Started once per grading worker (:mod:`.warm`), it imports what every notebook needs
(numpy, matplotlib's pyplot, the staged ``workbook`` and the runner's modules), then waits
on a Unix socket. For each notebook the grader sends ``{"t": "fork", "uid": ...}`` with
three descriptors (commands in, messages out, the child's stdout/stderr); the server forks
a child that makes its own ``/tmp``, ``/dev/shm`` and IPC, drops to the fresh uid, loads
the seccomp filter (:mod:`.private`) and runs :func:`~autograder.sandbox.guest.serve`;
the server replies ``{"t": "forked", "id"}`` and, when the child ends, ``{"t": "exit",
"id", "code"}`` (``-signal`` when killed); ``{"t": "kill", "id"}`` kills it. A worker
keeps its next runner forked and ready while one runs. No student code ever runs in this
process: every child starts from the same clean, pre-imported state.
"""

import json
import os
import select
import signal
import socket
import sys

PRELOAD = ("numpy", "matplotlib", "matplotlib.pyplot", "autograder.sandbox.guest_grade")
PRELOAD += ("autograder.sandbox.guest", "autograder.sandbox.private", "faulthandler", "random")
# What every child imported for itself before (``sys.modules`` at its exit, issue 13):
# numpy's lazily loaded ``random`` (about 15 ms of CPU per notebook), the runner's I/O
# modules, the graded names' specs, and what a figure's PNG needs.
PRELOAD += ("numpy.random", "autograder.sandbox.guest_io", "autograder.sandbox.wire")
PRELOAD += ("matplotlib.backends.backend_agg", "PIL.features")
PACKAGES = ("workbook", "autograder.specs")  # every submodule too
MAX_CHILDREN = 4  # a worker's running runner, its next one, and ones being killed


def _preload():
    import importlib
    import pkgutil

    names = list(PRELOAD)
    for package in PACKAGES:
        try:
            path = importlib.import_module(package).__path__
            names += [m.name for m in pkgutil.walk_packages(path, f"{package}.")]
        except Exception:  # noqa: BLE001 - only a speed-up
            pass
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module that fails here fails in the cell too
            pass
    try:
        from PIL import Image

        Image.preinit()  # the image plugins a figure's PNG loads (Bmp, Gif, Jpeg, Ppm, Png)
    except Exception:  # noqa: BLE001 - only a speed-up
        pass


def _child(sock, fds, uid, program):
    from autograder.sandbox import guest
    from autograder.sandbox.private import Private

    cmd_fd, msg_fd, out_fd = fds
    sock.close()
    os.dup2(out_fd, 1)
    os.dup2(out_fd, 2)
    keep = {0, 1, 2, cmd_fd, msg_fd}
    for fd in range(3, max(keep) + 64):
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    import random

    import numpy

    random.seed()
    numpy.random.seed()  # noqa: NPY002 - a fresh interpreter's global RNG is not shared
    try:
        guest.serve(cmd_fd, msg_fd, uid, private=Private(program))
    finally:
        os._exit(70)


def _send(sock, value):
    try:
        sock.send(json.dumps(value).encode())
    except OSError:
        os._exit(0)  # the grader is gone


def main():
    sock_fd, prog_fd = int(sys.argv[1]), int(sys.argv[2])
    from autograder.sandbox import guest

    guest.paths()
    program = b""
    if prog_fd >= 0:
        while chunk := os.read(prog_fd, 65536):
            program += chunk
        os.close(prog_fd)
    _preload()
    import gc

    gc.collect()
    gc.freeze()  # the children's collections skip what they share: no copy-on-write of it
    sock = socket.socket(fileno=sock_fd)
    wake_r, wake_w = os.pipe()  # a child's end wakes the loop at once
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children, count = {}, 0  # id -> pid: the running runner and the next one, ready
    _send(sock, {"t": "ready"})
    while True:
        ready, _, _ = select.select([sock, wake_r], [], [], 1.0 if children else None)
        if wake_r in ready:
            os.read(wake_r, 4096)
        for cid, pid in list(children.items()):
            if _reap(sock, cid, pid, os.WNOHANG):
                del children[cid]
        if sock not in ready:
            continue
        msg, fds, _, _ = socket.recv_fds(sock, 65536, 3)
        if not msg:
            os._exit(0)  # the grader closed its end
        req = json.loads(msg)
        if req.get("t") == "kill" and req.get("id") in children:
            os.kill(children[req["id"]], signal.SIGKILL)
        elif req.get("t") == "fork" and len(children) < MAX_CHILDREN and len(fds) == 3:
            count += 1
            pid = os.fork()
            if pid == 0:
                _child(sock, fds, int(req["uid"]), program or None)
            children[count] = pid
            for fd in fds:
                os.close(fd)
            _send(sock, {"t": "forked", "id": count})
        else:
            for fd in fds:
                os.close(fd)
            if req.get("t") != "kill":
                _send(sock, {"t": "refused"})


def _reap(sock, cid, pid, flags):
    """``True`` (and its exit sent to the grader) once child ``cid`` has ended."""
    try:
        done, status = os.waitpid(pid, flags)
    except ChildProcessError:
        done, status = pid, 0
    if not done:
        return False
    _send(sock, {"t": "exit", "id": cid, "code": os.waitstatus_to_exitcode(status)})
    return True


if __name__ == "__main__":
    main()
