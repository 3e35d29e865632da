"""The limits of one sandboxed run, as one traitlets ``Configurable`` that both front doors use.

Set them in ``nbgrader_config.py`` (``c.Limits.cell_timeout = 60``); ``python -m
autograder grade`` reads the same file and its flags (``--cell-timeout 30``) win over it.
Each value can also be overridden by an environment variable, ``AUTOGRADER_`` plus the
upper-cased name (``AUTOGRADER_CELL_TIMEOUT=30``), which wins over the file and loses to
the flags. The sandbox itself never sees any of these: its environment is rebuilt.
"""

import os

from traitlets import Bool, Float, Int
from traitlets.config import Configurable


class Limits(Configurable):
    cell_timeout = Float(60.0, help="wall seconds one cell may run while grading").tag(config=True)
    total_timeout = Float(600.0, help="wall seconds for the whole notebook").tag(config=True)
    cpu_seconds = Int(600, help="RLIMIT_CPU of the sandboxed process").tag(config=True)
    memory_mb = Int(3072, help="RLIMIT_AS (address space, MB) of the sandbox").tag(config=True)
    nproc = Int(64, help="RLIMIT_NPROC of the sandbox's own user id").tag(config=True)
    file_mb = Int(64, help="RLIMIT_FSIZE (MB); the scratch /tmp is twice this").tag(config=True)
    nofile = Int(256, help="RLIMIT_NOFILE of the sandboxed process").tag(config=True)
    stream_bytes = Int(100_000, help="stdout + stderr text kept per cell").tag(config=True)
    display_bytes = Int(2_000_000, help="display payloads kept per cell").tag(config=True)
    display_items = Int(20, help="display_data outputs kept per cell").tag(config=True)
    error_chars = Int(4_000, help="characters kept per error output").tag(config=True)
    message_bytes = Int(64 << 20, help="largest message accepted from the sandbox").tag(config=True)
    figures = Bool(True, help="capture open matplotlib figures after each cell").tag(config=True)
    run_trailing = Bool(
        False,
        help="also run the code cells after the last test cell (they cannot change a score; "
        "their demos cost seconds per notebook)",
    ).tag(config=True)
    # issue 11: intake, wire and reference-proxy bounds
    notebook_bytes = Int(32 << 20, help="largest submitted notebook file read").tag(config=True)
    notebook_cells = Int(2_000, help="most cells in a submitted notebook").tag(config=True)
    extra_file_bytes = Int(1 << 20, help="largest extra submitted file copied").tag(config=True)
    extra_files = Int(50, help="most extra files copied per submission").tag(config=True)
    cell_frames = Int(20_000, help="most messages the sandbox may send in one cell").tag(
        config=True
    )
    cell_received_bytes = Int(256 << 20, help="most bytes received in one cell").tag(config=True)
    notebook_received_bytes = Int(1 << 30, help="most bytes received per notebook").tag(config=True)
    collected_bytes = Int(16 << 20, help="largest outputs frame of one graded name").tag(
        config=True
    )
    output_items = Int(200, help="most outputs kept per cell, every type").tag(config=True)
    proxy_elements = Int(2_048, help="most numbers in one reference-proxy request").tag(config=True)
    proxy_int = Int(1 << 16, help="largest integer magnitude in a proxy request").tag(config=True)
    proxy_calls = Int(20_000, help="most reference-proxy calls per cell").tag(config=True)
    proxy_seconds = Float(30.0, help="grader seconds spent in reference calls per cell").tag(
        config=True
    )
    proxy_objects = Int(10_000, help="most opaque objects kept for one notebook").tag(config=True)
    uid_first = Int(1_900_000_000, help="first of the fresh sandbox uids (as root)").tag(
        config=True
    )
    uid_count = Int(1 << 20, help="how many fresh sandbox uids to lease from").tag(config=True)

    @classmethod
    def names(cls):
        """The configurable limits, in declaration order."""
        return list(cls.class_own_traits(config=True))

    @classmethod
    def load(cls, config=None, environ=None, **overrides):
        """``config`` (``c.Limits``), then ``AUTOGRADER_*`` variables, then ``overrides``."""
        environ = os.environ if environ is None else environ
        values = {}
        for name, trait in cls.class_own_traits(config=True).items():
            raw = environ.get("AUTOGRADER_" + name.upper())
            if raw is not None:
                values[name] = (
                    raw.lower() in ("1", "true", "yes")
                    if isinstance(trait, Bool)
                    else type(trait.default_value)(raw)
                )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(config=config, **values) if config is not None else cls(**values)

    def guest_view(self):
        """The subset the in-sandbox runner needs (plain dict for the wire)."""
        keys = ("cpu_seconds", "memory_mb", "nproc", "file_mb", "nofile", "stream_bytes")
        keys += ("display_bytes", "display_items", "error_chars", "figures")
        return {k: getattr(self, k) for k in keys}

    def __repr__(self):
        return "Limits(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in self.names()) + ")"
