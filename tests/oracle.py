"""Independent checking helpers for the reference tests (not the course's own tools).

The reference functions are compared against these, never against ``workbook``: a bug
shared by the course tools and the references could not hide that way.
"""

import json
from pathlib import Path

import numpy as np

REFERENCE = Path(__file__).parent / "fixtures" / "reference" / "cs231n_published_values.json"


def rel_error(x, y):
    """CS231n's relative error (max over entries)."""
    return np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y)))


def num_grad(f, x, df=1.0, h=1e-3):
    """Gradient of ``sum(f(x) * df)`` by 6th-order centered differences (``x`` is copied).

    Differences are taken entrywise before the weighted sum, so outputs that a
    perturbation leaves unchanged contribute exactly zero. Truncation error O(h^6) is
    negligible at h = 1e-3, so round-off (about 1e-16 * |f| / h) is all that is left.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        diffs = []
        for k in (1, 2, 3):
            x[ix] = old + k * h
            plus = np.array(f(x), dtype=np.float64)
            x[ix] = old - k * h
            diffs.append(plus - f(x))
        x[ix] = old
        grad[ix] = np.sum((45 * diffs[0] - 9 * diffs[1] + diffs[2]) * df) / (60 * h)
    return grad


def reference_check(check_id):
    """The entry ``check_id`` of CS231n's published values (tests/fixtures/reference)."""
    checks = json.loads(REFERENCE.read_text())["checks"]
    return next(c for c in checks if c["id"] == check_id)


def linspace_inputs(check):
    """The ``np.linspace`` inputs of a published check (reshape entries like ``"4*H"``)."""
    dims = {k: v for k, v in check["inputs"].items() if isinstance(v, int)}
    out = {}
    for name, spec in check["inputs"].items():
        if isinstance(spec, dict) and spec.get("fn") == "np.linspace":
            a = np.linspace(spec["start"], spec["stop"], num=spec["num_value"])
            if "reshape" in spec:
                shape = [
                    int(np.prod([int(dims.get(s, s)) for s in str(d).split("*")]))
                    for d in spec["reshape"]
                ]
                a = a.reshape(shape)
            out[name] = a
    return out
