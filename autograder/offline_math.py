"""Math in feedback and formgrader pages with no request to another host.

nbgrader's feedback and formgrade templates call nbconvert's ``mathjax()`` macro, which
loads MathJax 2 from a CDN: offline, every formula shows as raw TeX. :func:`template_dir`
writes a template folder whose ``base/mathjax.html.j2`` replaces that macro with MathJax 3
(``tex-svg-full.js``: SVG output, every TeX extension, no font files, nothing loaded
later) inlined in the page; ``nbgrader_config.py`` puts it first in
``HTMLExporter.extra_template_basedirs``. MathJax comes from npm's ``mathjax`` package,
installed once into ``.cache/npm`` exactly as the book does (``book/_ext/workbook_book.py``).
A page grows by the size of ``tex-svg-full.js`` (2.3 MB, about 0.6 MB gzipped).
"""

import importlib.util
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = "tex-svg-full.js"
CONFIG = (
    "window.MathJax = {tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], "
    "displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']], processEscapes: true, "
    "processEnvironments: true, tags: 'ams'}, svg: {fontCache: 'global'}, "
    "options: {enableMenu: false}};"
)
MACRO = """{%- macro mathjax(url=None) -%}
<!-- MathJax 3 inlined (autograder/offline_math.py): no request to any host -->
<script>CONFIG</script>
<script>{% raw %}SOURCE{% endraw %}</script>
{%- endmacro %}
"""


def _mathjax_package():
    """``.cache/npm/node_modules/mathjax`` (installed with npm if missing)."""
    path = ROOT / "book" / "_ext" / "workbook_book.py"
    want = re.search(r'MATHJAX_VERSION = "([^"]+)"', path.read_text(encoding="utf-8")).group(1)
    cache = Path(os.environ.get("WORKBOOK_CACHE_DIR") or ROOT / ".cache").resolve()
    package = cache / "npm" / "node_modules" / "mathjax"
    if (package / "package.json").is_file():  # the usual case: no need to load Sphinx
        if json.loads((package / "package.json").read_text()).get("version") == want:
            return package
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location("workbook_book", path)
        book = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(book)
        book.ensure_mathjax()
        return book.cache_dir() / "npm" / "node_modules" / "mathjax"
    finally:
        sys.path.remove(str(path.parent))


def template_dir():
    """The template folder (written once per MathJax version), or ``None`` without npm."""
    try:
        package = _mathjax_package()
    except Exception as e:  # noqa: BLE001 - a config file must not stop nbgrader
        print(f"offline math unavailable, feedback loads MathJax from a CDN: {e}", file=sys.stderr)
        return None
    version = (package / "package.json").stat().st_mtime_ns
    out = package.parents[2] / "nbgrader-templates"
    target = out / "base" / "mathjax.html.j2"
    stamp = out / ".source"
    if not target.is_file() or stamp.read_text() != f"{package}:{version}":
        source = (package / "es5" / BUNDLE).read_text(encoding="utf-8")
        if "{% endraw %}" in source:
            raise RuntimeError(f"{BUNDLE} cannot be inlined in a Jinja raw block")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(MACRO.replace("CONFIG", CONFIG).replace("SOURCE", source), "utf-8")
        os.replace(tmp, target)
        stamp.write_text(f"{package}:{version}")
    return str(out)
