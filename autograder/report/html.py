"""The report page: one self-contained HTML file (inline CSS, embedded PNG, no script).

Rendered with Jinja2 with autoescaping on: every value, including ids and causes that came
from a submission, is text, never markup.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup, escape

from autograder.report.tables import Link

CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 64em; color: #222;
       padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .8em 0; font-size: .9em; }
th, td { border: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: .92em; } td code { overflow-wrap: anywhere; } img { max-width: 100%; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: .4em .8em; }
.safe { color: #2e7d32; } .names { color: #b71c1c; font-weight: bold; }
"""

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Class report: {{ rep.assignment }}</title><style>{{ css }}</style></head>
<body>
<h1>Class report: <code>{{ rep.assignment }}</code></h1>
{% if names %}<p class="names">This report lists student ids (made with --names): do not
share it.</p>{% else %}<p class="safe">No student ids in this report: safe to share with
TAs.</p>{% endif %}
{% if not rep.submissions %}
<p class="note" id="empty">Nobody has submitted <code>{{ rep.assignment }}</code>: the
gradebook holds no graded submission of it.</p>
{% else %}
<p>{{ rep.submissions }} graded submissions; {{ rep.with_results }} with a stored grading
result.</p>
{% for line in notes %}<p class="note">{{ line }}</p>{% endfor %}
<h2 id="scores">Scores</h2>
<img src="data:image/png;base64,{{ plots.scores.png }}" alt="{{ plots.scores.alt }}">
{{ table(t.summary) }}
<details><summary>Histogram as numbers</summary>{{ table(t.score_histogram) }}</details>
<h3>Per graded cell</h3>
<img src="data:image/png;base64,{{ plots.cells.png }}" alt="{{ plots.cells.alt }}">
{{ table(t.cells) }}
<h2 id="mistakes">Diagnosed mistakes</h2>
{% if rep.mistakes %}<p>Each known mistake the failing outputs matched, by how many students
made it, with the section of the book that teaches it.</p>
<img src="data:image/png;base64,{{ plots.mistakes.png }}" alt="{{ plots.mistakes.alt }}">
{{ table(t.mistakes) }}{% else %}<p>No failing output matched a known mistake.</p>{% endif %}
<h2 id="unmatched">Failures that matched no known mistake</h2>
{% if rep.unmatched %}<p>Grouped by test cell, graded name and first failing output
(<code>-</code>: none was checked, the code raised or returned the wrong thing). Candidates
for new catalogue entries; run a group's command in the course root to list its students.
</p>{{ table(t.unmatched) }}{% else %}<p>None.</p>{% endif %}
<h2 id="robustness">Robustness</h2>
{% if rep.incidents %}{{ table(t.robustness) }}{% else %}<p>No kernel death, timeout,
restored cell or unreadable notebook.</p>{% endif %}
<h2 id="timing">Grading time</h2>
{% if rep.times %}<p>Median {{ "%.2f"|format(rep.median_seconds) }} s per notebook over
{{ rep.times|length }} notebooks.</p>
<img src="data:image/png;base64,{{ plots.times.png }}" alt="{{ plots.times.alt }}">
{{ table(t.slowest) }}{% else %}<p>No stored timing.</p>{% endif %}
{% endif %}
</body></html>
"""

TABLE = """<table id="{{ tb.name }}"><caption>{{ tb.title }}</caption>
<thead><tr>{% for c in tb.columns %}<th>{{ c }}</th>{% endfor %}</tr></thead><tbody>
{% for row in tb.rows %}<tr>{% for v in row %}{{ cell(v, tb.kinds[loop.index0]) }}{% endfor %}
</tr>{% endfor %}</tbody></table>"""

NUMERIC = {"int", "num", "rate", "seconds"}


def value_text(v, kind):
    """How a table value reads in the page."""
    if v is None:
        return ""
    if kind == "rate":
        return f"{100 * v:.1f}%"
    if kind == "seconds":
        return f"{v:.2f}"
    if kind == "num" and isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _cell(v, kind):
    if isinstance(v, Link):
        return Markup('<td><a href="{}">{}</a></td>').format(v.url, v.text)
    text = escape(value_text(v, kind))
    if kind == "code" and text:
        text = Markup("<code>{}</code>").format(text)
    return Markup('<td class="n">{}</td>' if kind in NUMERIC else "<td>{}</td>").format(text)


_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
_TABLE = _ENV.from_string(TABLE)


def _table(tb):
    return Markup(_TABLE.render(tb=tb, cell=_cell))


def render(rep, tables, plots, notes=(), names=False):
    """The page of one :class:`~.aggregate.ClassReport` (``tables``: name -> Table)."""
    return _ENV.from_string(TEMPLATE).render(
        rep=rep, t=tables, plots=plots, notes=notes, names=names, css=CSS, table=_table
    )
