"""Where a student's objects live: their code, their globals, whether they are the course's.

Used by :mod:`autograder.collect` on the student's side (inside the sandbox): it finds the
globals a graded function reads (the notebook namespace), puts other objects there for
the duration of a call and restores them exactly, and refuses objects that are not the
student's own code (the course's reference, imported or subclassed).
"""

import functools
import os
import sys
import types
from contextlib import contextmanager

OWN_PACKAGES = ("solutions", "autograder", "workbook")


def _package_dirs():
    dirs = []
    for pkg in OWN_PACKAGES:
        mod = sys.modules.get(pkg)
        if mod is None:
            try:
                mod = __import__(pkg)
            except ImportError:
                continue
        if getattr(mod, "__file__", None):
            dirs.append(os.path.dirname(os.path.abspath(mod.__file__)) + os.sep)
    return tuple(dirs)


def functions_of(obj):
    """The function objects behind ``obj`` (unwrapping decorators; class -> its methods)."""
    seen, todo, out = set(), [obj], []
    while todo:
        o = todo.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        if isinstance(o, type):
            for k in ("__init__", "loss", "sample"):
                m = getattr(o, k, None)
                if m is not None:
                    todo.append(m)
            continue
        if isinstance(o, (staticmethod, classmethod)):
            todo.append(o.__func__)
        if hasattr(o, "__code__"):
            out.append(o)
        w = getattr(o, "__wrapped__", None)
        if w is not None:
            todo.append(w)
    return out


def foreign_origin(obj, method=None):
    """Why ``obj`` is not the student's own code (course package), or ``None``."""
    dirs = _package_dirs()
    target = obj
    if isinstance(obj, type) and method:
        mod = (getattr(obj, "__module__", "") or "").split(".")[0]
        if mod in OWN_PACKAGES:
            return f"is the course's own {obj.__module__}.{obj.__qualname__}"
        target = getattr(obj, method, None)
        if target is None:
            return None
    for fn in functions_of(target):
        mod = (getattr(fn, "__module__", "") or "").split(".")[0]
        path = os.path.abspath(fn.__code__.co_filename)
        if mod in OWN_PACKAGES or path.startswith(dirs):
            return f"is the course's own {fn.__module__}.{fn.__qualname__}"
    return None


def globals_of(obj):
    return [fn.__globals__ for fn in functions_of(obj) if isinstance(fn, types.FunctionType)]


@contextmanager
def swapped(namespaces, mapping):
    """Put ``mapping`` into each globals dict for the duration; restore exactly after."""
    saved = []
    missing = object()
    seen = set()
    try:
        for ns in namespaces:
            if id(ns) in seen:
                continue
            seen.add(id(ns))
            for k, v in mapping.items():
                saved.append((ns, k, ns.get(k, missing)))
                ns[k] = v
        yield
    finally:
        for ns, k, old in reversed(saved):
            if old is missing:
                ns.pop(k, None)
            else:
                ns[k] = old


def course_made(namespaces, names):
    """The ``names`` whose object in ``namespaces`` is the course's code, not the student's:
    a carried chapter's stand-in that raises "do that chapter first" (``workbook.carry``; the
    grading sandbox has no earlier notebook) or a closed chapter's reference layer."""
    out = []
    for name in names:
        fn = next((ns[name] for ns in namespaces if name in ns), None)
        if fn is not None and callable(fn) and foreign_origin(fn):
            out.append(name)
    return out


def recorders(namespaces, names, called):
    """``{name: wrapper}`` of the callables ``names`` found in ``namespaces``; each wrapper
    adds its name to the set ``called`` and calls the original (what a run really used)."""
    out = {}
    for name in names:
        fn = next((ns[name] for ns in namespaces if name in ns), None)
        if not isinstance(fn, types.FunctionType):
            continue

        def wrapper(*args, _fn=fn, _name=name, **kwargs):
            called.add(_name)
            return _fn(*args, **kwargs)

        out[name] = functools.wraps(fn)(wrapper)
    return out
