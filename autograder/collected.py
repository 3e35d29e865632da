"""What the student's side sends the judge: :class:`Collected`, plain arrays and strings.

It is built by :func:`autograder.collect.collect` (in the sandbox, or in-process), crosses
the sandbox wire as plain data (:meth:`Collected.to_wire`) and is rebuilt on the grader's
side from an *untrusted* message (:meth:`Collected.from_wire`), where
:func:`autograder.grader.verdict` judges it.
"""

from dataclasses import dataclass, field

import numpy as np

from autograder import specs

MAX_PARTS = 16


@dataclass
class Collected:
    """Outputs of the student's code: ``cases[i][label]`` is a plain ndarray or, when the
    value could not be accepted, the one-line reason (str). A case that raised is ``{}``
    with its one-line error in ``errors[i]``; ``error``/``error_case`` repeat the first
    one, or say why nothing could be graded at all (``error_case`` -1).
    ``swapped``: the same cases with the reference sub-functions (composites only);
    ``parts``: ``{sub-function: Collected}`` of the student's own sub-functions;
    ``reference_forward``: a backward's cases on the reference forward's cache (only when
    they differ from the student's own run)."""

    name: str
    cases: list = field(default_factory=list)
    error: str | None = None
    error_case: int = -1  # -1: before any case ran (nothing was callable)
    errors: dict = field(default_factory=dict)
    swapped: "Collected | None" = None
    parts: dict = field(default_factory=dict)
    reference_forward: "Collected | None" = None

    def fail(self, index, message):
        """Record that case ``index`` raised (``message`` is its one line)."""
        self.errors[index] = message
        if self.error is None:
            self.error, self.error_case = message, index

    def to_wire(self):
        """Plain data for the sandbox wire (:mod:`autograder.sandbox.wire`)."""
        msg = {
            "t": "collected",
            "name": self.name,
            "cases": self.cases,
            "error": self.error,
            "error_case": self.error_case,
            "errors": {str(i): e for i, e in self.errors.items()},
        }
        for key in ("swapped", "reference_forward"):
            if getattr(self, key) is not None:
                msg[key] = getattr(self, key).to_wire()
        if self.parts:
            msg["parts"] = {k: v.to_wire() for k, v in self.parts.items()}
        return msg

    @classmethod
    def from_wire(cls, msg, max_cases, clip=lambda s: s, nested=True):
        """Rebuild from an *untrusted* wire message: anything that is not a plain numeric
        array or a string becomes a one-line reason; at most ``max_cases`` cases are kept;
        ``clip`` shortens every string (the sandbox chooses their length). ``swapped``,
        ``reference_forward`` and ``parts`` (only parts named like a graded name) are read
        one level deep."""
        name = msg.get("name")
        out = cls(name if isinstance(name, str) else "")
        cases = msg.get("cases") if type(msg.get("cases")) is list else []
        for case in cases[:max_cases]:
            if type(case) is not dict:
                out.cases.append({})
                continue
            clean = {}
            for label, value in case.items():
                if type(value) is np.ndarray and value.dtype.kind in "biuf":
                    clean[str(label)] = value
                elif isinstance(value, str):
                    clean[str(label)] = clip(value)
                else:
                    clean[str(label)] = f"{label} could not be read back from your notebook"
            out.cases.append(clean)
        err = msg.get("error")
        out.error = clip(err) if isinstance(err, str) else None
        ec = msg.get("error_case")
        out.error_case = ec if type(ec) is int else 0
        errors = msg.get("errors") if type(msg.get("errors")) is dict else {}
        for key, text in list(errors.items())[:max_cases]:
            if isinstance(key, str) and key.isdigit() and int(key) < max_cases:
                out.errors[int(key)] = clip(text) if isinstance(text, str) else "raised"
        if out.error is not None and out.error_case >= 0:
            out.errors.setdefault(out.error_case, out.error)
        if not nested:
            return out
        for key in ("swapped", "reference_forward"):
            if type(msg.get(key)) is dict:
                run = cls.from_wire(msg[key], max_cases, clip, nested=False)
                run.name = out.name
                setattr(out, key, run)
        parts = msg.get("parts") if type(msg.get("parts")) is dict else {}
        for part, sub in list(parts.items())[:MAX_PARTS]:
            try:
                n = specs.get(part).cases
            except KeyError:
                continue
            if type(sub) is dict:
                out.parts[part] = cls.from_wire(sub, n, clip, nested=False)
                out.parts[part].name = part
        return out
