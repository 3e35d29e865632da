"""Which repository source files an executed book page depends on, and their digest.

jupyter-cache keys a notebook on its code cells only, so a figure page that calls
``solutions.lstm_backward`` would keep its cached outputs after ``solutions/lstm.py``
changes. :func:`code_dependencies` resolves, statically and transitively, the local
modules a page imports; the book extension adds their digest to the page as a hidden
cell, which changes the cache key exactly when one of those files changes.

Resolution rules (deliberately by *name*, so a page is re-executed only for the code it
uses):

* ``import a.b`` / ``from a.b import c`` depend on ``a/b.py`` (or ``a/b/__init__.py``),
  on ``a/b/c.py`` when ``c`` is a submodule, and on every package ``__init__.py`` on the way
  (the file itself: its own imports are followed only for names the page takes from it).
* ``from pkg import name`` where ``pkg/__init__.py`` re-exports ``name`` with
  ``from .mod import name`` depends on ``pkg/mod.py``; a name that cannot be traced this
  way makes the page depend on everything ``pkg/__init__.py`` imports (conservative).
* Dependencies of a dependency are followed the same way (relative imports included).
* Only modules found under ``root`` count: numpy, matplotlib... are the environment's job.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

__all__ = ["code_dependencies", "dependency_lines", "strip_magics"]


def strip_magics(source: str) -> str:
    """Blank IPython magics and shell escapes so that ``ast`` can parse a code cell."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        lines.append("" if stripped.startswith(("%", "!", "?")) else line)
    return "\n".join(lines)


class _Resolver:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.files: set[Path] = set()
        self._done: set[tuple[str, str | None]] = set()

    # -- module lookup -------------------------------------------------------------
    def module_file(self, dotted: str) -> Path | None:
        base = self.root.joinpath(*dotted.split("."))
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        return None

    def module_name(self, path: Path) -> str:
        rel = path.resolve().relative_to(self.root).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    def is_package(self, dotted: str) -> bool:
        path = self.module_file(dotted)
        return path is not None and path.name == "__init__.py"

    # -- graph walk ----------------------------------------------------------------
    def add_module(self, dotted: str, names: tuple[str, ...] | None = None) -> None:
        """Depend on module ``dotted``; ``names`` are what was taken from it (None: all)."""
        parts = dotted.split(".")
        for i in range(1, len(parts)):  # parent packages: the files themselves only
            parent = self.module_file(".".join(parts[:i]))
            if parent is not None:
                self.files.add(parent)
        path = self.module_file(dotted)
        if path is None:
            return
        self.files.add(path)
        if path.name == "__init__.py" and names is not None:
            for name in names:
                self.add_name(dotted, name)
            return
        key = (dotted, None)
        if key in self._done:
            return
        self._done.add(key)
        self.add_source(path.read_text(encoding="utf-8"), package=self.package_of(path))

    def add_name(self, package: str, name: str) -> None:
        key = (package, name)
        if key in self._done:
            return
        self._done.add(key)
        if self.module_file(f"{package}.{name}") is not None:
            self.add_module(f"{package}.{name}")
            return
        init = self.module_file(package)
        tree = ast.parse(init.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and any(
                (alias.asname or alias.name) == name for alias in node.names
            ):
                source = self.absolute(node, package)
                if source is not None:
                    self.add_module(source, (name,) if self.is_package(source) else None)
                return
        # Defined in __init__ itself, or not traceable: everything __init__ imports.
        self.add_module_all(package)

    def add_module_all(self, package: str) -> None:
        key = (package, None)
        if key in self._done:
            return
        self._done.add(key)
        init = self.module_file(package)
        self.add_source(init.read_text(encoding="utf-8"), package=package)

    def package_of(self, path: Path) -> str:
        name = self.module_name(path)
        return name if path.name == "__init__.py" else name.rpartition(".")[0]

    @staticmethod
    def absolute(node: ast.ImportFrom, package: str) -> str | None:
        if node.level == 0:
            return node.module
        base = package.split(".") if package else []
        if node.level - 1 > len(base):
            return None
        base = base[: len(base) - (node.level - 1)]
        return ".".join([*base, node.module] if node.module else base) or None

    def add_source(self, source: str, package: str = "") -> None:
        tree = ast.parse(strip_magics(source))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.add_module(alias.name)
            elif isinstance(node, ast.ImportFrom):
                module = self.absolute(node, package)
                if module is None or self.module_file(module) is None:
                    continue
                names = tuple(alias.name for alias in node.names)
                if "*" in names:
                    self.add_module(module)
                elif self.is_package(module):
                    self.add_module(module, names)
                else:
                    self.add_module(module)


def code_dependencies(sources: list[str], root: Path) -> list[Path]:
    """Local source files (under ``root``) that the code cells ``sources`` import."""
    resolver = _Resolver(root)
    for source in sources:
        resolver.add_source(source)
    return sorted(resolver.files)


def dependency_lines(files: list[Path], root: Path) -> list[str]:
    """One ``<relative path> <sha256 prefix>`` line per file, sorted: the cache key input."""
    root = Path(root).resolve()
    lines = []
    for path in sorted(files):
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
        lines.append(f"{Path(path).resolve().relative_to(root).as_posix()} {digest}")
    return lines
