"""Warm sandboxes: one pre-started, pre-imported fork server per grading thread.

A cold sandbox costs a bubblewrap start, a Python start and the imports of numpy,
matplotlib and the runner for every notebook. :class:`Zygote` starts one jail per worker
thread (:func:`for_thread`) running :mod:`.zygote`, which has imported all of that once,
and forks a fresh runner per notebook (:meth:`Zygote.fork`) with the same isolation as a
cold one: a fresh uid (leased by the grader, as for a cold sandbox), its own ``/tmp``,
``/dev/shm`` and IPC namespace, the seccomp filter, the same rlimits, and the jail's
read-only view of the machine. Every process of the uid is killed when the notebook ends.

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
_all = []
_lock = threading.Lock()


class Zygote:
    """The fork server of one thread (its jail lives until :meth:`close`)."""

    def __init__(self, limits, stage):
        self.replies = queue.Queue()
        host, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock = host
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
                data = self.sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                self.replies.put(None)
                return
            try:
                self.replies.put(json.loads(data))
            except ValueError:
                self.replies.put(None)
                return

    def _reply(self, timeout):
        try:
            return self.replies.get(timeout=timeout)
        except queue.Empty:
            return None

    def alive(self):
        return self.ok and self.proc.poll() is None

    def fork(self, uid, fds):
        """Fork a runner for ``uid`` on ``fds`` (commands, messages, output): a
        :class:`Child`, or ``None`` when the server did not answer."""
        try:
            socket.send_fds(self.sock, [json.dumps({"t": "fork", "uid": uid}).encode()], fds)
        except OSError:
            self.ok = False
            return None
        if self._reply(10.0) != {"t": "forked"}:
            self.ok = False
            return None
        return Child(self, uid)

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

    def __init__(self, zygote, uid):
        self.zygote, self.uid, self.returncode = zygote, uid, None
        self.pid = None

    def poll(self):
        if self.returncode is None:
            self._take(0.0)
        return self.returncode

    def wait(self, timeout=None):
        if self.returncode is None and not self._take(timeout):
            raise subprocess.TimeoutExpired("sandbox", timeout)
        return self.returncode

    def _take(self, timeout):
        reply = self.zygote._reply(timeout)
        if reply is None and not self.zygote.alive():
            self.returncode = -9
            return True
        if isinstance(reply, dict) and reply.get("t") == "exit":
            self.returncode = int(reply.get("code", -9))
            return True
        return False

    def kill(self):
        """Kill the runner and every process of its uid."""
        if self.returncode is not None:
            return
        try:
            self.zygote.sock.send(json.dumps({"t": "kill"}).encode())
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


def close_all():
    """Stop every thread's fork server (the batch calls this when its pool is done)."""
    with _lock:
        zygotes, _all[:] = list(_all), []
    for z in zygotes:
        z.close()


atexit.register(close_all)
