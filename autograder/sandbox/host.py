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
import threading
import time
from dataclasses import dataclass, field

from autograder.sandbox import jail, proxy, scratch, uids, warm, wire
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
    """One cell's run. ``cpu``: the runner's own CPU seconds (reported by the sandbox:
    trusted only for the reference solution's runs); ``stopped``: why the runner
    interrupted the cell at its CPU or wall-clock limit (the session lives on);
    ``hostile``: the session died because the grading channel was misused."""

    outputs: list = field(default_factory=list)
    error: tuple | None = None
    collected: list = field(default_factory=list)
    died: str | None = None
    seconds: float = 0.0
    cpu: float = 0.0
    stopped: str | None = None
    hostile: bool = False


GRACE = 2.0  # seconds past a cell's limits before the grader ends the session itself
MESSAGES = ("ready", "done", "collected", "ref")  # what the runner sends; anything else: misuse


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

    def __init__(self, serve, limits=None, stage=None, zygote=None):
        self.limits = limits or Limits.load()
        self.zygote = zygote  # the warm server to fork from (default: this thread's)
        self.serve = serve
        self.stage = stage or jail.staging_dir()
        self.proc = None
        self.warm = False
        self.dead = None
        self.hostile = False
        self.cpu_total = 0.0  # the runner's CPU seconds so far, as it last reported them
        self.deadline = None  # the notebook's wall-clock budget (monotonic), set by the caller
        self.raw = []
        self.opaque = {}
        self.received = 0
        self.started = time.monotonic()

    def start(self):
        """Start the runner: forked from this thread's warm server (:mod:`.warm`) when
        there is one, else a cold bubblewrap sandbox (or the weak fallback)."""
        cmd_r, self.cmd_w = os.pipe()
        msg_r, msg_w = os.pipe()
        os.set_blocking(self.cmd_w, False)
        self.lease = jail.take_uid(self.limits)
        self.workdir, self.warm = None, False
        server = self.zygote or (warm.for_thread(self.limits) if self.lease.uid else None)
        try:
            if server is not None:
                out_r, out_w = os.pipe()
                self.proc = server.fork(self.lease.uid, [cmd_r, msg_w, out_w])
                os.close(out_w)
                if self.proc is None:
                    os.close(out_r)
                else:
                    self.isolated, self.warm, self.out_fd = True, True, out_r
            if self.proc is None:
                self._start_cold(cmd_r, msg_w)
        finally:
            os.close(cmd_r)
            os.close(msg_w)
        out_fd = self.out_fd
        self.inbox = _Inbox(self.limits.message_bytes)
        self.msg_r = msg_r
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

    def _start_cold(self, cmd_r, msg_w):
        launch = jail.command(self.stage, cmd_r, msg_w, self.lease.uid, self.limits)
        self.isolated = launch.isolated
        self.workdir = scratch.make("work")
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
        self.out_fd = self.proc.stdout.fileno()

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
                    self._die("the notebook's process stopped reading", hostile=True)
                continue
            try:
                view = view[os.write(self.cmd_w, view) :]
            except BlockingIOError:
                continue
            except OSError:
                self._die("the notebook's process stopped reading", hostile=True)

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

    def run_cell(self, number, src, allowed=(), names=None, cpu=None):
        """Run one cell. ``names``: the graded names of its restored source, in order (the
        reference calls allowed are the running one's swap names); ``allowed``: a fixed set
        of reference names instead (when ``names`` is not given).

        The runner interrupts the cell (an error in it, as stock nbgrader's interrupt) when
        it has used ``cpu`` CPU seconds (``None``: no CPU bound) or run ``cell_timeout``
        wall seconds (less when the notebook's budget ends sooner); when it does not, the
        grader ends the session :data:`GRACE` seconds later (or at 1.5x ``cpu``).
        """
        run = CellRun()
        if self.dead:
            run.died = self.dead
            return run
        lim = self.limits
        cell = proxy.CellProxy(names or [], lim, fixed=None if names is not None else allowed)
        t0 = time.monotonic()
        budget = self.deadline if self.deadline is not None else self.started + lim.total_timeout
        wall = max(min(lim.cell_timeout, budget - t0), 0.0)
        deadline = min(t0 + wall + GRACE, budget + GRACE)
        self._send({"t": "cell", "n": number, "src": src, "cpu": cpu, "wall": wall}, deadline)
        frames, start_bytes, kept = 0, self.received, {}
        watch = _CpuWatch(self.lease.uid, cpu, t0, self.cpu_total)
        while self.dead is None:
            now = time.monotonic()
            if now >= deadline:
                self._die(f"timed out after {wall:g} s (infinite loop?)")
                break
            if watch.over(now):
                self._die(f"CPU time limit exceeded ({cpu:.3g} s; infinite loop?)")
                break
            kind, msg, size = self._next(min(deadline - now, watch.poll))
            if kind == "timeout":
                continue
            if kind in ("eof", "bad"):
                if kind == "eof":
                    self._die(self._exit_reason())
                else:
                    self._die(f"protocol violation: {msg}", hostile=True)
                break
            frames += 1
            if frames > lim.cell_frames:
                self._die(
                    f"protocol violation: more than {lim.cell_frames} messages in one cell",
                    hostile=True,
                )
            elif self.received - start_bytes > lim.cell_received_bytes:
                self._die("protocol violation: sent too much data in one cell", hostile=True)
            elif self.received > lim.notebook_received_bytes:
                self._die("protocol violation: sent too much data for one notebook", hostile=True)
            elif msg.get("t") not in MESSAGES:
                self._die("protocol violation: a message the runner never sends", hostile=True)
            elif msg.get("t") == "done" and msg.get("n") == number:
                run.outputs = cap_outputs(msg.get("outputs"), lim)
                err = msg.get("error")
                run.error = tuple(str(x) for x in err[:2]) if type(err) in (list, tuple) else None
                if type(msg.get("cpu")) is float and type(msg.get("total")) is float:
                    run.cpu, self.cpu_total = max(msg["cpu"], 0.0), max(msg["total"], 0.0)
                if type(msg.get("stopped")) is str:
                    run.stopped = msg["stopped"][:200]
                break
            elif msg.get("t") == "collected":
                self._keep_collected(msg, size, cell, kept)
            elif msg.get("t") == "ref":
                self._serve_ref(msg, cell, deadline)
        run.collected = list(kept.values())
        run.died, run.hostile = self.dead, self.hostile
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

    def _die(self, reason, hostile=False):
        """End the session; ``hostile``: the runner misused the grading channel (a broken or
        replaced runner: no fresh sandbox is started for the rest of the notebook)."""
        if self.dead is None:
            self.dead, self.hostile = reason, hostile
        self._kill()

    def _kill(self):
        if self.proc and self.proc.poll() is None:
            if self.warm:
                self.proc.kill()
            else:
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
                    self.proc.wait(timeout=1 if self.warm else 2)
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
                if self.warm:
                    os.close(self.out_fd)
                else:
                    self.proc.stdout.close()
            if self.workdir:
                import shutil

                shutil.rmtree(self.workdir, ignore_errors=True)
            self.proc = None


