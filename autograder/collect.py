"""Student side of grading: run a spec's cases on the student's objects, keep plain outputs.

This half never imports ``solutions``: it needs only the spec, the student's
objects and the reference sub-functions to swap in (passed by the caller). Its
result, :class:`Collected`, holds nothing but plain arrays and strings, so it
can be produced in a sandboxed process and judged elsewhere
(:mod:`autograder.grader`).
"""

import os
import sys
import types
import warnings
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from autograder import specs
from autograder.outputs import GradingFailure, to_plain

SEED = 231_2025
_OWN_PACKAGES = ("solutions", "autograder", "workbook")


def case_rng(name, index):
    """The generator of hidden case ``index`` of ``name`` (same on both sides)."""
    return np.random.default_rng([SEED, zlib.crc32(name.encode()), index])


@dataclass
class Collected:
    """Outputs of the student's code: ``cases[i][label]`` is a plain ndarray or, when the
    value could not be accepted, the one-line reason (str). ``error`` (with ``error_case``)
    is set when the code raised or could not be graded at all."""

    name: str
    cases: list = field(default_factory=list)
    error: str | None = None
    error_case: int = -1  # -1: before any case ran (nothing was callable)

    def to_wire(self):
        """Plain data for the sandbox wire (:mod:`autograder.sandbox.wire`)."""
        return {
            "t": "collected",
            "name": self.name,
            "cases": self.cases,
            "error": self.error,
            "error_case": self.error_case,
        }

    @classmethod
    def from_wire(cls, msg, max_cases, clip=lambda s: s):
        """Rebuild from an *untrusted* wire message: anything that is not a plain numeric
        array or a string becomes a one-line reason; at most ``max_cases`` cases are kept;
        ``clip`` shortens every string (the sandbox chooses their length)."""
        name = msg.get("name")
        out = cls(name if isinstance(name, str) else "")
        cases = msg.get("cases") if type(msg.get("cases")) is list else []
        for case in cases[:max_cases]:
            if type(case) is not dict:
                out.cases.append({})
                continue
            clean = {}
            for label, value in case.items():
                if type(value) is np.ndarray and value.dtype.kind in "biuf":
                    clean[str(label)] = value
                elif isinstance(value, str):
                    clean[str(label)] = clip(value)
                else:
                    clean[str(label)] = f"{label} could not be read back from your notebook"
            out.cases.append(clean)
        err = msg.get("error")
        out.error = clip(err) if isinstance(err, str) else None
        ec = msg.get("error_case")
        out.error_case = ec if type(ec) is int else 0
        return out


def _package_dirs():
    dirs = []
    for pkg in _OWN_PACKAGES:
        mod = sys.modules.get(pkg)
        if mod is None:
            try:
                mod = __import__(pkg)
            except ImportError:
                continue
        if getattr(mod, "__file__", None):
            dirs.append(os.path.dirname(os.path.abspath(mod.__file__)) + os.sep)
    return tuple(dirs)


def _functions_of(obj):
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
        if mod in _OWN_PACKAGES:
            return f"is the course's own {obj.__module__}.{obj.__qualname__}"
        target = getattr(obj, method, None)
        if target is None:
            return None
    for fn in _functions_of(target):
        mod = (getattr(fn, "__module__", "") or "").split(".")[0]
        path = os.path.abspath(fn.__code__.co_filename)
        if mod in _OWN_PACKAGES or path.startswith(dirs):
            return f"is the course's own {fn.__module__}.{fn.__qualname__}"
    return None


def _globals_of(obj):
    return [fn.__globals__ for fn in _functions_of(obj) if isinstance(fn, types.FunctionType)]


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


@contextmanager
def quiet():
    """No warnings, no floating-point traps: grades never depend on those settings."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def _where(tb, codes):
    """Name of the innermost student function in traceback ``tb`` (same file as theirs)."""
    name = None
    files = {c.co_filename for c in codes}
    while tb is not None:
        code = tb.tb_frame.f_code
        if code in codes or (code.co_filename in files and code.co_name != "<module>"):
            name = tb.tb_frame.f_code.co_name
        tb = tb.tb_next
    return name


def one_line(e):
    msg = str(e).strip().splitlines()
    text = f"{type(e).__name__}: {msg[0]}" if msg else type(e).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def raised(e):
    """How a case that raised ``e`` is reported (a :class:`GradingFailure` says it all)."""
    return str(e) if isinstance(e, GradingFailure) else f"raised {one_line(e)}"


def student_impl(graded, obj, namespace=None):
    """``impl`` namespace for the student: ``obj`` in its slot, partners from its globals."""
    name, slot = graded.name, graded.slot
    why = foreign_origin(obj, graded.method)
    if why:
        raise GradingFailure(f"{name}: your {slot} {why}, not your own code; scored 0")
    if namespace is None:
        gl = _globals_of(obj)
        namespace = gl[0] if gl else {}
    impl = {slot: obj}
    for partner in graded.spec.uses:
        if partner == slot:
            continue
        other = namespace.get(partner)
        if other is None:
            raise GradingFailure(f"{name}: needs your {partner}, which is not defined")
        why = foreign_origin(other)
        if why:
            raise GradingFailure(f"{name}: your {partner} {why}, not your own code; scored 0")
        impl[partner] = other
    return types.SimpleNamespace(**impl)


def collect(name, obj, swap_in, namespace=None):
    """Run every hidden case of ``name`` (a graded name or its resolved object) on ``obj``.

    ``swap_in`` maps sub-function names to the objects (references) put into the
    student's globals during each call. Never raises for student faults: they
    land in ``Collected.error``.
    """
    graded = specs.resolve(name)
    spec, name = graded.spec, graded.name
    result = Collected(name)
    try:
        impl = student_impl(graded, obj, namespace)
    except GradingFailure as e:
        result.error = str(e)  # already names the graded function
        return result
    mine = [v for v in vars(impl).values()]
    namespaces = [g for v in mine for g in _globals_of(v)]
    codes = {fn.__code__ for v in mine for fn in _functions_of(v)}
    state = np.random.get_state()  # noqa: NPY002 - restored: grading leaves it untouched
    try:
        for i in range(spec.cases):
            try:
                with swapped(namespaces, swap_in), quiet():
                    raw = spec.case(case_rng(name, i), impl)
            except Exception as e:  # the student's code failed: one line, not a traceback
                where = _where(e.__traceback__, codes)
                where = f" in your {where}" if where else ""
                result.error, result.error_case = f"{raised(e)}{where}", i
                return result
            outputs = {}
            for label, value in raw.items():
                try:
                    outputs[label] = to_plain(label, value)
                except GradingFailure as e:
                    outputs[label] = str(e)
            result.cases.append(outputs)
    finally:
        np.random.set_state(state)  # noqa: NPY002
    return result
