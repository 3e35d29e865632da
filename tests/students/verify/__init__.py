"""Is a student's code correct? Decided here, without the grader and without ``solutions``.

Every graded name has a check in one of the chapter modules, registered with :func:`check`:
``numeric`` compares the student's backward pass with centered differences of the student's
*own* forward pass (:mod:`.numeric`, written here) and forward passes with the definitions
written out in numpy; ``autograd`` (optional) compares with the same computation in PyTorch
(:mod:`.torch_ref`). Both draw their inputs from their own generators, including scores with
a large common offset and moderate spread (where a max-shifted softmax is exact).
"""

import importlib
import pkgutil

CHECKS = {}  # graded name -> {"numeric": fn(ns, rng), "autograd": fn(ns, rng)}


def check(name, kind):
    """Register ``fn(ns, rng)`` as the ``kind`` check of graded ``name``."""

    def register(fn):
        CHECKS.setdefault(name, {})[kind] = fn
        return fn

    return register


def checks(name):
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return CHECKS.get(name, {})
