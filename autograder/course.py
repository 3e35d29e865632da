"""The course manifest, ``course.toml``: assignment ids, order, titles and points.

Every list of chapters reads it: the Makefile (``python -m autograder.course ids``),
``scripts/build_book.py``, :data:`autograder.specs.CHAPTERS`, ``nbgrader_config.py``,
the benchmarks and the tests. Plain ``tomllib`` and dataclasses, no other import, so the
sandbox (which stages this module and the manifest for the specs) can read it too.

    python -m autograder.course ids      # gradcheck softmax temporal_loss rnn lstm
"""

import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MANIFEST = Path(__file__).resolve().parents[1] / "course.toml"


@dataclass(frozen=True)
class Assignment:
    """One nbgrader assignment (one chapter): ``assignments/<id>/<id>.ipynb``."""

    id: str
    title: str
    points: float


@dataclass(frozen=True)
class Course:
    id: str
    title: str
    assignments: tuple[Assignment, ...]

    @property
    def ids(self):
        return tuple(a.id for a in self.assignments)

    def assignment(self, id):
        for a in self.assignments:
            if a.id == id:
                return a
        raise KeyError(f"no assignment {id!r} in the course manifest; known: {list(self.ids)}")


@cache
def load(path=MANIFEST):
    """The :class:`Course` of the manifest at ``path`` (``ValueError`` names what is wrong)."""
    with open(path, "rb") as f:
        data = tomllib.load(f)
    try:
        items = tuple(
            Assignment(str(a["id"]), str(a["title"]), float(a["points"]))
            for a in data["assignment"]
        )
        course = Course(str(data["course"]["id"]), str(data["course"]["title"]), items)
    except (KeyError, TypeError) as e:
        raise ValueError(f"{path}: missing or malformed field {e}") from None
    if len(set(course.ids)) != len(course.ids):
        raise ValueError(f"{path}: an assignment id is listed twice")
    return course


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if args != ["ids"]:
        print("usage: python -m autograder.course ids", file=sys.stderr)
        return 2
    print(" ".join(load().ids))
    return 0


if __name__ == "__main__":
    sys.exit(main())
