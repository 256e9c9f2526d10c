"""A listing of the core around one address: canonical text and the warrior's own line.

The source line is shown only while the cell still holds the instruction its warrior was
loaded with there, so what you read is what will run.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

from tui.battle_session import Contender, Frame, listing
from tui.widgets.palette import BREAKPOINT, EMPTY, warrior_color


class Listing(Widget):
    """Cells around ``center``; the centre cell is highlighted."""

    DEFAULT_CSS = """
    Listing {
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.frame: Frame | None = None
        self.contenders: Sequence[Contender] = ()
        self.center = 0
        self._rows: list | None = None
        self._rows_for: tuple[int, bool] = (0, False)

    def show(self, frame: Frame, contenders: Sequence[Contender], center: int) -> None:
        self.frame = frame
        self.contenders = contenders
        self.center = center % frame.core_size
        self._rows = None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        frame = self.frame
        height = self.size.height
        if frame is None or height <= 0:
            return Strip.blank(width)
        compact = width < 40
        if self._rows is None or self._rows_for != (height, compact):
            self._rows = listing(frame, self.contenders, self.center, height, compact=compact)
            self._rows_for = (height, compact)
        rows = self._rows
        if y >= len(rows):
            return Strip.blank(width)
        address, text, source, owner = rows[y]
        pcs = {pc: w for w, pc in enumerate(frame.pcs) if pc >= 0}
        if address in pcs:
            w = pcs[address]
            mark = Segment("▶", Style(color=warrior_color(w), bold=True))
        elif address in frame.breakpoints:
            mark = Segment("●", Style(color=BREAKPOINT, bold=True))
        else:
            mark = Segment(" ")
        color = warrior_color(owner) if owner >= 0 else EMPTY
        base = Style(bgcolor="#2d333b") if address == self.center else Style()
        segments = [
            mark,
            Segment(f"{address:>5} ", base + Style(color="#8b949e")),
            Segment(text, base + Style(color=color)),
        ]
        used = 1 + 6 + len(text)
        if source and width - used > 4:
            segments.append(Segment("  ; " + source, base + Style(color="#7d8590", italic=True)))
        return Strip(segments).extend_cell_length(width).crop(0, width)
