"""Read what a student submitted as regular files only, within bounds, never a crash.

A submission folder belongs to the student: any name in it may be a symbolic link (to the
instructor's source notebook, to a file only root can read), a named pipe (which blocks a
reader forever), a device or a huge file. Everything the graders read from it goes
through :func:`read_regular`: opened with ``O_NOFOLLOW | O_NONBLOCK`` relative to a parent
directory that is itself opened without following links, checked with ``fstat`` to be a
regular file, and read under a size cap. Anything else is *refused* with a one-line
reason (:class:`Refused`) that becomes the student's error, never the bytes behind it.

:func:`load_submission` adds the notebook's caps (size, cell count) and
:func:`normalise`, which turns hostile metadata types (a list ``grade_id``, non-dict
``nbgrader`` metadata, cells that are not objects) into ordinary cells, with a note.
Extra files are copied by :func:`copy_extras` only when regular, small and not active
content a browser would run when formgrader serves them from the Jupyter origin.

(Longer than most modules: every read of a student's folder, for both graders, lives
here so that no other module opens a submitted file.)
"""

import errno
import hashlib
import json
import mimetypes
import os
import stat
from fnmatch import fnmatch

_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_DIR_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY | os.O_CLOEXEC
# Served by formgrader (a static file handler on the Jupyter origin): never copied.
ACTIVE_TYPES = {
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "text/javascript",
    "application/javascript",
    "application/x-javascript",
    "text/css",
}
_ACTIVE_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml", ".js", ".mjs")


class Refused(Exception):
    """A submitted file that is not read: the message is one line for the student."""


