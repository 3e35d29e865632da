"""Messages between the grader and the sandbox: length-prefixed frames of plain data.

A frame is ``<u64 length><u32 header length><JSON header><array bytes...>``. Values are
``None``, bools, ints, floats (NaN/inf allowed), strings, lists, tuples, dicts with string
keys, exact ``numpy.ndarray`` of a numeric or boolean dtype, and numpy scalars. Nothing
else crosses the boundary: no pickle, no objects, no code. Anything the sandbox sends is
untrusted, so :func:`decode` re-checks every array (dtype kind, shape, byte count) and
rejects oversized or malformed frames with :class:`WireError`.
"""

import json
import math
import os
import struct

import numpy as np

MAX_FRAME = 256 * 1024 * 1024
# The JSON header holds the non-array values. Parsed into Python objects it can take ~30x
# its size (a list of small numbers), so it is capped far below a frame: an honest "done"
# message (capped outputs, base64 figures) stays under 3 MB.
MAX_HEADER = 8 * 1024 * 1024
_KINDS = "biuf"


class WireError(Exception):
    """A malformed, oversized or truncated frame."""


class Opaque:
    """A value that could not be sent as plain data; ``token`` names it on the other side."""

    __slots__ = ("token",)

    def __init__(self, token):
        self.token = token

    def __repr__(self):
        return f"<opaque {self.token}>"


def _enc(v, blobs, opaque):
    t = type(v)
    if v is None or t in (bool, int, str):
        return v
    if t is float:
        return v if v == v and v not in (float("inf"), float("-inf")) else {"$f": repr(v)}
    if t is np.ndarray or isinstance(v, np.generic):
        a = np.asarray(v) if t is not np.ndarray else v
        if type(a) is not np.ndarray or a.dtype.kind not in _KINDS:
            return {"$bad": f"{type(v).__name__} of dtype {getattr(a, 'dtype', '?')}"}
        a = np.ascontiguousarray(a)
        blobs.append(a.tobytes())
        kind = "$sc" if t is not np.ndarray else "$nd"
        return {kind: len(blobs) - 1, "dtype": a.dtype.str, "shape": list(a.shape)}
    if t in (list, tuple):
        items = [_enc(x, blobs, opaque) for x in v]
        return items if t is list else {"$t": items}
    if t is dict and all(type(k) is str for k in v):
        return {"$d": [[k, _enc(x, blobs, opaque)] for k, x in v.items()]}
    if t is Opaque:
        return {"$o": v.token}
    if opaque is not None:
        return {"$o": opaque(v)}
    return {"$bad": f"{t.__module__}.{t.__qualname__}"}


def encode(value, opaque=None):
    """Frame ``value``; ``opaque(obj) -> token`` handles non-plain objects (else ``$bad``)."""
    blobs = []
    header = json.dumps({"v": _enc(value, blobs, opaque), "n": [len(b) for b in blobs]})
    hb = header.encode()
    body = struct.pack(">I", len(hb)) + hb + b"".join(blobs)
    return struct.pack(">Q", len(body)) + body


def _dec(v, blobs, resolve):
    if type(v) is list:
        return [_dec(x, blobs, resolve) for x in v]
    if type(v) is not dict:
        return v
    if "$t" in v:
        return tuple(_dec(x, blobs, resolve) for x in v["$t"])
    if "$d" in v:
        return {str(k): _dec(x, blobs, resolve) for k, x in v["$d"]}
    if "$f" in v:
        return float(v["$f"])
    if "$o" in v:
        return resolve(v["$o"]) if resolve else Opaque(v["$o"])
    if "$bad" in v:
        return Rejected(str(v["$bad"])[:200])
    key = "$nd" if "$nd" in v else "$sc"
    dt = np.dtype(str(v["dtype"]))
    shape = tuple(int(s) for s in v["shape"])
    if dt.kind not in _KINDS or any(s < 0 for s in shape) or dt.hasobject:
        raise WireError(f"refused dtype {dt} / shape {shape}")
    raw = blobs[int(v[key])]
    if len(raw) != math.prod(shape) * dt.itemsize:
        raise WireError("array byte count does not match its shape")
    a = np.frombuffer(raw, dtype=dt).reshape(shape).copy()
    return a[()] if key == "$sc" else a


class Rejected(str):
    """Stands for a value the sender could not encode (its type name)."""


def decode(body, resolve=None):
    """Inverse of :func:`encode` (without the 8-byte length prefix)."""
    try:
        (hl,) = struct.unpack(">I", body[:4])
        if hl > MAX_HEADER:
            raise WireError(f"a message header of {hl} bytes (limit {MAX_HEADER})")
        head = json.loads(body[4 : 4 + hl].decode())
        blobs, pos = [], 4 + hl
        for n in head["n"]:
            blobs.append(body[pos : pos + int(n)])
            pos += int(n)
        if pos != len(body):
            raise WireError("trailing bytes in frame")
        return _dec(head["v"], blobs, resolve)
    except WireError:
        raise
    except Exception as e:
        raise WireError(f"malformed frame: {type(e).__name__}: {e}") from None


def read_exact(fd, n):
    """``n`` bytes from ``fd`` or ``None`` on EOF (blocking)."""
    chunks, got = [], 0
    while got < n:
        b = os.read(fd, min(n - got, 1 << 20))
        if not b:
            return None
        chunks.append(b)
        got += len(b)
    return b"".join(chunks)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]
