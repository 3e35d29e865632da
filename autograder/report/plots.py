"""The report's figures: matplotlib (no pyplot state, Agg canvas) to base64 PNG.

Figures show cell ids, mistake ids and counts only; their alt texts likewise.
"""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

TOP_MISTAKES = 15
BLUE, GREY = "#3465a4", "#888a85"


@dataclass(frozen=True)
class Plot:
    png: str  # base64
    alt: str


def _encode(fig, alt):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    return Plot(base64.b64encode(buf.getvalue()).decode("ascii"), alt)


def _bars(ax, dist):
    bins = dist.histogram()
    width = bins[0][1] - bins[0][0] if bins else 1
    ax.bar([lo for lo, _, _ in bins], [n for *_, n in bins], width=width * 0.9, align="edge",
           color=BLUE)  # fmt: skip
    if dist.median is not None:
        ax.axvline(dist.median, color="#cc0000", linestyle="--", linewidth=1)
    ax.set_xlim(0, max(dist.max_score, 1e-9))
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=float(dist.max_score).is_integer()))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))


def scores(dist):
    """Histogram of the total scores, median dashed."""
    fig = Figure(figsize=(7, 3))
    ax = fig.add_subplot()
    _bars(ax, dist)
    ax.set_xlabel(f"total score (of {dist.max_score:g})")
    ax.set_ylabel("students")
    n = len(dist.scores)
    med = f"{dist.median:g}" if dist.median is not None else "none"
    return _encode(fig, f"Histogram of the total scores of {n} submissions; median {med}")


def cells(dists):
    """One small histogram per graded cell, full-marks rate in its title."""
    cols = min(4, max(1, len(dists)))
    rows = math.ceil(len(dists) / cols) or 1
    fig = Figure(figsize=(3.2 * cols, 2.3 * rows))
    for i, d in enumerate(dists):
        ax = fig.add_subplot(rows, cols, i + 1)
        _bars(ax, d)
        rate = f"{100 * d.pass_rate:.0f}% full" if d.pass_rate is not None else "no scores"
        ax.set_title(f"{d.label}\n{rate}", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.tight_layout()
    return _encode(fig, f"Score histograms of {len(dists)} graded cells")


def mistakes(counts):
    """Horizontal bars: students per diagnosed mistake, most frequent on top."""
    top = counts[:TOP_MISTAKES]
    fig = Figure(figsize=(8, 0.35 * len(top) + 0.9))
    ax = fig.add_subplot()
    ax.barh([m.id for m in top][::-1], [len(m.students) for m in top][::-1], color=BLUE)
    ax.set_xlabel("students")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="y", labelsize=8)
    return _encode(fig, f"Students per diagnosed mistake, the {len(top)} most frequent")


def times(seconds, median):
    """Histogram of grading seconds per notebook, median dashed."""
    fig = Figure(figsize=(7, 2.6))
    ax = fig.add_subplot()
    ax.hist(seconds, bins=min(30, max(5, len(seconds) // 3)), color=GREY)
    if median is not None:
        ax.axvline(median, color="#cc0000", linestyle="--", linewidth=1)
    ax.set_xlabel("seconds per notebook")
    ax.set_ylabel("notebooks")
    return _encode(fig, f"Histogram of the grading time of {len(seconds)} notebooks")
