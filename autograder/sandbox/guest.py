"""The cell runner that runs inside the sandbox: ``python guest.py CMD_FD MSG_FD UID``
(a cold start), or :func:`serve` in a child of the warm fork server (:mod:`.zygote`).

It reads a start message (limits) from ``CMD_FD``, drops to user id ``UID`` (when not 0),
sets its resource limits, pre-imports numpy and the ``grade()`` collector, and then runs
cells one at a time as the grader sends them, answering each with its outputs. IPython
syntax was already turned into plain Python by the grader; ``get_ipython()`` here is a
small stand-in whose hooks (input transformers, exception handlers...) change nothing
the grader relies on. Everything in this process, this file included, is at the mercy of
student code: the grader treats every message from here as a claim to check.
"""

import ast
import os
import resource
import signal
import struct
import sys
import time


def _drop_privileges(uid):
    if uid:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)


def _limit(limits):
    mb = 1 << 20
    wanted = {
        resource.RLIMIT_CPU: limits["cpu_seconds"],
        resource.RLIMIT_AS: limits["memory_mb"] * mb,
        resource.RLIMIT_NPROC: limits["nproc"],
        resource.RLIMIT_FSIZE: limits["file_mb"] * mb,
        resource.RLIMIT_NOFILE: limits["nofile"],
        resource.RLIMIT_CORE: 0,
    }
    for res, value in wanted.items():
        soft, hard = resource.getrlimit(res)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(res, (value, value))


class _Anything:
    """Accepts any attribute access or call and does nothing (IPython hooks)."""

    def __getattr__(self, name):
        return _Anything()

    def __call__(self, *args, **kwargs):
        return None


class Shell:
    """A stand-in for ``get_ipython()``: a few magics work, hooks are accepted and ignored."""

    def __init__(self, ns, outputs):
        self.user_ns = ns
        self._outputs = outputs
        self.input_transformers_cleanup, self.input_transformers_post = [], []

    def __getattr__(self, name):
        return _Anything()

    def _note(self, text):
        print(text, file=sys.stderr)

    def run_line_magic(self, name, line, _stack_depth=1):
        if name in ("time", "timeit", "prun"):
            exec(compile(line, "<magic>", "exec"), self.user_ns)
        elif name not in ("matplotlib", "config", "load_ext", "autoreload", "precision", "env"):
            self._note(f"%{name} is not available while grading (ignored)")

    def run_cell_magic(self, name, line, cell):
        if name in ("time", "timeit", "capture", "prun"):
            exec(compile(cell, "<magic>", "exec"), self.user_ns)
        else:
            self._note(f"%%{name} is not available while grading (cell skipped)")

    def system(self, cmd):
        self._note("shell commands are not available while grading (ignored)")

    getoutput = system


def _channel(cmd_fd, msg_fd):
    from autograder.sandbox import wire

    def send(value):
        wire.write_all(msg_fd, wire.encode(value))

    def recv():
        head = wire.read_exact(cmd_fd, 8)
        if head is None:
            os._exit(0)
        return wire.decode(wire.read_exact(cmd_fd, struct.unpack(">Q", head)[0]))

    return send, recv


class CellTimeout(BaseException):  # noqa: N818  (what the student reads in the cell)
    """A cell ran past its CPU or wall-clock limit (not an ``Exception``: student code
    catching ``Exception`` does not swallow it)."""


class Limiter:
    """Interrupts the running cell at its CPU (``ITIMER_PROF``) or wall-clock
    (``ITIMER_REAL``) limit, as stock nbgrader interrupts a kernel; repeats every half
    second while the cell goes on. The grader ends the session when that does not work."""

    def __init__(self):
        self.armed, self.why = False, None
        signal.signal(signal.SIGPROF, self._fire)
        signal.signal(signal.SIGALRM, self._fire)

    def _fire(self, signum, frame):
        if not self.armed:
            return
        if signum == signal.SIGPROF:
            self.why = f"cell used more than {self.cpu:.3g} s of CPU time (infinite loop?)"
        else:
            self.why = f"cell ran longer than {self.wall:.3g} s (waiting forever?)"
        raise CellTimeout(self.why)

    def arm(self, cpu, wall):
        self.cpu, self.wall, self.why = cpu, wall, None
        self.armed = True
        if cpu:
            signal.setitimer(signal.ITIMER_PROF, max(cpu, 0.01), 0.5)
        if wall:
            signal.setitimer(signal.ITIMER_REAL, max(wall, 0.01), 0.5)

    def disarm(self):
        self.armed = False
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)


