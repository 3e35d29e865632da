"""The report's tables as CSV files, ``<dir>/<table name>.csv`` (numbers in full precision).

A ``link`` column becomes two: its text and ``<column>_url``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from autograder.report.tables import Link


def header(table):
    out = []
    for c, k in zip(table.columns, table.kinds, strict=True):
        out += [c, f"{c}_url"] if k == "link" else [c]
    return out


def values(row, kinds):
    out = []
    for v, k in zip(row, kinds, strict=True):
        if k == "link":
            out += [v.text, v.url] if isinstance(v, Link) else ["", ""]
        elif v is None:
            out.append("")
        elif isinstance(v, float):
            out.append(repr(v))
        else:
            out.append(str(v))
    return out


def write(directory, tables):
    """Write every table; return the paths written."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    paths = []
    for t in tables:
        path = d / f"{t.name}.csv"
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header(t))
            w.writerows(values(r, t.kinds) for r in t.rows)
        paths.append(path)
    return paths
