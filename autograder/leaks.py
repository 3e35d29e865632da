"""Leak scan: does a folder a student receives hold an answer or a hidden test?

The secrets of a course are the distinctive lines (:func:`distinctive`) of

* every solution region and every hidden-test region of ``assignments/*/*.ipynb``;
* the body of every reference function a chapter asks students to write (each answer
  cell's ``grade_id`` names one in ``solutions``, wherever its code lives);

less the lines the source notebooks' code cells show outside those regions (skeletons,
checks); a hint in the prose that quotes an answer line is a leak.
:meth:`Secrets.scan` reads every text file of a folder, the members of ``.zip`` and
``.whl`` archives, HTML without its tags and notebooks flattened, and lists the secret
lines, nbgrader markers and ``grade(`` calls it finds. ``python -m autograder.release``
runs it on each release; the tests run it on releases, bundles, the student edition and
the built site.
"""

import ast
import html
import inspect
import json
import re
import textwrap
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)(.*?)### END \1", re.S)
GRADE_CALL = re.compile(r"(?<![\w])grade\(")
TEXT = {".html", ".js", ".txt", ".ipynb", ".md", ".json", ".py", ".css", ".cfg", ".toml", ""}
ARCHIVES = {".zip", ".whl"}


def distinctive(line):
    """A line that would only be in a file if reference code were: long, not a comment,
    not a bare return/raise/unpacking of a cache."""
    if len(line) < 24 or line.startswith(("#", '"', "'")):
        return False
    if re.fullmatch(r"(return|raise|pass|else:|try:|finally:)\b.*", line) and len(line) < 40:
        return False
    return not re.fullmatch(r"[\w, ()]+ = cache", line)


def body_lines(func):
    """Source lines of ``func``'s body, without its docstring."""
    source = textwrap.dedent(inspect.getsource(inspect.unwrap(func)))
    node = ast.parse(source).body[0]
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    lines = source.splitlines()
    return [ln for stmt in body for ln in lines[stmt.lineno - 1 : stmt.end_lineno]]


def text_lines(name, raw):
    """``(stripped lines, text)`` of a file's content, as a reader would see it."""
    text = raw
    if name.endswith(".html"):
        text = html.unescape(re.sub(r"<[^>]+>", "", raw))
    elif name.endswith(".ipynb"):
        try:
            nb = json.loads(raw)
        except ValueError:
            nb = {}
        parts = []
        for cell in nb.get("cells", []):
            parts.append("".join(cell.get("source", "")))
            for output in cell.get("outputs", []):
                parts.append("".join(output.get("text", "")))
                for value in output.get("data", {}).values():
                    if isinstance(value, (str, list)) and not str(value).startswith("iVBOR"):
                        parts.append("".join(value))
        text = "\n".join(parts)
    return {line.strip() for line in text.splitlines()}, text


@dataclass
class Secrets:
    lines: set = field(default_factory=set)

    @classmethod
    def of_course(cls, root="."):
        import nbformat

        import solutions

        inside, public, answers = set(), set(), set()
        for path in sorted(Path(root, "assignments").glob("*/*.ipynb")):
            for cell in nbformat.read(path, as_version=4).cells:
                rest = cell.source
                for match in REGION.finditer(cell.source):
                    inside |= {ln.strip() for ln in match.group(2).splitlines()}
                    rest = rest.replace(match.group(0), "")
                if cell.cell_type == "code":  # skeletons and checks; prose may not quote answers
                    public |= {ln.strip() for ln in rest.splitlines()}
                meta = cell.metadata.get("nbgrader", {})
                if meta.get("solution"):
                    answers.add(str(meta.get("grade_id")))
        lines = {ln for ln in inside if distinctive(ln)}
        for name in answers:
            obj = getattr(solutions, name, None)
            funcs = [obj] if inspect.isfunction(obj) else []
            if inspect.isclass(obj):
                funcs = [
                    v for k, v in vars(obj).items() if inspect.isfunction(v) and k != "__init__"
                ]
            for func in funcs:
                lines |= {ln.strip() for ln in body_lines(func) if distinctive(ln.strip())}
        return cls(lines - public)

    def found(self, name, raw):
        """The secrets, markers and ``grade(`` calls in one file's content."""
        _, text = text_lines(name, raw)
        flat = " ".join(text.split())  # an answer quoted in a sentence, or wrapped, counts too
        hits = sorted(line for line in self.lines if " ".join(line.split()) in flat)
        hits += [m for m in MARKERS if m in text]
        if GRADE_CALL.search(text):
            hits.append("grade( call")
        return hits

    def scan(self, folder, skip=()):
        """``{relative path: hits}`` of every text file (and archive member) under ``folder``."""
        folder, leaks = Path(folder), {}
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if not path.is_file() or any(part in skip for part in rel.parts):
                continue
            if path.suffix in ARCHIVES:
                with zipfile.ZipFile(path) as archive:
                    for member in archive.namelist():
                        if Path(member).suffix in TEXT and not member.endswith("/"):
                            raw = archive.read(member).decode("utf-8", "replace")
                            if hits := self.found(member, raw):
                                leaks[f"{rel}!{member}"] = hits
            elif path.suffix in TEXT:
                if hits := self.found(path.name, path.read_text("utf-8", errors="replace")):
                    leaks[str(rel)] = hits
        return leaks
