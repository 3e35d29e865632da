"""``python -m autograder report <id> [<id> ...] [--names] [--group KEY]``.

Writes ``<out>/<id>.html`` and ``<out>/<id>/*.csv`` (``<out>`` defaults to
``<root>/reports``) for each id and prints one line per report. ``--group KEY`` (one id)
prints, one per line, the ids of the students behind an unmatched-failure group or a
mistake id instead. Exit status as ``grade``: 0 done (also for an assignment nobody
submitted: the report says so), 2 for usage errors (an id not in the gradebook, a missing
``nbgrader_config.py``, an unknown group); nothing is written then.
"""

from __future__ import annotations

import os
import posixpath
import shlex
from pathlib import Path


class ReportUsageError(Exception):
    pass


def add_parser(sub):
    r = sub.add_parser(
        "report",
        help="class report: scores, ranked mistakes, robustness, time",
        description=__doc__.split("\n\n")[1].replace("\n", " "),
    )
    r.add_argument("assignment", nargs="+", help="assignment id(s), one report each")
    r.add_argument("--root", default=".", help="course root (where nbgrader_config.py is)")
    r.add_argument("--out", help="folder for <id>.html and <id>/*.csv (default <root>/reports)")
    r.add_argument("--names", action="store_true", help="list student ids (not for sharing)")
    r.add_argument("--book-url", help="the built book the mistakes link to (URL or path; "
                   "default <root>/_build/html, as `make book` writes it)")  # fmt: skip
    r.add_argument("--group", metavar="KEY", help="print the student ids behind an "
                   "unmatched-failure group (or a mistake id) of one assignment")  # fmt: skip
    return r


def _course(root):
    """nbgrader's course directory, read as ``grade`` reads it (a bad config: one line)."""
    from autograder.batch.coursedir import UsageError, open_course

    try:
        return open_course(root).cd
    except UsageError as e:
        raise ReportUsageError(str(e)) from None


def _classes(cd, ids):
    from autograder.report import aggregate
    from autograder.report.load import NotInGradebook, read_class

    out = {}
    for a in dict.fromkeys(ids):
        try:
            out[a] = aggregate.summarise(read_class(cd.db_url, cd.course_id, cd.root, a))
        except NotInGradebook as e:
            raise ReportUsageError(str(e)) from None
    return out


def _group(rep, key):
    for g in [*rep.unmatched, *rep.mistakes]:
        if getattr(g, "key", None) == key or getattr(g, "id", None) == key:
            return g.students
    raise ReportUsageError(
        f"no group {key!r} in {rep.assignment}: the groups are the first column of "
        "'Failures that matched no known mistake' in its report (or a mistake id)"
    )


def main(args, log):
    try:
        if args.group and len(args.assignment) != 1:
            raise ReportUsageError("--group needs exactly one assignment id")
        cd = _course(args.root)
        reps = _classes(cd, args.assignment)
        if args.group:
            print("\n".join(_group(reps[args.assignment[0]], args.group)))
            return 0
    except ReportUsageError as e:
        log(f"error: {e}")
        return 2
    from autograder.report.write import summary_line, write_report

    out = Path(args.out) if args.out else Path(cd.root) / "reports"
    out.mkdir(parents=True, exist_ok=True)
    book = args.book_url or posixpath.join(os.path.relpath(Path(cd.root) / "_build" / "html", out))
    for a, rep in reps.items():
        cmd = f"python -m autograder report {shlex.quote(a)}"
        if os.path.abspath(args.root) != os.getcwd():
            cmd += f" --root {shlex.quote(str(args.root))}"
        path = write_report(rep, out, book, cmd, args.names)
        print(summary_line(rep, path))
    return 0
