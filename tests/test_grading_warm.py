"""Warm sandboxes (issue 13, part 4): forked per notebook from one pre-started, pre-imported
server per worker, with a cold sandbox's isolation.

Student A, in one warm sandbox, leaves everything it can behind: files in ``/tmp``,
``$HOME``, ``/dev/shm`` and its working folder, a SysV shared-memory segment, environment
variables, changed and added modules (``np.abs``, ``sys.modules``, ``builtins``,
``sys.path``, matplotlib's ``rcParams``, the global RNG), globals, and daemons. Student B,
forked next by the same server, sees none of it, runs as another uid, with no capability
left, ``no_new_privs`` and the seccomp filter. Warm and cold sandboxes grade alike.
"""

import json
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course  # noqa: E402

from autograder.notebook.grade import grade_notebook  # noqa: E402
from autograder.notebook.run import serve_reference  # noqa: E402
from autograder.sandbox import uids  # noqa: E402
from autograder.sandbox.host import Session  # noqa: E402
from autograder.sandbox.limits import Limits  # noqa: E402

pytestmark = [
    *course.sandbox_marks(),
    pytest.mark.skipif(os.geteuid() != 0, reason="warm sandboxes need root"),
]

LEAVE = """
import builtins, ctypes, os, subprocess, sys, types
import matplotlib.pyplot as plt
import numpy as np
for p in ['/tmp/left', '/tmp/home/left', '/dev/shm/left', 'left-cwd']:
    open(p, 'w').write('answers')
libc = ctypes.CDLL(None, use_errno=True)
print('shm', libc.shmget(0x5EC, 4096, 0o1666) >= 0)
os.environ['LEFT'] = 'answers'
np.abs = lambda x: 0
np.LEFT = 'answers'
sys.modules['left_module'] = types.ModuleType('left_module')
builtins.LEFT = 'answers'
sys.path.append('/tmp/left-path')
plt.rcParams['lines.linewidth'] = 99
np.random.seed(123)
secret = 'answers'
subprocess.Popen(['sleep', '300'], start_new_session=True)
print('uid', os.getuid())
"""
LOOK = """
import builtins, ctypes, glob, json, os, sys
import matplotlib.pyplot as plt
import numpy as np
libc = ctypes.CDLL(None, use_errno=True)
procs = []
for d in os.listdir('/proc'):
    if d.isdigit():
        try:
            procs.append(open(f'/proc/{d}/cmdline').read().replace('\\0', ' '))
        except OSError:
            pass
status = dict(l.split(':', 1) for l in open('/proc/self/status') if ':' in l)
np.random.seed(123)
after_seed = np.random.rand()
print(json.dumps({
    'files': [p for p in glob.glob('/tmp/**', recursive=True) + glob.glob('/dev/shm/*')
              if 'left' in p],
    'shm': libc.shmget(0x5EC, 0, 0),
    'env': os.environ.get('LEFT'),
    'np_abs': int(np.abs(-3)), 'np_left': hasattr(np, 'LEFT'),
    'module': 'left_module' in sys.modules, 'builtin': hasattr(builtins, 'LEFT'),
    'path': '/tmp/left-path' in sys.path, 'rc': plt.rcParams['lines.linewidth'],
    'secret': 'secret' in globals(), 'sleepers': [p for p in procs if 'sleep' in p],
    'uid': os.getuid(), 'caps': [status[k].strip() for k in ('CapPrm', 'CapEff', 'CapAmb')],
    'nnp': status['NoNewPrivs'].strip(), 'seccomp': status['Seccomp'].strip(),
    'unshare': libc.unshare(0x20000), 'seeded': after_seed,
}))
"""


def _run(code):
    s = Session(serve_reference, Limits(cell_timeout=20))
    assert s.start(), s.dead
    try:
        run = s.run_cell(1, code, names=[])
        text = "".join(o.get("text", "") for o in run.outputs if o.get("output_type") == "stream")
        return s, text, run
    finally:
        s.close()


