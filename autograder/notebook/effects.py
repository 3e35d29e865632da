"""What each code cell of a notebook reads, binds and changes, found statically.

:func:`analyse` scans every cell (:mod:`.scan`) and resolves the results over the whole
notebook into one :class:`Effects` per cell:

* ``binds`` / ``mods``: global names the cell binds, or whose objects it may change
  (attribute and subscript writes, in-place operators, method calls, the notebook's own
  functions called with them, and every name that may alias one of those);
* ``reads``: global names it reads, also in the bodies of the functions and classes it
  defines (they run later, when called);
* ``state``: it may change state outside the notebook's names (``np.abs = ...``,
  ``sys.path``, the global RNG, files, modules not known to be free of side effects):
  every later graded cell needs it;
* ``unknown``: what it does cannot be determined (``exec``/``eval``/``globals()``/
  ``setattr``/``__import__``, star imports, frames, unknown magics, a cell that does not
  parse): it counts as reading and binding every name.

A cell that reads a function's name (calls it or passes it on) takes on what that
function's body may do, transitively through the functions it reads. Everything is an
over-approximation: what *may* happen counts.
"""

import ast
import functools
from dataclasses import dataclass, field

from autograder.notebook.scan import Raw, Summary, Visitor, bound_here, is_builtin


@dataclass
class Effects:
    """One code cell (``number``: 1-based, as in the notebook); ``state`` and ``unknown``
    hold the reason when set."""

    number: int
    binds: set = field(default_factory=set)
    mods: set = field(default_factory=set)
    reads: set = field(default_factory=set)
    state: str = ""
    unknown: str = ""

    @property
    def defines(self):
        return self.binds | self.mods


def _imports(tree):
    """``{name: {dotted path}}`` of the module-level imports of ``tree``."""
    out = {}
    for node in tree.body if tree else []:
        for n in ast.walk(node):
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                break
            if isinstance(n, ast.Import):
                for a in n.names:
                    name = a.asname or a.name.split(".")[0]
                    out.setdefault(name, set()).add(a.name if a.asname else name)
            elif isinstance(n, ast.ImportFrom):
                mod = "." * n.level + (n.module or "")
                for a in n.names:
                    if a.name != "*":
                        out.setdefault(a.asname or a.name, set()).add(f"{mod}.{a.name}")
    return out


def _globals_assigned(tree):
    """Names functions declare ``global`` (they may bind them when called)."""
    return {n for node in ast.walk(tree) if isinstance(node, ast.Global) for n in node.names}


class _Classes:
    """Union-find over names that may refer to the same object."""

    def __init__(self):
        self.parent = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b):
        self.parent[self.find(a)] = self.find(b)

    def members(self):
        out = {}
        for x in list(self.parent):
            out.setdefault(self.find(x), set()).add(x)
        return {x: out[self.find(x)] for x in self.parent}


@functools.lru_cache(maxsize=8192)  # most cells are the same in every student's notebook
def _parse(source):
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


@functools.lru_cache(maxsize=8192)
def _names(source):
    """``(imports, names bound other than by importing)`` of one cell's source."""
    tree = _parse(source)
    if tree is None:
        return {}, frozenset()
    return _imports(tree), frozenset(bound_here(tree.body, imports=False) | _globals_assigned(tree))


@functools.lru_cache(maxsize=8192)
def _scan(source, modules, user):
    """One cell scanned (cached: callers copy what they change). ``modules``: sorted
    ``((name, (paths...)), ...)`` of the notebook; ``user``: the imported or builtin names
    it also binds otherwise (all the scan depends on besides the source)."""
    tree, raw = _parse(source), Raw()
    if tree is None:
        raw.unknown = "it does not parse"
        return raw, {}, (), (), frozenset()
    v = Visitor(raw, {k: set(p) for k, p in modules}, set(user))
    for node in tree.body:
        v.statement(node)
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
        raw.binds.add("_")  # the runner keeps a trailing expression's value in _
    return raw, v.bodies, tuple(v.aliases), tuple(v.call_aliases), frozenset(v.called)


