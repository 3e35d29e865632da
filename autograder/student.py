"""The student edition, the helpers wheel and the download bundles: ``make student``.

::

    python -m autograder.student                     # student/ from release/ (make release first)
    python -m autograder.student --out DIR --closed temporal_loss

writes a self-contained tree that an instructor publishes as the students' repository::

    README.md          the two ways to start: launch, or download and pip install
    requirements.txt   pip and Binder: numpy, matplotlib, ..., jupyterlab, the helpers wheel
    runtime.txt        Binder's Python version
    backprop_workbook_helpers-<v>-py3-none-any.whl
    <id>/<id>.ipynb, <id>/requirements.txt, <id>/<wheel>      one folder per chapter

and nothing else (no solutions, sources, grader or hidden test; the leak scan of
:mod:`autograder.leaks` is run on it). Each chapter folder zipped is that chapter's
download bundle (:func:`bundles`); the book serves the bundles and the wheel.
"""

import argparse
import base64
import hashlib
import io
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from autograder import leaks, ship

DIST = "backprop_workbook_helpers"
EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: the same sources give the same bytes
README = """# {title}: student edition

Five notebooks, one per chapter, to complete in order: {chapters}. Each chapter builds on
your own answers of the earlier ones (its first cells read them from the earlier notebooks
in this folder), so keep the chapter folders side by side.

## Start in the browser

Use the *launch* button of any chapter page of the course book, or open this repository on
Binder: it installs `requirements.txt` and opens JupyterLab.

## Start on your machine

Download this repository (or a chapter's bundle from the book), then, with Python 3.11:

```bash
python -m venv .venv && source .venv/bin/activate   # Windows: .venv\\Scripts\\activate
pip install -r requirements.txt
jupyter lab
```

The helpers (`import workbook`) are the wheel `{wheel}`, which
`requirements.txt` installs; `pip install {wheel}` alone installs them too.
"""


def wheel_name(root="."):
    return f"{DIST}-{ship.project(root)['version']}-py3-none-any.whl"


def _digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(out_dir, root=".", closed=()):
    """Write the helpers wheel (the public ``workbook`` package) into ``out_dir``."""
    meta = ship.project(root)
    with tempfile.TemporaryDirectory() as tmp:
        package = ship.copy_helpers(tmp, root, closed)
        files = {
            p.relative_to(tmp).as_posix(): p.read_bytes()
            for p in sorted(package.rglob("*"))
            if p.is_file()
        }
    info = f"{DIST}-{meta['version']}.dist-info"
    requires = "".join(f"Requires-Dist: {d}\n" for d in meta["dependencies"])
    files[f"{info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {DIST.replace('_', '-')}\nVersion: {meta['version']}\n"
        f"Summary: Helpers of the Backprop Workbook notebooks (import workbook)\n"
        f"Requires-Python: {meta['requires-python']}\n{requires}"
    ).encode()
    files[f"{info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: autograder.student\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n"
    )
    files[f"{info}/top_level.txt"] = b"workbook\n"
    record = "".join(f"{name},{_digest(data)},{len(data)}\n" for name, data in files.items())
    files[f"{info}/RECORD"] = (record + f"{info}/RECORD,,\n").encode()
    path = Path(out_dir) / wheel_name(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as whl:
        for name, data in files.items():
            whl.writestr(zipfile.ZipInfo(name, EPOCH), data, zipfile.ZIP_DEFLATED)
    return path


def chapter_folder(dest, chapter, release_dir, wheel, root="."):
    """``<dest>/<chapter>/``: the released notebook, ``requirements.txt`` and the wheel."""
    folder = Path(dest) / chapter
    folder.mkdir(parents=True, exist_ok=True)
    notebook = Path(release_dir) / chapter / f"{chapter}.ipynb"
    if not notebook.is_file():
        raise FileNotFoundError(f"{notebook} is missing: run `make release` first")
    shutil.copy2(notebook, folder / notebook.name)
    shutil.copy2(wheel, folder / Path(wheel).name)
    (folder / "requirements.txt").write_text(ship.requirements(root, Path(wheel).name))
    return folder


def edition(out, ids, root=".", release_dir=None, closed=()):
    """Write the student edition into ``out`` (replaced); returns its path."""
    out, root = Path(out), Path(root)
    release_dir = Path(release_dir or root / "release")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    wheel = build_wheel(out, root, closed)
    for chapter in ids:
        chapter_folder(out, chapter, release_dir, wheel, root)
    (out / "requirements.txt").write_text(ship.requirements(root, wheel.name))
    (out / "runtime.txt").write_text("python-3.11\n")
    chapters = ", ".join(f"`{c}`" for c in ids)
    (out / "README.md").write_text(
        README.format(title="Backprop Workbook", chapters=chapters, wheel=wheel.name)
    )
    found = leaks.Secrets.of_course(root).scan(out)
    if found:
        raise RuntimeError(f"answers or hidden tests in the student edition: {found}")
    return out


def bundles(edition_dir, out_dir, ids):
    """One ``<id>.zip`` per chapter folder of the edition (top folder ``<id>/``)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    made = []
    for chapter in ids:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted((Path(edition_dir) / chapter).rglob("*")):
                name = path.relative_to(edition_dir).as_posix()
                zf.writestr(zipfile.ZipInfo(name, EPOCH), path.read_bytes(), zipfile.ZIP_DEFLATED)
        (out_dir / f"{chapter}.zip").write_bytes(buffer.getvalue())
        made.append(out_dir / f"{chapter}.zip")
    return made


def main(argv=None):
    from autograder import sync

    parser = argparse.ArgumentParser(prog="python -m autograder.student", description=__doc__)
    parser.add_argument("ids", nargs="*", help="chapters (default: every assignment)")
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    parser.add_argument("--out", default="student", help="output folder (default: student)")
    parser.add_argument("--closed", nargs="*", default=[], help="chapters closed (see guide)")
    args = parser.parse_args(argv)
    ids = args.ids or [Path(p).parent.name for p in sync.notebooks(args.root)]
    try:
        out = edition(args.out, ids, args.root, closed=args.closed)
    except (FileNotFoundError, RuntimeError, ValueError) as e:
        print(f"student edition failed: {e}", file=sys.stderr)
        return 1
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"student edition: {out} ({len(ids)} chapters, {size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
