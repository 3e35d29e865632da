"""The grader's side of one sandbox session: start it, send cells, serve reference calls.

:class:`Session` owns one sandboxed runner. :meth:`Session.run_cell` sends a cell and
waits for its ``done`` message while answering the runner's reference-function calls
(only the names in ``allowed``) and recording ``collected`` outputs. It never raises for
anything the student did: a hang, a crash, a kill, a flood or a garbled message ends the
session and comes back as :attr:`CellRun.died` (a reason a student can read).

(Longer than most modules: the whole grader side of the protocol, with its deadlines and
caps, is kept in one place so that every frame is handled by the same loop.)
"""

import os
import select
import signal
import struct
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field

from autograder.sandbox import jail, proxy, wire
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


class _Inbox:
    """Frames read from the sandbox, waiting for the grader: at most ``cap`` bytes queued.

    The reader thread blocks (and so, through the pipe, does the sandbox) while the grader
    is behind; a flood of frames costs the grader no more than ``cap`` bytes of memory.
    """

    def __init__(self, cap):
        self.cap, self.size, self.items = cap, 0, []
        self.cond = threading.Condition()
        self.stopped = False

    def put(self, kind, body=None):
        n = len(body) if isinstance(body, bytes) else 0
        with self.cond:
            while self.items and self.size + n > self.cap and not self.stopped:
                self.cond.wait(0.5)
            if self.stopped:
                return False
            self.items.append((kind, body))
            self.size += n
            self.cond.notify_all()
            return True

    def get(self, timeout):
        end = time.monotonic() + max(timeout, 0.0)
        with self.cond:
            while not self.items:
                left = end - time.monotonic()
                if left <= 0:
                    return "timeout", None
                self.cond.wait(left)
            kind, body = self.items.pop(0)
            self.size -= len(body) if isinstance(body, bytes) else 0
            self.cond.notify_all()
            return kind, body

    def stop(self):
        with self.cond:
            self.stopped = True
            self.cond.notify_all()


