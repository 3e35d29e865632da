"""``python -m autograder report``: counts, ranking, CSV = HTML, no ids without --names, CLI.

The class (tests/fixtures/report_class.py) is stored as typed results and committed to a
real nbgrader gradebook; the expected numbers below are stated from its definition.
"""

import csv
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import report_class as rc  # noqa: E402

from autograder.__main__ import main  # noqa: E402
from autograder.mistakes.base import find  # noqa: E402
from autograder.report import aggregate, failures  # noqa: E402
from autograder.report.load import read_class  # noqa: E402
from autograder.store import results_dir  # noqa: E402

IDS = [s.id for s in rc.CLASS]
CONVENTION = "softmax_loss_vectorized.convention_half_reg"
VENV_BIN = str(Path(sys.executable).parent)  # nbgrader's Gradebook runs `alembic` from PATH


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PATH", VENV_BIN + os.pathsep + os.environ.get("PATH", ""))
        root = rc.make_course(tmp_path_factory.mktemp("course"))
        rc.grade_class(root, rc.CLASS)
        orphan = rc.result_of(rc.Student("zq99x", {}))  # stored, never committed
        rc.store(root, orphan)
        yield root


@pytest.fixture(scope="module")
def rep(course):
    return aggregate.summarise(read_class(rc.db_url(course), rc.COURSE, course, rc.ASSIGNMENT))


def run(*args, capsys=None):
    code = main(["report", *map(str, args)])
    out = capsys.readouterr() if capsys else None
    return code, out


@pytest.fixture(scope="module")
def written(course):
    """The default report and the --names report, written by the command."""
    assert main(["report", rc.ASSIGNMENT, "--root", str(course)]) == 0
    out = course / "named"
    assert main(["report", rc.ASSIGNMENT, "--root", str(course), "--names", "--out", str(out)]) == 0
    return course / "reports", out


def test_mistakes_ranked_by_students_with_hint_and_book_section(rep):
    ranked = [(m.id, len(m.students), m.occurrences) for m in rep.mistakes]
    assert ranked == [(rc.DW, 4, 4), (rc.TANH, 3, 3), (rc.BIAS, 1, 1)]
    top = rep.mistakes[0]
    assert top.students == [rc._id(i) for i in (3, 4, 5, 6)]
    assert top.hint == find(rc.DW).hint and top.kind == "likely mistake"
    assert (top.section.page, top.section.anchor) == ("rnn", "backpropagation-through-time")
    assert rep.mistakes[1].section.anchor == "the-step-backward"


def test_unmatched_failures_grouped_by_cell_name_and_output(rep):
    groups = {g.key: (g.students, g.median_rel_error) for g in rep.unmatched}
    assert groups == {
        "test_rnn_backward/rnn_backward/dx": ([rc._id(9), rc._id(10)], 0.5),
        "test_rnn_step_forward/-/-": ([rc._id(11)], None),
    }
    assert rep.blamed == 1  # student 12's failure has a cause: not a new mistake


def test_robustness_by_cause_without_student_text(rep):
    rows = {(i.kind, i.cause): i.students for i in rep.incidents}
    assert rows == {
        ("kernel death", "killed by signal 11 (segmentation fault)"): [rc._id(14)],
        ("timeout", "timed out after 8 s (infinite loop?)"): [rc._id(13)],
        ("unreadable notebook", "the notebook file is not UTF-8 text"): [rc._id(15)],
        ("restored cell", "duplicate of cell 'test_rnn_backward'"): [rc._id(14)],
        ("restored cell", "unknown cell id '…' treated as an ordinary cell"): [rc._id(14)],
    }


def test_cause_keeps_known_cells_and_drops_particulars():
    assert failures.cause("notebook renamed: found alice.ipynb", {"x"}) == "notebook renamed"
    assert failures.cause("cell 'x' and 'evil'", {"x"}) == "cell 'x' and '…'"


