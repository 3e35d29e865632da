"""Your answers of an earlier chapter, carried over into a later one.

The rnn chapter builds on the layers you wrote in temporal_loss, the lstm chapter on those
and on your rnn, every chapter on your gradcheck tools. What you receive never contains
the answers, so a later notebook reads yours::

    carry_over("temporal_loss", globals(), "word_embedding_forward", "temporal_softmax_loss")

looks for ``temporal_loss.ipynb`` in the course folder (``../temporal_loss/``, this folder,
or ``$WORKBOOK_COURSE_DIR``), runs its first code cell and its answer cells, re-runs the
visible check of each answer you take, and defines the answers here. Each problem gets one
line: notebook not found, not answered yet, does not run, fails its visible check.
What cannot be carried over becomes a stand-in that raises that same message when called.

When your instructor has *closed* a chapter, its reference layers come with the helpers
(``workbook/closed/<chapter>.py``) and are used instead of your notebook.

(A little over the usual module size: finding, running and checking the earlier notebook
and the one-line messages a student reads belong together.)
"""

import ast
import contextlib
import importlib
import io
import json
import os
from pathlib import Path

import numpy as np

_loaded = {}  # (path, mtime) -> _Notebook


def candidates(chapter):
    """The places ``<chapter>.ipynb`` is looked for, in order."""
    name = f"{chapter}.ipynb"
    places = [Path("..") / chapter / name, Path(name), Path(chapter) / name]
    if os.environ.get("WORKBOOK_COURSE_DIR"):
        places.insert(0, Path(os.environ["WORKBOOK_COURSE_DIR"]) / chapter / name)
    return places


def _code_cells(path):
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            yield cell.get("metadata", {}).get("nbgrader", {}), "".join(src)


def _plain(source):
    """``source`` without IPython magics and shell escapes."""
    return "\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!")))


def _unanswered(source):
    """True when every function of an answer cell still only raises NotImplementedError."""
    try:
        tree = ast.parse(_plain(source))
    except SyntaxError:
        return False
    funcs = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    for f in funcs:
        body = f.body[1:] if f.body and isinstance(f.body[0], ast.Expr) else f.body
        if not (len(body) == 1 and isinstance(body[0], ast.Raise)):
            return False
    return bool(funcs)


def _first_line(e):
    text = " ".join(str(e).split()) or type(e).__name__
    return f"{type(e).__name__}: {text}"[:300]


class _Notebook:
    """An earlier notebook, run once: its first code cell and its answer cells."""

    def __init__(self, path):
        self.path, self.ns, self.problems, self.tests = path, {"np": np}, {}, {}
        self.ns["__name__"] = "carried"
        first = True
        for meta, source in _code_cells(path):
            gid = str(meta.get("grade_id", ""))
            if meta.get("grade") and not meta.get("solution"):
                self.tests.setdefault(gid.removeprefix("test_"), source)
            if first or meta.get("solution"):
                self._run(gid or "first cell", source)
            first = False

    def _run(self, gid, source):
        if gid != "first cell" and _unanswered(source):
            self.problems[gid] = "not answered yet"
            return
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(_plain(source), f"{self.path.name}:{gid}", "exec"), self.ns)
        except Exception as e:  # noqa: BLE001 - reported to the student, one line
            self.problems[gid] = f"does not run ({_first_line(e)})"

    def problem(self, name):
        """Why ``name`` cannot be carried over as it is (``None``: it passed its check)."""
        if name not in self.problems and name not in self.ns:
            return "no answer cell of that name"
        if name not in self.problems and name in self.tests:
            try:  # its visible check, once
                with contextlib.redirect_stdout(io.StringIO()):
                    where = f"{self.path.name}:test_{name}"
                    exec(compile(_plain(self.tests[name]), where, "exec"), dict(self.ns))
                self.problems[name] = None
            except Exception as e:  # noqa: BLE001
                self.problems[name] = f"fails its visible check ({_first_line(e)})"
        return self.problems.get(name)


def _notebook(path):
    key = (str(path.resolve()), path.stat().st_mtime_ns)
    if key not in _loaded:
        _loaded[key] = _Notebook(path)
    return _loaded[key]


def _stand_in(name, message):
    def missing(*args, **kwargs):
        raise NotImplementedError(message)

    missing.__name__ = missing.__qualname__ = name
    return missing


def _lookup(chapter, names):
    """``({name: object}, [problem lines], where they came from)`` for ``names`` of ``chapter``."""
    closed = None
    if Path(__file__).with_name("closed").joinpath(f"{chapter}.py").is_file():
        closed = importlib.import_module(f"{__package__}.closed.{chapter}")
    if closed is not None and all(hasattr(closed, n) for n in names):
        return {n: getattr(closed, n) for n in names}, [], "the reference layers (chapter closed)"
    path = next((p for p in candidates(chapter) if p.is_file()), None)
    if path is None:
        where = ", ".join(str(p) for p in candidates(chapter))
        return {}, [f"{chapter}.ipynb not found (looked in {where}): do that chapter first"], None
    nb = _notebook(path)
    found, lines = {}, []
    for n in names:
        why = nb.problem(n)
        if n in nb.ns and (why is None or why.startswith("fails")):
            found[n] = nb.ns[n]  # a failing check is reported, the answer still carried
        if why is not None:
            lines.append(f"{n}: {why} in {path}; fix it there and re-run this cell")
    return found, lines, f"your answers in {path}"


def carry_over(chapter, namespace, *names):
    """Define ``names`` from ``chapter`` in ``namespace`` (pass ``globals()``); print problems.

    A name that cannot be carried over keeps a definition already in ``namespace``, else
    becomes a stand-in raising the reason. Returns the list of problem lines.
    """
    found, lines, source = _lookup(chapter, names)
    kept = [n for n in names if n not in found and n in namespace]
    for n in names:
        if n in found:
            namespace[n] = found[n]
        elif n not in kept:
            reason = next((ln for ln in lines if ln.startswith(f"{n}:")), lines[0])
            namespace[n] = _stand_in(n, reason)
    if lines and len(kept) < len(names):  # quiet when every name was already defined here
        print("\n".join(lines))
    elif not lines:
        print(f"{chapter}: {', '.join(names)} from {source}")
    return lines


def answer(chapter, name):
    """One carried-over answer (or a stand-in that raises why it is missing)."""
    found, lines, _ = _lookup(chapter, (name,))
    if lines:
        print("\n".join(lines))
    return found[name] if name in found else _stand_in(name, lines[0])