def run_cell(src, number, ns, cell, count):
    """Execute one cell like IPython: the last expression's value is displayed."""
    import linecache

    from autograder.sandbox.guest_io import mime_bundle

    fname = f"<cell {number}>"
    linecache.cache[fname] = (len(src), None, src.splitlines(True), fname)
    tree = ast.parse(src, filename=fname)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not src.rstrip().endswith(";"):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, fname, "exec"), ns)
    if last is not None:
        value = eval(compile(last, fname, "eval"), ns)
        if value is not None:
            ns["_"] = value
            cap = cell.limits["display_bytes"] // 4
            cell.data(mime_bundle(value, cap), kind="execute_result", count=count)


def paths():
    """``sys.path`` as the runner needs it: the staged modules, not this folder."""
    if sys.path and sys.path[0].endswith("sandbox"):
        del sys.path[0]
    root = os.environ.get("AUTOGRADER_GUEST_ROOT")
    if root and root not in sys.path:
        sys.path.insert(0, root)


def main():
    cmd_fd, msg_fd, uid = (int(a) for a in sys.argv[1:4])
    paths()
    serve(cmd_fd, msg_fd, uid)


def serve(cmd_fd, msg_fd, uid, private=None):
    """Run one notebook's cells as the grader sends them, then leave.

    private : in a child of the warm fork server (:mod:`.zygote`), the
        :class:`~autograder.sandbox.private.Private` that gives this process its own
        ``/tmp``, ``/dev/shm`` and IPC before it drops to ``uid``, and its seccomp filter
        after (bubblewrap did both for a cold runner).
    """
    send, recv = _channel(cmd_fd, msg_fd)
    limits = recv()["limits"]
    if private is not None:
        private.enter(limits)
    _drop_privileges(uid)
    if private is not None:
        private.seal()
    _limit(limits)
    home = os.environ.get("HOME", "/tmp/home")
    os.makedirs(home, exist_ok=True)
    weak = os.environ.get("AUTOGRADER_GUEST_ROOT")  # the weak fallback stays in its workdir
    if uid and not weak:  # bubblewrap's private /tmp
        os.makedirs("/tmp/work", exist_ok=True)
        os.chdir("/tmp/work")
    sys.path.append(os.getcwd())

    import builtins
    import faulthandler

    faulthandler.enable()
    import numpy  # noqa: F401  (warm start: every notebook imports it)

    from autograder.sandbox import guest_grade, guest_io

    guest_grade.install(send, recv)
    state = {"cell": None}
    ns = {"__name__": "__main__", "__builtins__": builtins}
    shell = Shell(ns, state)
    ns["get_ipython"] = lambda: shell
    ns["display"] = lambda *objs, **kw: (
        [state["cell"].data(guest_io.mime_bundle(o, limits["display_bytes"] // 4)) for o in objs]
        and None
    )
    sys.stdout = guest_io.CappedStream("stdout", lambda: state["cell"])
    sys.stderr = guest_io.CappedStream("stderr", lambda: state["cell"])
    limiter = Limiter()
    send({"t": "ready"})
    count = 0
    while True:
        msg = recv()
        if msg.get("t") != "cell":
            break
        count += 1
        cell = state["cell"] = guest_io.CellOutputs(limits)
        error, t0 = None, time.process_time()
        try:
            try:
                limiter.arm(msg.get("cpu"), msg.get("wall"))
                run_cell(msg["src"], msg["n"], ns, cell, count)
            finally:
                limiter.armed = False  # a late signal no longer raises
        except BaseException as e:  # noqa: BLE001  (SystemExit and friends end the cell, not us)
            error = cell.error(e)
        limiter.disarm()
        if limits["figures"]:
            guest_io.capture_figures(cell)
        state["cell"] = None
        total = time.process_time()
        done = {"t": "done", "n": msg["n"], "outputs": cell.items, "error": error}
        done.update(cpu=total - t0, total=total, stopped=limiter.why)
        send(done)
    # Leave at once: nothing is left to send, the sandbox is thrown away, and a normal
    # interpreter shutdown (finalizing numpy, matplotlib, the student's objects and atexit
    # hooks) costs about half a second per notebook.
    os._exit(0)


if __name__ == "__main__":
    main()
