# ruff: noqa: E501 - patches quote whole lines of student code
"""Wrong answers of the gradcheck chapter, each on a style other than the oracle's."""

from students.styles import Bug

_LOOPS_STEP = """        x[index] = saved + h
        f_plus = f(x)
        x[index] = saved - h
        f_minus = f(x)
        x[index] = saved
"""
_LOOPS_COPY = """        shifted = x.copy()
        shifted[index] = saved + h
        f_plus = f(shifted)
        shifted[index] = saved - h
        f_minus = f(shifted)
"""

BUGS = [
    Bug(
        "rel_error.no_max",
        "rel_error",
        "helpers",
        patch=[("return float(np.max(diff / scale))", "return diff / scale")],
    ),
    Bug("rel_error.mean_instead_of_max", "rel_error", "basis", patch=[("np.amax(", "np.mean(")]),
    Bug("rel_error.no_abs", "rel_error", "flat", patch=[("num = np.abs(x - y)", "num = x - y")]),
    Bug(
        "rel_error.no_floor",
        "rel_error",
        "basis",
        patch=[("np.clip(np.abs(x) + np.abs(y), 1e-8, None)", "(np.abs(x) + np.abs(y))")],
    ),
    Bug(
        "eval_numerical_gradient.forward_difference",
        "eval_numerical_gradient",
        "loops",
        patch=[
            ("x[index] = saved - h\n        f_minus", "x[index] = saved\n        f_minus"),
            ("(f_plus - f_minus) / (2 * h)", "(f_plus - f_minus) / h"),
        ],
    ),
    Bug(
        "eval_numerical_gradient.divides_by_h",
        "eval_numerical_gradient",
        "flat",
        patch=[("(up - down) / (2 * h)", "(up - down) / h")],
    ),
    Bug(
        "eval_numerical_gradient.not_restored",
        "eval_numerical_gradient",
        "loops",
        patch=[("        x[index] = saved\n", "")],
    ),
    Bug(
        "eval_numerical_gradient.minus_from_plus",
        "eval_numerical_gradient",
        "flat",
        patch=[("x.flat[i] -= 2 * h", "x.flat[i] -= h")],
    ),
    Bug(
        "eval_numerical_gradient.perturbs_a_copy",
        "eval_numerical_gradient",
        "loops",
        patch=[(_LOOPS_STEP, _LOOPS_COPY)],
    ),
    Bug(
        "eval_numerical_gradient_array.forward_difference",
        "eval_numerical_gradient_array",
        "flat",
        patch=[
            ("x.flat[i] -= 2 * h\n        down", "x.flat[i] = old\n        down"),
            ("((up - down) * df).sum() / (2 * h)", "((up - down) * df).sum() / h"),
        ],
    ),
    Bug(
        "eval_numerical_gradient_array.no_df",
        "eval_numerical_gradient_array",
        "helpers",
        patch=[("np.vdot(plus - minus, df)", "np.sum(plus - minus)")],
    ),
    Bug(
        "eval_numerical_gradient_array.divides_by_h",
        "eval_numerical_gradient_array",
        "loops",
        patch=[("grad[index] = total / (2 * h)", "grad[index] = total / h")],
    ),
    Bug(
        "eval_numerical_gradient_array.not_restored",
        "eval_numerical_gradient_array",
        "basis",
        patch=[("        x += e\n        e[ix] = 0.0\n", "        e[ix] = 0.0\n")],
    ),
    Bug(
        "finite_difference_errors.forward_difference",
        "finite_difference_errors",
        "loops",
        patch=[("(f(x + h) - f(x - h)) / (2 * h)", "(f(x + h) - f(x)) / h")],
    ),
    Bug(
        "finite_difference_errors.signed",
        "finite_difference_errors",
        "basis",
        patch=[("np.abs((fp - fm) / (2 * hs) - exact)", "((fp - fm) / (2 * hs) - exact)")],
    ),
    Bug(
        "finite_difference_errors.relative",
        "finite_difference_errors",
        "helpers",
        patch=[("(2 * h) - exact)", "(2 * h) - exact) / math.fabs(exact)")],
    ),
    # Python 2 era code: CS231n's gradient_check.py before 2017 printed with a statement
    Bug(
        "python2.print",
        "eval_numerical_gradient",
        "cs231n",
        patch=[("print(ix, grad[ix])", "print ix, grad[ix]")],
        about="CS231n's Python 2 gradient_check.py: print statement",
    ),
    Bug(
        "python2.xrange",
        "finite_difference_errors",
        "loops",
        patch=[("for k in range(len(hs)):", "for k in xrange(len(hs)):")],
    ),
    Bug(
        "python2.np_float",
        "eval_numerical_gradient_array",
        "loops",
        patch=[("dtype=x.dtype)", "dtype=np.float)")],
    ),
]
