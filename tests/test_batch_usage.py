"""``python -m autograder grade`` refuses to start on bad input: exit 2, one line, no traceback.

Nothing is graded and no state directory is created.
"""

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "hardened"))
import course  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("config", "args", "message"),
    [
        (None, ("fx",), "no nbgrader_config.py in"),
        ("c = get_config(\n", ("fx",), "nbgrader_config.py failed: SyntaxError"),
        ("c = get_config()\n", ("fx", "--workers", "0"), "--workers: must be a whole number"),
    ],
    ids=["no-config", "broken-config", "zero-workers"],
)
def test_usage_errors_exit_2_with_one_line(tmp_path, config, args, message):
    if config is not None:
        (tmp_path / "nbgrader_config.py").write_text(config)
    cmd = [sys.executable, "-m", "autograder", "grade", *args, "--root", str(tmp_path)]
    r = subprocess.run(cmd, env=course.env(), capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr[-2000:]
    assert message in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / ".autograder").exists()
