"""Where an output is wrong: which time steps, which gate blocks, the worst entry.

The first tier of a failing message (the symptom) after "dx is wrong: rel_error ...";
the idea (the catalogue's hint) comes after it. A spec declares what its axes mean
(``Spec.axes``: ``"NTD"``, ``T`` the time axis; ``"DG"``, ``G`` the LSTM's 4H axis of
blocks i, f, o, g), so this needs no knowledge of any function.
"""

import numpy as np

GATES = "ifog"


def _errors(got, expected):
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    return np.abs(got - expected) / np.maximum(1e-8, np.abs(got) + np.abs(expected))


def _spans(indices):
    """``[0, 1, 2, 4]`` -> ``"0-2, 4"``."""
    out, start = [], None
    for k, i in enumerate(indices):
        if start is None:
            start = i
        if k + 1 == len(indices) or indices[k + 1] != i + 1:
            out.append(f"{start}" if start == i else f"{start}-{i}")
            start = None
    return ", ".join(out)


def _time(bad, axis):
    steps = bad.any(axis=tuple(a for a in range(bad.ndim) if a != axis))
    T, wrong = len(steps), [int(t) for t in np.flatnonzero(steps)]
    if len(wrong) == T:
        return "at every time step" if T > 1 else None
    right = [t for t in range(T) if t not in wrong]
    return f"at time steps t = {_spans(wrong)} of 0-{T - 1} (right at t = {_spans(right)})"


def _gates(bad, axis):
    H = bad.shape[axis] // 4
    if H == 0 or bad.shape[axis] % 4:
        return None
    blocks = np.moveaxis(bad, axis, -1).reshape(-1, 4, H).any(axis=(0, 2))
    wrong = [GATES[k] for k in range(4) if blocks[k]]
    if len(wrong) == 4:
        return "in all four gate blocks"
    right = [GATES[k] for k in range(4) if not blocks[k]]
    what = "block" if len(wrong) == 1 else "blocks"
    return f"in gate {what} {', '.join(wrong)} of the 4H axis ({', '.join(right)} right)"


def gate_blocks(axes, got, expected, tol):
    """``"in gate block g of the 4H axis (i, f, o right)"`` for an output with a gate axis."""
    got, expected = np.asarray(got), np.asarray(expected)
    if not axes or "G" not in axes or got.shape != expected.shape or len(axes) != got.ndim:
        return None
    bad = _errors(got, expected) > tol
    return _gates(bad, axes.index("G")) if bad.any() else None


def where(axes, got, expected, tol):
    """``"at time steps t = 0-2 of 0-3 (right at t = 3); worst at [1, 0, 2]"`` or ``None``."""
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape or got.size < 2 or not np.isfinite(got).all():
        return None
    err = _errors(got, expected)
    bad = err > tol
    if not bad.any():
        return None
    parts = []
    if axes and len(axes) == got.ndim:
        for axis, role in enumerate(axes):
            text = _time(bad, axis) if role == "T" else _gates(bad, axis) if role == "G" else None
            if text:
                parts.append(text)
    worst = np.unravel_index(int(np.argmax(err)), err.shape)
    parts.append(f"worst at [{', '.join(str(int(i)) for i in worst)}]")
    return "; ".join(parts)
