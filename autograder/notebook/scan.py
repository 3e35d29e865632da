"""One cell's source, scanned (nothing runs): what it reads, binds and changes, raw.

:class:`Visitor` walks one cell's syntax tree and records, into a :class:`Raw`, the
cell's own effects when it runs and, into a :class:`Summary` per function or class it
defines, what calling that function may do later. :mod:`.effects` resolves these over the
whole notebook (aliases, calls between functions). The rules (which libraries are known
to be free of side effects, which calls write into their arguments, which magics the
runner executes) are the tables below.

(Longer than most modules: the visitor is one unit, every node type's rule beside the others.)
"""

import ast
import builtins
import re
from dataclasses import dataclass, field

# Packages whose functions change no state but their arguments (and ``numpy.random``).
PURE = (
    "numpy", "math", "cmath", "itertools", "functools", "operator", "collections", "copy",
    "textwrap", "string", "re", "json", "fractions", "statistics", "time", "timeit", "typing",
    "dataclasses", "numbers", "enum", "abc", "matplotlib", "workbook", "autograder.api",
)  # fmt: skip
RNG_MAKERS = {"default_rng", "Generator", "RandomState", "SeedSequence", "PCG64", "MT19937"}
SETTERS = re.compile(
    r"^(_|set|seed|reset|use$|install|register|patch|enable|disable|filter|simplefilter|chdir"
    r"|putenv|unsetenv|save|dump|write|rc$|rcdefaults)"
)
MUTATORS = re.compile(r"^(update|append|extend|insert|pop|clear|remove|add|discard|sort|reverse)")
ARG_WRITERS = {"at", "shuffle", "copyto", "put", "putmask", "place", "fill_diagonal", "fill"}
UNKNOWN_MODULES = ("gc", "inspect", "ctypes", "importlib", "builtins")
DYNAMIC = {"exec", "eval", "globals", "locals", "vars", "setattr", "delattr", "__import__"}
DYNAMIC |= {"getattr"}  # getattr(np, name): a module's attribute, unseen
DYNAMIC |= {"breakpoint", "__builtins__"}
FRAME_ATTRS = {"__globals__", "f_globals", "f_locals", "__builtins__", "__dict__", "f_back"}
FRAME_ATTRS |= {"tb_frame", "gi_frame", "cr_frame", "__code__", "__closure__"}
PURE_BUILTINS = set(
    "print len range isinstance issubclass sorted sum min max abs zip enumerate list dict set "
    "frozenset tuple str int float bool complex repr round any all type id hash hasattr "
    "callable format chr ord divmod pow reversed slice bytes bin hex oct ascii display "
    "property staticmethod classmethod super object map filter".split()
)
MAGICS_RUN = {"time", "timeit", "prun", "capture"}  # the runner executes their code
MAGICS_IGNORED = {"matplotlib", "config", "load_ext", "autoreload", "precision", "env"}
MAGICS_IGNORED |= {"pinfo", "pinfo2"}
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
COMPS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass
class Summary:
    """What running a body may do: a function's when called, a cell's when it runs."""

    reads: set = field(default_factory=set)
    mods: set = field(default_factory=set)
    returns: set = field(default_factory=set)
    methods: set = field(default_factory=set)  # a class: the methods it defines
    methods_called: set = field(default_factory=set)
    calls: set = field(default_factory=set)  # global names called (the base of a call)
    state: str = ""  # why, when set
    unknown: str = ""


@dataclass
class Raw(Summary):
    """A cell's own effects (``now``: names read when it runs, not in a body it defines)."""

    binds: set = field(default_factory=set)
    now: set = field(default_factory=set)


def is_builtin(name, user):
    """A name the notebook never binds that Python or the runner provides."""
    return name not in user and (name in _BUILTINS or name in RUNNER_NAMES)


_BUILTINS = set(dir(builtins))
RUNNER_NAMES = {"get_ipython", "display", "__builtins__", "__name__"}


def _chain(node):
    """``(base, [attrs])`` of ``a.b[c].d``: the base expression and the attribute names."""
    attrs = []
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        if isinstance(node, ast.Attribute):
            attrs.append(node.attr)
        node = node.value
    return node, attrs[::-1]


