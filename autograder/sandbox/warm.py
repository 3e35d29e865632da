"""Warm sandboxes: one pre-started, pre-imported fork server per grading thread.

A cold sandbox costs a bubblewrap start, a Python start and the imports of numpy,
matplotlib and the runner for every notebook. :class:`Zygote` starts one jail per worker
thread (:func:`for_thread`) running :mod:`.zygote`, which has imported all of that once,
and forks a fresh runner per notebook (:meth:`Zygote.fork`) with the same isolation as a
cold one: a fresh uid (leased by the grader, as for a cold sandbox), its own ``/tmp``,
``/dev/shm`` and IPC namespace, the seccomp filter, the same rlimits, and the jail's
read-only view of the machine. Every process of the uid is killed when the notebook ends.
:func:`spare` keeps the next notebook's sandbox started while one is graded.

Used only as root with a working bubblewrap (``Limits.warm_sandbox``); otherwise, or when
the server cannot start, sessions start cold.
"""

import atexit
import json
import os
import queue
import socket
import subprocess
import threading

from autograder.sandbox import jail, seccomp

_local = threading.local()
_all, _spares = [], []
_lock = threading.Lock()


class Zygote:
    """The fork server of one thread (its jail lives until :meth:`close`)."""

    def __init__(self, limits, stage):
        self.replies, self.exits = queue.Queue(), {}  # fork replies; id -> exit code
        self.cond, self.fork_lock = threading.Condition(), threading.Lock()
        host, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock, self.closed = host, False
        prog = seccomp.pipe_fd()
        launch = jail.zygote_command(stage, child.fileno(), -1 if prog is None else prog, limits)
        try:
            self.proc = subprocess.Popen(
                launch.argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(child.fileno(), *([] if prog is None else [prog])),
                start_new_session=True,
            )
        finally:
            child.close()
            if prog is not None:
                os.close(prog)
        threading.Thread(target=self._read, daemon=True).start()
        self.ok = self._reply(60.0) == {"t": "ready"}

    def _read(self):
        while True:
            try:
                msg = json.loads(self.sock.recv(65536) or b"null")
            except (OSError, ValueError):
                msg = None
            if isinstance(msg, dict) and msg.get("t") == "exit":
                with self.cond:
                    self.exits[msg.get("id")] = int(msg.get("code", -9))
                    self.cond.notify_all()
                continue
            self.replies.put(msg)
            if msg is None:
                with self.cond:
                    self.closed = True
                    self.cond.notify_all()
                return

    def _reply(self, timeout):
        try:
            return self.replies.get(timeout=timeout)
        except queue.Empty:
            return None

    def alive(self):
        return self.ok and not self.closed and self.proc.poll() is None

    def fork(self, uid, fds):
        """Fork a runner for ``uid`` on ``fds`` (commands, messages, output): a
        :class:`Child`, or ``None`` when the server did not answer."""
        with self.fork_lock:
            try:
                socket.send_fds(self.sock, [json.dumps({"t": "fork", "uid": uid}).encode()], fds)
            except OSError:
                self.ok = False
                return None
            reply = self._reply(10.0)
        if not (isinstance(reply, dict) and reply.get("t") == "forked"):
            self.ok = False
            return None
        return Child(self, reply.get("id"), uid)

    def exit_code(self, cid, timeout):
        """The exit code of child ``cid`` (``-9`` when the server is gone), or ``None``."""
        with self.cond:
            self.cond.wait_for(lambda: cid in self.exits or self.closed, timeout)
            if cid in self.exits:
                return self.exits.pop(cid)
            return -9 if self.closed else None

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Child:
    """A forked runner, with the ``poll``/``wait``/``pid`` of a ``subprocess.Popen``."""

    def __init__(self, zygote, cid, uid):
        self.zygote, self.cid, self.uid = zygote, cid, uid
        self.returncode, self.pid = None, None

    def poll(self):
        if self.returncode is None:
            self.returncode = self.zygote.exit_code(self.cid, 0.0)
        return self.returncode

    def wait(self, timeout=None):
        if self.returncode is None:
            self.returncode = self.zygote.exit_code(self.cid, timeout)
        if self.returncode is None:
            raise subprocess.TimeoutExpired("sandbox", timeout)
        return self.returncode

    def kill(self):
        """Kill the runner and every process of its uid."""
        if self.poll() is not None:
            return
        try:
            self.zygote.sock.send(json.dumps({"t": "kill", "id": self.cid}).encode())
        except OSError:
            pass
        jail.kill_uid(self.uid)


def for_thread(limits):
    """This thread's :class:`Zygote` (started on first use, restarted when it died), or
    ``None`` when warm sandboxes cannot be used here."""
    if not limits.warm_sandbox or os.geteuid() != 0 or not jail.bwrap_status()[0]:
        return None
    z = getattr(_local, "zygote", None)
    if z is not None and z.alive():
        return z
    if z is not None:
        z.close()
    z = Zygote(limits, jail.staging_dir())
    _local.zygote = z if z.ok else None
    with _lock:
        _all.append(z)
    return _local.zygote


def spare(key, start):
    """This thread's spare for ``key`` (what ``start()`` made in the background last time,
    waited for), and a new one started in the background; ``None`` the first time."""
    pending = getattr(_local, "spare", None)
    _local.spare = None
    got = None
    if pending is not None:
        pending["thread"].join()
        got, pending["value"] = pending["value"], None  # taken: close_all leaves it
        with _lock:
            if pending in _spares:
                _spares.remove(pending)
        if pending["key"] != key and got is not None:
            got.close()
            got = None
    box = {"key": key, "value": None}

    def run():
        box["value"] = start()

    box["thread"] = threading.Thread(target=run, daemon=True)
    box["thread"].start()
    _local.spare = box
    with _lock:
        _spares.append(box)
    return got


def later(fn):
    """Run ``fn`` (a sandbox's clean-up) in the background, while the grader judges and
    stores; :func:`settle` (before this thread's next sandbox runs anything) and
    :func:`close_all` wait for it."""
    t = threading.Thread(target=fn, daemon=True)
    with _lock:
        _closing[:] = [c for c in _closing if c.is_alive()] + [t]
    _local.closing = [*getattr(_local, "closing", []), t]
    t.start()


def settle():
    """Wait for this thread's clean-ups: the last student's processes are gone."""
    for t in getattr(_local, "closing", []):
        t.join()
    _local.closing = []


_closing = []


def close_all():
    """Close every thread's spare and fork server (the batch calls this when it is done)."""
    with _lock:
        closing, _closing[:] = list(_closing), []
    for t in closing:
        t.join()
    with _lock:
        zygotes, spares = list(_all), list(_spares)
        _all[:], _spares[:] = [], []
    for box in spares:
        box["thread"].join()
        if box["value"] is not None:
            box["value"].close()
            box["value"] = None
    for z in zygotes:
        z.close()
    _local.__dict__.clear()


atexit.register(close_all)
