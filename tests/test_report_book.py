"""The report's links into the book point at real sections.

Every function of the mistake catalogue has a section (:data:`autograder.report.book.SECTIONS`);
each section is a heading of its derivation page whose id, as the book's own MyST parser
assigns it, is the link's anchor; and the strict build of the book (the session build of
tests/test_book_build.py) has an element with that id on that page.
"""

import sys
from pathlib import Path

import pytest
import yaml
from docutils import nodes
from docutils.core import publish_doctree
from myst_parser.parsers.docutils_ import Parser

from autograder.mistakes.base import all_mistakes
from autograder.report.book import SECTIONS, section_for

REPO = Path(__file__).resolve().parents[1]


def headings(page):
    """``{title text: ids}`` of every section of ``book/derivations/<page>.md``."""
    config = yaml.safe_load((REPO / "_config.yml").read_text())["parse"]
    settings = {
        "myst_enable_extensions": config["myst_enable_extensions"],
        "myst_dmath_double_inline": config.get("myst_dmath_double_inline", False),
        "report_level": 5,
        "doctitle_xform": False,  # keep the page title a section, as Sphinx does
    }
    text = (REPO / "book" / "derivations" / f"{page}.md").read_text()
    doc = publish_doctree(text, parser=Parser(), settings_overrides=settings)
    return {s[0].astext(): s["ids"] for s in doc.findall(nodes.section)}


def test_every_catalogue_function_has_a_section():
    missing = sorted({m.function for m in all_mistakes() if section_for(m.function) is None})
    assert missing == [], "add these functions to autograder/report/book.py SECTIONS"


@pytest.mark.parametrize("function", sorted(SECTIONS))
def test_section_is_a_heading_with_that_id(function):
    sec = SECTIONS[function]
    found = headings(sec.page)
    titles = {t.replace("$", ""): ids for t, ids in found.items()}
    assert sec.title in titles, f"no heading {sec.title!r} in {sec.page}.md: {sorted(titles)}"
    assert sec.anchor in titles[sec.title]


def test_anchor_of_a_heading_with_math():
    from autograder.report.book import Section

    assert (
        Section("softmax", "The gradient of the loss: $s - 1_y$").anchor
        in headings("softmax")["The gradient of the loss: s - 1_y"]
    )


@pytest.mark.slow
def test_links_resolve_in_the_built_book(tmp_path_factory):
    sys.path.insert(0, str(REPO / "tests"))
    from test_book_build import site_build

    info = site_build(tmp_path_factory)
    if info["report"]["status"] != 0:
        pytest.fail(f"strict book build failed:\n{info['log'][-4000:]}")
    html = Path(info["html"])
    for function, sec in sorted(SECTIONS.items()):
        page = (html / sec.path).read_text()
        assert f'id="{sec.anchor}"' in page, (function, sec.path, sec.anchor)
