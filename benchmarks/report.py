"""What every benchmark writes besides its numbers: the CPU, and its section of the results.

Each script owns one section of ``docs/benchmarks.md``, between ``<!-- name:start -->`` and
``<!-- name:end -->``, and rewrites only that.
"""

import platform
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def cpu_model():
    """The CPU's model name from ``/proc/cpuinfo`` (the platform's name elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def write_block(block, start, end, doc=DOC):
    """Replace the text between ``start`` and ``end`` in ``doc`` (append it when absent)."""
    text = doc.read_text() if doc.exists() else "# Benchmarks\n"
    if start in text and end in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda m: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    doc.write_text(text)
