"""A small line plot drawn with Braille dots (2x4 dots per character), Line API.

Several series share the axes; each has a colour. The y axis is labelled with the
smallest and largest values, the x axis with the first and last index.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

BRAILLE = 0x2800
# dot bit for (column 0..1, row 0..3) inside one character
DOTS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
LABEL_WIDTH = 7


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    color: str


def fmt(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 1000 or abs(v) < 0.01:
        return f"{v:.2g}"
    return f"{v:.3g}"


class LinePlot(Widget):
    """Series over an index (e.g. rounds)."""

    DEFAULT_CSS = """
    LinePlot {
        height: 8;
    }
    """

    def __init__(self, *, empty: str = "no data yet", id: str | None = None) -> None:
        super().__init__(id=id)
        self.series: list[Series] = []
        self.empty = empty
        self._strips: list[Strip] | None = None
        self._plot_size = (0, 0)

    def set_series(self, series: Sequence[Series]) -> None:
        self.series = list(series)
        self._strips = None
        self.refresh()

    def _points(self) -> list[float]:
        return [v for s in self.series for v in s.values if v is not None and math.isfinite(v)]

    def _build(self, width: int, height: int) -> list[Strip]:
        values = self._points()
        muted = Style(color="#7d8590")
        if not values or height < 2 or width < LABEL_WIDTH + 4:
            lines = [Strip([Segment(self.empty, muted)])] if height else []
            return lines + [Strip.blank(width)] * max(0, height - 1)
        lo, hi = min(values), max(values)
        if hi - lo < 1e-12:
            lo, hi = lo - 0.5, hi + 0.5
        rows = height - 1  # last line for the x axis
        cols = width - LABEL_WIDTH
        px_w, px_h = cols * 2, rows * 4
        cells: dict[tuple[int, int], int] = {}
        colors: dict[tuple[int, int], str] = {}
        n = max(len(s.values) for s in self.series)

        def plot(x: int, y: int, color: str) -> None:
            cx, cy = x // 2, y // 4
            key = (cx, cy)
            cells[key] = cells.get(key, 0) | DOTS[x % 2][y % 4]
            colors[key] = color

        def to_px(i: int, v: float) -> tuple[int, int]:
            x = 0 if n <= 1 else round(i * (px_w - 1) / (n - 1))
            y = round((hi - v) * (px_h - 1) / (hi - lo))
            return x, y

        for s in self.series:
            prev: tuple[int, int] | None = None
            for i, v in enumerate(s.values):
                if v is None or not math.isfinite(v):
                    prev = None
                    continue
                x, y = to_px(i, v)
                if prev is None:
                    plot(x, y, s.color)
                else:
                    x0, y0 = prev
                    steps = max(abs(x - x0), abs(y - y0), 1)
                    for k in range(steps + 1):
                        plot(
                            round(x0 + (x - x0) * k / steps),
                            round(y0 + (y - y0) * k / steps),
                            s.color,
                        )
                prev = (x, y)
        strips = []
        for row in range(rows):
            if row == 0:
                label = fmt(hi)
            elif row == rows - 1:
                label = fmt(lo)
            else:
                label = ""
            segs = [Segment(f"{label:>{LABEL_WIDTH - 1}}┤", muted)]
            for col in range(cols):
                bits = cells.get((col, row))
                if bits:
                    segs.append(Segment(chr(BRAILLE + bits), Style(color=colors[(col, row)])))
                else:
                    segs.append(Segment(" "))
            strips.append(Strip(segs).simplify())
        last = str(n - 1)
        axis = f"{'':>{LABEL_WIDTH - 1}}└0{'─' * max(0, cols - 1 - len(last))}{last}"
        strips.append(Strip([Segment(axis[:width], muted)]))
        return strips

    def render_line(self, y: int) -> Strip:
        size = (self.size.width, self.size.height)
        if self._strips is None or size != self._plot_size:
            self._plot_size = size
            self._strips = self._build(*size)
        if y < len(self._strips):
            return self._strips[y].extend_cell_length(self.size.width).crop(0, self.size.width)
        return Strip.blank(self.size.width)
