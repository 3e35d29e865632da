"""Which cells a graded cell needs (static analysis, nothing runs): issue 13, part 1.

Each case is a small notebook; the assertion names exactly the cells the last (test) cell
needs. The rules: names bound and read (function bodies included, at call time), imports,
``global``/attribute/subscript writes and method calls (through aliases), module state,
and "depends on everything" for what cannot be determined.
"""

import pytest
from nbformat import v4

from autograder.notebook.deps import needs, plan
from autograder.notebook.effects import analyse
from autograder.notebook.hidden import DEFAULT as HIDDEN
from autograder.sandbox.limits import Limits


def _needs(*sources, extra=()):
    """Numbers (1-based) of the cells the last one needs."""
    rows = [(i, src, ()) for i, src in enumerate(sources, start=1)]
    rows[-1] = (len(sources), sources[-1], set(extra))
    effects = analyse(rows)
    return needs(effects, effects[-1])


IMPORT = "import numpy as np"
F = "def f(x):\n    return np.exp(x) * scale + helper(x)"


@pytest.mark.parametrize(
    "sources, expected",
    [
        # function bodies read their globals when called: defined after f is fine
        ((IMPORT, F, "scale = 2", "def helper(x):\n    return x", "y = 5\nprint(y)", "f(1)"),
         {1, 2, 3, 4}),
        # a library call writes nothing; a write into a module is module state
        ((IMPORT, F, "z = np.linspace(0, 1, 5)", "f(1)"), {1, 2}),
        ((IMPORT, F, "np.abs = lambda x: x", "f(1)"), {1, 2, 3}),
        ((IMPORT, F, "m = np\nm.exp = print", "f(1)"), {1, 2, 3}),
        ((IMPORT, F, "np.random.seed(0)", "f(1)"), {1, 2, 3}),
        ((IMPORT, F, "rng = np.random.default_rng(0)", "f(1)"), {1, 2}),
        ((IMPORT, F, "import sys\nsys.path.append('x')", "f(1)"), {1, 2, 3}),
        ((IMPORT, F, "open('w.txt', 'w').write('x')", "f(1)"), {1, 2, 3}),
        ((IMPORT, F, "import os\nos._exit(3)", "f(1)"), {1, 2, 3}),
        ((IMPORT, F, "np.save('w.npy', np.zeros(3))", "f(1)"), {1, 2, 3}),
        # objects changed through aliases, methods and the notebook's own calls
        ((F, "class C:\n    pass\ncfg = C()", "c = cfg", "c.k = 3", "u = 1", "g = lambda: cfg.k",
          "g()"), {2, 3, 4, 6}),
        (("L = []", "L.append(1)", "L2 = [0]", "def g():\n    return L[0]", "g()"), {1, 2, 4}),
        (("d = {}", "def put(x):\n    x['k'] = 1", "put(d)", "def g():\n    return d", "g()"),
         {1, 2, 3, 4}),
        (("def setk():\n    global K\n    K = 3", "setk()", "K2 = 1", "def g():\n    return K",
          "g()"), {1, 2, 4}),
        (("def setk():\n    global K\n    K = 3", "h = lambda: setk()", "h()", "def g():\n"
          "    return K", "g()"), {1, 2, 3, 4}),
        (("class A:\n    def bump(self):\n        global K\n        K = 1", "a = A()", "a.bump()",
          "def g():\n    return K", "g()"), {1, 2, 3, 4}),
        (("x = 1", "x += 1", "x2 = 5", "def g():\n    return x", "g()"), {1, 2, 4}),
        (("3 + 4", "def g():\n    return _", "g()"), {1, 2}),
        # what cannot be determined is run, and reads everything before it
        (("a = 1", "exec('b = 2')", "def g():\n    return b", "g()"), {1, 2, 3}),
        (("a = 1", "from numpy import *", "g = 1", "g"), {1, 2, 3}),
        (("a = 1", "def broken(:", "c = 1", "c"), {1, 2, 3}),
        (("a = 1", "globals()['b'] = 2", "b"), {1, 2}),
        (("a = 1", "def g():\n    return b", "import sys\nsys._getframe(0).f_globals['b'] = 1",
          "g()"), {1, 2, 3}),
        # magics: ignored ones change nothing, run ones are analysed, others are unknown
        (("get_ipython().run_line_magic('matplotlib', 'inline')", "y = 1", "y"), {2}),
        (("get_ipython().run_line_magic('time', 'y = 3')", "z = 1", "y"), {1}),
        (("z = 1", "get_ipython().run_line_magic('store', 'y')", "y"), {1, 2}),
        (("z = 1", "get_ipython().system('ls')", "y = 2", "y"), {3}),
        # locals of a function are not the notebook's names
        (("x = 1", "def g(x):\n    y = x\n    return y", "g(2)"), {2}),
    ],
)  # fmt: skip
def test_cells_needed(sources, expected):
    assert _needs(*sources) == expected


