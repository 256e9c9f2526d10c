"""Every task's PC, per warrior, head first; the next one to run is emphasised.

A Line-API widget: a queue of 8000 tasks costs only the lines on screen.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.battle_session import Frame
from tui.widgets.palette import dim, warrior_color

CELL_WIDTH = 6


class ProcessQueue(ScrollView):
    """PCs of every task of every warrior."""

    DEFAULT_CSS = """
    ProcessQueue {
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.frame: Frame | None = None
        self._lines: list[list[Segment]] = []

    def show(self, frame: Frame) -> None:
        self.frame = frame
        self._layout()
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._layout()

    def _layout(self) -> None:
        frame = self.frame
        lines: list[list[Segment]] = []
        width = max(self.scrollable_content_region.width, CELL_WIDTH)
        per_line = max(1, width // CELL_WIDTH)
        if frame is not None:
            for w, queue in enumerate(frame.queues):
                color = warrior_color(w)
                moves = frame.next_warrior == w
                head = f"● {frame.names[w][:16]}  {len(queue)} task{'s' if len(queue) != 1 else ''}"
                if moves:
                    head += "  ◀ moves next"
                lines.append([Segment(head, Style(color=color, bold=True))])
                if not queue:
                    lines.append([Segment("  (dead)", Style(color=dim(color)))])
                for start in range(0, len(queue), per_line):
                    segs = []
                    for i, pc in enumerate(queue[start : start + per_line]):
                        text = f"{pc:>{CELL_WIDTH - 1}} "
                        if start + i == 0:
                            st = (
                                Style(color="#000000", bgcolor=color, bold=True)
                                if moves
                                else Style(color=color, bold=True, underline=True)
                            )
                            segs.append(Segment(text[:-1], st))
                            segs.append(Segment(" "))
                        else:
                            segs.append(Segment(text, Style(color=dim(color, 0.25))))
                    lines.append(segs)
        self._lines = lines
        self.virtual_size = Size(width, len(lines))

    def render_line(self, y: int) -> Strip:
        row = y + int(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        if 0 <= row < len(self._lines):
            return Strip(self._lines[row]).extend_cell_length(width).crop(0, width)
        return Strip.blank(width)
