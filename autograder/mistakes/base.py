"""The mistake catalogue: known wrong answers, as source patches of reference functions.

A *mistake* is a small textual patch of a reference function in ``solutions/``.
The diagnosis (``autograder/diagnose.py``) runs every mutant of the graded
function on the same inputs as the student's code; when the student's outputs
match a mutant's outputs, the failure message names the mistake's ``hint``.

Adding mistakes
---------------
Each chapter has a module ``autograder/mistakes/<chapter>.py`` holding a list
``MISTAKES`` (the module is found automatically; no registry to edit)::

    from autograder.mistakes.base import Mistake

    MISTAKES = [
        Mistake(
            id="rnn_backward.dWh_not_accumulated",
            function="rnn_backward",
            patch=[("dWh += ", "dWh = ")],
            hint="dWh is not accumulated over time steps",
        ),
    ]

Fields:

``id``
    unique over the whole catalogue, ``<function>.<what_is_wrong>``.
``function``
    the graded name the mutant replaces: a top-level name of ``solutions``
    (``"rnn_backward"``) or a method ``"CaptioningRNN.loss"``. A ``:lstm`` /
    ``:rnn`` suffix (``"CaptioningRNN.loss:lstm"``) limits the diagnosis to that
    graded variant; without it a method mistake is tried for both variants.
``patch``
    ``[(old, new), ...]`` applied in order to the reference source *as
    shown by* :func:`reference_source` (decorators stripped, dedented to column
    0). Each ``old`` must occur exactly once in the text at the time it is
    applied, otherwise :func:`build_mutant` raises ``ValueError``.
``hint``
    what the student most likely did, in a few words, no trailing period
    ("dWh is not accumulated over time steps"). Shown as ``likely mistake: <hint>``.

A mutant is the patched source exec'd in a *copy* of the reference module's
globals (so sub-functions are the references and nothing in ``solutions`` is
modified); a method mutant is a subclass of the reference class with the
mutated method. Mutants are cached per id.

Check a new entry with::

    python -c "from autograder.mistakes.base import *; print(mutant_source(find('<id>')))"

and run ``pytest tests/test_mistakes.py`` (every mutant must lose points in the
hidden tests and be diagnosed as itself).
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import pkgutil
import textwrap
from dataclasses import dataclass

MUTANT_MODULE = "__mutant__"  # __module__ of built mutants (never looks like the reference)
VARIANTS = ("rnn", "lstm")


@dataclass(frozen=True)
class Mistake:
    """One known mistake: a patched copy of a reference function (see module docstring)."""

    id: str
    function: str
    patch: tuple
    hint: str

    def __post_init__(self):
        patch = tuple(tuple(p) for p in self.patch)
        for p in patch:
            if len(p) != 2 or not all(isinstance(s, str) for s in p):
                raise ValueError(f"mistake {self.id}: patch entries must be (old, new) strings")
        if not patch:
            raise ValueError(f"mistake {self.id}: empty patch")
        object.__setattr__(self, "patch", patch)

    @property
    def target(self):
        """The reference object name without the variant suffix: ``CaptioningRNN.loss``."""
        return self.function.split(":")[0]

    def applies_to(self, graded_name):
        """True when the diagnosis of ``graded_name`` should try this mutant."""
        return self.function == graded_name or (
            ":" not in self.function and graded_name.split(":")[0] == self.function
        )


def _solutions():
    return importlib.import_module("solutions")


def resolve(function):
    """Reference owner and function: ``(None, fn)`` or ``(cls, method)``."""
    name = function.split(":")[0]
    mod = _solutions()
    if "." in name:
        cls_name, meth = name.split(".", 1)
        cls = getattr(mod, cls_name)
        return cls, cls.__dict__[meth]
    return None, getattr(mod, name)


def _undecorated(fn):
    while hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    return fn


def strip_decorators(source):
    """``source`` (one function, any indentation) dedented, without decorator lines."""
    source = textwrap.dedent(source)
    node = ast.parse(source).body[0]
    lines = source.splitlines(keepends=True)
    return "".join(lines[node.lineno - 1 :])


def reference_source(function):
    """Source of the reference ``function`` as patches see it (no decorators, column 0)."""
    _, fn = resolve(function)
    return strip_decorators(inspect.getsource(_undecorated(fn)))


def apply_patch(source, patch, label="patch"):
    """Apply ``[(old, new), ...]``; each ``old`` must occur exactly once."""
    for old, new in patch:
        n = source.count(old)
        if n != 1:
            where = "does not occur" if n == 0 else f"occurs {n} times"
            raise ValueError(f"{label}: {old!r} {where} in the source (must occur exactly once)")
        source = source.replace(old, new)
    return source


def _exec(raw, source, label):
    glb = dict(raw.__globals__)
    glb["__name__"] = MUTANT_MODULE
    exec(compile(source, f"<{label}>", "exec"), glb)  # noqa: S102 - trusted catalogue text
    return glb[raw.__name__]


def _subclass(owner, methods):
    for name, fn in methods.items():
        fn.__qualname__ = f"{owner.__name__}.{name}"
    body = {**methods, "__module__": MUTANT_MODULE, "__qualname__": owner.__name__}
    return type(owner.__name__, (owner,), body)


def build_function(function, patch=(), label=None):
    """Exec the (patched) reference source of ``function`` in a copy of its module globals.

    Returns the new function, or for a method a subclass of the reference class
    carrying the new method. With an empty patch this is an independent copy of
    the reference (what a student who wrote the reference body would submit);
    a bare class name (``"CaptioningRNN"``) copies every method that way.
    """
    label = label or f"{function} copy"
    mod = _solutions()
    obj = getattr(mod, function) if "." not in function else None
    if isinstance(obj, type):
        if patch:
            raise ValueError(f"{label}: patch a method ({function}.<method>), not the class")
        methods = {
            k: build_function(f"{function}.{k}", label=f"{label}.{k}")
            for k, v in vars(obj).items()
            if callable(v) and hasattr(_undecorated(v), "__code__")
        }
        return _subclass(obj, {k: vars(m)[k] for k, m in methods.items()})
    owner, ref = resolve(function)
    raw = _undecorated(ref)
    new = _exec(raw, apply_patch(reference_source(function), patch, label), label)
    if owner is None:
        return new
    return _subclass(owner, {raw.__name__: new})


@functools.cache
def _build(mistake):
    return build_function(mistake.target, mistake.patch, label=f"mutant {mistake.id}")


def build_mutant(mistake):
    """The mutated function (or class, for ``Class.method`` mistakes) of ``mistake``."""
    return _build(mistake)


def mutant_source(mistake):
    """The patched source text, for reviewing a catalogue entry."""
    return apply_patch(reference_source(mistake.target), mistake.patch, mistake.id)


def all_mistakes():
    """Every mistake of every ``autograder/mistakes/<chapter>.py``, ids checked unique."""
    from autograder import mistakes as pkg

    found, seen = [], set()
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name == "base" or info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{pkg.__name__}.{info.name}")
        for m in getattr(mod, "MISTAKES", ()):
            if m.id in seen:
                raise ValueError(f"duplicate mistake id {m.id!r} in {mod.__name__}")
            seen.add(m.id)
            found.append(m)
    return found


def find(mistake_id):
    """The catalogue entry with this id."""
    for m in all_mistakes():
        if m.id == mistake_id:
            return m
    raise KeyError(mistake_id)


def mistakes_for(graded_name):
    """Catalogue entries the diagnosis tries for ``graded_name``."""
    return [m for m in all_mistakes() if m.applies_to(graded_name)]
