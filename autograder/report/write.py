"""Write one assignment's report: the page, its CSV files and the line the command prints."""

from __future__ import annotations

from pathlib import Path

from autograder.report import csvfiles, html, plots, tables


def _notes(rep):
    notes = []
    missing = rep.submissions - rep.with_results
    if missing:
        notes.append(
            f"{missing} of {rep.submissions} graded submissions have no stored grading result "
            "(graded before results were kept?): mistakes, failures, robustness and timing "
            f"cover the other {rep.with_results}. Regrade with --force to include them."
        )
    if rep.orphans:
        notes.append(
            f"{rep.orphans} stored results have no submission in the gradebook "
            "(grading interrupted before its grades were saved?); they are left out."
        )
    return notes


def _plots(rep):
    return {
        "scores": plots.scores(rep.total),
        "cells": plots.cells(rep.cells),
        "mistakes": plots.mistakes(rep.mistakes) if rep.mistakes else None,
        "times": plots.times([t.seconds for t in rep.times], rep.median_seconds)
        if rep.times
        else None,
    }


def write_report(rep, out, book, command, names=False):
    """Write ``<out>/<id>.html`` and its CSV files; return the HTML path."""
    found = tables.all_tables(rep, book, command, names)
    csvfiles.write(Path(out) / rep.assignment, found)
    page = html.render(rep, {t.name: t for t in found}, _plots(rep), _notes(rep), names)
    path = Path(out) / f"{rep.assignment}.html"
    path.write_text(page, encoding="utf-8")
    return path


def summary_line(rep, path):
    if not rep.submissions:
        return f"{rep.assignment}: nobody has submitted {rep.assignment}; wrote {path}"
    top = rep.mistakes[0] if rep.mistakes else None
    most = f", most frequent {top.id} ({len(top.students)} students)" if top else ""
    return (
        f"{rep.assignment}: {rep.submissions} submissions, median "
        f"{rep.total.median:g}/{rep.total.max_score:g}, {len(rep.mistakes)} diagnosed "
        f"mistakes{most}, {len(rep.unmatched)} unmatched failure groups; wrote {path}"
    )
