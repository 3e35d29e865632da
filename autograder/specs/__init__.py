"""Hidden-test specs, one module per chapter; :func:`resolve` turns a graded name into the
:class:`~autograder.specs.base.Graded` object every later step receives."""

import importlib

from autograder.course import load as _manifest
from autograder.specs.base import Graded, parse

CHAPTERS = _manifest().ids  # course.toml

_CACHE = {}


def all_graded():
    """``{graded name: Graded}`` over every chapter, in chapter and spec order."""
    if not _CACHE:
        for chapter in CHAPTERS:
            mod = importlib.import_module(f"{__name__}.{chapter}")
            for name, spec in mod.SPECS.items():
                _CACHE[name] = Graded(name, parse(name), chapter, spec)
    return _CACHE


def all_specs():
    """``{graded name: (chapter, Spec)}`` over every chapter."""
    return {n: (g.chapter, g.spec) for n, g in all_graded().items()}


def resolve(name):
    """The :class:`Graded` of ``name`` (a ``Graded`` passes through); ``KeyError`` lists the
    valid names."""
    if isinstance(name, Graded):
        return name
    graded = all_graded()
    try:
        return graded[name]
    except KeyError:
        raise KeyError(f"no hidden-test spec named {name!r}; known: {sorted(graded)}") from None


def get(name):
    """The :class:`~autograder.specs.base.Spec` of ``name``."""
    return resolve(name).spec
