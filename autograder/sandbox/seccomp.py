"""The sandbox's seccomp filter: a classic-BPF program built here, loaded by ``bwrap --seccomp``.

Refused with ``EPERM`` (the student's code sees an ``OSError``, nothing crashes):

* the kernel keyrings (``add_key``, ``keyctl``, ``request_key``): a key stored under a
  uid outlives the process, so it could pass answers to a later sandbox;
* new namespaces (``unshare``, ``setns``, ``clone`` with a ``CLONE_NEW*`` flag), mounts,
  ``pivot_root``/``chroot``, kernel modules, ``kexec``, ``reboot``, swap, accounting,
  clock and host-name setting, ``iopl``/``ioperm``/``modify_ldt``, quotas, ``syslog``;
* other processes and kernel surfaces students never need: ``ptrace``,
  ``process_vm_readv/writev``, ``kcmp``, ``pidfd_getfd``, ``perf_event_open``, ``bpf``,
  ``userfaultfd``, ``io_uring_*``, ``open_by_handle_at``, ``fanotify_init``, the new mount
  API, ``move_pages``/``migrate_pages``, ``memfd_secret``, obsolete calls.

``clone3`` gets ``ENOSYS`` (its flags sit in memory a filter cannot read), so libc falls
back to ``clone``, whose flags are checked. A call from another ABI (32-bit ``int 0x80``,
x32) kills the process. Everything numpy, matplotlib and the runner use is allowed.
Only x86-64 is described; elsewhere :func:`program` returns ``None`` (no filter).
"""

import errno
import platform
import struct

AUDIT_ARCH_X86_64 = 0xC000003E
X32_BIT = 0x40000000
RET_ALLOW, RET_ERRNO, RET_KILL = 0x7FFF0000, 0x00050000, 0x80000000
LD_W_ABS, JEQ_K, JGE_K, JSET_K, RET_K = 0x20, 0x15, 0x35, 0x45, 0x06
CLONE_NEW = 0x00000080 | 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000
CLONE_NEW |= 0x10000000 | 0x20000000 | 0x40000000  # TIME NS CGROUP UTS IPC USER PID NET

DENIED = {  # x86-64 numbers (checked against <asm/unistd_64.h> by the tests)
    "add_key": 248, "request_key": 249, "keyctl": 250,
    "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155,
    "chroot": 161, "init_module": 175, "finit_module": 313, "delete_module": 176,
    "kexec_load": 246, "kexec_file_load": 320, "reboot": 169, "swapon": 167, "swapoff": 168,
    "acct": 163, "settimeofday": 164, "clock_settime": 227, "sethostname": 170,
    "setdomainname": 171, "iopl": 172, "ioperm": 173, "modify_ldt": 154, "quotactl": 179,
    "quotactl_fd": 443, "syslog": 103, "ptrace": 101, "process_vm_readv": 310,
    "process_vm_writev": 311, "kcmp": 312, "pidfd_getfd": 438, "perf_event_open": 298,
    "bpf": 321, "userfaultfd": 323, "io_uring_setup": 425, "io_uring_enter": 426,
    "io_uring_register": 427, "open_by_handle_at": 304, "name_to_handle_at": 303,
    "fanotify_init": 300, "lookup_dcookie": 212, "vhangup": 153, "fsopen": 430,
    "fsconfig": 431, "fsmount": 432, "fspick": 433, "move_mount": 429, "open_tree": 428,
    "mount_setattr": 442, "move_pages": 279, "migrate_pages": 256, "memfd_secret": 447,
    "uselib": 134, "_sysctl": 156, "ustat": 136, "sysfs": 139, "nfsservctl": 180,
    "create_module": 174, "get_kernel_syms": 177, "query_module": 178,
}  # fmt: skip
CLONE, CLONE3 = 56, 435


def _op(code, k, jt=0, jf=0):
    return struct.pack("<HBBI", code, jt, jf, k)


def program():
    """The filter as bytes (``struct sock_filter[]``), or ``None`` off x86-64."""
    if platform.machine() not in ("x86_64", "AMD64"):
        return None
    deny, enosys = RET_ERRNO | errno.EPERM, RET_ERRNO | errno.ENOSYS
    ops = [
        _op(LD_W_ABS, 4),  # seccomp_data.arch
        _op(JEQ_K, AUDIT_ARCH_X86_64, 1, 0),
        _op(RET_K, RET_KILL),
        _op(LD_W_ABS, 0),  # seccomp_data.nr
        _op(JGE_K, X32_BIT, 0, 1),
        _op(RET_K, RET_KILL),
    ]
    for nr in sorted(DENIED.values()):
        ops += [_op(JEQ_K, nr, 0, 1), _op(RET_K, deny)]
    ops += [_op(JEQ_K, CLONE3, 0, 1), _op(RET_K, enosys)]
    ops += [
        _op(JEQ_K, CLONE, 0, 3),
        _op(LD_W_ABS, 16),  # low half of args[0], clone's flags
        _op(JSET_K, CLONE_NEW, 0, 1),
        _op(RET_K, deny),
        _op(RET_K, RET_ALLOW),
    ]
    return b"".join(ops)


def pipe_fd():
    """A read end holding :func:`program` (for ``bwrap --seccomp FD``), or ``None``."""
    import os

    prog = program()
    if prog is None:
        return None
    r, w = os.pipe()
    try:
        os.write(w, prog)  # a few hundred bytes: fits in the pipe buffer
    finally:
        os.close(w)
    return r
