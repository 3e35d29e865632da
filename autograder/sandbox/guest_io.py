"""Output capture inside the sandbox, capped per cell in every output type.

Streams, ``display()`` calls, the value of a cell's last expression, errors and open
matplotlib figures become nbformat output dicts. Each kind has a budget per cell; what
goes over it is dropped and replaced by one ``... output truncated ...`` marker. The
grader re-applies the same caps to whatever arrives (the sandbox is not trusted).
"""

import base64
import io
import sys
import traceback

TRUNCATED = "\n... output truncated (grader limit) ...\n"
_GUEST_FILES = ("/autograder/sandbox/", "<frozen ")


class CellOutputs:
    """The outputs of one cell, with the per-cell budgets of ``limits``."""

    def __init__(self, limits):
        self.limits = limits
        self.items = []
        self.stream_left = limits["stream_bytes"]
        self.display_left = limits["display_bytes"]
        self.displays = 0
        self.cut = set()

    def stream(self, name, text):
        if self.stream_left <= 0:
            if name not in self.cut:
                self.cut.add(name)
                self._append_stream(name, TRUNCATED)
            return
        text = text[: self.stream_left]
        self.stream_left -= len(text)
        self._append_stream(name, text)

    def _append_stream(self, name, text):
        last = self.items[-1] if self.items else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.items.append({"output_type": "stream", "name": name, "text": text})

    def data(self, bundle, kind="display_data", count=None):
        size = sum(len(v) for v in bundle.values())
        if kind == "display_data":
            self.displays += 1
        if size > self.display_left or self.displays > self.limits["display_items"]:
            self.stream("stdout", "[display output dropped: over the grader's size limit]\n")
            return
        self.display_left -= size
        out = {"output_type": kind, "data": bundle, "metadata": {}}
        if kind == "execute_result":
            out["execution_count"] = count
        self.items.append(out)

    def error(self, exc):
        cap = self.limits["error_chars"]
        ename = type(exc).__name__
        try:
            evalue = str(exc)[: cap // 2]
        except Exception:
            evalue = "<unprintable>"
        frames = [
            f
            for f in traceback.extract_tb(exc.__traceback__)
            if not any(g in f.filename for g in _GUEST_FILES)
        ]
        tb = traceback.format_list(frames[-20:]) + [f"{ename}: {evalue}"]
        text, out = 0, []
        for line in tb:
            if text + len(line) > cap:
                out.append("... traceback truncated ...")
                break
            text += len(line)
            out.append(line)
        self.items.append(
            {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": out}
        )
        return ename, evalue


class CappedStream(io.TextIOBase):
    """``sys.stdout`` / ``sys.stderr`` replacement writing into the current cell's outputs."""

    def __init__(self, name, current):
        self.name, self._current = name, current

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        cell = self._current()
        if cell is not None:
            cell.stream(self.name, s)
        return len(s)

    def writable(self):
        return True

    def flush(self):
        pass

    @property
    def encoding(self):
        return "utf-8"


def mime_bundle(obj, cap):
    """``text/plain`` (plus PNG/HTML when the object offers them) of ``obj``, capped."""
    try:
        text = repr(obj)
    except Exception as e:
        text = f"<repr failed: {type(e).__name__}>"
    bundle = {"text/plain": text[:cap]}
    for meth, mime in (("_repr_png_", "image/png"), ("_repr_html_", "text/html")):
        fn = getattr(type(obj), meth, None)
        if fn is None:
            continue
        try:
            v = fn(obj)
        except Exception:
            continue
        if isinstance(v, bytes):
            v = base64.b64encode(v).decode()
        if isinstance(v, str) and len(v) <= cap:
            bundle[mime] = v
    return bundle


def capture_figures(cell):
    """Open matplotlib figures become PNG ``display_data`` outputs, then are closed."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return
    try:
        nums = plt.get_fignums()
        for num in nums:
            buf = io.BytesIO()
            plt.figure(num).savefig(buf, format="png", dpi=60, bbox_inches="tight")
            cell.data(
                {"image/png": base64.b64encode(buf.getvalue()).decode(), "text/plain": "<Figure>"}
            )
        plt.close("all")
    except Exception as e:  # a broken figure only costs the picture
        cell.stream("stderr", f"[figure not captured: {type(e).__name__}]\n")
