"""No state outlives a student's sandbox (issue 11).

One sandbox writes everywhere it can (``/tmp``, ``$HOME``, ``/dev/shm``, a SysV shared
memory segment), leaves a daemon behind, and tries the kernel keyring; the next sandbox
sees none of it, runs as another uid, and after each session no process of its uid is
left on the host. Uids are unique across concurrent graders (separate processes).
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course  # noqa: E402

from autograder.notebook.run import serve_reference  # noqa: E402
from autograder.sandbox import uids  # noqa: E402
from autograder.sandbox.host import Session  # noqa: E402
from autograder.sandbox.limits import Limits  # noqa: E402

pytestmark = course.sandbox_marks()
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="fresh uids need root")

LIBC = "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
FIRST = LIBC + (
    "for p in ['/tmp/left.txt', '/tmp/home/left.txt', '/dev/shm/left', 'left-cwd.txt']:\n"
    "    open(p, 'w').write('answers')\n"
    "shm = libc.shmget(0x5EC, 4096, 0o1666)\n"
    "key = libc.syscall(248, b'user', b'answers', b'x', 1, -4)\n"
    "print('shm', shm >= 0, 'add_key', key, ctypes.get_errno())\n"
    "import subprocess\n"
    "subprocess.Popen(['sleep', '300'], start_new_session=True)\n"
    "subprocess.Popen(['sh', '-c', 'sleep 301 &'])\n"
    "print('uid', os.getuid())\n"
)
SECOND = LIBC + (
    "import glob, json\n"
    "left = [p for p in glob.glob('/tmp/**', recursive=True) + glob.glob('/dev/shm/*')\n"
    "        if 'left' in p]\n"
    "shm = libc.shmget(0x5EC, 0, 0)\n"
    "kid = libc.syscall(249, b'user', b'answers', None, 0)\n"
    "procs = []\n"
    "for d in os.listdir('/proc'):\n"
    "    if d.isdigit():\n"
    "        try:\n"
    "            procs.append(open(f'/proc/{d}/cmdline').read().replace('\\0', ' '))\n"
    "        except OSError:\n"
    "            pass\n"
    "print(json.dumps({'left': left, 'shm': shm, 'key': kid, 'errno': ctypes.get_errno(),\n"
    "                  'sleepers': [p for p in procs if 'sleep' in p], 'uid': os.getuid()}))\n"
)


def _run(code):
    s = Session(serve_reference, Limits(cell_timeout=20))
    assert s.start(), s.dead
    try:
        run = s.run_cell(1, code, names=[])
        text = "".join(o.get("text", "") for o in run.outputs if o.get("output_type") == "stream")
        return s.lease.uid, text, run
    finally:
        s.close()


def _key_users():
    try:
        return Path("/proc/key-users").read_text()
    except OSError:
        return ""


def test_nothing_one_student_wrote_is_visible_to_the_next():
    uid_a, out_a, run_a = _run(FIRST)
    assert run_a.error is None, run_a.outputs
    assert "shm True add_key -1 1" in out_a  # a private IPC namespace; keyrings refused
    if uid_a:
        assert uids.processes(uid_a) == []  # the daemons died with the sandbox
        assert f"{uid_a}:" not in _key_users().replace(" ", "")
    uid_b, out_b, run_b = _run(SECOND)
    seen = json.loads(out_b.splitlines()[-1])
    assert seen["left"] == [] and seen["shm"] == -1 and seen["sleepers"] == []
    assert seen["key"] == -1 and seen["errno"] == 1  # request_key: EPERM, nothing to find
    if uid_a:
        assert uid_b != uid_a and uids.processes(uid_b) == []


@ROOT_ONLY
def test_uids_are_unique_across_concurrent_graders(tmp_path):
    script = (
        "import json, sys\nfrom autograder.sandbox import uids\n"
        "leases = [uids.take(1_900_000_000, 1 << 20) for _ in range(40)]\n"
        "print(json.dumps([l.uid for l in leases]))\nsys.stdout.flush()\nsys.stdin.read()\n"
        "for l in leases:\n    uids.give(l)\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=course.env(),
        )
        for _ in range(3)
    ]
    got = [json.loads(p.stdout.readline()) for p in procs]
    for p in procs:
        p.communicate("")
    flat = [u for g in got for u in g]
    assert len(flat) == 120 and len(set(flat)) == 120  # each held while the others took


@ROOT_ONLY
def test_give_kills_every_process_of_the_uid():
    lease = uids.take(1_900_000_000, 1 << 20)
    child = subprocess.Popen(
        ["sh", "-c", "sleep 300 & sleep 300 & wait"],
        user=lease.uid,
        group=lease.uid,
        extra_groups=[],
        start_new_session=True,
        cwd="/",
    )
    for _ in range(100):
        if len(uids.processes(lease.uid)) >= 3:
            break
        time.sleep(0.02)
    assert len(uids.processes(lease.uid)) >= 3
    uids.give(lease)
    assert uids.processes(lease.uid) == []
    assert child.wait(timeout=10) == -9
