"""Input validation shared by the reference functions.

Every public reference function checks its arguments here, so bad input raises
``ValueError`` naming the argument and the expected shape instead of failing
deep inside numpy (or, worse, broadcasting silently)::

    dims = {}
    x = check_float("x", x, ("N", "D"), dims)        # binds N and D
    Wx = check_float("Wx", Wx, ("D", "H"), dims)     # D must match, binds H
    # ValueError: Wx must have shape (D, H) = (10, ?), got (4, 10)

A shape entry is an int, a symbol (bound on first sight, then checked) or a multiple of a
symbol such as ``"4*H"`` (the LSTM's stacked gates).

What numpy accepts and CS231n's code relies on is accepted too, no more: an index array of
any shape where only indexing happens (``Int(None)``), a scalar where the argument is only
used elementwise and its shape is already known (``OrScalar``: ``prev_c=0``,
``dnext_c=0``), a 0/1 float mask. A real mismatch still raises, naming the argument.
"""

import functools
import inspect

import numpy as np

_FLOATS = (np.float32, np.float64)


def check_float(name, a, shape=None, dims=None):
    """Return ``a`` as a plain float32/float64 ndarray after checking its shape.

    Integer and boolean input is converted to float64; ndarray subclasses are
    converted to plain arrays (so overloaded operators never run); anything
    else (strings, objects, complex) raises ``ValueError``.
    """
    if type(a) is not np.ndarray:
        try:
            a = np.asarray(a)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{name} must be a float array, got {type(a).__name__}") from e
    if a.dtype not in _FLOATS:
        if a.dtype.kind not in "iub":
            raise ValueError(f"{name} must be float32 or float64, got dtype {a.dtype}")
        a = a.astype(np.float64)
    check_shape(name, a, shape, dims)
    return a


def check_int(name, a, shape=None, dims=None, high=None):
    """Return ``a`` as an integer ndarray (indices, labels), values in ``[0, high)``."""
    a = np.asarray(a)
    if a.dtype.kind not in "iu":
        raise ValueError(f"{name} must be an integer array, got dtype {a.dtype}")
    check_shape(name, a, shape, dims)
    if high is not None and a.size and (a.min() < 0 or a.max() >= high):
        raise ValueError(f"{name} values must lie in [0, {high}), got {a.min()}..{a.max()}")
    return a


def check_mask(name, a, shape=None, dims=None):
    """Return ``a`` as a boolean ndarray; 0/1 integers or floats are accepted."""
    a = np.asarray(a)
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be a boolean array, got dtype {a.dtype}")
    if a.dtype.kind in "iuf" and a.size and not np.isin(a, (0, 1)).all():
        raise ValueError(f"{name} must be boolean (or 0/1), got other values")
    check_shape(name, a, shape, dims)
    return a.astype(bool)


def _size(want, dims):
    """Expected size of one shape entry: an int, a symbol ``"H"`` or a multiple ``"4*H"``."""
    if not isinstance(want, str):
        return want
    if "*" in want:
        k, sym = want.split("*")
        return int(k) * dims[sym] if sym in dims else None
    return dims.get(want)


def check_shape(name, a, shape, dims=None):
    """Check ``a.shape`` against ``shape`` (ints, symbols or ``"k*SYM"``, bound in ``dims``)."""
    if shape is None:
        return
    dims = {} if dims is None else dims
    ok = a.ndim == len(shape)
    if ok:
        for got, want in zip(a.shape, shape, strict=True):
            size = _size(want, dims)
            if size is None and isinstance(want, str) and "*" in want:
                k = int(want.split("*")[0])
                ok = ok and got % k == 0  # binds SYM = got / k below
            elif size is not None:
                ok = ok and got == size
    if not ok:
        raise ValueError(f"{name} must have shape {describe(shape, dims)}, got {a.shape}")
    for got, want in zip(a.shape, shape, strict=True):
        if isinstance(want, str) and "*" in want:
            k, sym = want.split("*")
            dims.setdefault(sym, got // int(k))
        elif isinstance(want, str):
            dims.setdefault(want, got)


def describe(shape, dims):
    """Human form of a symbolic shape: ``(N, D) = (3, 10)``, ``(H, 4*H) = (5, 20)``."""
    names = ", ".join(str(s) for s in shape)
    if all(isinstance(s, int) for s in shape):
        return f"({names}{',' if len(shape) == 1 else ''})"
    sizes = ", ".join("?" if (n := _size(s, dims)) is None else str(n) for s in shape)
    tail = "," if len(shape) == 1 else ""
    return f"({names}{tail}) = ({sizes}{tail})"


class Int:
    """Spec for an integer argument: ``Int(("N", "T"), high="V")``."""

    def __init__(self, shape=None, high=None):
        self.shape, self.high = shape, high


class Mask:
    """Spec for a boolean (or 0/1) argument: ``Mask(("N", "T"))``."""

    def __init__(self, shape=None):
        self.shape = shape


class OrScalar:
    """Spec for a float array of ``shape`` that may also be given as a scalar (``prev_c=0``),
    broadcast to ``shape`` once its symbols are known: ``OrScalar(("N", "H"))``."""

    def __init__(self, shape):
        self.shape = shape


def check_or_scalar(name, a, shape, dims):
    """:func:`check_float`, with a scalar broadcast to ``shape`` when its sizes are bound."""
    a = check_float(name, a)
    sizes = [_size(s, dims) for s in shape]
    if a.ndim == 0 and None not in sizes:
        return np.full(sizes, a, dtype=a.dtype)
    check_shape(name, a, shape, dims)
    return a


def validated(**specs):
    """Decorator: check and convert the named arguments before the call.

    Each keyword names an argument; its value is a shape tuple (a float array),
    an :class:`Int` or a :class:`Mask`. Arguments are checked in keyword order,
    sharing one ``dims`` table, so symbols bind on first sight. The wrapped
    function receives plain ndarrays. The decorator line is stripped when the
    function is copied into a notebook: the function body is the lesson.
    """

    def wrap(fn):
        sig = inspect.signature(fn)

        @functools.wraps(fn)
        def checked(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            dims, ranges = {}, []
            for name, spec in specs.items():
                if name not in bound.arguments:
                    continue
                a = bound.arguments[name]
                if isinstance(spec, Int):
                    a = check_int(name, a, spec.shape, dims)
                    if spec.high is not None:
                        ranges.append((name, a, spec.high))
                elif isinstance(spec, Mask):
                    a = check_mask(name, a, spec.shape, dims)
                elif isinstance(spec, OrScalar):
                    a = check_or_scalar(name, a, spec.shape, dims)
                else:
                    a = check_float(name, a, spec, dims)
                bound.arguments[name] = a
            for name, a, high in ranges:
                high = dims.get(high, high)
                if a.size and (a.min() < 0 or a.max() >= high):
                    raise ValueError(
                        f"{name} values must lie in [0, {high}), got {a.min()}..{a.max()}"
                    )
            return fn(*bound.args, **bound.kwargs)

        checked.__wrapped__ = fn
        return checked

    return wrap