class _CpuWatch:
    """The sandbox's CPU seconds in this cell (every process of its uid, read from
    ``/proc``, less what the runner reported at the end of the previous cell), read only
    once the cell has run as long in wall time as its bound (one process: CPU <= wall)."""

    def __init__(self, uid, cpu, t0, before):
        self.uid, self.t0, self.before = uid, t0, before
        self.limit = None if cpu is None or not uid else 1.5 * cpu + 1.0
        self.poll = 3600.0 if self.limit is None else 0.25

    def over(self, now):
        if self.limit is None or now - self.t0 < self.limit:
            return False
        used = _cpu_seconds(self.uid)
        return used - min(self.before, used) > self.limit


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(uid):
    total = 0
    for pid in uids.processes(uid):
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total / _TICK


def started(serve, limits):
    """A started :class:`Session` (check ``.dead``): the one this thread started in the
    background for its next notebook when sandboxes are warm, else started now; either
    way the next one is started in the background (its runner waits for the first cell)."""
    warm.settle()  # every process of the last notebook's uid is gone before this one runs
    server = warm.for_thread(limits)
    if server is None:
        session = Session(serve, limits)
        session.start()
        return session

    def start():
        s = Session(serve, limits, zygote=server)
        s.start()
        return s

    session = warm.spare((serve, limits, server), start)
    if session is None or session.dead is not None:
        if session is not None:
            session.close()
        session = start()
    session.started = time.monotonic()
    return session


def finish(session):
    """Close ``session``: a warm one in the background (its runner's uid is killed and
    released there; :func:`~autograder.sandbox.warm.close_all` waits for it)."""
    if session.warm:
        warm.later(session.close)
    else:
        session.close()


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
