"""The pinned environment keeps every nbformat import cheap.

jsonschema 4.25+ lists ``rfc3987-syntax`` in its ``format-nongpl`` extra (which nbformat,
nbgrader and jupyter-events ask for) and imports it eagerly; that module compiles about
35 Lark grammars at import time, about 1.7 s of CPU in every process that imports nbformat:
every ``nbgrader`` command, every book build, every kernel-driving test
(python-jsonschema/jsonschema#1428). No schema of ours or Jupyter's uses the ``iri``
formats it checks, so ``requirements.lock`` pins ``jsonschema==4.24.1``, whose extra uses
``rfc3986-validator`` instead, and leaves ``rfc3987-syntax`` and ``lark`` out.
"""

import importlib.util
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOCK = dict(
    re.match(r"([A-Za-z0-9_.-]+)==(\S+)", line).groups()
    for line in (REPO / "requirements.lock").read_text().splitlines()
    if "==" in line and not line.startswith("#")
)


def test_lock_leaves_out_the_slow_iri_checker():
    assert "rfc3987-syntax" not in LOCK and "lark" not in LOCK
    major, minor = map(int, LOCK["jsonschema"].split(".")[:2])
    assert (major, minor) < (4, 25), "jsonschema 4.25+ pulls rfc3987-syntax back in"


def test_venv_has_no_rfc3987_syntax():
    spec = importlib.util.find_spec("rfc3987_syntax")
    assert spec is None, (
        "rfc3987_syntax is installed: every nbformat import pays ~1.7 s CPU for it "
        "(reinstall from requirements.lock in a fresh .venv)"
    )
