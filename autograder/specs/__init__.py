"""Hidden-test specs, one module per chapter; :func:`get` finds a graded name's spec."""

import importlib

from autograder.course import load as _manifest

CHAPTERS = _manifest().ids  # course.toml


def all_specs():
    """``{graded name: (chapter, Spec)}`` over every chapter."""
    out = {}
    for chapter in CHAPTERS:
        mod = importlib.import_module(f"{__name__}.{chapter}")
        for name, spec in mod.SPECS.items():
            out[name] = (chapter, spec)
    return out


_CACHE = {}


def get(name):
    """The :class:`~autograder.specs.base.Spec` of ``name``; ``KeyError`` lists valid names."""
    if not _CACHE:
        _CACHE.update(all_specs())
    try:
        return _CACHE[name][1]
    except KeyError:
        raise KeyError(f"no hidden-test spec named {name!r}; known: {sorted(_CACHE)}") from None
