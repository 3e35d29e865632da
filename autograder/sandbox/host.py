"""The grader's side of one sandbox session: start it, send cells, serve reference calls.

:class:`Session` owns one sandboxed runner. :meth:`Session.run_cell` sends a cell and
waits for its ``done`` message while answering the runner's reference-function calls
(only the names in ``allowed``) and recording ``collected`` outputs. It never raises for
anything the student did: a hang, a crash, a kill, a flood or a garbled message ends the
session and comes back as :attr:`CellRun.died` (a reason a student can read).
"""

import os
import queue
import signal
import struct
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field

from autograder.sandbox import jail, wire
from autograder.sandbox.limits import Limits

_SIGNALS = {
    signal.SIGSEGV: "segmentation fault",
    signal.SIGBUS: "bus error",
    signal.SIGABRT: "aborted",
    signal.SIGKILL: "killed (out of memory or a limit)",
    signal.SIGXCPU: "CPU time limit exceeded",
    signal.SIGXFSZ: "file size limit exceeded",
    signal.SIGFPE: "floating point exception",
    signal.SIGILL: "illegal instruction",
}


@dataclass
class CellRun:
    outputs: list = field(default_factory=list)
    error: tuple | None = None
    collected: list = field(default_factory=list)
    died: str | None = None
    seconds: float = 0.0


def _reader(fd, q, limit):
    try:
        while True:
            head = wire.read_exact(fd, 8)
            if head is None:
                break
            (n,) = struct.unpack(">Q", head)
            if n > limit:
                q.put(("bad", f"sent a message of {n} bytes (limit {limit})"))
                return
            body = wire.read_exact(fd, n)
            if body is None:
                break
            q.put(("msg", body))
    except OSError:
        pass
    q.put(("eof", None))


def _drain(fd, keep, cap):
    size = 0
    while True:
        try:
            b = os.read(fd, 65536)
        except OSError:
            return
        if not b:
            return
        if size < cap:
            keep.append(b[: cap - size])
            size += len(b)