def _copy(raw):
    out = Raw()
    for k, v in vars(raw).items():
        setattr(out, k, set(v) if isinstance(v, set) else v)
    return out


def analyse(cells):
    """``[Effects]`` of ``cells``: ``[(number, source as run, extra_reads)]``, in order.

    ``extra_reads``: names the cell reads that its source does not show (a test cell's
    ``grade("rnn_backward", ...)`` also looks up ``rnn_forward`` in the notebook).
    """
    modules, user = {}, set()
    for _, src, _ in cells:
        imports, bound = _names(src)
        for name, paths in imports.items():
            modules.setdefault(name, set()).update(paths)
        user |= bound
    raws, bodies, returns_of, called = [], {}, [], set()
    classes, direct = _Classes(), _Classes()  # may be the same object; ... without a call

    def library(name):
        return name in modules or is_builtin(name, user)

    modules_key = tuple(sorted((k, tuple(sorted(p))) for k, p in modules.items()))
    user_key = frozenset(n for n in user if n in modules or is_builtin(n, ()))
    for _, src, extra in cells:
        scanned, cell_bodies, aliases, call_aliases, cell_called = _scan(src, modules_key, user_key)
        raw = _copy(scanned)
        for name, s in cell_bodies.items():
            _merge(bodies.setdefault(name, Summary()), s)
        for name, roots, direct_roots in aliases:
            for r in roots:
                if not library(r):
                    classes.union(name, r)
            for r in direct_roots:
                direct.union(name, r)
        returns_of += call_aliases
        called |= cell_called
        raw.reads |= set(extra)
        raw.now |= set(extra)
        raws.append(raw)
    for name, callee in returns_of:
        for r in bodies.get(callee, Summary()).returns:
            direct.union(name, r)
            if not library(r):
                classes.union(name, r)
        if name in called and callee in bodies:  # g = decorate(h); g(): runs decorate's code
            classes.union(name, callee)
    alias, modish = classes.members(), direct.members()
    modish = {n for n, members in modish.items() if any(library(m) for m in members)}
    return [
        _resolve(number, raw, bodies, alias, modish | {n for n in user if library(n)}, library)
        for (number, _, _), raw in zip(cells, raws, strict=True)
    ]


def _merge(into, s):
    for k in ("reads", "mods", "returns", "methods", "methods_called", "calls"):
        getattr(into, k).update(getattr(s, k))
    into.state = into.state or s.state
    into.unknown = into.unknown or s.unknown


def _called(names, methods, bodies, alias):
    """What calling ``names`` (and methods named ``methods``) may do, transitively."""
    out, seen = Summary(), set()
    todo = [m for n in names for m in alias.get(n, {n})]
    todo += [c for c, s in bodies.items() if s.methods & set(methods)]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        s = bodies.get(name)
        if s is None:
            continue
        _merge(out, s)
        todo += [m for r in s.reads for m in alias.get(r, {r})]
        todo += [c for c, b in bodies.items() if b.methods & s.methods_called]
    return out


def _resolve(number, raw, bodies, alias, modish, library):
    """The cell's :class:`Effects`; ``modish``: names that may hold a module (imported, a
    builtin, or an alias of one without a call in between)."""
    called = _called(raw.now, raw.methods_called, bodies, alias)
    changed = raw.mods | called.mods
    mods = {m for name in changed for m in alias.get(name, {name}) if not library(m)}
    state = raw.state or called.state
    moduleish = sorted(m for m in changed if m in modish or library(m))
    if moduleish and not state:
        state = f"may change {moduleish[0]}, which may be a module"
    for name in sorted(raw.calls | called.calls):
        if not state and name in modish and not library(name):
            state = f"calls {name}, which may be a library function"
    return Effects(
        number,
        binds=set(raw.binds),
        mods=mods,
        reads=raw.reads | raw.mods,
        state=state,
        unknown=raw.unknown or called.unknown,
    )
