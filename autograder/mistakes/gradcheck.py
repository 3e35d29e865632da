"""Known mistakes of the gradcheck chapter (format: :mod:`autograder.mistakes.base`).

The numeric-gradient references live in :mod:`workbook.numgrad` (re-exported by
``solutions``); their patches are written against that source.
"""

from autograder.mistakes.base import Mistake

_ENG_STEP = """        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        x[ix] = oldval  # restore
"""
_ENG_COPY = """        xp = x.copy()
        xp[ix] = oldval + h
        fxph = f(xp)
        xm = x.copy()
        xm[ix] = oldval - h
        fxmh = f(xm)
"""

MISTAKES = [
    # rel_error: max(|x - y| / max(1e-8, |x| + |y|))
    Mistake(
        id="rel_error.no_max",
        function="rel_error",
        patch=[("return np.max(np.abs(x - y)", "return (np.abs(x - y)")],
        hint="the elementwise errors are returned; rel_error is their maximum (np.max)",
    ),
    Mistake(
        id="rel_error.mean_instead_of_max",
        function="rel_error",
        patch=[("return np.max(np.abs(x - y)", "return np.mean(np.abs(x - y)")],
        hint="np.mean of the elementwise errors instead of np.max",
    ),
    Mistake(
        id="rel_error.no_abs",
        function="rel_error",
        patch=[("np.abs(x - y)", "(x - y)")],
        hint="|x - y| without np.abs: signed differences can cancel or hide the largest error",
    ),
    Mistake(
        id="rel_error.no_floor",
        function="rel_error",
        patch=[("(np.maximum(1e-8, np.abs(x) + np.abs(y)))", "(np.abs(x) + np.abs(y))")],
        hint="no 1e-8 floor in the denominator: 0 / 0 gives NaN where both entries are 0",
    ),
    # eval_numerical_gradient: centered difference, x perturbed in place and restored
    Mistake(
        id="eval_numerical_gradient.forward_difference",
        function="eval_numerical_gradient",
        patch=[
            ("    f(x)  # CS231n evaluates f once at x first (unused)", "    fx = f(x)"),
            ("grad[ix] = (fxph - fxmh) / (2 * h)", "grad[ix] = (fxph - fx) / h"),
        ],
        hint="forward difference (f(x + h) - f(x)) / h instead of the centered one",
    ),
    Mistake(
        id="eval_numerical_gradient.divides_by_h",
        function="eval_numerical_gradient",
        patch=[("grad[ix] = (fxph - fxmh) / (2 * h)", "grad[ix] = (fxph - fxmh) / h")],
        hint="(f(x + h) - f(x - h)) is divided by h instead of 2 * h (gradient doubled)",
    ),
    Mistake(
        id="eval_numerical_gradient.not_restored",
        function="eval_numerical_gradient",
        patch=[("        x[ix] = oldval  # restore\n", "")],
        hint="x[ix] is not restored after the perturbation (x is left at oldval - h)",
    ),
    Mistake(
        id="eval_numerical_gradient.minus_from_plus",
        function="eval_numerical_gradient",
        patch=[("x[ix] = oldval - h", "x[ix] -= h")],
        hint="x[ix] -= h after x[ix] = oldval + h evaluates f at x, not at x - h (gradient halved)",
    ),
    Mistake(
        id="eval_numerical_gradient.perturbs_a_copy",
        function="eval_numerical_gradient",
        patch=[(_ENG_STEP, _ENG_COPY)],
        hint=(
            "a copy of x is perturbed, so an f that reads x by closure sees no change;"
            " perturb x in place and restore it"
        ),
    ),
    # eval_numerical_gradient_array: sum((f(x + h) - f(x - h)) * df) / (2 h)
    Mistake(
        id="eval_numerical_gradient_array.forward_difference",
        function="eval_numerical_gradient_array",
        patch=[
            ("x[ix] = oldval - h", "x[ix] = oldval"),
            ("np.sum((pos - neg) * df) / (2 * h)", "np.sum((pos - neg) * df) / h"),
        ],
        hint="forward difference sum((f(x + h) - f(x)) * df) / h instead of the centered one",
    ),
    Mistake(
        id="eval_numerical_gradient_array.no_df",
        function="eval_numerical_gradient_array",
        patch=[("np.sum((pos - neg) * df)", "np.sum(pos - neg)")],
        hint="the differences are not weighted by the upstream gradient df (sum((pos - neg) * df))",
    ),
    Mistake(
        id="eval_numerical_gradient_array.divides_by_h",
        function="eval_numerical_gradient_array",
        patch=[("np.sum((pos - neg) * df) / (2 * h)", "np.sum((pos - neg) * df) / h")],
        hint="sum((pos - neg) * df) is divided by h instead of 2 * h (gradient doubled)",
    ),
    Mistake(
        id="eval_numerical_gradient_array.not_restored",
        function="eval_numerical_gradient_array",
        patch=[("        x[ix] = oldval  # restore\n", "")],
        hint="x[ix] is not restored to oldval after computing pos and neg",
    ),
    # finite_difference_errors: |centered difference - exact| per h
    Mistake(
        id="finite_difference_errors.forward_difference",
        function="finite_difference_errors",
        patch=[("(f(x + h) - f(x - h)) / (2 * h)", "(f(x + h) - f(x)) / h")],
        hint="errors of the forward difference (f(x + h) - f(x)) / h, not of the centered one",
    ),
    Mistake(
        id="finite_difference_errors.signed",
        function="finite_difference_errors",
        patch=[("np.array([abs(", "np.array([(")],
        hint="the error is signed; the curve plots its absolute value abs(numeric - exact)",
    ),
    Mistake(
        id="finite_difference_errors.relative",
        function="finite_difference_errors",
        patch=[("(2 * h) - exact) for h in hs]", "(2 * h) - exact) / abs(exact) for h in hs]")],
        hint="relative error |numeric - exact| / |exact| instead of the absolute error",
    ),
]
