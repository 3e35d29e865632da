"""What the book offers students: download bundles, the helpers wheel, launch buttons.

1. Downloads. At start-up the student edition is built from ``release/``
   (:mod:`autograder.student`, leak-scanned) into ``_build/.student``; every chapter's bundle
   (``downloads/<id>.zip``: notebook, ``requirements.txt``, helpers wheel) and the wheel
   (``downloads/<wheel>``) are served by the site. Each chapter notebook page gets a ``.zip``
   and a ``.whl`` entry in its download menu.
2. One place for where students start: ``repository.url`` in ``_config.yml`` is the
   student edition's repository (never the project's, which holds the solutions). Empty
   (the default), the page shows neither a repository button nor launch buttons; launch
   buttons open ``<id>/<id>.ipynb``, the chapter's path in the student edition, and only
   services with a configured URL get a button.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)
LAUNCH_KEYS = ("binderhub_url", "jupyterhub_url", "colab_url", "deepnote_url", "jupyterlite_url")


def _chapters(srcdir: Path) -> list[str]:
    found = srcdir.glob("release/*/*.ipynb")
    return sorted(p.parent.name for p in found if p.stem == p.parent.name)


def on_config_inited(app, config):
    srcdir = Path(app.srcdir).resolve()
    if str(srcdir) not in sys.path:
        sys.path.insert(0, str(srcdir))
    options = config.html_theme_options
    has_repository = bool(str(options.get("repository_url") or "").strip())
    options["use_repository_button"] = has_repository
    if not has_repository:
        options["launch_buttons"] = {}
    launch = options.get("launch_buttons") or {}
    for key in LAUNCH_KEYS:
        if key in launch and not str(launch[key] or "").strip():
            del launch[key]
    chapters = _chapters(srcdir)
    if not chapters:
        return
    from autograder import student

    stage = srcdir / "_build" / ".student"
    shutil.rmtree(stage, ignore_errors=True)
    edition = student.edition(stage / "edition", chapters, srcdir)
    downloads = stage / "site" / "downloads"
    student.bundles(edition, downloads, chapters)
    shutil.copy2(edition / student.wheel_name(srcdir), downloads)
    config.html_extra_path = [*config.html_extra_path, str(stage / "site")]
    config.workbook_wheel = student.wheel_name(srcdir)


def _chapter_of(pagename: str) -> str | None:
    parts = pagename.split("/")
    if len(parts) == 3 and parts[0] == "release" and parts[1] == parts[2]:
        return parts[1]
    return None


def on_html_page_context(app, pagename, templatename, context, doctree):
    chapter = _chapter_of(pagename)
    if chapter is None:
        return
    pathto = context["pathto"]
    for group in context.get("header_buttons", []):
        if group.get("label") == "launch-buttons":  # open the chapter in the student edition
            for button in group.get("buttons", []):
                button["url"] = button["url"].replace(f"release/{chapter}/", f"{chapter}/")
        if group.get("label") == "download-buttons" and app.config.workbook_wheel:
            group["buttons"][1:1] = [
                {
                    "type": "link",
                    "url": pathto(f"downloads/{chapter}.zip", 1),
                    "text": ".zip",
                    "icon": "fas fa-file-zipper",
                    "tooltip": "This chapter: notebook, helpers and requirements.txt",
                    "label": "download-bundle-button",
                },
                {
                    "type": "link",
                    "url": pathto(f"downloads/{app.config.workbook_wheel}", 1),
                    "text": ".whl",
                    "icon": "fas fa-box",
                    "tooltip": "The helpers alone: pip install this file",
                    "label": "download-wheel-button",
                },
            ]


def setup(app):
    app.add_config_value("workbook_wheel", "", "html", [str])
    app.connect("config-inited", on_config_inited)
    app.connect("html-page-context", on_html_page_context, priority=510)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
