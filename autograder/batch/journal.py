"""Crash-safe batch state: which submissions are graded *and* committed to the gradebook.

Per student, the worker first stores the typed result (:mod:`autograder.store`, atomic),
the main thread then writes the gradebook and ``autograded/``, and last appends a line
``{"student", "key", "score"}`` (fsynced) to ``<root>/.autograder/<assignment>/journal.jsonl``.
A re-run after a crash skips students whose journal entry matches the submission's key
(and whose stored result is intact), commits results that were stored but not committed,
and grades the rest: every student ends up committed exactly once per submission version.
"""

import json
import os
from pathlib import Path

from autograder import intake

FORMAT = 3  # 3: keys read through the intake (no link, pipe or device); others never trusted


def state_dir(root, assignment):
    d = Path(root) / ".autograder" / assignment
    (d / "results").mkdir(parents=True, exist_ok=True)
    return d


def submission_key(sub_dir, canonical_digest):
    """Digest of every submitted file (names and bytes) plus the assignment's source."""
    return intake.submission_digest(sub_dir, f"{FORMAT}:{canonical_digest}".encode())


def committed(d):
    """``{student: key}`` of the journal's committed entries (a torn last line is ignored)."""
    out = {}
    try:
        lines = (d / "journal.jsonl").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        try:
            e = json.loads(line)
            out[str(e["student"])] = e["key"]
        except (ValueError, KeyError, TypeError):
            continue
    return out


def journal(d, student, key, score):
    line = json.dumps({"student": student, "key": key, "score": score}) + "\n"
    with open(d / "journal.jsonl", "a") as f:
        f.write(line)
        f.flush()
        os.fsync(f.fileno())
