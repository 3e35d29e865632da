"""Visible checks for the notebooks: print a readable verdict, then assert.

::

    check_close("next_h", next_h, expected_next_h)
    # next_h: rel_error 6.3e-09 (ok, below 1e-08)
    check_gradients({"dx": (dx, dx_num), "dWh": (dWh, dWh_num)}, tol=1e-7)
    # AssertionError: dWh: rel_error 0.41 (want below 1e-07)
"""

import numpy as np

from .gradcheck import as_float_array, rel_error


def _verdict(label, got, expected, tol):
    """Return ``(ok, line)``: one line a student understands."""
    if got is None:
        return False, f"{label} is None (did you forget to return it?)"
    try:
        got = as_float_array(label, got)
    except ValueError as e:
        return False, str(e)
    expected = as_float_array("expected", expected)
    if got.shape != expected.shape:
        return False, f"{label} has shape {got.shape}, expected {expected.shape}"
    if not np.isfinite(got).all():
        return False, f"{label} contains NaN or inf"
    err = rel_error(got, expected)
    if err < tol:
        return True, f"{label}: rel_error {err:.2g} (ok, below {tol:g})"
    return False, f"{label}: rel_error {err:.2g} (want below {tol:g})"


def check_close(label, got, expected, tol=1e-8):
    """Print ``label``'s relative error against ``expected``; assert it is below ``tol``.

    Parameters
    ----------
    label : str
        Name shown to the student, e.g. ``"next_h"``.
    got, expected : array_like, same shape
    tol : float

    Raises
    ------
    AssertionError
        One line: the error, a shape mismatch, or NaN/inf in ``got``.
    """
    ok, line = _verdict(label, got, expected, tol)
    if not ok:
        raise AssertionError(line)
    print(line)


def check_gradients(label_to_pair, tol=1e-7):
    """Print one verdict per gradient; assert all are below ``tol``.

    Parameters
    ----------
    label_to_pair : dict of str -> (analytic, numeric)
        E.g. ``{"dx": (dx, dx_num), "dWx": (dWx, dWx_num)}``.
    tol : float

    Raises
    ------
    AssertionError
        Listing every failing gradient, after all lines are printed.
    """
    failures = []
    for label, (analytic, numeric) in label_to_pair.items():
        ok, line = _verdict(label, analytic, numeric, tol)
        print(line)
        if not ok:
            failures.append(line)
    if failures:
        raise AssertionError("; ".join(failures))


def worst_entry(got, expected):
    """``(index, got, expected, rel_error)`` of the entry with the largest relative error.

    ``got`` and ``expected`` are float arrays of the same shape (checked by the caller).
    """
    got = as_float_array("got", got)
    expected = as_float_array("expected", expected)
    if got.size == 0:
        return (), 0.0, 0.0, 0.0
    err = np.abs(got - expected) / np.maximum(1e-8, np.abs(got) + np.abs(expected))
    if not np.isfinite(got).all():
        err = np.where(np.isfinite(got), err, np.inf)
    ix = np.unravel_index(int(np.argmax(err)), got.shape)
    ix = tuple(int(i) for i in ix)
    return ix, float(got[ix]), float(expected[ix]), float(err[ix])


def compare_named(named, tol=1e-7):
    """Compare named intermediates; print one line each with the worst entry when wrong.

    ::

        compare_named({"da[:, 3H:4H] (g)": (got, expected)}, tol=1e-7)
        # da[:, 3H:4H] (g): rel_error 0.52 (want below 1e-07): worst at [1, 2]:
        #     got 0.0411, expected 0.0822

    Parameters
    ----------
    named : dict of str -> (got, expected)
        Arrays of the same shape; ``expected`` from a numeric gradient or published values.
    tol : float

    Returns
    -------
    wrong : list of str
        The names whose relative error is not below ``tol`` (nothing is raised: the caller
        decides, after the whole table is printed).
    """
    wrong = []
    for label, (got, expected) in named.items():
        ok, line = _verdict(label, got, expected, tol)
        if not ok and "rel_error" in line:
            ix, g, e, _ = worst_entry(got, expected)
            line += f": worst at {list(ix)}: got {g:.6g}, expected {e:.6g}"
        print(line)
        if not ok:
            wrong.append(label)
    return wrong
