"""Crash-safe batch state: one atomic result file per student and an append-only journal.

``<root>/.autograder/<assignment>/results/<student>.json`` is written to a temporary
file, fsynced and renamed, so it is either complete or absent. After a student's grades
are committed to the gradebook, a line ``{"student", "key", "score"}`` is appended to
``journal.jsonl`` (fsynced). A re-run after a crash skips students whose journal entry
matches the submission's key, commits results that were written but not committed, and
grades the rest: every student ends up committed exactly once per submission version.
"""

import json
import os
from pathlib import Path

FORMAT = 1


def state_dir(root, assignment):
    d = Path(root) / ".autograder" / assignment
    (d / "results").mkdir(parents=True, exist_ok=True)
    return d


def submission_key(sub_dir, canonical_digest):
    """Digest of every submitted file (names and bytes) plus the assignment's source."""
    from autograder import intake  # sec: no read through a link, pipe or device

    return intake.submission_digest(sub_dir, f"{FORMAT}:{canonical_digest}".encode())


def write_atomic(path, data):
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save_result(d, student, result):
    write_atomic(d / "results" / f"{student}.json", json.dumps(result).encode())


def load_result(d, student, key):
    p = d / "results" / f"{student}.json"
    try:
        r = json.loads(p.read_text())
    except (OSError, ValueError):
        return None
    return r if r.get("key") == key else None


def committed(d):
    """``{student: entry}`` of the journal's committed entries (a torn last line is ignored)."""
    out = {}
    try:
        lines = (d / "journal.jsonl").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        try:
            e = json.loads(line)
            out[e["student"]] = e
        except (ValueError, KeyError, TypeError):
            continue
    return out


def journal(d, student, key, score, row=None):
    entry = {"student": student, "key": key, "score": score, "row": row}
    line = json.dumps(entry) + "\n"
    with open(d / "journal.jsonl", "a") as f:
        f.write(line)
        f.flush()
        os.fsync(f.fileno())
