"""Turn what student code returned into plain arrays, check them, compare them.

Nothing the student returns is trusted: before any arithmetic an output must be
a plain ``numpy.ndarray`` (never a subclass, whose operators could lie), a
plain Python/numpy number, or a list/tuple of those. Then, in order: shape,
dtype kind, finiteness, and finally the relative error against the reference.
Every failure is a :class:`GradingFailure` (an ``AssertionError``) whose
message is one line a student can act on.
"""

import numbers

import numpy as np

_SCALARS = (bool, int, float, np.bool_, np.float16, np.float32, np.float64, np.longdouble)
_SCALARS += (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64)


class GradingFailure(AssertionError):
    """A failed hidden check; ``str(e)`` is the one-line message shown to the student.

    ``output`` names the output it is about and ``rel_error`` says how far it was, when
    known (the typed verdict carries both).
    """

    def __init__(self, message, output=None, rel_error=None):
        super().__init__(message)
        self.output = output
        self.rel_error = rel_error


def rel_error(x, y):
    """CS231n's ``max(|x - y| / max(1e-8, |x| + |y|))`` in float64 (inputs already checked)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def _describe_type(v):
    t = type(v)
    if isinstance(v, np.ndarray):
        return f"a {t.__name__} (an ndarray subclass)"
    if isinstance(v, numbers.Number):
        return f"a {t.__name__} (a subclass of a number type)"
    return f"a {t.__module__}.{t.__qualname__}" if t.__module__ != "builtins" else f"a {t.__name__}"


def _plain_sequence(v, depth=0):
    """True when ``v`` is a (nested) list/tuple of exact scalar types."""
    if depth > 4:
        return False
    for e in v:
        if type(e) in (list, tuple):
            if not _plain_sequence(e, depth + 1):
                return False
        elif type(e) not in _SCALARS:
            return False
    return True


def to_plain(label, value):
    """``value`` as a fresh plain ndarray, or :class:`GradingFailure` naming what is wrong."""
    t = type(value)
    if t is np.ndarray:
        if value.dtype.kind not in "biuf":
            raise GradingFailure(f"{label} has dtype {value.dtype}; expected a numeric array")
        return np.array(value, copy=True)
    if t in _SCALARS:
        return np.array(value)
    if t in (list, tuple) and _plain_sequence(value):
        try:
            a = np.array(value)
        except ValueError:
            raise GradingFailure(f"{label} is a ragged {t.__name__}; expected an array") from None
        if a.dtype.kind in "biuf":
            return a
    if value is None:
        raise GradingFailure(f"{label} is None; did the function return it?")
    raise GradingFailure(
        f"{label} is {_describe_type(value)}; return a plain numpy array or number"
    )


def check_output(label, value, expected):
    """Convert and check ``value`` against the reference ``expected`` (already plain).

    Returns the plain array. Raises :class:`GradingFailure` on the first problem:
    conversion, shape, dtype kind, non-finite values.
    """
    try:
        got = to_plain(label, value)
    except GradingFailure as e:
        raise GradingFailure(str(e), output=label) from None
    if expected.ndim == 0 and got.size == 1:
        got = got.reshape(())  # a loss returned as a length-1 array is still a number
    if got.shape != expected.shape:
        what = "a scalar" if expected.ndim == 0 else f"shape {expected.shape}"
        have = "a scalar" if got.ndim == 0 else f"shape {got.shape}"
        raise GradingFailure(f"{label} has {have}, expected {what}", output=label)
    if expected.dtype.kind == "f" and got.dtype.kind != "f":
        raise GradingFailure(f"{label} has dtype {got.dtype}; expected a float array", output=label)
    if expected.dtype.kind in "iu" and got.dtype.kind not in "iu":
        raise GradingFailure(f"{label} has dtype {got.dtype}; expected integers", output=label)
    if got.dtype.kind == "f":
        bad = ~np.isfinite(got)
        if bad.any():
            nan, n = int(np.isnan(got).sum()), int(bad.sum())
            what = "NaN" if nan == n else ("inf" if nan == 0 else "NaN and inf")
            where = f"{n} of {got.size} entries" if got.ndim else "the value"
            raise GradingFailure(
                f"{label} contains {what} ({where}); non-finite values never pass", output=label
            )
    return got


def compare(label, value, expected, tol):
    """Check ``value`` and compare with ``expected`` by relative error; raise on failure.

    Integer outputs (sampled word indices) must match exactly.
    """
    got = check_output(label, value, expected)
    if expected.dtype.kind in "iub":
        wrong = int(np.sum(got != expected))
        if wrong:
            raise GradingFailure(f"{label} differs in {wrong} of {got.size} entries", output=label)
        return 0.0
    err = rel_error(got, expected)
    if not err <= tol:
        raise GradingFailure(
            f"{label} is wrong: rel_error {err:.2g} > tolerance {tol:.0e}",
            output=label,
            rel_error=err,
        )
    return err


def same_values(a, b, tol):
    """Loose, NaN-aware equality used by the diagnosis (student output vs a mutant's)."""
    try:
        a, b = to_plain("a", a), to_plain("b", b)
    except GradingFailure:
        return False
    if a.size == 1 and b.size == 1:
        a, b = a.reshape(()), b.reshape(())
    if a.shape != b.shape:
        return False
    if a.dtype.kind != "f" or b.dtype.kind != "f":
        return bool(np.array_equal(a, b))
    fa, fb = np.isfinite(a), np.isfinite(b)
    if not np.array_equal(fa, fb):
        return False
    if not np.array_equal(a[~fa], b[~fb], equal_nan=True):
        return False
    return rel_error(a[fa], b[fb]) <= tol
