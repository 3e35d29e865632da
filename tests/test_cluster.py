"""Grading on a Dask cluster: ``python -m autograder grade fx --scheduler ...``.

* A ``LocalCluster`` (``--scheduler local:2``) grades a mixed class exactly as the local
  pool does: same typed results, journal, gradebook scores and autograded notebooks.
* A real ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1 (started and
  stopped here): a worker SIGKILLed mid-batch has its task re-run by Dask (every student
  graded once by that run); the client SIGKILLed midway and re-run grades every student
  exactly once with the same scores.
* A worker that cannot sandbox refuses (exit 2, nothing graded) unless the instructor
  passes ``--allow-weak-sandbox``, which the output announces.
* Without a cluster: refusal reasons, address parsing, what one task carries.
"""

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course  # noqa: E402
import mixed  # noqa: E402

from autograder.batch.coursedir import UsageError  # noqa: E402
from autograder.batch.worker import Job  # noqa: E402
from autograder.cluster import check  # noqa: E402
from autograder.cluster.executor import parse  # noqa: E402
from autograder.cluster.task import Setup, Task  # noqa: E402
from autograder.notebook.hidden import DEFAULT  # noqa: E402
from autograder.notebook.read import Submitted  # noqa: E402
from autograder.sandbox.limits import Limits  # noqa: E402
from autograder.store import load_results  # noqa: E402


def _env(tmp, **extra):
    e = course.env()
    e["TMPDIR"] = str(tmp)  # staged copies of SIGKILLed workers stay in pytest's tmp
    e.update(extra)
    return e


def _grade(root, *args, env):
    cmd = [sys.executable, "-m", "autograder", "grade", "fx", "--root", str(root), *args]
    return subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _journal(root):
    p = Path(root) / ".autograder" / "fx" / "journal.jsonl"
    return [json.loads(x) for x in p.read_text().splitlines()] if p.exists() else []


def _verdicts(root):
    """Everything a result decides, per student (no timings)."""
    return {
        r.student: (
            r.status,
            r.score,
            [(c.grade_id, c.passed, c.message, c.status) for n in r.notebooks for c in n.cells],
            [(n.notes, [(d.cell, d.reason) for d in n.deaths], n.notebook) for n in r.notebooks],
        )
        for r in load_results(root, "fx")
    }