def bound_here(body, imports=True):
    """Names a body binds in its own scope (``imports=False``: not by import statements)."""
    out, todo = set(), list(body)
    while todo:
        n = todo.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(n.name)
            todo += n.decorator_list + [d for d in getattr(n, "bases", [])]
            continue
        if isinstance(n, (ast.Lambda, *COMPS)):
            continue
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            out.add(n.id)
        elif isinstance(n, (ast.Import, ast.ImportFrom)) and imports:
            out |= {(a.asname or a.name).split(".")[0] for a in n.names if a.name != "*"}
        elif isinstance(n, ast.ExceptHandler) and n.name:
            out.add(n.name)
        elif isinstance(n, (ast.MatchAs, ast.MatchStar)) and n.name:
            out.add(n.name)
        elif isinstance(n, ast.MatchMapping) and n.rest:
            out.add(n.rest)
        todo += list(ast.iter_child_nodes(n))
    return out


class _Scope:
    def __init__(self, kind, parent, local=(), declared=()):
        self.kind, self.parent = kind, parent
        self.local, self.declared = set(local) - set(declared), set(declared)
        self.aliases = {}  # local name -> global roots it may refer to


class Visitor(ast.NodeVisitor):
    """Records one cell's immediate effects into ``cell`` and its bodies into ``bodies``."""

    def __init__(self, cell, modules, user):
        self.cell, self.modules = cell, modules  # modules: {name: {dotted import paths}}
        # names the notebook binds other than by importing, among those that matter here:
        # builtins and imported names (the scan of a cell depends on nothing else)
        self.user = user
        self._class = None
        self.scope = _Scope("module", None)
        self.sink = None  # None: immediate (the cell); else the Summary of a body
        self.bodies = {}  # name -> Summary (this cell's defs)
        self.aliases = []  # (name, {roots}) pairs for the notebook's alias classes
        self.call_aliases = []  # (name, callee name): the name may hold what callee returns
        self.called = set()  # global names called (as the base of a call)
        self.bound_now = set()  # names an earlier top-level statement of the cell bound

    # --- where things go ------------------------------------------------------------
    def _global(self, name):
        s = self.scope
        if name in s.declared:
            return True
        while s is not None and s.kind != "module":
            if s.kind == "function" and name in s.local:
                return False
            s = s.parent
        return True

    def _roots(self, name):
        """The global names ``name`` may refer to here (a local: its aliases, else none)."""
        if self._global(name):
            return {name}
        s = self.scope
        while s is not None and s.kind != "module":
            if name in s.aliases:
                return set(s.aliases[name])
            s = s.parent
        return set()

    def _read(self, name):
        if not self._global(name):
            return
        if name in DYNAMIC:
            self._unknown(f"uses {name}")
        if self.sink is None:
            self.cell.now.add(name)
            if self.scope.kind == "module" and name in self.bound_now:
                return  # bound by an earlier statement of this cell, which completed
        else:
            self.sink.reads.add(name)
        self.cell.reads.add(name)  # a body's reads too: the defining cell is needed for them

    def statement(self, node):
        """Visit one top-level statement; what it binds for sure is then this cell's own
        (a later statement of the cell runs only if it completed)."""
        self.visit(node)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self.bound_now |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.bound_now.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    self.bound_now.add(t.id)
                elif isinstance(t, ast.Tuple) and all(isinstance(e, ast.Name) for e in t.elts):
                    self.bound_now |= {e.id for e in t.elts}
        self.bound_now.discard("*")

    def _mod(self, name):
        for root in self._roots(name):
            (self.cell if self.sink is None else self.sink).mods.add(root)

    def _bind(self, name):
        if self.scope.kind == "class" and name not in self.scope.declared:
            return  # a class attribute
        if self._global(name):
            if self.sink is None and self.scope.kind == "module":
                self.cell.binds.add(name)
            else:
                (self.cell if self.sink is None else self.sink).mods.add(name)

    def _state(self, why):
        target = self.cell if self.sink is None else self.sink
        target.state = target.state or why

    def _unknown(self, why):
        target = self.cell if self.sink is None else self.sink
        target.unknown = target.unknown or why

    def _alias(self, name, value):
        if self.scope.kind == "class":
            return
        if self._global(name):
            self._record(name, value)
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
                self.call_aliases.append((name, value.func.id))
        else:
            self.scope.aliases.setdefault(name, set()).update(self._value_roots(value))

    def _record(self, name, value):
        """``name`` may refer to (a part of) what ``value`` refers to: both alias kinds."""
        self.aliases.append((name, self._value_roots(value), self._value_roots(value, True)))

    def _value_roots(self, node, direct=False):
        """Global names whose objects an expression's value may be (or contain).

        ``direct``: only through names, attributes, items and containers (no call): what
        decides whether a name may hold a module (``m = np.random``, ``d = {"np": np}``)."""
        out = set()
        if node is None or isinstance(node, (ast.Constant, ast.BinOp, ast.UnaryOp, ast.Compare)):
            return out
        if isinstance(node, ast.Name):
            return self._roots(node.id)
        if isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
            return self._value_roots(_chain(node)[0], direct)
        if isinstance(node, (ast.Call, ast.Lambda, *COMPS)) and direct:
            return out
        if isinstance(node, ast.Call):
            base, attrs = _chain(node.func)
            if attrs and isinstance(base, ast.Name) and not self._module(base.id):
                out |= self._roots(base.id)  # obj.method(...) may return obj's parts
            for a in [*node.args, *(k.value for k in node.keywords)]:
                out |= self._value_roots(a)
            return {r for r in out if not self._module(r)}  # np.float64 passed: not np
        own = set()  # a lambda's parameters, a comprehension's targets: not the notebook's
        if isinstance(node, ast.Lambda):
            own = set(self._params(node.args))
        elif isinstance(node, COMPS):
            own = bound_here([g.target for g in node.generators])
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.comprehension, ast.arguments)):
                out |= self._value_roots(child, direct)
            elif isinstance(child, ast.comprehension):
                out |= self._value_roots(child.iter, direct)
        return out - own

    def _module(self, name):
        """``name`` may be a module or library object (imported, or a builtin)."""
        return self._global(name) and (name in self.modules or is_builtin(name, self.user))

    def _user(self, name):
        """``name`` may be one of the notebook's own objects."""
        return not self._module(name) or name in self.user

    # --- statements -------------------------------------------------------------------
    def visit_Import(self, node):
        for a in node.names:
            self._bind((a.asname or a.name).split(".")[0])

    def visit_ImportFrom(self, node):
        if any(a.name == "*" for a in node.names):
            self._unknown("a star import")
        if node.level:
            self._state("a relative import")
        for a in node.names:
            if a.name != "*":
                self._bind(a.asname or a.name)

    def visit_Global(self, node):
        self.scope.declared.update(node.names)

    visit_Nonlocal = visit_Global

    def _target(self, t, value):
        if isinstance(t, ast.Name):
            self._bind(t.id)
            self._alias(t.id, value)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                self._target(e, value)
        elif isinstance(t, ast.Starred):
            self._target(t.value, value)
        else:  # attribute or subscript: a write into the object at the base
            self._write_into(t, value)

    def _write_into(self, t, value):
        base, attrs = _chain(t)
        for sub in ast.walk(t):
            if isinstance(sub, ast.Subscript):
                self.visit(sub.slice)
        if set(attrs) & FRAME_ATTRS:
            self._unknown(f"writes .{'.'.join(attrs)}")
        if isinstance(base, ast.Name):
            self._read(base.id)
            if self._module(base.id):
                self._state(f"writes {base.id}.{'.'.join(attrs) or '[...]'}")
            self._mod(base.id)
            self._record(base.id, value)
        else:
            self.visit(base)
            for n in ast.walk(base):
                if isinstance(n, ast.Name):
                    self._mod(n.id)
                    if self._module(n.id):
                        self._state(f"writes into a value of {n.id}")

    def visit_Assign(self, node):
        self.visit(node.value)
        for t in node.targets:
            self._target(t, node.value)
        self._lambdas(node.targets, node.value)

    def _lambdas(self, targets, value):
        """A lambda stored in a name (or an object) runs when that is called: its body is
        also that name's summary."""
        lambdas = [n for n in ast.walk(value) if isinstance(n, ast.Lambda)]
        if not lambdas or self.sink is not None or self.scope.kind != "module":
            return
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    outer, self.sink = self.sink, self.bodies.setdefault(n.id, Summary())
                    for lam in lambdas:
                        self.visit(lam)
                    self.sink = outer

    def visit_AnnAssign(self, node):
        self.visit(node.annotation)
        if node.value is not None:
            self.visit(node.value)
            self._target(node.target, node.value)

    def visit_AugAssign(self, node):
        self.visit(node.value)
        if isinstance(node.target, ast.Name):
            self._read(node.target.id)
            if self._module(node.target.id):
                self._state(f"changes {node.target.id} in place")
            self._mod(node.target.id)  # in place for arrays and lists: every alias sees it
            self._bind(node.target.id)
        else:
            self._write_into(node.target, node.value)

    def visit_Delete(self, node):
        for t in node.targets:
            if isinstance(t, ast.Name):
                self._bind(t.id)
            else:
                self._write_into(t, None)

    def visit_For(self, node):
        self.visit(node.iter)
        self._target(node.target, node.iter)
        for n in node.body + node.orelse:
            self.visit(n)

    visit_AsyncFor = visit_For

    def visit_withitem(self, node):
        self.visit(node.context_expr)
        if node.optional_vars is not None:
            self._target(node.optional_vars, node.context_expr)

    def visit_ExceptHandler(self, node):
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self._bind(node.name)
        for n in node.body:
            self.visit(n)

    def visit_NamedExpr(self, node):
        self.visit(node.value)
        self._target(node.target, node.value)

    def visit_Return(self, node):
        if node.value is not None:
            self.visit(node.value)
            if self.sink is not None:
                self.sink.returns |= self._value_roots(node.value, True)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load):
            self._read(node.id)
        else:
            self._bind(node.id)

    def visit_Attribute(self, node):
        if node.attr in FRAME_ATTRS:
            self._unknown(f"uses .{node.attr}")
        self.visit(node.value)

    def visit_MatchAs(self, node):
        if node.pattern is not None:
            self.visit(node.pattern)
        if node.name:
            self._bind(node.name)

    # --- scopes -----------------------------------------------------------------------
    def _body(self, node, kind, params, body):
        """Visit a function body (deferred: into a Summary) or a class body (immediate)."""
        tree = ast.Module(body=list(body), type_ignores=[])
        decls = [b for b in ast.walk(tree) if isinstance(b, (ast.Global, ast.Nonlocal))]
        declared = {n for b in decls for n in b.names}
        scope = _Scope(kind, self.scope, set(params) | bound_here(body), declared)
        outer_scope, outer_sink = self.scope, self.sink
        self.scope = scope
        try:
            for n in body:
                self.visit(n)
        finally:
            self.scope = outer_scope
            self.sink = outer_sink

    def _defaults(self, args):
        for d in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.visit(d)
        for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if a is not None and a.annotation is not None:
                self.visit(a.annotation)

    @staticmethod
    def _params(args):
        names = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
        return names + [a.arg for a in (args.vararg, args.kwarg) if a is not None]

    def visit_FunctionDef(self, node):
        for d in node.decorator_list:
            self.visit(d)
        self._defaults(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        self._bind(node.name)
        summary = self._summary_for(node.name)
        outer = self.sink
        self.sink = summary
        self._body(node, "function", self._params(node.args), node.body)
        self.sink = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def _summary_for(self, name):
        if self.sink is not None:
            return self.sink  # a nested def: part of the enclosing body's summary
        if self.scope.kind == "class":
            return self.bodies.setdefault(self._class, Summary())
        return self.bodies.setdefault(name, Summary())

    def visit_ClassDef(self, node):
        for d in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.visit(d)
        self._bind(node.name)
        outer_class = getattr(self, "_class", None)
        if self.sink is None and self.scope.kind == "module":
            self._class = node.name
            summary = self.bodies.setdefault(node.name, Summary())
            summary.methods |= {
                n.name for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
            }
        self._body(node, "class", (), node.body)  # the class body runs now
        self._class = outer_class

    def visit_Lambda(self, node):  # called at once or later: counted where it stands
        self._defaults(node.args)
        self._body(node, "function", self._params(node.args), [ast.Expr(node.body)])

    def _comp(self, node, parts):
        first = node.generators[0]
        self.visit(first.iter)
        targets = bound_here([g.target for g in node.generators])
        scope = _Scope("function", self.scope, targets)
        outer = self.scope
        self.scope = scope
        try:
            for i, g in enumerate(node.generators):
                if i:
                    self.visit(g.iter)
                for cond in g.ifs:
                    self.visit(cond)
            for p in parts:
                self.visit(p)
        finally:
            self.scope = outer

    def visit_ListComp(self, node):
        self._comp(node, [node.elt])

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node):
        self._comp(node, [node.key, node.value])

    # --- calls ------------------------------------------------------------------------
    def visit_Call(self, node):
        for a in [*node.args, *(k.value for k in node.keywords)]:
            self.visit(a)
        base, attrs = _chain(node.func)
        if self._magic(node, base, attrs):
            return
        if isinstance(base, ast.Name) and self._global(base.id):
            self.called.add(base.id)
            (self.cell if self.sink is None else self.sink).calls.add(base.id)
        self.visit(node.func)
        args = [*node.args, *(k.value for k in node.keywords)]
        if isinstance(base, ast.Name):
            name = base.id
            if self._module(name):
                self._library_call(name, attrs, node, args)
            if self._user(name):
                if attrs:
                    self._mod(name)  # obj.method(...): may change obj
                    (self.cell if self.sink is None else self.sink).methods_called.add(attrs[-1])
                self._write_args(args)
        elif isinstance(base, ast.Call):
            inner = base
            inner_args = [*inner.args, *(k.value for k in inner.keywords)]
            if attrs and attrs[-1] in ARG_WRITERS:
                self._write_args(inner_args)
            if isinstance(inner.func, ast.Name) and self._user(inner.func.id):
                self._write_args([*inner_args, *args])
        else:  # a call on a computed value: whatever it reads may change
            for n in ast.walk(base):
                if isinstance(n, ast.Name):
                    self._mod(n.id)
            self._write_args(args)

    def _write_args(self, args):
        for a in args:
            for root in self._value_roots(a):
                self._mod(root)
                if self._module(root):
                    self._state(f"passes {root} to a call that may change it")

    def _library_call(self, name, attrs, node, args):
        paths = self.modules.get(name)
        if paths is None:  # a builtin (never bound in the notebook)
            if name in DYNAMIC:
                self._unknown(f"calls {name}()")
            elif name == "open":
                self._state("opens a file")
            elif name not in PURE_BUILTINS:
                self._write_args(args)
            return
        for path in paths:
            full = ".".join([path, *attrs])
            names = attrs or [path.split(".")[-1]]
            top = full.split(".")
            if full.startswith(UNKNOWN_MODULES) and top[0] in UNKNOWN_MODULES:
                self._unknown(f"calls {full}")
            elif not any(full == p or full.startswith(p + ".") for p in PURE):
                self._state(f"calls {full}")
            elif ".random." in f".{full}." and top[-1] not in RNG_MAKERS and top[-1] != "random":
                self._state(f"calls {full} (the global random state)")
            elif any(SETTERS.match(a) for a in names) or (
                len(attrs) > 1 and MUTATORS.match(names[-1])
            ):
                self._state(f"calls {full}")
            if top[-1] in ARG_WRITERS or any(k.arg == "out" for k in node.keywords):
                self._write_args(args)

    def _magic(self, node, base, attrs):
        """``get_ipython().run_line_magic(...)`` and friends (IPython syntax, converted)."""
        if not (
            isinstance(base, ast.Call)
            and isinstance(base.func, ast.Name)
            and base.func.id == "get_ipython"
            and attrs
        ):
            return False
        kind, args = attrs[-1], node.args
        if kind in ("system", "getoutput"):
            return True  # the runner ignores shell commands
        if kind not in ("run_line_magic", "run_cell_magic") or not args:
            return False
        name = args[0].value if isinstance(args[0], ast.Constant) else None
        code = args[-1].value if isinstance(args[-1], ast.Constant) else None
        if name in MAGICS_IGNORED:
            return True
        if name in MAGICS_RUN and isinstance(code, str):
            try:
                tree = ast.parse(code)
            except SyntaxError:
                return True  # the runner reports the error; nothing runs
            for n in tree.body:
                self.visit(n)
            return True
        self._unknown(f"the magic %{name}")
        return True
