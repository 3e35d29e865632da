"""Progress on stderr (a bar on a terminal, plain lines otherwise) and the final table."""

import sys
import time


class Progress:
    def __init__(self, total, stream=None):
        self.total, self.done, self.t0 = total, 0, time.monotonic()
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()

    def step(self, label):
        self.done += 1
        rate = self.done / max(time.monotonic() - self.t0, 1e-9)
        if self.tty:
            width = 30
            fill = int(width * self.done / max(self.total, 1))
            bar = "#" * fill + "." * (width - fill)
            line = f"\r[{bar}] {self.done}/{self.total} {rate:.1f}/s {label[:30]:<30}"
            self.stream.write(line)
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(f"[{self.done}/{self.total}] {label}\n")
        self.stream.flush()


def table(rows, stream=None):
    """``rows``: ``(student, status, score, max_score, detail)``; printed as aligned columns."""
    stream = stream or sys.stdout
    head = ("student", "status", "score", "detail")
    lines = [
        (s, st, f"{sc:g}/{mx:g}" if sc is not None else "-", d or "") for s, st, sc, mx, d in rows
    ]
    widths = [max(len(str(r[i])) for r in [head, *lines]) for i in range(3)]
    for r in [head, *lines]:
        stream.write("  ".join(str(r[i]).ljust(widths[i]) for i in range(3)) + "  " + r[3] + "\n")
