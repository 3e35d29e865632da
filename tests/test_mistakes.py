"""The mistake catalogue: every mutant builds, loses points in the hidden tests and is
diagnosed as itself; reference copies score full; the catalogue is big, covers every
chapter, and its ids and hints are well formed and unique."""

import importlib
import re

import pytest

from autograder import grader, specs
from autograder.collect import slot_of
from autograder.mistakes.base import (
    all_mistakes,
    build_function,
    build_mutant,
    mutant_source,
    reference_source,
)

MISTAKES = all_mistakes()
SPECS = specs.all_specs()  # {graded name: (chapter, Spec)}


def graded_names(mistake):
    """The graded names whose diagnosis tries ``mistake`` (both variants of a bare method)."""
    return sorted(n for n in SPECS if mistake.applies_to(n))


CASES = [(m, n) for m in MISTAKES for n in graded_names(m)]
GRADED = sorted({n for _, n in CASES})


def copies(name):
    """Independent copies of the reference objects the spec of ``name`` uses."""
    return {u: build_function(u) for u in SPECS[name][1].uses}


def grade_mutant(name, mistake):
    """Grade ``mistake``'s mutant as ``name`` with reference copies as partners."""
    ns = copies(name)
    mutant = build_mutant(mistake)
    ns[slot_of(name)] = mutant
    grader.grade_in_process(name, mutant, ns)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.id)
def test_mutant_builds(mistake):
    src = mutant_source(mistake)
    assert src != reference_source(mistake.target)
    assert build_mutant(mistake) is not None


@pytest.mark.parametrize(("mistake", "name"), CASES, ids=[f"{m.id}@{n}" for m, n in CASES])
def test_mutant_loses_points_and_is_diagnosed_as_itself(mistake, name):
    with pytest.raises(AssertionError) as e:
        grade_mutant(name, mistake)
    msg = str(e.value)
    assert "\n" not in msg, msg
    assert msg.endswith(f" — likely mistake: {mistake.hint}"), msg


@pytest.mark.parametrize("name", GRADED)
def test_reference_copy_scores_full(name):
    ns = copies(name)
    assert grader.grade_in_process(name, ns[slot_of(name)], ns) is None


def test_every_mistake_is_tried_by_some_graded_name():
    assert all(graded_names(m) for m in MISTAKES), [m.id for m in MISTAKES if not graded_names(m)]


def test_catalogue_size_and_chapter_coverage():
    assert len(MISTAKES) >= 40, len(MISTAKES)
    for chapter in specs.CHAPTERS:
        mod = importlib.import_module(f"autograder.mistakes.{chapter}")
        own = {n for n, (c, _) in SPECS.items() if c == chapter}
        own |= {n.split(":")[0] for n in own}  # "CaptioningRNN.loss" (both variants) in rnn
        assert len(mod.MISTAKES) >= 4, chapter
        for m in mod.MISTAKES:
            assert m.function in own, f"{m.id} is in mistakes/{chapter}.py"


def test_ids_and_hints_are_well_formed_and_unique():
    ids = [m.id for m in MISTAKES]
    hints = [m.hint for m in MISTAKES]
    assert len(set(ids)) == len(ids)
    dup = {h for h in hints if hints.count(h) > 1}
    assert not dup, dup
    for m in MISTAKES:
        assert re.fullmatch(re.escape(m.target) + r"\.[A-Za-z][A-Za-z0-9_]*", m.id), m.id
        assert m.hint == m.hint.strip() and "\n" not in m.hint, m.id
        assert not m.hint.endswith("."), m.id
        assert len(m.hint) <= 120, (m.id, len(m.hint))
