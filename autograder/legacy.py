"""One-line help for students on old code: Python 2 syntax and names NumPy 2 removed.

:func:`explain` reads an error message ("NameError: name 'xrange' is not defined",
"module 'numpy' has no attribute 'float'", "Missing parentheses in call to 'print'") and
says what to change, or returns ``None``. It is appended where the failure surfaces: the
grade cell's message.
"""

import re

NUMPY_REMOVED = {  # removed in NumPy 1.24 (the builtin aliases) and 2.0
    "float": "float (or np.float64)",
    "int": "int (or np.int64)",
    "bool": "bool (or np.bool_)",
    "object": "object",
    "complex": "complex (or np.complex128)",
    "str": "str",
    "long": "int",
    "unicode": "str",
    "float_": "np.float64",
    "complex_": "np.complex128",
    "NaN": "np.nan",
    "NAN": "np.nan",
    "Inf": "np.inf",
    "Infinity": "np.inf",
    "infty": "np.inf",
    "PINF": "np.inf",
    "NINF": "-np.inf",
    "product": "np.prod",
    "cumproduct": "np.cumprod",
    "alltrue": "np.all",
    "sometrue": "np.any",
    "asscalar": "a.item()",
    "round_": "np.round",
    "in1d": "np.isin",
    "row_stack": "np.vstack",
    "trapz": "np.trapezoid",
    "mat": "np.asarray",
    "int0": "np.intp",
    "bool8": "np.bool_",
}
PYTHON2_NAMES = {
    "xrange": "range",
    "raw_input": "input",
    "unicode": "str",
    "basestring": "str",
    "long": "int",
    "unichr": "chr",
    "reduce": "functools.reduce (import it)",
    "izip": "zip",
    "imap": "map",
    "cPickle": "pickle",
    "execfile": "exec(open(path).read())",
}
PYTHON2_METHODS = {
    "iteritems": "items()",
    "itervalues": "values()",
    "iterkeys": "keys()",
    "has_key": "the in operator",
}
_RULES = [
    (
        re.compile(r"module 'numpy' has no attribute '(\w+)'"),
        lambda m: (
            NUMPY_REMOVED.get(m[1])
            and f"np.{m[1]} was removed from NumPy; use {NUMPY_REMOVED[m[1]]}"
        ),
    ),
    (
        re.compile(r"name '(\w+)' is not defined"),
        lambda m: PYTHON2_NAMES.get(m[1]) and f"{m[1]} is Python 2; use {PYTHON2_NAMES[m[1]]}",
    ),
    (
        re.compile(r"has no attribute '(\w+)'"),
        lambda m: (
            PYTHON2_METHODS.get(m[1]) and f".{m[1]}() is Python 2; use {PYTHON2_METHODS[m[1]]}"
        ),
    ),
    (
        re.compile(r"Missing parentheses in call to 'print'"),
        lambda m: "print x is Python 2 syntax; call print(x)",
    ),
    (
        re.compile(r"multiple exception types must be parenthesized"),
        lambda m: "except E, e: is Python 2 syntax; write except E as e:",
    ),
    (
        re.compile(r"inconsistent use of tabs and spaces"),
        lambda m: "Python 3 does not mix tabs and spaces in one block; indent with spaces",
    ),
]


def explain(message):
    """What to change when ``message`` comes from Python 2 or NumPy 1 code, else ``None``."""
    for pattern, say in _RULES:
        m = pattern.search(message or "")
        if m and (text := say(m)):
            return text
    return None


def undefined(message, failed):
    """Why a name a grade cell needs is undefined: the earlier cell defining it failed.

    ``failed`` lists ``(cell number, source, "Ename: evalue")`` of the code cells that
    raised before; returns a note for ``message`` ("NameError: name 'f' is not defined")
    or ``None``.
    """
    m = re.search(r"name '(\w+)' is not defined", message or "")
    if not m:
        return None
    for number, source, error in reversed(failed):
        if re.search(rf"^\s*(def|class)\s+{m[1]}\b", source, re.M):
            help_ = explain(error)
            old = f" — old code: {help_}" if help_ else ""
            return f"cell {number}, which defines {m[1]}, did not run: {error}{old}"
    return None
