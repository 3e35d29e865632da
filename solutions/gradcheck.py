"""Reference answers of the gradcheck chapter.

Students write ``rel_error`` (the plain CS231n formula), the two numeric
gradients and the truncation-vs-round-off errors. The shared checking tools in
:mod:`workbook.gradcheck` *are* the reference for the numeric parts, so each
function is written once; the hardened ``rel_error`` (shape, dtype and
finiteness checked first) is :func:`workbook.gradcheck.rel_error`.
"""

import numpy as np

from solutions._validate import validated
from workbook.gradcheck import (
    eval_numerical_gradient,
    eval_numerical_gradient_array,
    finite_difference_errors,
)

__all__ = [
    "eval_numerical_gradient",
    "eval_numerical_gradient_array",
    "finite_difference_errors",
    "rel_error",
]


@validated(x=None, y=None)
def rel_error(x, y):
    """Maximum relative error between ``x`` and ``y`` (CS231n's formula).

    Parameters
    ----------
    x, y : ndarray, same shape
        (this plain formula would broadcast other shapes silently; the workbook's
        :func:`workbook.gradcheck.rel_error` raises instead)

    Returns
    -------
    float
        ``max(|x - y| / max(1e-8, |x| + |y|))``; the ``1e-8`` floor keeps
        ``0 / 0`` out when both entries are zero.
    """
    return np.max(np.abs(x - y) / (np.maximum(1e-8, np.abs(x) + np.abs(y))))
