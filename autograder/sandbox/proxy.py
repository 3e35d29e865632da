"""Reference-proxy requests from the sandbox, bounded before the grader runs anything.

While a grade cell runs, student code may call the reference sub-functions that the
*running* spec swaps in (``Spec.swap``), through the grader. :class:`CellProxy` keeps
that promise narrow and cheap for the grader:

* names: only the swap names of the graded name being collected now. The cell's graded
  names come from its restored source (the grader's, in order); the running one is the
  first whose ``collected`` outputs have not arrived yet;
* size: a request holds at most ``Limits.proxy_elements`` numbers (array elements,
  scalars, container items, string characters; honest requests hold fewer than 500, see
  ``tests/test_security_wire.py``) and no integer beyond ``Limits.proxy_int``, so a tiny
  table indexed by a huge array is refused before anything is allocated: the reference
  layers' outputs are at most quadratic in their inputs;
* time and count: at most ``Limits.proxy_calls`` calls and ``Limits.proxy_seconds`` of
  grader time per cell; at most ``Limits.proxy_objects`` opaque objects per notebook.

A refused call comes back to the student's code as an exception with a one-line reason.
"""

import time

import numpy as np

from autograder import specs


class Refused(Exception):
    """A proxy request the grader does not serve (the message goes back to the sandbox)."""


def _swap(name):
    try:
        return set(specs.get(name).swap)
    except KeyError:
        return set()


def elements(value, limit, max_int, depth=0):
    """How many numbers ``value`` holds (raises :class:`Refused` past ``limit``)."""
    if depth > 16:
        raise Refused("the arguments are nested too deeply")
    t = type(value)
    if t is np.ndarray:
        return value.size
    if t is int:
        if abs(value) > max_int:
            raise Refused(f"an integer argument is beyond {max_int}")
        return 1
    if t is str:
        return len(value)
    if t in (list, tuple, dict):
        items = value.values() if t is dict else value
        n = len(value)
        for v in items:
            n += elements(v, limit, max_int, depth + 1)
            if n > limit:
                break
        return n
    return 1


class CellProxy:
    """The reference calls one cell may make; ``names``: its graded names, in order."""

    def __init__(self, names, limits, fixed=None):
        self.names, self.limits = list(names), limits
        self.seen = set()
        self.fixed = fixed  # an explicit set of allowed names (older callers)
        self.calls, self.seconds = 0, 0.0

    @property
    def running(self):
        return next((n for n in self.names if n not in self.seen), None)

    def allowed(self):
        if self.fixed is not None:
            return set(self.fixed)
        return _swap(self.running) if self.running else set()

    def collected(self, name):
        """``True`` when ``name`` is one of this cell's graded names not seen before."""
        if name in self.names and name not in self.seen:
            self.seen.add(name)
            return True
        return False

    def check(self, fn, args, kwargs):
        """Raise :class:`Refused` unless ``fn(*args, **kwargs)`` may be served now."""
        if fn not in self.allowed():
            raise Refused(f"{fn} is not available here")
        lim = self.limits
        if self.calls >= lim.proxy_calls or self.seconds >= lim.proxy_seconds:
            raise Refused("too many reference calls in this cell")
        n = elements([args, kwargs], lim.proxy_elements, lim.proxy_int)
        if n > lim.proxy_elements:
            raise Refused(
                f"{fn}: arguments too large (limit {lim.proxy_elements} numbers per call)"
            )
        for a in [*args, *kwargs.values()]:
            if type(a) is np.ndarray and a.ndim > 6:
                raise Refused(f"{fn}: an argument has {a.ndim} dimensions")
        self.calls += 1

    def timed(self, serve, *args):
        t0 = time.monotonic()
        try:
            return serve(*args)
        finally:
            self.seconds += time.monotonic() - t0
