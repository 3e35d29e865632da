"""The knobs of one sandboxed run; every value can be overridden by an environment variable.

``AUTOGRADER_CELL_TIMEOUT=5`` sets :attr:`Limits.cell_timeout` and so on (the variable is
``AUTOGRADER_`` plus the upper-cased field name). The sandbox itself never sees these
variables: its environment is rebuilt from scratch.
"""

import dataclasses
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    cell_timeout: float = 60.0  # wall seconds for one cell
    total_timeout: float = 600.0  # wall seconds for the whole notebook
    cpu_seconds: int = 600  # RLIMIT_CPU of the sandboxed process
    memory_mb: int = 3072  # RLIMIT_AS (address space) of the sandboxed process
    nproc: int = 64  # RLIMIT_NPROC for the sandbox's own user id (threads count)
    file_mb: int = 64  # RLIMIT_FSIZE; the scratch tmpfs is twice this size
    nofile: int = 256  # RLIMIT_NOFILE
    stream_bytes: int = 100_000  # per cell, stdout + stderr text kept
    display_bytes: int = 2_000_000  # per cell, execute_result + display_data payloads kept
    display_items: int = 20  # per cell, display_data outputs kept
    error_chars: int = 4_000  # per error output (evalue + traceback)
    message_bytes: int = 64 * 1024 * 1024  # largest frame accepted from the sandbox
    figures: bool = True  # capture open matplotlib figures as PNG after each cell
    # Code cells after the last grade cell cannot change any score (cells run in order), so
    # they are not run while grading: the demos there (training runs, timing, plots) would
    # cost seconds per notebook. AUTOGRADER_RUN_TRAILING=1 runs them like stock nbgrader.
    run_trailing: bool = False
    # --- issue 11 (sec): intake, wire and reference-proxy bounds -------------------------
    notebook_bytes: int = 32 * 1024 * 1024  # largest submitted notebook file read
    notebook_cells: int = 2_000  # most cells in a submitted notebook (real ones have < 100)
    extra_file_bytes: int = 1024 * 1024  # largest extra submitted file copied to autograded/
    extra_files: int = 50  # most extra files copied per submission
    cell_frames: int = 20_000  # most messages the sandbox may send during one cell
    cell_received_bytes: int = 256 * 1024 * 1024  # most bytes received during one cell
    notebook_received_bytes: int = 1024 * 1024 * 1024  # ... and during the whole notebook
    collected_bytes: int = 16 * 1024 * 1024  # largest outputs frame of one graded name kept
    output_items: int = 200  # most outputs kept per cell (every type, streams and errors too)
    proxy_elements: int = 2_048  # most numbers in one reference-proxy request (honest: < 500)
    proxy_int: int = 1 << 16  # largest integer (in magnitude) in a proxy request
    proxy_calls: int = 20_000  # most reference-proxy calls per cell
    proxy_seconds: float = 30.0  # most grader seconds spent in reference calls per cell
    proxy_objects: int = 10_000  # most opaque objects the grader keeps for one notebook
    uid_first: int = 1_900_000_000  # sandboxes run as fresh uids from this range (as root)
    uid_count: int = 1 << 20

    @classmethod
    def from_env(cls, **overrides):
        values = {}
        for f in dataclasses.fields(cls):
            raw = os.environ.get("AUTOGRADER_" + f.name.upper())
            if raw is not None:
                values[f.name] = (
                    (raw.lower() in ("1", "true", "yes"))
                    if f.type in (bool, "bool")
                    else type(f.default)(raw)
                )
        values.update(overrides)
        return cls(**values)

    def guest_view(self):
        """The subset the in-sandbox runner needs (plain dict for the wire)."""
        keys = ("cpu_seconds", "memory_mb", "nproc", "file_mb", "nofile", "stream_bytes")
        keys += ("display_bytes", "display_items", "error_chars", "figures")
        return {k: getattr(self, k) for k in keys}
