"""The fairness table of the corpus against whatever grader is installed.

    python tests/students/report.py [--details]

For each graded name: correct implementations that score full / all correct ones, wrong ones
whose message names their mistake / all wrong ones (a wrong answer that scores full is
counted and listed as such), wrong ones that cost no points outside the cells they edit / all
wrong ones. ``--details`` lists every unfair verdict with its message. To
measure another developer's tree, run from it with its ``autograder`` first on the path:
``cd /work/wt/judge && PYTHONPATH=$PWD python /work/wt/corpus/tests/students/report.py``.
"""

import argparse
import sys
import warnings
from pathlib import Path

sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # `students`, after PYTHONPATH

from tabulate import tabulate  # noqa: E402

from students import course, grading, styles  # noqa: E402


def rows():
    """``(name, correct, passing, wrong, named, full_marks, unfair, unnamed, twice)`` per graded
    name (``twice``: the wrong ones that also cost the points of another graded name)."""
    out = []
    for ch in course.CHAPTERS:
        correct = [*styles.styles(ch).values(), *styles.seed_students(ch, fixed=True)]
        wrong = [*styles.bugs(ch), *styles.seed_students(ch, fixed=False)]
        for name in course.chapter(ch).names:
            unfair, unnamed, total_ok, total_bad, full, twice = [], [], 0, 0, [], []
            for s in correct:
                if name in s.names:
                    total_ok += 1
                    v = grading.verdict(s, name)
                    if not v.passed:
                        unfair.append((s.name, v.message))
            for bug, s in wrong:
                if bug.name == name:
                    total_bad += 1
                    v = grading.verdict(s, name)
                    if v.passed:
                        full.append((s.name, "full marks"))
                    elif not grading.names(v, bug.expect, bug.alias):
                        unnamed.append((s.name, v.message))
                    lost = grading.lost_elsewhere(bug, s, styles.base_of(ch, bug))
                    if lost:
                        twice.append((s.name, f"also loses {', '.join(lost)}"))
            out.append(
                (
                    name,
                    total_ok,
                    total_ok - len(unfair),
                    total_bad,
                    total_bad - len(unnamed) - len(full),
                    full,
                    unfair,
                    unnamed,
                    twice,
                )
            )
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--details", action="store_true", help="list every unfair verdict")
    args = parser.parse_args(argv)
    import autograder

    warnings.simplefilter("ignore")
    data = rows()
    table = [
        (n, f"{p}/{c}", f"{d}/{w}", len(f) or "", f"{w - len(t)}/{w}")
        for n, c, p, w, d, f, _, _, t in data
    ]
    tot = [sum(r[i] for r in data) for i in (1, 2, 3, 4)]
    twice = sum(len(r[8]) for r in data)
    table.append(
        (
            "total",
            f"{tot[1]}/{tot[0]}",
            f"{tot[3]}/{tot[2]}",
            sum(len(r[5]) for r in data) or "",
            f"{tot[2] - twice}/{tot[2]}",
        )
    )
    print(f"grader: {Path(autograder.__file__).resolve().parent}")
    print(
        tabulate(
            table,
            headers=[
                "graded name",
                "correct: full marks",
                "wrong: named",
                "wrong: full marks",
                "wrong: costs once",
            ],
        )
    )
    if args.details:
        for n, *_, full, unfair, unnamed, twice in data:
            kinds = (
                ("UNFAIR", unfair),
                ("UNNAMED", unnamed),
                ("WRONG FULL", full),
                ("TWICE", twice),
            )
            for kind, items in kinds:
                for who, msg in items:
                    print(f"{kind:10} {n:28} {who:52} {msg}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
