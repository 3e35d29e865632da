"""Edits anchored to statements and expressions, not to the exact text of ``solutions/``.

Every pattern is Python code, parsed and compared by structure (``ast.unparse`` of both
sides), so the reference may be reformatted, commented or have unrelated locals renamed
without breaking a mutant. Each edit must find exactly one match, else ``ValueError``:

``Swap(old, new, within=None)``
    replace the sub-expression ``old`` by ``new``; with ``within`` (an assignment target
    such as ``"dx"``, ``"captions[:, t]"`` or ``"dx, dW"``) only inside the statements that
    assign it (``"return"``: the return statements), otherwise anywhere in the function.
``Rhs(target, new)``
    replace the right-hand side of the one assignment to ``target``.
``Drop(stmt)``
    delete the statement ``stmt`` (``"prev_h = h[:, t]"``).
``Insert(anchor, code, before=False)``
    insert the statements ``code`` after (or before) the statement ``anchor``.

(Four edit kinds side by side with their shared matching helpers: one module, ~180 lines.)
"""

import ast
import copy
from dataclasses import dataclass


def _key(node):
    return ast.unparse(node)


def _expr(text):
    return ast.parse(text.strip(), mode="eval").body


def _stmts(text):
    return ast.parse(text.strip()).body


def _stmt_key(text):
    body = _stmts(text)
    if len(body) != 1:
        raise ValueError(f"{text!r} must be one statement")
    return _key(body[0])


def _targets(stmt):
    if isinstance(stmt, ast.Assign):
        return stmt.targets
    if isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
        return [stmt.target]
    return []


def _statements(tree):
    """Every statement in ``tree`` with the list that holds it: ``[(body, index, stmt)]``."""
    out = []
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            body = getattr(node, name, None)
            if isinstance(body, list):
                out += [(body, i, s) for i, s in enumerate(body) if isinstance(s, ast.stmt)]
    return out


def _one(found, what, label):
    if len(found) != 1:
        where = "does not occur" if not found else f"occurs {len(found)} times"
        raise ValueError(f"{label}: {what} {where} in the source (must occur exactly once)")
    return found[0]


def _assigning(tree, target):
    if target == "return":
        return [s for _, _, s in _statements(tree) if isinstance(s, ast.Return)]
    want = _key(_expr(target))
    return [s for _, _, s in _statements(tree) if any(_key(t) == want for t in _targets(s))]


@dataclass(frozen=True)
class Swap:
    old: str
    new: str
    within: str | None = None

    def apply(self, tree, label):
        roots = _assigning(tree, self.within) if self.within else [tree]
        if not roots:
            raise ValueError(f"{label}: no assignment to {self.within!r} in the source")
        want = _key(_expr(self.old))
        hits = []
        for root in roots:
            for node in ast.walk(root):
                for fname, value in ast.iter_fields(node):
                    kids = value if isinstance(value, list) else [value]
                    for i, kid in enumerate(kids):
                        if isinstance(kid, ast.expr) and _key(kid) == want:
                            hits.append((node, fname, i if isinstance(value, list) else None))
        where = f" in {self.within!r}" if self.within else ""
        node, fname, i = _one(hits, f"{self.old!r}{where}", label)
        new = _expr(self.new)
        if i is None:
            setattr(node, fname, new)
        else:
            getattr(node, fname)[i] = new
        return tree

    def names(self):
        anchor = (self.within,) if self.within not in (None, "return") else ()
        return (self.old, self.new, *anchor)


@dataclass(frozen=True)
class Rhs:
    target: str
    new: str

    def apply(self, tree, label):
        stmts = [s for s in _assigning(tree, self.target) if isinstance(s, ast.Assign)]
        _one(stmts, f"an assignment to {self.target!r}", label).value = _expr(self.new)
        return tree

    def names(self):
        return (self.target, self.new)


def _find_stmt(tree, text, label):
    want = _stmt_key(text)
    return _one([(b, i) for b, i, s in _statements(tree) if _key(s) == want], repr(text), label)


@dataclass(frozen=True)
class Drop:
    stmt: str

    def apply(self, tree, label):
        body, i = _find_stmt(tree, self.stmt, label)
        del body[i]
        if not body:
            body.append(ast.Pass())
        return tree

    def names(self):
        return (self.stmt,)


@dataclass(frozen=True)
class Insert:
    anchor: str
    code: str
    before: bool = False

    def apply(self, tree, label):
        body, i = _find_stmt(tree, self.anchor, label)
        at = i if self.before else i + 1
        body[at:at] = _stmts(self.code)
        return tree

    def names(self):
        return (self.anchor, self.code)


EDITS = (Swap, Rhs, Drop, Insert)


def apply_edits(source, edits, label="edit"):
    """``source`` (one function, column 0) with ``edits`` applied in order, unparsed."""
    tree = ast.parse(source)
    for edit in edits:
        if not isinstance(edit, EDITS):
            raise ValueError(f"{label}: {edit!r} is not an edit (Swap, Rhs, Drop, Insert)")
        tree = edit.apply(copy.deepcopy(tree), label)
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def mentioned(edits):
    """Identifiers the edits' patterns mention (what an edit depends on being named so)."""
    out = set()
    for edit in edits:
        for text in edit.names():
            out |= {n.id for n in ast.walk(ast.parse(text.strip())) if isinstance(n, ast.Name)}
    return out
