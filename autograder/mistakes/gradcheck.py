"""Known mistakes of the gradcheck chapter (format: :mod:`autograder.mistakes.base`).

The numeric-gradient references live in :mod:`workbook.numgrad` (re-exported by
``solutions``); their edits are written against that source.
"""

from autograder.mistakes.base import Mistake
from autograder.mistakes.edits import Drop, Insert, Rhs, Swap

_REL = "np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))"
_STEP = ("x[ix] = oldval + h", "fxph = f(x)", "x[ix] = oldval - h", "fxmh = f(x)", "x[ix] = oldval")
_COPY = """xp = x.copy()
xp[ix] = oldval + h
fxph = f(xp)
xm = x.copy()
xm[ix] = oldval - h
fxmh = f(xm)"""
_CENTERED = "abs((f(x + h) - f(x - h)) / (2 * h) - exact)"

MISTAKES = [
    # rel_error: max(|x - y| / max(1e-8, |x| + |y|))
    Mistake(
        id="rel_error.no_max",
        function="rel_error",
        edits=[Swap(f"np.max({_REL})", _REL)],
        hint="the elementwise errors are returned; rel_error is their maximum (np.max)",
    ),
    Mistake(
        id="rel_error.mean_instead_of_max",
        function="rel_error",
        edits=[Swap("np.max", "np.mean")],
        hint="np.mean of the elementwise errors instead of np.max",
    ),
    Mistake(
        id="rel_error.no_abs",
        function="rel_error",
        edits=[Swap("np.abs(x - y)", "(x - y)")],
        hint="the difference has no absolute value: signed errors can cancel or hide the largest",
    ),
    Mistake(
        id="rel_error.no_floor",
        function="rel_error",
        edits=[Swap("np.maximum(1e-8, np.abs(x) + np.abs(y))", "np.abs(x) + np.abs(y)")],
        hint="no 1e-8 floor in the denominator: 0 / 0 gives NaN where both entries are 0",
    ),
    # eval_numerical_gradient: centered difference, x perturbed in place and restored
    Mistake(
        id="eval_numerical_gradient.forward_difference",
        function="eval_numerical_gradient",
        edits=[Insert("f(x)", "fx = f(x)"), Drop("f(x)"), Rhs("grad[ix]", "(fxph - fx) / h")],
        hint="a forward difference from x instead of the centered difference around x",
    ),
    Mistake(
        id="eval_numerical_gradient.divides_by_h",
        function="eval_numerical_gradient",
        edits=[Swap("2 * h", "h", within="grad[ix]")],
        hint="the centered difference is divided by h, not by the distance between its two points",
    ),
    Mistake(
        id="eval_numerical_gradient.not_restored",
        function="eval_numerical_gradient",
        edits=[Drop("x[ix] = oldval")],
        hint="x[ix] is not restored after the perturbation (x is left perturbed)",
    ),
    Mistake(
        id="eval_numerical_gradient.minus_from_plus",
        function="eval_numerical_gradient",
        edits=[Insert("x[ix] = oldval - h", "x[ix] -= h"), Drop("x[ix] = oldval - h")],
        hint="x[ix] -= h after the + h step lands back on x, not at x - h (gradient halved)",
    ),
    Mistake(
        id="eval_numerical_gradient.perturbs_a_copy",
        function="eval_numerical_gradient",
        edits=[Insert(_STEP[0], _COPY, before=True), *(Drop(s) for s in _STEP)],
        hint=(
            "a copy of x is perturbed, so an f that reads x by closure sees no change;"
            " perturb x in place and restore it"
        ),
    ),
    # eval_numerical_gradient_array: sum((f(x + h) - f(x - h)) * df) / (2 h)
    Mistake(
        id="eval_numerical_gradient_array.forward_difference",
        function="eval_numerical_gradient_array",
        edits=[Swap("oldval - h", "oldval"), Swap("2 * h", "h")],
        hint="a forward difference of f(x) and f(x + h) instead of the centered one",
    ),
    Mistake(
        id="eval_numerical_gradient_array.no_df",
        function="eval_numerical_gradient_array",
        edits=[Swap("(pos - neg) * df", "pos - neg")],
        hint="the differences are not weighted by the upstream gradient df",
    ),
    Mistake(
        id="eval_numerical_gradient_array.divides_by_h",
        function="eval_numerical_gradient_array",
        edits=[Swap("2 * h", "h")],
        hint="the weighted difference is divided by h, not by the width of the centered step",
    ),
    Mistake(
        id="eval_numerical_gradient_array.not_restored",
        function="eval_numerical_gradient_array",
        edits=[Drop("x[ix] = oldval")],
        hint="x[ix] is not restored to oldval after computing pos and neg",
    ),
    # finite_difference_errors: |centered difference - exact| per h
    Mistake(
        id="finite_difference_errors.forward_difference",
        function="finite_difference_errors",
        edits=[Swap("(f(x + h) - f(x - h)) / (2 * h)", "(f(x + h) - f(x)) / h")],
        hint="errors of the forward difference, not of the centered one",
    ),
    Mistake(
        id="finite_difference_errors.signed",
        function="finite_difference_errors",
        edits=[Swap(_CENTERED, "(f(x + h) - f(x - h)) / (2 * h) - exact")],
        hint="the error is signed; the curve plots its absolute value",
    ),
    Mistake(
        id="finite_difference_errors.relative",
        function="finite_difference_errors",
        edits=[Swap(_CENTERED, f"{_CENTERED} / abs(exact)")],
        hint="relative error (divided by the exact derivative) instead of the absolute error",
    ),
]