def _wait(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.parametrize(
    "address, message",
    [("local:0", "local:N needs a number"), ("127.0.0.1:8786", "tcp://HOST:PORT or local:N")],
)
def test_bad_scheduler_address(address, message):
    with pytest.raises(UsageError, match=message):
        parse(address)


def test_refusal_reasons():
    digest = check.grader_digest()
    assert check.refusal(digest, False, sandbox=(True, "bwrap")) is None
    other = check.refusal("0" * 64, False, sandbox=(True, "bwrap"))
    assert "another grader or course version" in other and "000000000000" in other
    weak = check.refusal(digest, False, sandbox=(False, "bubblewrap (bwrap) is not installed"))
    assert "no sandbox here (bubblewrap (bwrap) is not installed)" in weak
    assert "--allow-weak-sandbox" in weak
    assert check.refusal(digest, True, sandbox=(False, "not installed")) is None
    assert check.resource_name(digest, True) != check.resource_name(digest, False)


def test_a_task_carries_the_bytes_and_the_client_limits():
    raw = b'{"cells": []}' * 1000
    task = Task(
        Job("fx", "s01", "/not/on/the/worker", "k"), Submitted({"fx": raw}, {}, ["fx.ipynb"])
    )
    limits = Limits(cell_timeout=7.5, run_trailing=True)
    setup = pickle.loads(pickle.dumps(Setup.of("d", False, limits, DEFAULT)))
    assert repr(Limits(**setup.limits)) == repr(limits)
    assert len(pickle.dumps(task)) < task.nbytes() + 1000  # the bytes, plus a few names


@pytest.mark.parametrize("args", [["--allow-weak-sandbox"], ["--scheduler", "nowhere"]])
def test_bad_cluster_flags_exit_2(tmp_path, args):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    p = _grade(tmp_path, *args, env=course.env())
    out, err = p.communicate(timeout=120)
    assert p.returncode == 2, err
    assert err.startswith("error: ") and "Traceback" not in err


@pytest.mark.sandbox
@pytest.mark.slow
def test_local_cluster_grades_like_the_local_pool(tmp_path):
    _skip_without_sandbox()
    roots = [course.make_course(tmp_path / name) for name in ("pool", "dask")]
    expected = [mixed.submit_class(r, 6) for r in roots][0]
    runs = [
        _grade(roots[0], "--workers", "2", env=_env(tmp_path)),
        _grade(roots[1], "--scheduler", "local:2", env=_env(tmp_path)),
    ]
    (pool_out, pool_err), (dask_out, dask_err) = (p.communicate(timeout=600) for p in runs)
    assert [p.returncode for p in runs] == [1, 1], dask_err  # empty, truncated: error rows
    assert "Dask: 2 worker(s), 2 thread(s) grading" in dask_err
    assert sum(line.startswith("[") for line in dask_err.splitlines()) == len(expected)
    assert dask_out == pool_out  # the same status table
    verdicts = _verdicts(roots[0])
    assert {s: v[1] for s, v in verdicts.items()} == expected
    assert _verdicts(roots[1]) == verdicts
    journals = [sorted((e["student"], e["score"]) for e in _journal(r)) for r in roots]
    assert journals[0] == journals[1] == sorted(expected.items())
    for s in expected:
        a, b = (r / "autograded" / s / "fx" / "fx.ipynb" for r in roots)
        assert a.read_bytes() == b.read_bytes()


@pytest.mark.sandbox
@pytest.mark.slow
def test_worker_without_sandbox_refuses(tmp_path):
    _skip_without_sandbox()
    root = course.make_course(tmp_path / "c")
    expected = mixed.submit_class(root, 3)
    env = _env(tmp_path, AUTOGRADER_NO_BWRAP="1")  # the LocalCluster's workers inherit it
    p = _grade(root, "--scheduler", "local:1", env=env)
    out, err = p.communicate(timeout=300)
    assert p.returncode == 2, err
    assert "refuses: no sandbox here (bubblewrap disabled by AUTOGRADER_NO_BWRAP=1)" in err
    assert "error: no Dask worker may grade" in err and "Traceback" not in err
    assert _journal(root) == [] and load_results(root, "fx") == []
    p = _grade(root, "--scheduler", "local:1", "--allow-weak-sandbox", env=env)
    out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err  # correct, wrong, cheat: all graded
    assert "WEAK FALLBACK SANDBOX on Dask worker(s)" in err
    assert {e["student"]: e["score"] for e in _journal(root)} == expected


def _skip_without_sandbox():
    ok, why = check.jail.bwrap_status()
    if not ok:
        pytest.skip(f"no sandbox: {why}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A real ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1."""
    _skip_without_sandbox()
    from distributed import Client

    tmp = tmp_path_factory.mktemp("dask")
    dask = str(Path(sys.executable).parent / "dask")
    sched_file = tmp / "scheduler.json"
    env = _env(tmp)
    common = ["--no-dashboard"]
    procs = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", "0"]
            + ["--scheduler-file", str(sched_file), *common],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    ]
    try:
        _wait(sched_file.exists, 60, "the scheduler file")
        for i in range(2):
            cmd = [dask, "worker", "--scheduler-file", str(sched_file), "--nthreads", "1"]
            cmd += ["--host", "127.0.0.1", "--name", f"w{i}", *common]
            procs.append(
                subprocess.Popen(
                    cmd,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        address = json.loads(sched_file.read_text())["address"]
        client = Client(address, timeout="30s", set_as_default=False)
        client.wait_for_workers(2, timeout=120)
        yield address, client, env
        client.close()
    finally:
        for p in reversed(procs):
            os.killpg(p.pid, signal.SIGTERM)
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


@pytest.mark.sandbox
@pytest.mark.slow
def test_real_cluster_sigkilled_worker_has_its_task_rerun(cluster, tmp_path):
    address, client, env = cluster
    root = course.make_course(tmp_path / "c")
    expected = mixed.submit_class(root, 8, slow=1.0)
    p = _grade(root, "--scheduler", address, env=env)
    _wait(lambda: _journal(root) or p.poll() is not None, 300, "a first commit")
    busy = {w: keys for w, keys in client.processing().items() if keys}
    assert busy, "tasks must be running when the worker is killed"
    victim, keys = next(iter(busy.items()))
    pid = client.run(os.getpid, workers=[victim])[victim]
    os.kill(pid, signal.SIGKILL)
    killed = {str(k).split("-")[2] for k in keys}
    out, err = p.communicate(timeout=600)
    assert p.returncode == 1, err  # the empty and truncated notebooks
    entries = _journal(root)
    assert sorted(e["student"] for e in entries) == sorted(expected)  # each exactly once
    assert {e["student"]: e["score"] for e in entries} == expected
    assert killed <= {e["student"] for e in entries}  # re-run by Dask in this same run
    assert "not graded" not in out
    client.wait_for_workers(2, timeout=120)  # the nanny restarted the killed worker


@pytest.mark.sandbox
@pytest.mark.slow
def test_real_cluster_client_killed_midway_then_rerun(cluster, tmp_path):
    address, client, env = cluster
    root = course.make_course(tmp_path / "c")
    expected = mixed.submit_class(root, 8, slow=1.0)
    p = _grade(root, "--scheduler", address, env=env)
    _wait(lambda: len(_journal(root)) >= 2 or p.poll() is not None, 300, "two commits")
    os.killpg(p.pid, signal.SIGKILL)
    p.communicate()
    first = _journal(root)
    assert 2 <= len(first) < len(expected), "the kill must land midway"
    p = _grade(root, "--scheduler", address, env=env)
    out, err = p.communicate(timeout=600)
    assert p.returncode == 1, err
    entries = _journal(root)
    assert sorted(e["student"] for e in entries) == sorted(expected)  # each exactly once
    assert {e["student"]: e["score"] for e in entries} == expected
    p = _grade(root, "--scheduler", address, env=env)  # nothing left to do
    out, _ = p.communicate(timeout=600)
    assert out.count("unchanged, skipped") == len(expected)
    assert len(_journal(root)) == len(expected)
