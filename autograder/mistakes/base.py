"""The mistake catalogue: known wrong answers, as edits of reference functions.

A *mistake* is a small edit of a reference function in ``solutions/``, anchored to its
statements and expressions (:mod:`autograder.mistakes.edits`), never to its exact text.
The diagnosis (``autograder/diagnose.py``) runs every mutant of the graded function on
the same inputs as the student's code; when the student's outputs match a mutant's
outputs, the failure message names the mistake's ``hint``.

Adding mistakes
---------------
Each chapter has a module ``autograder/mistakes/<chapter>.py`` holding a list
``MISTAKES`` (the module is found automatically; no registry to edit)::

    from autograder.mistakes.base import Mistake
    from autograder.mistakes.edits import Swap

    MISTAKES = [
        Mistake(
            id="rnn_step_backward.dx_with_Wh",
            function="rnn_step_backward",
            edits=[Swap("Wx", "Wh", within="dx")],
            hint="dx goes back through Wh; x was multiplied by Wx",
        ),
    ]

Fields:

``id``
    unique over the whole catalogue, ``<function>.<what_is_wrong>``; a consistent
    deviation from a convention stated in the docstring is ``<function>.convention_<what>``.
``function``
    the graded name the mutant replaces: a top-level name of ``solutions``
    (``"rnn_backward"``) or a method ``"CaptioningRNN.loss"``. A ``:lstm`` /
    ``:rnn`` suffix (``"CaptioningRNN.loss:lstm"``) limits the diagnosis to that
    graded variant; without it a method mistake is tried for both variants.
``edits``
    the edits, applied in order to the reference source (decorators stripped, column 0).
``hint``
    the idea of what the student most likely did, in a few words, no trailing period,
    never the corrected line or formula. Shown as ``likely mistake: <hint>`` (a
    convention: ``convention: <hint>``).
``variants``
    other edit lists with the same meaning (students write one bug several ways).

A mutant is the edited source exec'd in a *copy* of the reference module's globals (so
sub-functions are the references and nothing in ``solutions`` is modified); a method
mutant is a subclass of the reference class with the mutated method. Review an entry with
``python -c "from autograder.mistakes.base import *; print(mutant_source(find('<id>')))"``
and run ``pytest tests/test_mistakes.py`` (every mutant loses points and is diagnosed as
itself, also on a renamed and reformatted reference).

(This module is longer than most because its docstring is the catalogue's format guide.)
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import pkgutil
import textwrap
from dataclasses import dataclass

from autograder.mistakes.edits import apply_edits
from autograder.specs.base import parse

MUTANT_MODULE = "__mutant__"  # __module__ of built mutants (never looks like the reference)


@dataclass(frozen=True)
class Mistake:
    """One known mistake: an edited copy of a reference function (see module docstring)."""

    id: str
    function: str
    edits: tuple
    hint: str
    variants: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "edits", tuple(self.edits))
        object.__setattr__(self, "variants", tuple(tuple(v) for v in self.variants))
        if not self.edits or not all(self.variants):
            raise ValueError(f"mistake {self.id}: empty edits")
        object.__setattr__(self, "where", parse(self.function))

    @property
    def target(self):
        """The reference object name without the variant suffix: ``CaptioningRNN.loss``."""
        return self.where.qualname

    @property
    def is_convention(self):
        return ".convention_" in self.id

    @property
    def label(self):
        """How the message introduces the hint."""
        return "convention" if self.is_convention else "likely mistake"

    @property
    def all_edits(self):
        """Every way of writing it: ``(edits, *variants)``."""
        return (self.edits, *self.variants)

    def applies_to(self, graded):
        """True when the diagnosis of ``graded`` (a resolved name) should try this mutant."""
        w = self.where
        return w.qualname == graded.qualname and w.variant in (None, graded.variant)


def _solutions():
    return importlib.import_module("solutions")


def resolve(where):
    """Reference owner and function of a :class:`~autograder.specs.base.Target`."""
    mod = _solutions()
    if where.method:
        cls = getattr(mod, where.slot)
        return cls, cls.__dict__[where.method]
    return None, getattr(mod, where.slot)


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
    """Source of the reference ``function`` as edits see it (no decorators, column 0)."""
    _, fn = resolve(parse(function))
    return strip_decorators(inspect.getsource(_undecorated(fn)))


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


def build_function(function, edits=(), label=None, source=None):
    """Exec the (edited) reference source of ``function`` in a copy of its module globals.

    Returns the new function, or for a method a subclass of the reference class carrying
    the new method. Without edits this is an independent copy of the reference (what a
    student who wrote the reference body would submit); a bare class name
    (``"CaptioningRNN"``) copies every method that way. ``source`` replaces the reference
    source (tests build mutants of a renamed, reformatted oracle).
    """
    label = label or f"{function} copy"
    where = parse(function)
    obj = getattr(_solutions(), where.slot) if not where.method else None
    if isinstance(obj, type):
        if edits:
            raise ValueError(f"{label}: edit a method ({function}.<method>), not the class")
        methods = {
            k: build_function(f"{function}.{k}", label=f"{label}.{k}")
            for k, v in vars(obj).items()
            if callable(v) and hasattr(_undecorated(v), "__code__")
        }
        return _subclass(obj, {k: vars(m)[k] for k, m in methods.items()})
    owner, ref = resolve(where)
    raw = _undecorated(ref)
    text = source if source is not None else reference_source(function)
    if edits:
        text = apply_edits(text, edits, label)
    new = _exec(raw, text, label)
    return new if owner is None else _subclass(owner, {raw.__name__: new})


@functools.cache
def build_mutants(mistake):
    """One mutated function (or class, for ``Class.method`` mistakes) per way of writing it."""
    return tuple(
        build_function(mistake.target, edits, label=f"mutant {mistake.id}")
        for edits in mistake.all_edits
    )


def mutant_source(mistake, variant=0):
    """The edited source text, for reviewing a catalogue entry or writing a submission."""
    return apply_edits(reference_source(mistake.target), mistake.all_edits[variant], mistake.id)


@functools.cache
def all_mistakes():
    """Every mistake of every ``autograder/mistakes/<chapter>.py``, ids checked unique."""
    from autograder import mistakes as pkg

    found, seen = [], set()
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name in ("base", "edits") or info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{pkg.__name__}.{info.name}")
        for m in getattr(mod, "MISTAKES", ()):
            if m.id in seen:
                raise ValueError(f"duplicate mistake id {m.id!r} in {mod.__name__}")
            seen.add(m.id)
            found.append(m)
    return tuple(found)


def find(mistake_id):
    """The catalogue entry with this id."""
    for m in all_mistakes():
        if m.id == mistake_id:
            return m
    raise KeyError(mistake_id)
