"""The MAP-Elites grid as a heatmap: one block per cell, coloured by the elite's fitness.

Rows are the first behaviour axis (top = highest bin), columns the second; the bin
edges label the axes. Empty cells are dots.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip
from textual.widget import Widget

LOW = Color.parse("#1f3b73")
MID = Color.parse("#2ea043")
HIGH = Color.parse("#ffd866")
MUTED = Style(color="#7d8590")


def heat(t: float) -> str:
    """Colour for t in 0..1."""
    t = min(max(t, 0.0), 1.0)
    if t < 0.5:
        return LOW.blend(MID, t * 2).hex
    return MID.blend(HIGH, (t - 0.5) * 2).hex


def edge_label(edges: Sequence[float], i: int) -> str:
    """``<1``, ``1-10``, ``≥1e4`` for bin ``i``."""

    def short(v: float) -> str:
        v = float(v)
        if v >= 1000:
            return f"{v / 1000:g}k"
        return f"{v:g}"

    if i == 0:
        return f"<{short(edges[0])}"
    if i >= len(edges):
        return f"≥{short(edges[-1])}"
    return f"{short(edges[i - 1])}-{short(edges[i])}"


class Heatmap(Widget):
    """A 2-D grid of fitness values with labelled axes."""

    DEFAULT_CSS = """
    Heatmap {
        height: auto;
        min-height: 9;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.grid: np.ndarray | None = None
        self.edges: tuple[Sequence[float], Sequence[float]] = ((), ())
        self.axes: tuple[str, str] = ("", "")
        self._strips: list[Strip] = []
        self._width = -1

    def set_grid(
        self,
        grid: np.ndarray | None,
        edges: tuple[Sequence[float], Sequence[float]],
        axes: tuple[str, str],
    ) -> None:
        self.grid = None if grid is None else np.array(grid, dtype=float)
        self.edges = edges
        self.axes = axes
        self._width = -1
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        rows = 6 if self.grid is None else self.grid.shape[0]
        return rows + 3

    def _build(self, width: int) -> list[Strip]:
        grid = self.grid
        if grid is None or grid.size == 0:
            return [Strip([Segment("no elites yet", MUTED)])]
        rows, cols = grid.shape
        label_w = 8
        cell_w = max(3, min(8, (width - label_w - 1) // max(cols, 1)))
        finite = grid[np.isfinite(grid)]
        lo = float(finite.min()) if finite.size else 0.0
        hi = float(finite.max()) if finite.size else 1.0
        span = hi - lo if hi - lo > 1e-12 else 1.0
        strips = [Strip([Segment(f"{self.axes[0]} ↑  fitness {lo:.3g}…{hi:.3g}", MUTED)])]
        for r in range(rows - 1, -1, -1):
            segs = [Segment(f"{edge_label(self.edges[0], r):>{label_w - 1}} ", MUTED)]
            for c in range(cols):
                v = grid[r, c]
                if math.isfinite(v):
                    color = heat((v - lo) / span)
                    text = f"{v:.2f}"[: cell_w - 1] if cell_w >= 5 else ""
                    segs.append(
                        Segment(
                            f"{text:^{cell_w - 1}}",
                            Style(color="#000000", bgcolor=color, bold=True),
                        )
                    )
                else:
                    segs.append(Segment(f"{'·':^{cell_w - 1}}", MUTED))
                segs.append(Segment(" "))
            strips.append(Strip(segs))
        labels = "".join(f"{edge_label(self.edges[1], c):^{cell_w}}" for c in range(cols))
        strips.append(Strip([Segment(" " * label_w + labels, MUTED)]))
        strips.append(Strip([Segment(" " * label_w + f"{self.axes[1]} →", MUTED)]))
        return strips

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if width != self._width:
            self._width = width
            self._strips = self._build(width)
        if y < len(self._strips):
            return self._strips[y].extend_cell_length(width).crop(0, width)
        return Strip.blank(width)
