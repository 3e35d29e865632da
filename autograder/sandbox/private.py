"""What a child of the warm fork server (:mod:`.zygote`) does for itself that bubblewrap
does for a cold runner: its own ``/tmp``, ``/dev/shm``, IPC and network, then seccomp.

:meth:`Private.enter` runs as root inside the jail, before any student code: a new mount
namespace (mounts private from ``/`` down) with fresh, size-capped tmpfs on ``/tmp`` and
``/dev/shm`` (a Python installation under ``/tmp``, as in a CI checkout, is bound back
read-only), and new IPC and network namespaces (no SysV object or abstract Unix socket
is shared with the jail's next runner). The runner then drops to the sandbox's fresh uid
(which clears every capability), and :meth:`Private.seal` checks that none is left, sets
``no_new_privs`` and loads the filter of :mod:`.seccomp`. Any failure ends the process:
nothing runs half isolated.
"""

import ctypes
import os
import sys

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWNET = 0x00020000, 0x08000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND = 1, 2, 4, 32, 4096
MS_REC, MS_PRIVATE = 16384, 1 << 18
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2


class _Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def _fail(what):
    os.write(2, f"sandbox isolation failed: {what} (errno {ctypes.get_errno()})\n".encode())
    os._exit(71)


def _kept_prefixes():
    """``[(path, O_PATH fd)]`` of the Python prefixes under ``/tmp`` or ``/dev/shm``."""
    out = []
    for p in sorted({sys.base_prefix, sys.prefix}):
        if p.startswith(("/tmp/", "/dev/shm/")):
            out.append((p, os.open(p, os.O_PATH | os.O_DIRECTORY)))
    return out


class Private:
    """``program``: the seccomp filter's bytes (``struct sock_filter[]``), or ``None``."""

    def __init__(self, program):
        self.program = program
        self.libc = ctypes.CDLL(None, use_errno=True)

    def enter(self, limits):
        libc, size = self.libc, 2 * int(limits["file_mb"]) << 20
        if libc.unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET) != 0:
            _fail("unshare")
        if libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
            _fail("private mounts")
        kept = _kept_prefixes()  # the Python installation may live under /tmp (a CI checkout)
        for target in (b"/tmp", b"/dev/shm"):
            opts = f"size={size},mode=1777".encode()
            if libc.mount(b"tmpfs", target, b"tmpfs", MS_NOSUID | MS_NODEV, opts) != 0:
                _fail(f"tmpfs on {target.decode()}")
        for path, fd in kept:
            self._bind_back(path, fd)
        os.chdir("/tmp")

    def _bind_back(self, path, fd):
        """Bind the directory ``fd`` (opened before the fresh tmpfs hid it) read-only at
        ``path`` again."""
        libc, target = self.libc, path.encode()
        os.makedirs(path, mode=0o755, exist_ok=True)
        source = f"/proc/self/fd/{fd}".encode()
        if libc.mount(source, target, None, MS_BIND | MS_REC, None) != 0:
            _fail(f"bind {path}")
        flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV
        if libc.mount(None, target, None, flags, None) != 0:
            _fail(f"read-only {path}")
        os.close(fd)

    def seal(self):
        with open("/proc/self/status") as f:
            caps = {k: v.strip() for k, v in (line.split(":", 1) for line in f if ":" in line)}
        if os.getuid() and any(int(caps[k], 16) for k in ("CapPrm", "CapEff", "CapAmb")):
            _fail("capabilities left after the uid switch")
        if self.libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            _fail("no_new_privs")
        if self.program:
            buf = ctypes.create_string_buffer(self.program, len(self.program))
            prog = _Fprog(len(self.program) // 8, ctypes.addressof(buf))
            if self.libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0):
                _fail("seccomp")
