"""The grader host against a hostile sandbox, one session at a time (issue 11).

Reference proxies answer only for the running graded name's swap list, refuse a tiny
request that would make the grader allocate a huge result (before allocating), and cap
their calls; ``collected`` frames are kept once per graded name; the filter's syscall
numbers match the kernel headers. (Whole-notebook attacks: ``test_security_attacks.py``.)
"""

import resource
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course  # noqa: E402

from autograder.notebook.run import serve_reference  # noqa: E402
from autograder.sandbox import proxy, seccomp  # noqa: E402
from autograder.sandbox.host import Session  # noqa: E402
from autograder.sandbox.limits import Limits  # noqa: E402


def sandboxed(test):
    for mark in course.sandbox_marks():
        test = mark(test)
    return test


PROXY = "from autograder.sandbox.guest_grade import _reference_proxy as P\nimport numpy as np\n"


def _call(name, args):
    return (
        f"try:\n    r = P({name!r})({args})\n    print('served', type(r).__name__)\n"
        "except Exception as e:\n    print('refused', type(e).__name__, e)\n"
    )


@pytest.fixture
def session():
    s = Session(serve_reference, Limits(cell_timeout=20))
    assert s.start(), s.dead
    yield s
    s.close()


def _out(run):
    return "".join(o.get("text", "") for o in run.outputs if o.get("output_type") == "stream")


@sandboxed
def test_tiny_request_for_a_huge_result_is_refused_before_allocating(session):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # a 1000x1000 index array into a 10x1000 table: a 8 GB result, from a 1 MB request
    args = "np.zeros((1000, 1000), dtype=np.int8), np.zeros((10, 1000))"
    run = session.run_cell(
        1, PROXY + _call("word_embedding_forward", args), names=["CaptioningRNN.loss"]
    )
    assert "refused ValueError word_embedding_forward: arguments too large" in _out(run), run
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 200, grown_mb
    small = PROXY + _call(
        "word_embedding_forward", "np.zeros((2, 3), dtype=np.int64), np.ones((4, 5))"
    )
    run = session.run_cell(2, small, names=["CaptioningRNN.loss"])
    assert "served tuple" in _out(run), run


@sandboxed
def test_only_the_running_graded_names_swaps_are_served(session):
    code = PROXY + _call("softmax", "np.zeros((2, 3))") + _call("lstm_forward", "np.zeros(1)")
    run = session.run_cell(1, code, names=["rnn_forward"])
    assert _out(run).count("refused NameError") == 2, _out(run)
    # log_softmax swaps softmax in, but not before softmax's own (first) case has been collected
    run = session.run_cell(2, code, names=["softmax", "log_softmax"])
    assert _out(run).count("refused NameError") == 2, _out(run)
    forged = (
        "from autograder.sandbox import guest_grade\n"
        "guest_grade._channel[0]({'t': 'collected', 'name': 'softmax', 'cases': []})\n"
    )
    run = session.run_cell(3, forged + code, names=["softmax", "log_softmax"])
    assert "served ndarray" in _out(run) and "lstm_forward is not available" in _out(run)
    assert [m["name"] for m in run.collected] == ["softmax"]  # forging it cost softmax's grade


@sandboxed
def test_rnn_notebook_is_no_oracle_for_the_lstm_chapter(session):
    args = (
        "np.zeros((2, 3, 4)), np.zeros((2, 5)), np.zeros((4, 20)), np.zeros((5, 20)), np.zeros(20)"
    )
    run = session.run_cell(1, PROXY + _call("lstm_forward", args), names=["CaptioningRNN.loss"])
    assert "refused NameError" in _out(run), _out(run)


@sandboxed
def test_proxy_calls_are_capped_per_cell():
    s = Session(serve_reference, Limits(cell_timeout=20, proxy_calls=50))
    assert s.start()
    try:
        loop = PROXY + (
            "n = 0\nfor i in range(200):\n    try:\n        P('softmax')(np.zeros((2, 2)))\n"
            "        n += 1\n    except Exception as e:\n        last = str(e)\nprint(n, last)\n"
        )
        run = s.run_cell(1, loop, names=["log_softmax"])
        assert _out(run) == "50 too many reference calls in this cell\n", run
    finally:
        s.close()


@sandboxed
def test_collected_frames_are_kept_once_per_graded_name_and_capped(session):
    code = (
        "import numpy as np\nfrom autograder.sandbox import guest_grade\n"
        "send = guest_grade._channel[0]\n"
        "for name in ['softmax'] * 5 + ['nll'] * 5 + ['log_softmax']:\n"
        "    send({'t': 'collected', 'name': name, 'cases': [{'p': np.zeros(22 * 10**5)}]})\n"
    )
    run = session.run_cell(1, code, names=["softmax", "log_softmax"])
    assert [m["name"] for m in run.collected] == ["softmax", "log_softmax"]
    assert all(m["cases"] == [] and "too large (17 MB" in m["error"] for m in run.collected)


def test_proxy_element_count():
    import numpy as np

    assert (
        proxy.elements([np.zeros((3, 4)), {"a": (1, 2)}, "abc"], 100, 10)
        == 3 + 12 + (1 + 2 + 2) + 3
    )
    with pytest.raises(proxy.Refused):
        proxy.elements([10**9], 100, 1 << 16)


def test_seccomp_numbers_match_the_kernel_headers():
    header = Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h")
    if not header.exists():
        pytest.skip("no x86-64 kernel headers here")
    nr = {}
    for line in header.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "#define" and parts[1].startswith("__NR_"):
            nr[parts[1][5:]] = int(parts[2])
    for name, number in seccomp.DENIED.items():
        assert nr[name] == number, name
    assert nr["clone"] == seccomp.CLONE and nr["clone3"] == seccomp.CLONE3
    assert len(seccomp.program()) % 8 == 0