def _reader(fd, inbox, limit):
    try:
        while True:
            head = wire.read_exact(fd, 8)
            if head is None:
                break
            (n,) = struct.unpack(">Q", head)
            if n > limit:
                inbox.put("bad", f"sent a message of {n} bytes (limit {limit})")
                return
            body = wire.read_exact(fd, n)
            if body is None:
                break
            if not inbox.put("msg", body):
                return
    except OSError:
        pass
    inbox.put("eof", None)


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
    """One sandboxed runner. ``serve(fn, args, kwargs)`` runs a reference call.

    The grader never blocks on the sandbox: commands are written with a deadline
    (non-blocking pipe, ``select``), frames are read by a thread into a byte-bounded
    :class:`_Inbox`, and every wait is bounded by the cell's and the notebook's deadlines,
    checked before each frame is handled (a stream of junk frames cannot outlive them).
    Per cell, frames, bytes and outputs are counted and capped; ``collected`` outputs are
    kept once per graded name of the cell, under a size cap.
    """

    def __init__(self, serve, limits=None, stage=None):
        self.limits = limits or Limits.load()
        self.serve = serve
        self.stage = stage or jail.staging_dir()
        self.proc = None
        self.dead = None
        self.raw = []
        self.opaque = {}
        self.received = 0
        self.started = time.monotonic()

    def start(self):
        cmd_r, self.cmd_w = os.pipe()
        msg_r, msg_w = os.pipe()
        os.set_blocking(self.cmd_w, False)
        self.lease = jail.take_uid(self.limits)
        launch = jail.command(self.stage, cmd_r, msg_w, self.lease.uid, self.limits)
        self.isolated = launch.isolated
        self.workdir = tempfile.mkdtemp(prefix="autograder-work-")
        if not launch.isolated and self.lease.uid and jail.fallback_drops():
            os.chown(self.workdir, self.lease.uid, self.lease.uid)  # the fallback runs as it
        try:
            self.proc = subprocess.Popen(
                launch.argv,
                env=launch.env,
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                pass_fds=(cmd_r, msg_w, *launch.fds),
                start_new_session=True,
            )
        finally:
            launch.close()
            os.close(cmd_r)
            os.close(msg_w)
        self.inbox = _Inbox(self.limits.message_bytes)
        self.msg_r = msg_r
        out_fd = self.proc.stdout.fileno()
        self.threads = [
            threading.Thread(target=_reader, args=(msg_r, self.inbox, self.limits.message_bytes)),
            threading.Thread(target=_drain, args=(out_fd, self.raw, 20000)),
        ]
        for t in self.threads:
            t.daemon = True
            t.start()
        ready_by = time.monotonic() + 30.0
        self._send({"t": "start", "limits": self.limits.guest_view()}, ready_by)
        kind, msg, _ = self._next(ready_by - time.monotonic()) if self.dead is None else ("-",) * 3
        if self.dead is None and not (kind == "msg" and msg.get("t") == "ready"):
            self._die(f"the sandbox did not start ({kind})")
        return self.dead is None

    def _send(self, value, deadline):
        self._send_frame(wire.encode(value), deadline)

    def _send_frame(self, frame, deadline):
        """Write one frame before ``deadline``, or end the session (never block)."""
        view = memoryview(frame)
        while view and self.dead is None:
            left = deadline - time.monotonic()
            try:
                _, ready, _ = select.select([], [self.cmd_w], [], max(left, 0.0))
            except (OSError, ValueError):
                ready = []
            if not ready:
                if left <= 0:
                    self._die("the notebook's process stopped reading (timed out)")
                continue
            try:
                view = view[os.write(self.cmd_w, view) :]
            except BlockingIOError:
                continue
            except OSError:
                self._die("the notebook's process stopped reading")

    def _next(self, timeout):
        """``(kind, message, size)``; kind is msg, bad, eof or timeout."""
        kind, body = self.inbox.get(timeout)
        if kind != "msg":
            return kind, body, 0
        self.received += len(body)
        try:
            msg = wire.decode(body)
        except wire.WireError as e:
            return "bad", str(e), len(body)
        if type(msg) is not dict:
            return "bad", "a malformed message", len(body)
        return "msg", msg, len(body)

    def _opaque_token(self, obj):
        if len(self.opaque) >= self.limits.proxy_objects:
            raise proxy.Refused("too many objects held for this notebook")
        token = f"r{len(self.opaque)}"
        self.opaque[token] = obj
        return token

    def run_cell(self, number, src, allowed=(), names=None):
        """Run one cell. ``names``: the graded names of its restored source, in order (the
        reference calls allowed are the running one's swap names); ``allowed``: a fixed set
        of reference names instead (when ``names`` is not given)."""
        run = CellRun()
        if self.dead:
            run.died = self.dead
            return run
        lim = self.limits
        cell = proxy.CellProxy(names or [], lim, fixed=None if names is not None else allowed)
        t0 = time.monotonic()
        deadline = min(t0 + lim.cell_timeout, self.started + lim.total_timeout)
        self._send({"t": "cell", "n": number, "src": src}, deadline)
        frames, start_bytes, kept = 0, self.received, {}
        while self.dead is None:
            if time.monotonic() >= deadline:
                self._die(f"timed out after {lim.cell_timeout:g} s (infinite loop?)")
                break
            kind, msg, size = self._next(deadline - time.monotonic())
            if kind == "timeout":
                continue
            if kind in ("eof", "bad"):
                self._die(self._exit_reason() if kind == "eof" else f"protocol violation: {msg}")
                break
            frames += 1
            if frames > lim.cell_frames:
                self._die(f"protocol violation: more than {lim.cell_frames} messages in one cell")
            elif self.received - start_bytes > lim.cell_received_bytes:
                self._die("protocol violation: sent too much data in one cell")
            elif self.received > lim.notebook_received_bytes:
                self._die("protocol violation: sent too much data for one notebook")
            elif msg.get("t") == "done" and msg.get("n") == number:
                run.outputs = cap_outputs(msg.get("outputs"), lim)
                err = msg.get("error")
                run.error = tuple(str(x) for x in err[:2]) if type(err) in (list, tuple) else None
                break
            elif msg.get("t") == "collected":
                self._keep_collected(msg, size, cell, kept)
            elif msg.get("t") == "ref":
                self._serve_ref(msg, cell, deadline)
        run.collected = list(kept.values())
        run.died = self.dead
        run.seconds = time.monotonic() - t0
        return run

    def _keep_collected(self, msg, size, cell, kept):
        """Keep the first ``collected`` frame of each graded name (capped in size)."""
        name = msg.get("name")
        if not isinstance(name, str) or name in kept:
            return
        if not cell.collected(name) and (cell.fixed is None or len(kept) >= 64):
            return  # not a graded name of this cell: dropped
        if size > self.limits.collected_bytes:
            mb, cap = size / (1 << 20), self.limits.collected_bytes / (1 << 20)
            msg = {"t": "collected", "name": name, "cases": [], "error_case": -1}
            msg["error"] = f"the outputs sent were too large ({mb:.0f} MB, limit {cap:.0f} MB)"
        kept[name] = msg

    def _serve_ref(self, msg, cell, deadline):
        fn = str(msg.get("fn"))[:200]
        args = msg.get("args") if type(msg.get("args")) is list else []
        kwargs = msg.get("kwargs") if type(msg.get("kwargs")) is dict else {}
        try:
            cell.check(fn, args, kwargs)
            args = [self._resolve(a) for a in args]
            kwargs = {k: self._resolve(v) for k, v in kwargs.items()}
        except proxy.Refused as e:
            etype = "NameError" if "not available" in str(e) else "ValueError"
            self._send({"t": "ref_err", "etype": etype, "msg": str(e)}, deadline)
            return
        try:
            value = cell.timed(self.serve, fn, args, kwargs)
            frame = wire.encode({"t": "ref_ok", "value": value}, opaque=self._opaque_token)
            if len(frame) > self.limits.message_bytes:
                raise proxy.Refused("the reference's result is too large")
        except Exception as e:  # the reference rejected the student's arguments: one line back
            text = (str(e).splitlines() or [""])[0][:300]
            frame = wire.encode({"t": "ref_err", "etype": type(e).__name__, "msg": text})
        self._send_frame(frame, deadline)

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
        if "Bad system call" in text or sig == signal.SIGSYS:
            return "a forbidden system call"
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
                self._send({"t": "bye"}, time.monotonic() + 2)
                try:
                    self.proc.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    pass
            self._kill()
            jail.give_uid(self.lease)  # every process of the sandbox's uid is killed
            self.inbox.stop()
            try:
                os.close(self.cmd_w)
            except OSError:
                pass
            for t in self.threads:
                t.join(timeout=5)
            if not any(t.is_alive() for t in self.threads):
                os.close(self.msg_r)
                self.proc.stdout.close()
            import shutil

            shutil.rmtree(self.workdir, ignore_errors=True)
            self.proc = None


def cap_outputs(outputs, limits):
    """At most ``limits.output_items`` outputs of a cell, empty streams dropped (the
    sandbox caps sizes itself; :mod:`recap` re-checks them; this caps their number)."""
    out = []
    for o in outputs if type(outputs) is list else []:
        if type(o) is dict and o.get("output_type") == "stream" and not o.get("text"):
            continue
        if len(out) >= limits.output_items:
            out.append({"output_type": "stream", "name": "stderr", "text": TOO_MANY})
            break
        out.append(o)
    return out


TOO_MANY = "\n... more outputs dropped (grader limit) ...\n"
