"""docs/ARCHITECTURE.md lists every module, and no module of ours imports in a cycle.

* Each ``.py`` of ``solutions/``, ``workbook/`` and ``autograder/`` (``__init__.py`` aside)
  is named, as a path relative to its package, in the first column of a table row of that
  package's section of the document, and every subpackage folder too; every module path
  named there exists.
* Every module of the three packages imports cleanly when it is the first of ours to be
  imported (one fresh interpreter; our packages are dropped from ``sys.modules`` between
  modules), so no import order hides a cycle.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("solutions", "workbook", "autograder")
DOC = (REPO / "docs" / "ARCHITECTURE.md").read_text()


def _section(package):
    m = re.search(rf"^## `{package}/`\n(.*?)(?=^## |\Z)", DOC, flags=re.S | re.M)
    assert m, f"docs/ARCHITECTURE.md has no section '## `{package}/`'"
    return m.group(1)


def _modules(package):
    base = REPO / package
    return sorted(
        p.relative_to(base).as_posix()
        for p in base.rglob("*.py")
        if "__pycache__" not in p.parts and p.name != "__init__.py"
    )


@pytest.mark.parametrize("package", PACKAGES)
def test_every_module_is_listed(package):
    rows = [line.split("|")[1] for line in _section(package).splitlines() if line.startswith("| `")]
    named = {n for cell in rows for n in re.findall(r"`([\w/]+(?:\.py|/))`", cell)}
    missing = [m for m in _modules(package) if m not in named]
    folders = {Path(m).parent.as_posix() + "/" for m in _modules(package) if "/" in m}
    assert missing == [], f"modules of {package}/ missing from docs/ARCHITECTURE.md"
    assert sorted(folders - named) == []
    stale = [n for n in named if n.endswith(".py") and not (REPO / package / n).is_file()]
    assert stale == [], f"docs/ARCHITECTURE.md lists modules of {package}/ that do not exist"


PROBE = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in {packages!r}]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as e:
        failed.append(f"{{name}}: {{type(e).__name__}}: {{e}}")
print("\\n".join(failed))
"""


def _dotted(package):
    names = [package]
    for m in _modules(package):
        names.append(f"{package}." + m[:-3].replace("/", "."))
    for init in (REPO / package).rglob("__init__.py"):
        rel = init.parent.relative_to(REPO).as_posix().replace("/", ".")
        names.append(rel)
    return sorted(set(names))


def test_no_module_imports_in_a_cycle():
    names = [n for p in PACKAGES for n in _dotted(p) if n != "autograder.__main__"]
    names.append("autograder.__main__")  # sets BLAS variables on import: last
    code = PROBE.format(packages=PACKAGES)
    r = subprocess.run(
        [sys.executable, "-c", code, *names],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": str(Path(sys.executable).parent), "MPLBACKEND": "Agg", "HOME": str(REPO)},
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip() == "", r.stdout
