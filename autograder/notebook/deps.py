"""Which cells each graded cell needs, from the cells' static :mod:`.effects`.

A test cell *needs* an earlier cell that binds or changes a name it reads, transitively
(the needed cell's own reads are needed in turn, from any cell before the test cell:
function bodies read their globals when called, not when defined), every earlier cell
with ``state`` effects, and every earlier ``unknown`` cell (which also reads every name).
Only those run, in notebook order (:attr:`Plan.run`); the others are skipped.

When a cell dies (:func:`blamed`), the test cells that need it fail; a cell's ``state``
and ``unknown`` flags are then ignored for the dead cell alone (what it did died with its
sandbox), so a test needs it only through the names it binds. A test cell whose graded
function no cell before it defines (the answer cell that should have defined it died
instead, e.g. ``os._exit`` in place of the answer) fails with the death too, not with a
``NameError`` in a fresh sandbox.
"""

from dataclasses import dataclass, field

from autograder.notebook import cells as nbcells
from autograder.notebook.effects import analyse


def needs(effects, test, masked=frozenset()):
    """Numbers of the cells before ``test`` (an :class:`Effects`) that it needs.

    masked : numbers of cells whose ``state`` and ``unknown`` flags are ignored.
    """
    earlier = [e for e in effects if e.number < test.number]
    names, every = set(test.reads), bool(test.unknown)
    chosen, changed = set(), True
    while changed:
        changed = False
        for e in earlier:
            if e.number in chosen:
                continue
            flagged = e.number not in masked and (e.state or e.unknown)
            if flagged or (e.defines & names) or (every and e.defines):
                chosen.add(e.number)
                names |= e.reads
                every = every or bool(e.unknown and e.number not in masked)
                changed = True
    return chosen


@dataclass
class Plan:
    """What runs of one notebook: ``run`` (cell numbers, in order) and each test cell's
    ``needs`` (the cells before it that it needs)."""

    effects: dict  # number -> Effects
    tests: list  # numbers of the test cells, in order
    needs: dict = field(default_factory=dict)  # test number -> {cell numbers}
    slots: dict = field(default_factory=dict)  # test number -> {graded top-level names}
    run: list = field(default_factory=list)
    unneeded: bool = False  # every cell runs (Limits.run_unneeded)

    def blamed(self, dead):
        """Test cells (not yet judged ones included) that need the dead cells ``dead``."""
        out = []
        ordered = list(self.effects.values())
        for t in self.tests:
            if t in dead or needs(ordered, self.effects[t], frozenset(dead)) & set(dead):
                out.append(t)
            elif any(d < t for d in dead) and self._undefined(t, dead):
                out.append(t)
        return out

    def _undefined(self, t, dead):
        """Graded top-level names of test ``t`` that no cell before it defines (none when an
        earlier live cell's effect is unknown: it may define them)."""
        earlier = [e for n, e in self.effects.items() if n < t]
        if any(e.unknown and e.number not in dead for e in earlier):
            return set()
        defined = set().union(*(e.defines for e in earlier))
        return self.slots.get(t, set()) - defined

    def rerun(self, pending, dead, ran):
        """Cells to run, in order, in a fresh sandbox for the test cells ``pending`` after
        the cells ``dead`` died (``ran``: the cells run so far)."""
        if self.unneeded:
            return [n for n in self.run if n not in dead]
        ordered = list(self.effects.values())
        keep = set(pending) | {n for n in self.run if n not in ran}
        for t in pending:
            keep |= needs(ordered, self.effects[t], frozenset(dead))
        return sorted(keep - set(dead))


def plan(nb, limits, hidden):
    """The :class:`Plan` of restored notebook ``nb`` (hidden tests in place).

    ``limits.run_unneeded`` runs every code cell up to the last test cell, and
    ``limits.run_trailing`` also the cells after it; the needs are computed either way
    (a death costs only the test cells that need the dead cell).
    """
    from autograder import specs

    rows, tests, graded_slots = [], [], {}
    for i, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        src, extra = cell.source, ()
        if nbcells.is_grade_cell(cell):
            tests.append(i)
            src = hidden.graded_part(src)
            extra, slots = set(), set()
            for name in nbcells.grade_names(src):
                try:
                    graded = specs.resolve(name)
                except KeyError:
                    continue
                extra |= {*graded.spec.uses, *graded.spec.swap}
                slots.add(graded.slot)
            graded_slots[i] = slots
        rows.append((i, nbcells.to_python(src), extra))
    effects = {e.number: e for e in analyse(rows)}
    p = Plan(effects, tests, slots=graded_slots, unneeded=bool(limits.run_unneeded))
    ordered = list(effects.values())
    for t in tests:
        p.needs[t] = needs(ordered, effects[t])
    last = tests[-1] if tests else max(effects, default=0)
    if limits.run_unneeded or not tests:  # a notebook without test cells runs whole
        run = {n for n in effects if n <= last}
    else:
        run = set(tests).union(*p.needs.values())
    if limits.run_trailing:
        run |= {n for n in effects if n > last}
    p.run = sorted(run)
    return p
