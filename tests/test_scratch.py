"""The grader's temporary folders: a grader killed with SIGKILL cannot remove its staged
copy (19 MB each); the next grader on the machine removes it, and nothing of a live one."""

import os
import subprocess
import sys
from pathlib import Path

from autograder.sandbox import scratch

REPO = Path(__file__).resolve().parents[1]
STAGE = "from autograder.sandbox import jail; import sys; print(jail.staging_dir(), flush=True)"


def _python(code, env, **kw):
    return subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=env, text=True, **kw)


def test_a_killed_graders_folders_are_swept_by_the_next_and_a_live_ones_kept(tmp_path):
    env = dict(os.environ, TMPDIR=str(tmp_path))
    killed = _python(
        STAGE + "; sys.stdin.read()", env, stdout=subprocess.PIPE, stdin=subprocess.PIPE
    )
    staged = Path(killed.stdout.readline().strip())
    assert staged.parent == tmp_path and (staged / "course.toml").is_file()
    assert staged.name.startswith(f"autograder-stage-{killed.pid}-")
    live = _python("import time; time.sleep(120)", env)
    try:
        alive = tmp_path / f"autograder-stage-{live.pid}-x"
        alive.mkdir()
        foreign = [tmp_path / "autograder-stage-abc", tmp_path / f"autograder-work-{killed.pid}-x"]
        for d in foreign:
            d.mkdir()
        killed.kill()
        killed.communicate()
        assert staged.is_dir()  # SIGKILL: its exit handler never ran
        after = _python(STAGE, env, stdout=subprocess.PIPE)
        out, _ = after.communicate(timeout=120)
        assert after.returncode == 0
        assert not staged.exists()
        assert alive.is_dir(), "a live grader's folder was removed"
        assert all(d.is_dir() for d in foreign), "only dead owners' folders of the same kind go"
        assert not Path(out.strip()).exists(), "a grader ending normally removes its own"
    finally:
        live.kill()
        live.wait()


def test_owner_is_read_only_from_the_exact_name():
    assert scratch._owner("autograder-stage-123-abc", "stage") == 123
    assert scratch._owner("autograder-stage-123abc", "stage") is None
    assert scratch._owner("autograder-stage-abc", "stage") is None
    assert scratch._owner("autograder-work-123-abc", "stage") is None
    assert scratch._owner("xautograder-stage-123-abc", "stage") is None