def test_scores_per_assignment_and_cell(rep):
    assert (rep.submissions, rep.with_results, rep.orphans) == (16, 15, 1)
    assert rep.total.max_score == 12.0
    # full marks: students 1, 2 and 16 (all tests passed, written answer 2/2)
    assert rep.total.pass_rate == 3 / 16
    assert sum(n for *_, n in rep.total.histogram()) == 16
    cells = {d.label: d for d in rep.cells}
    assert list(cells) == [*rc.CELLS, rc.WRITTEN[0]]  # source order, then the written answer
    # test_rnn_backward fails for 3-6 (mistakes), 9, 10, 12, 13 and 14 (died), 15 (unreadable)
    assert cells["test_rnn_backward"].pass_rate == 6 / 16
    assert cells["test_rnn_backward"].median == 0.0
    assert cells["test_rnn_step_forward"].pass_rate == 13 / 16  # 8, 11, 15
    assert cells[rc.WRITTEN[0]].manual == 15 and cells[rc.WRITTEN[0]].kind == "written"


def test_grading_time_median_and_slowest_ten(rep):
    # every stored notebook but the unreadable one: 2..12 s, 1 s (student 12), 30 s, 13 s
    assert sorted(t.seconds for t in rep.times) == [*map(float, range(1, 14)), 30.0]
    assert rep.median_seconds == 7.5
    assert [t.seconds for t in rep.slowest] == [
        30.0,
        13.0,
        12.0,
        11.0,
        10.0,
        9.0,
        8.0,
        7.0,
        6.0,
        5.0,
    ]
    assert rep.slowest[0].student == rc._id(13)


