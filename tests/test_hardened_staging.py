"""What the sandbox stages (``jail.STAGED``) is exactly what the guest needs, nothing secret.

Every repository module that a staged module imports is staged too (so nothing the guest
runs can fail to import, or import from outside the stage), every staged grading module is
reached from the runner (no stale entry), and none of the grader's secrets is staged.
"""

import ast
from pathlib import Path

from autograder.sandbox import jail

REPO = jail.ROOT
OURS = ("autograder", "workbook", "solutions")
# api.grade's in-process default imports the grader; in the sandbox guest_grade.install()
# sets the backend before any cell runs, so that import is never reached there.
NOT_REACHED = {("autograder/api.py", "autograder/grader.py")}
SECRETS = ("solutions/", "autograder/mistakes/", "autograder/grader.py", "autograder/notebook/")
SECRETS += ("workbook/numgrad.py",)  # the gradcheck chapter's answers


def _staged_files():
    out = set()
    for rel in jail.STAGED:
        p = REPO / rel
        files = p.rglob("*.py") if p.is_dir() else [p]
        out |= {f.relative_to(REPO).as_posix() for f in files if "__pycache__" not in f.parts}
    out -= set(jail.UNSTAGED)
    return out | {"autograder/__init__.py", "autograder/sandbox/__init__.py"}  # written by jail


def _module_file(dotted):
    base = REPO.joinpath(*dotted.split("."))
    for f in (base.with_suffix(".py"), base / "__init__.py"):
        if f.is_file():
            return f.relative_to(REPO).as_posix()
    return None


def _imports(rel):
    """Repository files that module ``rel`` imports (anywhere in it, function bodies too)."""
    package = rel.rsplit("/", 1)[0].replace("/", ".")
    found = set()
    for node in ast.walk(ast.parse((REPO / rel).read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            names = [base, *(f"{base}.{a.name}" for a in node.names)]
        else:
            continue
        for dotted in names:
            parts = dotted.split(".")
            for i in range(1, len(parts) + 1):
                f = _module_file(".".join(parts[:i])) if parts[0] in OURS else None
                if f:
                    found.add(f)
    return found


def test_staged_modules_import_only_staged_modules():
    staged = _staged_files()
    missing = {
        (rel, dep)
        for rel in sorted(staged)
        if rel.endswith(".py")
        for dep in _imports(rel)
        if dep not in staged and (rel, dep) not in NOT_REACHED
    }
    assert missing == set(), "staged modules import unstaged ones: add them to jail.STAGED"


def test_every_staged_grading_module_is_reached_from_the_runner():
    staged = _staged_files()
    roots = ["guest.py", "guest_grade.py", "zygote.py"]  # the cold runner, the warm server
    seen, todo = set(), [f"autograder/sandbox/{r}" for r in roots]
    while todo:
        rel = todo.pop()
        if rel not in seen:
            seen.add(rel)
            todo += [d for d in _imports(rel) if d in staged and (rel, d) not in NOT_REACHED]
    spec_modules = {f for f in staged if f.startswith("autograder/specs/")}  # imported by name
    unreached = {f for f in staged if f.startswith("autograder/")} - seen - spec_modules
    assert unreached == set()
    assert "course.toml" in jail.STAGED  # read by autograder/course.py for the specs


def test_nothing_secret_is_staged():
    assert not [f for f in _staged_files() if f.startswith(SECRETS)]
    stage = Path(jail.staging_dir())  # what is really copied, not only what the list says
    assert (stage / "workbook" / "gradcheck.py").is_file()
    assert not list(stage.rglob("numgrad.py")), "the gradcheck answers reached the sandbox"
    assert Path(jail.ROOT / "course.toml").is_file()
