"""Command line: ``python -m autograder grade <id> [<id> ...] [--workers N | --scheduler ADDR]``.

``python -m autograder gradescope <id> -o DIR`` and ``python -m autograder prairielearn <id>
-o DIR`` write autograders for those platforms, built from the same grader.

Exit status: 0 when every submission was graded, 1 when some student's row says
``error`` (unreadable, missing or renamed notebook; grader failure) and needs the
instructor, 2 for usage errors (bad arguments, an assignment not in the gradebook).

Every limit of :class:`autograder.sandbox.limits.Limits` is also a flag
(``--cell-timeout 30``): flags win over ``AUTOGRADER_*`` variables, which win over
``c.Limits`` in the course's ``nbgrader_config.py``.
"""

import argparse
import os
import sys

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # workers run side by side: one BLAS thread each


def _positive(text):
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return n


def _limit_flags(p):
    """One flag per configurable limit, named and typed from the traitlets trait."""
    from traitlets import Bool

    from autograder.sandbox.limits import Limits

    g = p.add_argument_group("limits (default: c.Limits in nbgrader_config.py)")
    for name, trait in Limits.class_own_traits(config=True).items():
        flag = "--" + name.replace("_", "-")
        helptext = f"{trait.help} (default {trait.default_value!r})"
        if isinstance(trait, Bool):
            g.add_argument(flag, action=argparse.BooleanOptionalAction, help=helptext)
        else:
            kind = type(trait.default_value)
            g.add_argument(flag, type=kind, metavar=kind.__name__.upper(), help=helptext)


def parser():
    p = argparse.ArgumentParser(prog="python -m autograder", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade all submissions (hardened, parallel)")
    g.add_argument("assignment", nargs="+", help="assignment id(s): several share one pool")
    g.add_argument("--workers", type=_positive, default=os.cpu_count() or 1)
    g.add_argument(
        "--scheduler",
        metavar="ADDR",
        help="grade on a Dask cluster: tcp://HOST:PORT of its scheduler, or local:N for a "
        "LocalCluster of N worker processes here (--workers is then ignored)",
    )
    g.add_argument(
        "--allow-weak-sandbox",
        action="store_true",
        help="with --scheduler: let workers without bubblewrap grade in the announced weak "
        "fallback instead of refusing",
    )
    g.add_argument("--force", action="store_true", help="regrade students already graded")
    g.add_argument("--root", default=".", help="course root (where nbgrader_config.py is)")
    _limit_flags(g)
    for name, what in (
        ("gradescope", "a Gradescope autograder zip"),
        ("prairielearn", "a PrairieLearn external-grader image context"),
    ):
        h = sub.add_parser(name, help=f"write {what} for one assignment")
        h.add_argument("assignment", help="assignment id")
        h.add_argument("-o", "--output", required=True, metavar="DIR", help="where to write it")
        h.add_argument("--root", default=".", help="course root (where nbgrader_config.py is)")
        if name == "gradescope":
            h.add_argument(
                "--hidden-visibility",
                default="after_due_date",
                choices=("visible", "hidden", "after_due_date", "after_published"),
                help="when students see the results of test cells with hidden tests",
            )
    from autograder.report.cli import add_parser as add_report  # issue 16: the class report

    add_report(sub)
    return p


def _hosted(args, log):
    from autograder.hosted import gradescope, prairielearn

    if args.command == "gradescope":
        path = gradescope.build(args.root, args.assignment, args.output, args.hidden_visibility)
    else:
        path = prairielearn.build(args.root, args.assignment, args.output)
    log(f"wrote {path}")
    return 0


def main(argv=None):
    args = parser().parse_args(argv)

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    if args.command == "report":
        from autograder.report.cli import main as report

        return report(args, log)
    from autograder import batch

    try:
        if args.command in ("gradescope", "prairielearn"):
            return _hosted(args, log)
        return batch.main(args, log)
    except batch.UsageError as e:
        log(f"error: {e}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