def test_graded_names_read_what_their_spec_looks_up():
    rnn = ("def rnn_forward(x):\n    return x", "def rnn_backward(d, c):\n    return d")
    assert _needs(*rnn, "grade('rnn_backward', rnn_backward)", extra={"rnn_forward"}) == {1, 2}
    assert _needs(*rnn, "grade('rnn_backward', rnn_backward)") == {2}


def test_test_cells_pass_state_on():
    cells = ("L = []", "def f():\n    L.append(1)\n    return 1", "f()", "def g():\n    return L",
             "g()")  # fmt: skip
    assert _needs(*cells) == {1, 2, 3, 4}


def test_a_dead_cell_counts_only_through_its_names():
    rows = [(1, "import os\nos._exit(3)", ()), (2, "def g():\n    return 1", ()), (3, "g()", ())]
    effects = analyse(rows)
    assert needs(effects, effects[2]) == {1, 2}
    assert needs(effects, effects[2], masked=frozenset({1})) == {2}


def _test_cell(src, gid):
    cell = v4.new_code_cell(src)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": gid, "points": 1}
    return cell


def test_plan_runs_only_what_test_cells_need_and_says_why():
    hidden = "### BEGIN HIDDEN TESTS\ngrade('softmax', softmax)\n### END HIDDEN TESTS\n"
    nb = v4.new_notebook(
        cells=[
            v4.new_code_cell("%matplotlib inline\nimport numpy as np"),
            v4.new_markdown_cell("text"),
            v4.new_code_cell("def softmax(f):\n    e = np.exp(f)\n    return e / e.sum()"),
            v4.new_code_cell("demo = softmax(np.arange(3.0))\nprint(demo)"),
            _test_cell(hidden + "loop = softmax\nwhile True:\n    pass", "t1"),
            v4.new_code_cell("print('after the last test')"),
        ]
    )
    p = plan(nb, Limits(), HIDDEN)
    assert p.tests == [5] and p.needs[5] == {1, 3} and p.run == [1, 3, 5]
    assert plan(nb, Limits(run_unneeded=True), HIDDEN).run == [1, 3, 4, 5]
    assert plan(nb, Limits(run_unneeded=True, run_trailing=True), HIDDEN).run == [1, 3, 4, 5, 6]
    assert p.blamed([3]) == [5] and p.blamed([4]) == []
    assert p.rerun([5], [4], {1, 3}) == [1, 3, 5]


def test_a_test_whose_graded_function_nothing_defines_fails_with_an_earlier_death():
    """The answer cell died instead of defining the function (``os._exit`` in its place):
    its test cell is blamed on the death, not re-run into a ``NameError``."""
    hidden = "### BEGIN HIDDEN TESTS\ngrade('softmax', softmax)\n### END HIDDEN TESTS\n"
    cells = [
        v4.new_code_cell("import numpy as np"),
        v4.new_code_cell("__import__('os')._exit(3)"),  # binds nothing
        _test_cell(hidden, "t1"),
    ]
    p = plan(v4.new_notebook(cells=cells), Limits(), HIDDEN)
    assert p.slots[3] == {"softmax"} and p.blamed([2]) == [3]
    assert p.blamed([]) == []  # no death: the test runs and fails on its own
    cells.insert(1, v4.new_code_cell("def softmax(f):\n    return f"))
    assert plan(v4.new_notebook(cells=cells), Limits(), HIDDEN).blamed([3]) == []
