"""Tolerant reading: the bytes of a submitted file become a notebook or a reason, never a crash.

Empty, truncated, non-UTF-8 or otherwise invalid files give ``(None, reason)``; the front
doors then grade :func:`unreadable_notebook` (one markdown cell saying why) restored
from the source, so the student scores 0 with the reason in the feedback.

:func:`read_folder` reads what grading needs from a submission folder into a
:class:`Submitted` (bytes, no paths): the local pool grades it where it was read, a Dask
worker or a hosted autograder receives exactly this object.
"""

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import v4

from autograder import intake
from autograder.sandbox.limits import Limits


@dataclass
class Submitted:
    """The notebooks of one submission, read: everything grading needs from its folder.

    ``files`` maps each expected notebook name (no ``.ipynb``) that was found to its
    bytes; ``unreadable`` maps a found one that could not be read to why; ``found`` lists
    every ``*.ipynb`` file name in the folder (to tell "renamed" from "not submitted").
    """

    files: dict[str, bytes] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)
    found: list[str] = field(default_factory=list)


def read_folder(folder, names, limits=None):
    """The :class:`Submitted` of the notebooks ``names`` in submission ``folder``.

    Each file is read by :func:`autograder.intake.read_regular` (a regular file under the
    notebook size cap of ``limits``; a link, pipe or device is refused with the reason).
    """
    cap = (limits or Limits.load()).notebook_bytes
    folder = Path(folder)
    out = Submitted(found=sorted(p.name for p in folder.glob("*.ipynb")))
    for name in names:
        path = folder / f"{name}.ipynb"
        if not os.path.lexists(path):  # a link is refused by the intake, not "missing"
            continue
        try:
            out.files[name] = intake.read_regular(path, cap)
        except intake.Refused as e:
            out.unreadable[name] = f"the notebook was not read: {e}"
    return out


def read_submission(raw):
    """``(notebook, None)`` or ``(None, reason)`` for the bytes of a submitted file."""
    if not raw.strip():
        return None, "the notebook file is empty"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, f"the notebook file is not UTF-8 text (byte {e.start})"
    try:
        with warnings.catch_warnings():  # duplicate / missing cell ids: repaired by restore
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
    except Exception as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        return None, f"the notebook file is not a valid notebook (truncated?): {reason[:120]}"
    if not isinstance(nb.get("cells"), list):
        return None, "the notebook file has no cells"
    return nb, None


def unreadable_notebook(reason):
    """A one-cell notebook that tells the student why their file could not be graded."""
    text = f"**This submission could not be read: {reason}. It was graded as empty (0 points).**"
    return v4.new_notebook(cells=[v4.new_markdown_cell(text)])