def _kind(mode):
    for test, name in (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def read_regular(path, max_bytes):
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes`` (else
    :class:`Refused`). Neither ``path`` nor its parent directory may be a symbolic link."""
    parent, name = os.path.split(os.fspath(path))
    try:
        dfd = os.open(parent or ".", _DIR_FLAGS)
    except OSError as e:
        raise Refused(f"its folder cannot be opened ({os.strerror(e.errno)})") from None
    try:
        try:
            fd = os.open(name, _FLAGS, dir_fd=dfd)
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise Refused(f"{name} is a symbolic link (only regular files are read)") from None
            raise Refused(f"{name} cannot be opened ({os.strerror(e.errno)})") from None
    finally:
        os.close(dfd)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refused(f"{name} is {_kind(st.st_mode)} (only regular files are read)")
        if st.st_size > max_bytes:
            raise Refused(f"{name} is {_size(st.st_size)} (limit {_size(max_bytes)})")
        chunks, got = [], 0
        while got <= max_bytes:
            b = os.read(fd, min(1 << 20, max_bytes + 1 - got))
            if not b:
                break
            chunks.append(b)
            got += len(b)
        if got > max_bytes:
            raise Refused(f"{name} is larger than {_size(max_bytes)}")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _size(n):
    return f"{n / (1 << 20):.1f} MB" if n >= 1 << 20 else f"{n} bytes"


def _limits(limits):
    if limits is None:
        from autograder.sandbox.limits import Limits

        limits = Limits.load()
    return limits


def parse_submission(raw, limits=None):
    """``(notebook, None, notes)`` or ``(None, reason, [])`` for the bytes of a submitted
    notebook: under the size and cell-count caps, metadata types normalised (``notes`` says
    what was repaired)."""
    from autograder.notebook.read import read_submission

    limits = _limits(limits)
    if len(raw) > limits.notebook_bytes:
        return None, f"the notebook was not read: larger than {_size(limits.notebook_bytes)}", []
    try:  # count cells before nbformat builds (and validates) every one of them
        cells = json.loads(raw).get("cells")
    except (ValueError, AttributeError):
        cells = None
    if isinstance(cells, list) and len(cells) > limits.notebook_cells:
        return None, f"the notebook has {len(cells)} cells (limit {limits.notebook_cells})", []
    nb, reason = read_submission(raw)
    return nb, reason, (normalise(nb) if nb is not None else [])


def load_submission(path, limits=None):
    """:func:`parse_submission` of the notebook at ``path``, read as a regular file only."""
    limits = _limits(limits)
    try:
        raw = read_regular(path, limits.notebook_bytes)
    except Refused as e:
        return None, f"the notebook was not read: {e}", []
    return parse_submission(raw, limits)


def _text(v):
    if isinstance(v, str):
        return v
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return "".join(v)
    return None


def normalise(nb):
    """Make every field the graders read the type they expect, in place; return notes.

    Cells that are not objects are dropped; ``source`` becomes text; ``metadata`` and
    ``metadata.nbgrader`` that are not objects are removed, and so is nbgrader metadata
    whose ``grade_id`` is not a string (the cell becomes an ordinary student cell).
    """
    notes = []
    if not isinstance(nb.get("metadata"), dict):
        nb["metadata"] = {}
        notes.append("notebook metadata was not an object: removed")
    kept = []
    for i, cell in enumerate(nb.get("cells") or [], start=1):
        if not isinstance(cell, dict):
            notes.append(f"cell {i} was not an object: dropped")
            continue
        if cell.get("cell_type") not in ("code", "markdown", "raw"):
            notes.append(f"cell {i} has an unknown type: kept as a raw cell")
            cell["cell_type"] = "raw"
        src = _text(cell.get("source", ""))
        if src is None:
            notes.append(f"cell {i}: source was not text: emptied")
        cell["source"] = src or ""
        md = cell.get("metadata")
        if not isinstance(md, dict):
            cell["metadata"] = md = {}
            notes.append(f"cell {i}: metadata was not an object: removed")
        ng = md.get("nbgrader")
        if "nbgrader" in md and not (isinstance(ng, dict) and isinstance(ng.get("grade_id"), str)):
            del md["nbgrader"]
            notes.append(f"cell {i}: malformed nbgrader metadata removed (an ordinary cell now)")
        kept.append(cell)
    nb["cells"] = kept
    return notes


def is_active(name):
    """Would a browser run this file as a page or script when served by name?"""
    low = name.lower()
    return low.endswith(_ACTIVE_SUFFIXES) or mimetypes.guess_type(low)[0] in ACTIVE_TYPES


def _walk(root):
    """``(relative path, lstat)`` of every entry under ``root``, links never followed."""
    todo = [""]
    while todo:
        rel = todo.pop()
        try:
            entries = sorted(os.scandir(os.path.join(root, rel)), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            r = os.path.join(rel, e.name)
            st = e.stat(follow_symlinks=False)
            if stat.S_ISDIR(st.st_mode):
                todo.append(r)
            else:
                yield r, st


def extra_files(root, exclude=(), limits=None):
    """``(copyable, refused)``: relative paths of extra files under ``root`` that may be
    copied, and ``(path, reason)`` for the others. ``exclude``: nbgrader ignore globs."""
    limits = _limits(limits)
    ok, refused = [], []
    for rel, st in _walk(root):
        if any(fnmatch(part, pat) for pat in exclude for part in rel.split(os.sep)):
            continue
        if not stat.S_ISREG(st.st_mode):
            refused.append((rel, f"{_kind(st.st_mode)}: not copied"))
        elif st.st_size > limits.extra_file_bytes:
            refused.append((rel, f"{_size(st.st_size)} (limit {_size(limits.extra_file_bytes)})"))
        elif is_active(rel):
            refused.append((rel, "a web page or script (formgrader would serve it): not copied"))
        elif len(ok) >= limits.extra_files:
            refused.append((rel, f"more than {limits.extra_files} extra files: not copied"))
        else:
            ok.append(rel)
    return ok, refused


def copy_regular(src, dst, max_bytes):
    """Copy regular file ``src`` to ``dst`` (replacing whatever ``dst`` was, link or not)."""
    data = read_regular(src, max_bytes)
    try:
        os.unlink(dst)
    except FileNotFoundError:
        pass
    fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def copy_extras(src_dir, dst_dir, exclude=(), limits=None):
    """Copy the copyable extra files of ``src_dir`` into ``dst_dir``; return the refusals."""
    limits = _limits(limits)
    ok, refused = extra_files(src_dir, exclude, limits)
    for rel in ok:
        dst = os.path.join(dst_dir, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        try:
            copy_regular(os.path.join(src_dir, rel), dst, limits.extra_file_bytes)
        except (Refused, OSError) as e:  # changed under us: refused like the others
            refused.append((rel, str(e)))
    return refused


def read_timestamp(folder, max_bytes=256):
    """The text of ``folder/timestamp.txt`` (stripped), or ``None`` when absent or refused."""
    path = os.path.join(folder, "timestamp.txt")
    if not os.path.lexists(path):
        return None
    try:
        return read_regular(path, max_bytes).decode("utf-8", "replace").strip()
    except Refused:
        return None


def submission_digest(folder, seed=b""):
    """sha256 over every entry of ``folder`` (names; bytes of regular files under the size
    cap; the kind of anything else), reading nothing through a link, pipe or device."""
    limits = _limits(None)
    h = hashlib.sha256(seed)
    cap = max(limits.notebook_bytes, limits.extra_file_bytes)
    for rel, st in sorted(_walk(folder)):
        h.update(rel.encode("utf-8", "surrogateescape") + b"\0")
        if stat.S_ISREG(st.st_mode) and st.st_size <= cap:
            try:
                h.update(hashlib.sha256(read_regular(os.path.join(folder, rel), cap)).digest())
                continue
            except Refused:
                pass
        h.update(f"<{_kind(st.st_mode)} {st.st_size}>".encode())
    return h.hexdigest()
