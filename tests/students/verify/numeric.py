"""Centered differences and a relative error of our own (not the course's checker)."""

import numpy as np


def num_grad(f, x, df=1.0, h=1e-5):
    """Gradient of ``sum(f(x) * df)`` at ``x`` by 4th-order centered differences on copies."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for ix in np.ndindex(x.shape):
        vals = []
        for step in (2 * h, h, -h, -2 * h):
            xp = x.copy()
            xp[ix] += step
            vals.append(np.sum(np.asarray(f(xp), dtype=np.float64) * df))
        grad[ix] = (-vals[0] + 8 * vals[1] - 8 * vals[2] + vals[3]) / (12 * h)
    return grad


def err(a, b):
    """Largest entrywise relative error, scale-aware: |a - b| / max(1e-3 * scale, |a| + |b|)
    (entries much smaller than the largest one are compared absolutely, at that scale)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise AssertionError(f"shapes differ: {a.shape} vs {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise AssertionError("non-finite values")
    if a.size == 0:
        return 0.0
    scale = max(np.max(np.abs(a)), np.max(np.abs(b)), 1e-12)
    return float(np.max(np.abs(a - b) / np.maximum(1e-3 * scale, np.abs(a) + np.abs(b))))


def close(label, got, want, tol=1e-6):
    """Assert ``got`` agrees with ``want`` (shape, finite, relative error)."""
    try:
        e = err(got, want)
    except AssertionError as x:
        raise AssertionError(f"{label}: {x}") from None
    assert e <= tol, f"{label}: relative error {e:.2e} > {tol:.0e}"


def same(label, got, want):
    """Assert integer arrays are equal."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"{label}: shape {got.shape} vs {want.shape}"
    assert np.array_equal(got, want), f"{label}: {int(np.sum(got != want))} entries differ"