def test_nothing_of_one_student_is_visible_to_the_next_warm_one():
    a, out_a, run_a = _run(LEAVE)
    assert a.warm and run_a.error is None, run_a.outputs
    assert "shm True" in out_a
    assert uids.processes(a.lease.uid) == []  # the daemon died with A's sandbox
    b, out_b, run_b = _run(LOOK)
    assert b.warm and run_b.error is None, run_b.outputs
    seen = json.loads(out_b.splitlines()[-1])
    assert seen["files"] == [] and seen["shm"] == -1 and seen["env"] is None
    assert seen["np_abs"] == 3 and not seen["np_left"] and not seen["module"]
    assert not seen["builtin"] and not seen["path"] and seen["rc"] != 99
    assert not seen["secret"] and seen["sleepers"] == []
    assert seen["uid"] not in (0, a.lease.uid) and seen["uid"] == b.lease.uid
    assert seen["caps"] == ["0000000000000000"] * 3 and seen["nnp"] == "1"
    assert seen["seccomp"] == "2" and seen["unshare"] == -1


def test_warm_and_cold_sandboxes_grade_alike():
    nb = course.source_notebook
    warm = grade_notebook(nb(), limits=Limits(cell_timeout=20))
    cold = grade_notebook(nb(), limits=Limits(cell_timeout=20, warm_sandbox=False))
    assert warm.score == cold.score == course.FULL_SCORE
    assert [(c.grade_id, c.message) for c in warm.cells] == [
        (c.grade_id, c.message) for c in cold.cells
    ]


def test_a_crash_in_a_warm_sandbox_is_reported_like_a_cold_one():
    code = "import os\nos.kill(os.getpid(), 11)"
    for warm in (True, False):
        s = Session(serve_reference, Limits(cell_timeout=20, warm_sandbox=warm))
        assert s.start(), s.dead
        try:
            assert s.warm is warm
            run = s.run_cell(1, code, names=[])
            assert run.died == "segmentation fault", (warm, run)
        finally:
            s.close()


def test_two_warm_runners_of_one_server_share_no_socket_ipc_or_files():
    """Even alive at once (a worker's next sandbox waits while one runs), two runners forked
    by the same server have their own network (abstract Unix sockets), IPC and /tmp."""
    lim = Limits(cell_timeout=20)
    a, b = Session(serve_reference, lim), Session(serve_reference, lim)
    assert a.start() and b.start() and a.warm and b.warm
    try:
        hold = (
            "import ctypes, socket\ns = socket.socket(socket.AF_UNIX)\ns.bind('\\0left')\n"
            "s.listen()\nlibc = ctypes.CDLL(None)\nprint(libc.shmget(0x5ED, 4096, 0o1666) >= 0)\n"
            "open('/tmp/left', 'w').write('answers')"
        )
        run = a.run_cell(1, hold, names=[])
        assert run.error is None and run.outputs[0]["text"] == "True\n", run
        probe = (
            "import ctypes, os, socket\nc = socket.socket(socket.AF_UNIX)\n"
            "try:\n    c.connect('\\0left')\n    print('connected')\n"
            "except OSError as e:\n    print(type(e).__name__)\n"
            "print(ctypes.CDLL(None).shmget(0x5ED, 0, 0), os.path.exists('/tmp/left'))"
        )
        run = b.run_cell(1, probe, names=[])
        assert run.error is None, run
        assert run.outputs[0]["text"] in (
            "ConnectionRefusedError\n-1 False\n",
            "FileNotFoundError\n-1 False\n",
        )
    finally:
        a.close()
        b.close()


def test_a_warm_runner_imports_what_its_server_did_not_preload():
    """Students import scipy; the server preloads numpy only. A warm runner's fresh /tmp
    must not hide the Python installation (a CI checkout lives under /tmp), and the
    installation stays read-only to the student."""
    code = (
        "import sys, scipy.special\n"
        "print(float(scipy.special.logsumexp([0.0, 0.0])) > 0.69)\n"
        "try:\n    open(sys.prefix + '/student-was-here', 'w')\n    print('written')\n"
        "except OSError as e:\n    print(type(e).__name__)"
    )
    s = Session(serve_reference, Limits(cell_timeout=20))
    assert s.start(), s.dead
    try:
        assert s.warm
        run = s.run_cell(1, code, names=[])
        assert run.error is None, run
        assert run.outputs[0]["text"].split() in (
            ["True", "PermissionError"],
            ["True", "OSError"],
        ), run.outputs
    finally:
        s.close()