class Session:
    """One sandboxed runner. ``serve(fn, args, kwargs, opaque)`` runs a reference call."""

    def __init__(self, serve, limits=None, stage=None):
        self.limits = limits or Limits.load()
        self.serve = serve
        self.stage = stage or jail.staging_dir()
        self.proc = None
        self.dead = None
        self.raw = []
        self.opaque = {}
        self.started = time.monotonic()

    def start(self):
        cmd_r, self.cmd_w = os.pipe()
        msg_r, msg_w = os.pipe()
        self.uid = jail.take_uid()
        argv, env = jail.command(self.stage, cmd_r, msg_w, self.uid, self.limits)
        self.workdir = tempfile.mkdtemp(prefix="autograder-work-")
        if os.geteuid() == 0 and not jail.bwrap_status()[0]:
            os.chown(self.workdir, self.uid, self.uid)  # the weak fallback runs as self.uid
        self.proc = subprocess.Popen(
            argv,
            env=env,
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(cmd_r, msg_w),
            start_new_session=True,
        )
        os.close(cmd_r)
        os.close(msg_w)
        self.q = queue.Queue()
        self.msg_r = msg_r
        out_fd = self.proc.stdout.fileno()
        self.threads = [
            threading.Thread(target=_reader, args=(msg_r, self.q, self.limits.message_bytes)),
            threading.Thread(target=_drain, args=(out_fd, self.raw, 20000)),
        ]
        for t in self.threads:
            t.daemon = True
            t.start()
        self._send({"t": "start", "limits": self.limits.guest_view()})
        kind, msg = self._next(30.0)
        if self.dead is None and not (kind == "msg" and msg.get("t") == "ready"):
            self._die(f"the sandbox did not start ({kind})")
        return self.dead is None

    def _send(self, value):
        try:
            wire.write_all(self.cmd_w, wire.encode(value))
        except OSError:
            self._die("the notebook's process stopped reading")

    def _next(self, timeout):
        try:
            kind, body = self.q.get(timeout=max(timeout, 0.0))
        except queue.Empty:
            return "timeout", None
        if kind == "msg":
            try:
                msg = wire.decode(body)
            except wire.WireError as e:
                return "bad", str(e)
            return ("msg", msg) if type(msg) is dict else ("bad", "a malformed message")
        return kind, body

    def _opaque_token(self, obj):
        token = f"r{len(self.opaque)}"
        self.opaque[token] = obj
        return token

    def run_cell(self, number, src, allowed=()):
        run = CellRun()
        if self.dead:
            run.died = self.dead
            return run
        t0 = time.monotonic()
        deadline = min(t0 + self.limits.cell_timeout, self.started + self.limits.total_timeout)
        self._send({"t": "cell", "n": number, "src": src})
        while self.dead is None:
            kind, msg = self._next(deadline - time.monotonic())
            if kind == "timeout":
                self._die(f"timed out after {self.limits.cell_timeout:g} s (infinite loop?)")
            elif kind in ("eof", "bad"):
                self._die(self._exit_reason() if kind == "eof" else f"protocol violation: {msg}")
            elif msg.get("t") == "done" and msg.get("n") == number:
                run.outputs = msg.get("outputs") if type(msg.get("outputs")) is list else []
                err = msg.get("error")
                run.error = tuple(str(x) for x in err[:2]) if type(err) in (list, tuple) else None
                break
            elif msg.get("t") == "collected":
                run.collected.append(msg)
            elif msg.get("t") == "ref":
                self._serve_ref(msg, allowed)
        run.died = self.dead
        run.seconds = time.monotonic() - t0
        return run

    def _serve_ref(self, msg, allowed):
        fn = str(msg.get("fn"))
        if fn not in allowed:
            self._send({"t": "ref_err", "etype": "NameError", "msg": f"{fn} is not available here"})
            return
        args = msg.get("args") if type(msg.get("args")) is list else []
        kwargs = msg.get("kwargs") if type(msg.get("kwargs")) is dict else {}
        args = [self._resolve(a) for a in args]
        kwargs = {k: self._resolve(v) for k, v in kwargs.items()}
        try:
            value = self.serve(fn, args, kwargs)
            frame = wire.encode({"t": "ref_ok", "value": value}, opaque=self._opaque_token)
        except Exception as e:  # the reference rejected the student's arguments: one line back
            text = (str(e).splitlines() or [""])[0][:300]
            frame = wire.encode({"t": "ref_err", "etype": type(e).__name__, "msg": text})
        try:
            wire.write_all(self.cmd_w, frame)
        except OSError:
            self._die("the notebook's process stopped reading")

    def _resolve(self, v):
        if type(v) is wire.Opaque:
            return self.opaque.get(v.token)
        if type(v) in (list, tuple):
            return type(v)(self._resolve(x) for x in v)
        if type(v) is dict:
            return {k: self._resolve(x) for k, x in v.items()}
        return v

    def _exit_reason(self):
        try:
            rc = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "stopped responding"
        text = b"".join(self.raw).decode(errors="replace")
        sig = -rc if rc < 0 else (rc - 128 if rc > 128 else 0)
        if "Segmentation fault" in text:
            sig = signal.SIGSEGV
        if sig in _SIGNALS:
            return _SIGNALS[sig]
        if "MemoryError" in text:
            return "out of memory"
        return f"the process exited (code {rc})"

    def _die(self, reason):
        if self.dead is None:
            self.dead = reason
        self._kill()

    def _kill(self):
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    def close(self):
        if self.proc is not None:
            if self.dead is None:
                self._send({"t": "bye"})
                try:
                    self.proc.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    pass
            self._kill()
            try:
                os.close(self.cmd_w)
            except OSError:
                pass
            for t in self.threads:
                t.join(timeout=5)
            if not any(t.is_alive() for t in self.threads):
                os.close(self.msg_r)
                self.proc.stdout.close()
            jail.give_uid(self.uid)
            import shutil

            shutil.rmtree(self.workdir, ignore_errors=True)
            self.proc = None