class Tables(HTMLParser):
    """Every ``<table id=...>`` of a page (header and rows of cell texts) and the img alts."""

    def __init__(self):
        super().__init__()
        self.tables, self.alts, self._t, self._cell = {}, [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._t = self.tables.setdefault(a["id"], [])
        elif tag == "tr" and self._t is not None:
            self._t.append([])
        elif tag in ("td", "th") and self._t is not None:
            self._cell = []
        elif tag == "img":
            self.alts.append(a.get("alt", ""))

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._t[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._t = None


def parse_html(path):
    p = Tables()
    p.feed(Path(path).read_text())
    return p


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def _same(html_text, csv_text):
    if html_text == csv_text:
        return True
    if html_text.endswith("%"):
        return abs(float(html_text[:-1]) / 100 - float(csv_text)) < 5e-4
    try:
        a, b = float(html_text), float(csv_text)
    except ValueError:
        return False
    return abs(a - b) <= 5e-4 * max(1.0, abs(b))


@pytest.mark.parametrize("which", ["default", "names"])
def test_csv_and_html_agree(written, which):
    out = written[0] if which == "default" else written[1]
    page = parse_html(out / f"{rc.ASSIGNMENT}.html")
    files = sorted((out / rc.ASSIGNMENT).glob("*.csv"))
    assert {f.stem for f in files} == set(page.tables) and len(files) == 7
    for f in files:
        rows = read_csv(f)
        html_rows = page.tables[f.stem]
        header = rows[0]
        url_cols = [i for i, c in enumerate(header) if c.endswith("_url")]
        shown = [[v for i, v in enumerate(r) if i not in url_cols] for r in rows]
        assert len(shown) == len(html_rows), f.stem
        assert shown[0] == html_rows[0], f.stem
        for got, want in zip(html_rows[1:], shown[1:], strict=True):
            assert all(_same(g, w) for g, w in zip(got, want, strict=True)), (f.stem, got, want)
    mistakes = read_csv(out / rc.ASSIGNMENT / "mistakes.csv")
    urls = [r[mistakes[0].index("section_url")] for r in mistakes[1:]]
    page_text = (out / f"{rc.ASSIGNMENT}.html").read_text()
    assert urls and all(f'href="{u}"' in page_text for u in urls)
    assert urls[0] == "../_build/html/book/derivations/rnn.html#backpropagation-through-time"


def _texts(folder):
    return {p: p.read_bytes().decode("utf-8", "replace") for p in folder.rglob("*") if p.is_file()}


def test_no_student_id_anywhere_without_names(written):
    default, named = written
    files = _texts(default)
    assert len(files) == 8  # the page and its seven CSV files
    for path, text in files.items():
        leaked = [s for s in [*IDS, "zq99x"] if s in text]
        assert not leaked, (path, leaked)
    assert all(
        alt and not re.search(r"zq\d\dx", alt) for alt in parse_html(default / "rnn.html").alts
    )
    named_text = "\n".join(_texts(named).values())
    listed = {rc._id(i) for i in [*range(3, 12), 13, 14, 15]}  # behind a mistake, group, ...
    assert {s for s in IDS if s in named_text} == listed
    assert "do not" in (named / "rnn.html").read_text()


def test_page_is_self_contained(written):
    text = (written[0] / "rnn.html").read_text()
    assert "<script" not in text.lower()
    srcs = re.findall(r'src="([^"]*)"', text)
    assert len(srcs) == 4 and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert not re.search(r'(href|src)="(https?:)?//', text)


def test_group_prints_the_students_behind_a_group(course, capsys):
    code, out = run(rc.ASSIGNMENT, "--root", course, "--group", "test_rnn_backward/rnn_backward/dx",
                    capsys=capsys)  # fmt: skip
    assert code == 0 and out.out.split() == [rc._id(9), rc._id(10)]
    code, out = run(rc.ASSIGNMENT, "--root", course, "--group", rc.TANH, capsys=capsys)
    assert code == 0 and out.out.split() == [rc._id(5), rc._id(7), rc._id(8)]
    code, out = run(rc.ASSIGNMENT, "--root", course, "--group", "nope", capsys=capsys)
    assert code == 2 and "no group 'nope' in rnn" in out.err and out.out == ""


def test_unknown_assignment_exits_2_and_writes_nothing(course, capsys, tmp_path):
    code, out = run("rnn", "nosuch", "--root", course, "--out", tmp_path / "r", capsys=capsys)
    assert code == 2
    assert (
        out.err.strip() == "error: no assignment 'nosuch' in the gradebook: run generate_assignment"
    )
    assert not (tmp_path / "r").exists()


def test_no_gradebook_and_no_config_exit_2(tmp_path, capsys):
    code, out = run("rnn", "--root", tmp_path, capsys=capsys)
    assert code == 2 and "no nbgrader_config.py" in out.err
    (tmp_path / "nbgrader_config.py").write_text(
        rc.CONFIG.format(root=str(tmp_path), course=rc.COURSE, db=rc.db_url(tmp_path))
    )
    code, out = run("rnn", "--root", tmp_path, capsys=capsys)
    assert code == 2 and "no gradebook at" in out.err
    assert not (tmp_path / "gradebook.db").exists()


def test_nobody_submitted_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", VENV_BIN + os.pathsep + os.environ.get("PATH", ""))
    root = rc.make_course(tmp_path / "c", assignment="lstm")
    code, out = run("lstm", "--root", root, capsys=capsys)
    assert code == 0
    assert out.out.startswith("lstm: nobody has submitted lstm; wrote ")
    page = (root / "reports" / "lstm.html").read_text()
    assert 'id="empty"' in page and "Nobody has submitted" in page


def test_stale_mistake_ids_and_old_format_results(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", VENV_BIN + os.pathsep + os.environ.get("PATH", ""))
    root = rc.make_course(tmp_path)
    old, gone, conv = rc._id(1), rc._id(2), rc._id(3)
    stale = rc.Student(gone, {"test_rnn_backward": rc.Fail("rnn_backward.gone")})
    named = rc.Student(conv, {"test_rnn_backward": rc.Fail(CONVENTION)})
    rc.grade_class(root, [rc.Student(old, {}), stale, named])
    (results_dir(root, "rnn") / f"{old}.json").write_text(json.dumps({"student": old}))
    r = aggregate.summarise(read_class(rc.db_url(root), rc.COURSE, root, "rnn"))
    assert (r.submissions, r.with_results) == (3, 2)  # the old-format file is not a result
    kinds = {m.id: (m.kind, m.hint, m.section and m.section.anchor) for m in r.mistakes}
    assert kinds == {
        "rnn_backward.gone": (None, None, None),
        CONVENTION: ("convention", find(CONVENTION).hint, "the-full-loss-with-l2-regularisation"),
    }


def test_the_command_runs_as_a_module(written):
    env = {**os.environ, "PATH": VENV_BIN + os.pathsep + os.environ.get("PATH", "")}
    r = subprocess.run([sys.executable, "-m", "autograder", "report", "--help"],
                       capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert r.returncode == 0 and "--names" in r.stdout and "--group" in r.stdout
