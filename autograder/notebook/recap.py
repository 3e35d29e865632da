"""Re-check and cap the outputs the sandbox reports (it is not trusted to cap them itself).

Only well-formed ``stream``, ``display_data``, ``execute_result`` and ``error`` outputs
are kept, with string fields only, and each kind within its per-cell budget of
:class:`~autograder.sandbox.limits.Limits`.
"""

TRUNCATED = "\n... output truncated (grader limit) ...\n"
_MIMES = ("text/plain", "text/html", "image/png", "text/markdown", "text/latex")


def _s(v):
    return v if isinstance(v, str) else ""


def recap(outputs, limits, count=None):
    stream_left, display_left, displays, out = limits.stream_bytes, limits.display_bytes, 0, []
    for o in outputs if isinstance(outputs, list) else []:
        if not isinstance(o, dict):
            continue
        kind = o.get("output_type")
        if kind == "stream":
            name = "stderr" if o.get("name") == "stderr" else "stdout"
            text = _s(o.get("text"))
            if stream_left <= 0:
                continue
            if len(text) > stream_left:
                text = text[:stream_left] + TRUNCATED
            stream_left -= len(text)
            out.append({"output_type": "stream", "name": name, "text": text})
        elif kind in ("display_data", "execute_result"):
            data = o.get("data") if isinstance(o.get("data"), dict) else {}
            data = {k: v for k, v in data.items() if k in _MIMES and isinstance(v, str)}
            size = sum(len(v) for v in data.values())
            displays += kind == "display_data"
            if not data or size > display_left or displays > limits.display_items:
                continue
            display_left -= size
            item = {"output_type": kind, "data": data, "metadata": {}}
            if kind == "execute_result":
                item["execution_count"] = count
            out.append(item)
        elif kind == "error":
            cap = limits.error_chars
            tb = [_s(x)[:cap] for x in (o.get("traceback") or [])[:60] if isinstance(x, str)]
            while sum(map(len, tb)) > cap and len(tb) > 1:
                tb.pop(0)
            ename, evalue = _s(o.get("ename"))[:200], _s(o.get("evalue"))[:cap]
            out.append({"output_type": "error", "ename": ename, "evalue": evalue, "traceback": tb})
    return out
