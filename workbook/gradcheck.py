"""Gradient-checking tools shared by the notebooks and the autograder.

``rel_error`` is CS231n's formula behind a guard: both inputs become plain
float arrays, shapes must match, and NaN or inf never passes (it returns
``inf``, and ``inf < tol`` is False). ``directional_check`` is the cheap
randomized check for when a full numeric gradient is too slow.

The numeric derivatives (``eval_numerical_gradient``, ``eval_numerical_gradient_array``,
``finite_difference_errors``) are the gradcheck chapter's exercises, so what students
receive does not contain them: they are looked up on first use, from :mod:`workbook.numgrad`
where it exists (the course repository, never a release or the grading sandbox), else from
the student's own gradcheck notebook (:mod:`workbook.carry`). ``grad_check_sparse`` (CS231n's
check of a few random entries) is built on that ``eval_numerical_gradient``.
"""

import importlib
from pathlib import Path

import numpy as np

NUMERIC = ("eval_numerical_gradient", "eval_numerical_gradient_array", "finite_difference_errors")


def __getattr__(name):
    """Resolve the numeric derivatives lazily (PEP 562): ``from workbook.gradcheck import ...``."""
    if name not in NUMERIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if not Path(__file__).with_name("numgrad.py").is_file():  # what students receive
        from .carry import answer

        return answer("gradcheck", name)  # their own answer, read afresh each time
    value = getattr(importlib.import_module(".numgrad", __package__), name)
    globals()[name] = value
    return value


def _perturbable(x):
    """Refuse arrays whose in-place perturbation would be lost or truncated."""
    if type(x) is not np.ndarray or x.dtype.kind != "f":
        kind = type(x).__name__ if type(x) is not np.ndarray else f"dtype {x.dtype}"
        raise ValueError(f"x must be a float ndarray (it is perturbed in place), got {kind}")


def as_float_array(name, a):
    """``a`` as a plain float64 ndarray; ``ValueError`` if it is not numeric.

    ndarray subclasses become plain arrays, so their operators never run.
    """
    try:
        a = np.asarray(a)  # never a subclass
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name} is not a numeric array ({type(a).__name__})") from e
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be numeric, got dtype {a.dtype}")
    return np.array(a, dtype=np.float64)


def _same_shape(name, a, x):
    a = as_float_array(name, a)
    if a.shape != x.shape:
        raise ValueError(f"{name} must have the shape of x {x.shape}, got {a.shape}")
    return a


def rel_error(x, y):
    """Maximum relative error ``max(|x - y| / max(1e-8, |x| + |y|))``.

    Parameters
    ----------
    x, y : array_like or scalar, same shape
        Numeric values (bool, int or float; anything else raises ``ValueError``).

    Returns
    -------
    float
        The error; ``inf`` if either input holds NaN or inf; 0.0 when empty.

    Raises
    ------
    ValueError
        ``"shapes differ: got (3, 4) vs (4, 3)"`` or a non-numeric input.
    """
    x, y = as_float_array("x", x), as_float_array("y", y)
    if x.shape != y.shape:
        raise ValueError(f"shapes differ: got {x.shape} vs {y.shape}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        return float("inf")
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def directional_check(f, x, analytic_grad, df=None, num_directions=3, h=1e-5, seed=None):
    """Randomized check of a gradient along a few random unit directions ``u``.

    Compares ``<analytic_grad, u>`` with ``(F(x + h u) - F(x - h u)) / (2 h)``, where
    ``F = f`` for a scalar ``f`` and ``F = sum(f * df)`` for an array ``f`` with
    upstream gradient ``df`` (the numeric ``vᵀ J u`` with ``v = df``). Costs 2
    evaluations of ``f`` per direction instead of 2 per entry of ``x``: use it when
    a full numeric gradient is too slow. A wrong gradient shows up in almost every
    direction, but an error in one entry is measured against the whole gradient
    (relative error about ``|error| / ||g||``), so errors in tiny entries can hide:
    use a tolerance near ``1e-7`` (float64) and a full check on small inputs.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` or ``ndarray`` shaped like ``df``; ``x`` is perturbed in
        place (restored afterwards), so ``f`` may ignore its argument.
    x : (...) float ndarray
    analytic_grad : ndarray, shape of ``x``
    df : ndarray, shape of ``f(x)``, optional
    num_directions, h, seed : int, float, int or None
        ``seed`` seeds a private ``numpy.random.Generator``.

    Returns
    -------
    float
        Maximum relative error over the directions (``inf`` if anything is non-finite).
    """
    _perturbable(x)
    grad = _same_shape("analytic_grad", analytic_grad, x)
    rng = np.random.default_rng(seed)
    x0 = x.copy()

    def F(v):
        out = np.asarray(f(v), dtype=np.float64)
        if df is None and out.size != 1:
            raise ValueError(f"f returned shape {out.shape}: pass its upstream gradient df")
        return float(np.sum(out if df is None else out * df))

    worst = 0.0
    for _ in range(num_directions):
        u = rng.standard_normal(x.shape)
        u /= np.linalg.norm(u)
        xp, xm = (x0 + h * u).astype(x.dtype), (x0 - h * u).astype(x.dtype)
        try:
            x[...] = xp
            fp = F(x)
            x[...] = xm
            fm = F(x)
        finally:
            x[...] = x0  # restore exactly
        step = xp.astype(np.float64) - xm  # the step actually taken, ~2 h u after rounding
        worst = max(worst, rel_error(np.sum(grad * step), fp - fm))
    return worst


def grad_check_sparse(f, x, analytic_grad, num_checks=10, h=1e-5, seed=None):
    """Compare ``num_checks`` random entries of ``analytic_grad`` with numeric ones.

    Each numeric entry is ``eval_numerical_gradient`` (the gradcheck chapter's, yours in a
    release) of ``f`` seen as a function of that one entry of ``x``: two evaluations of
    ``f`` per entry, in the dtype of ``x`` (float32 shows its round-off here).

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; ``x`` is perturbed in place and restored.
    x : (...) float ndarray
    analytic_grad : ndarray, shape of ``x``
    num_checks, h, seed : int, float, int or None
        Seed of a private ``numpy.random.Generator`` (the global RNG is untouched).

    Returns
    -------
    errors : list of float
        Relative error of each checked entry (also printed, like CS231n).
    """
    _perturbable(x)
    analytic_grad = _same_shape("analytic_grad", analytic_grad, x)
    numeric = __getattr__("eval_numerical_gradient")
    rng = np.random.default_rng(seed)
    errors = []
    for _ in range(num_checks):
        ix = tuple(int(rng.integers(m)) for m in x.shape)
        old = x[ix]

        def along(t, ix=ix, old=old):  # f as a function of the entry x[ix] alone
            x[ix] = t[0]
            try:
                return f(x)
            finally:
                x[ix] = old

        point = np.array([old], dtype=x.dtype)
        grad_numerical = float(np.asarray(numeric(along, point, verbose=False, h=h))[0])
        grad_analytic = float(analytic_grad[ix])
        err = rel_error(grad_numerical, grad_analytic)
        print(f"numerical: {grad_numerical:f} analytic: {grad_analytic:f}, relative error: {err:e}")
        errors.append(err)
    return errors
