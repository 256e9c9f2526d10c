"""The core map: every cell of the core in one Line-API widget.

Each character stands for ``k`` consecutive cells (``k`` = 1 when zoomed, otherwise the
smallest ``k`` that fits the whole core in the widget). A character shows the most
telling cell of its bucket: a warrior's next instruction, then cells touched since the
last frame, then older marks. Colour is the warrior that last touched the cell (bright
when touched since the last frame, dim before); the glyph says how:

    ◆ next instruction   █ executed   ▒ written   ░ read   ▪ loaded code   · empty
    ● breakpoint (red)   the selected cell is drawn reversed
"""

from __future__ import annotations

import math
import time
from typing import ClassVar

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.battle_session import ACT_EXEC, ACT_NONE, ACT_READ, ACT_WRITE, Frame
from tui.widgets.palette import BACKGROUND, BREAKPOINT, EMPTY, dim, style, warrior_color

GLYPHS = {ACT_EXEC: "█", ACT_WRITE: "▒", ACT_READ: "░", ACT_NONE: "▪"}
PC_GLYPH = "◆"
EMPTY_GLYPH = "·"
BREAK_GLYPH = "●"
LEGEND = "◆next █exec ▒write ░read ▪code ●break"
# display kinds of a character (see CoreMap._style_table)
K_EMPTY, K_BREAK, K_DIM, K_FRESH, K_PC = 0, 1, 2, 6, 10
_KINDS = 11


class CoreMap(ScrollView, can_focus=True):
    """A map of the whole core, coloured by owner, marked by the last touch."""

    DEFAULT_CSS = """
    CoreMap {
        background: #161b22;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move(-1, 0)", "◀", show=False),
        Binding("right", "move(1, 0)", "▶", show=False),
        Binding("up", "move(0, -1)", "▲", show=False),
        Binding("down", "move(0, 1)", "▼", show=False),
        Binding("z", "zoom", "Zoom"),
    ]

    zoomed: reactive[bool] = reactive(False)

    class Selected(Message):
        """The user picked a cell (click or cursor keys)."""

        def __init__(self, address: int) -> None:
            self.address = address
            super().__init__()

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.frame: Frame | None = None
        self.cursor: int | None = None
        self.hover: int | None = None
        self._rows: list[Strip] | None = None
        self._layout_key: tuple[int, int, int, int] = (0, 0, 0, 0)
        self._styles_for = -1
        self.paint_seconds = 0.0  # how long the last paint took
        self._glyphs: list[str] = []
        self._styles: list[Style] = []

    # ---- public
    def show(self, frame: Frame) -> None:
        """Draw ``frame`` at the next refresh."""
        self.frame = frame
        self._rows = None
        self._update_virtual_size()
        self.refresh()

    def select(self, address: int | None, *, scroll: bool = True) -> None:
        if self.frame is not None and address is not None:
            address %= self.frame.core_size
        self.cursor = address
        self._rows = None
        if scroll and address is not None:
            self._scroll_to_address(address)
        self.refresh()

    @property
    def cells_per_char(self) -> int:
        return self._geometry()[0]

    # ---- geometry
    def _geometry(self) -> tuple[int, int, int]:
        """(cells per character, columns, rows) for the current size."""
        if self.frame is None:
            return 1, 1, 0
        s = self.frame.core_size
        width = max(self.scrollable_content_region.width, 1)
        height = max(self.scrollable_content_region.height, 1)
        if self.zoomed:
            k = 1
        else:
            k = max(1, math.ceil(s / (width * height)))
        chars = math.ceil(s / k)
        cols = min(width, chars)
        rows = math.ceil(chars / cols)
        return k, cols, rows

    def _update_virtual_size(self) -> None:
        _k, cols, rows = self._geometry()
        size = Size(cols, rows)
        if self.virtual_size != size:
            self.virtual_size = size

    def on_resize(self, event: events.Resize) -> None:
        self._rows = None
        self._update_virtual_size()

    def watch_zoomed(self, zoomed: bool) -> None:
        self._rows = None
        self.scroll_to(y=0, animate=False)
        self._update_virtual_size()
        if self.cursor is not None:
            self.call_after_refresh(self._scroll_to_address, self.cursor)
        self.refresh()

    def address_at(self, x: int, y: int) -> int | None:
        """The first cell of the character at content offset (x, y), if any."""
        if self.frame is None:
            return None
        k, cols, rows = self._geometry()
        row = y + int(self.scroll_offset.y)
        if not (0 <= x < cols and 0 <= row < rows):
            return None
        address = (row * cols + x) * k
        return address if address < self.frame.core_size else None

    def _scroll_to_address(self, address: int) -> None:
        k, cols, _rows = self._geometry()
        row = (address // k) // max(cols, 1)
        top = int(self.scroll_offset.y)
        height = self.scrollable_content_region.height
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False)

    # ---- input
    def action_zoom(self) -> None:
        self.zoomed = not self.zoomed

    def action_move(self, dx: int, dy: int) -> None:
        if self.frame is None:
            return
        k, cols, _rows = self._geometry()
        start = self.cursor if self.cursor is not None else 0
        address = (start + (dx + dy * cols) * k) % self.frame.core_size
        self.select(address)
        self.post_message(self.Selected(address))

    def _event_address(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        return None if offset is None else self.address_at(offset.x, offset.y)

    def on_click(self, event: events.Click) -> None:
        address = self._event_address(event)
        if address is not None:
            self.focus()
            self.select(address, scroll=False)
            self.post_message(self.Selected(address))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        address = self._event_address(event)
        if address != self.hover:
            self.hover = address
            self._update_title()

    def on_leave(self, event: events.Leave) -> None:
        self.hover = None
        self._update_title()

    def _update_title(self) -> None:
        k = self.cells_per_char
        parts = [f"{k} cells/char" if k > 1 else "1 cell/char"]
        if self.hover is not None:
            parts.append(f"@{self.hover}" + (f"..{self.hover + k - 1}" if k > 1 else ""))
        self.border_subtitle = " ".join(parts)

    # ---- drawing
    def _style_table(self, n: int) -> tuple[list[str], list[Style]]:
        """Glyphs and styles by code: code = kind * (n + 1) + owner slot (vectorised)."""
        bg = BACKGROUND
        glyphs: list[str] = []
        styles: list[Style] = []
        # kinds: 0 empty, 1 break on empty, 2..5 dim act, 6..9 fresh act, 10 pc, 11+ same
        # with a breakpoint background (pc/act) -- owner slot n means "nobody"
        for kind in range(_KINDS):
            for w in range(n + 1):
                color = warrior_color(w) if w < n else EMPTY
                if kind == K_EMPTY:
                    glyph, st = EMPTY_GLYPH, style(EMPTY, bg)
                elif kind == K_BREAK:
                    glyph, st = BREAK_GLYPH, style(BREAKPOINT, bg, bold=True)
                elif kind == K_PC:
                    glyph, st = PC_GLYPH, style(bg, color, bold=True)
                else:
                    fresh = kind >= K_FRESH
                    act = (kind - (K_FRESH if fresh else K_DIM)) % 4
                    glyph = GLYPHS[act]
                    st = style(color if fresh else dim(color, 0.45), bg)
                glyphs.append(glyph)
                styles.append(st)
        return glyphs, styles

    def _build_rows(self) -> list[Strip]:
        frame = self.frame
        k, cols, rows = self._geometry()
        self._layout_key = (k, cols, rows, frame.core_size if frame else 0)
        if frame is None or rows == 0:
            return []
        s = frame.core_size
        n = len(frame.names)
        owner = frame.owner.astype(np.int64)
        act = frame.act.astype(np.int64)
        fresh = frame.fresh
        pc_owner = np.full(s, -1, dtype=np.int64)
        for w, q in enumerate(frame.queues):
            if q:
                pc_owner[q[0]] = w
        is_pc = pc_owner >= 0
        owned = owner >= 0
        score = is_pc * 1000 + fresh * 100 + (act + owned) * 10 + owned
        chars = math.ceil(s / k)
        pad = chars * k - s
        if pad:
            score = np.concatenate([score, np.full(pad, -1)])
        pick = score.reshape(chars, k).argmax(axis=1) + np.arange(chars) * k
        pick = np.minimum(pick, s - 1)
        p_owner = owner[pick]
        p_pc = pc_owner[pick]
        kind = np.where(p_owner < 0, K_EMPTY, np.where(fresh[pick], K_FRESH, K_DIM) + act[pick])
        slot = np.where(p_owner < 0, n, p_owner)
        kind = np.where(p_pc >= 0, K_PC, kind)
        slot = np.where(p_pc >= 0, p_pc, slot)
        code = kind * (n + 1) + slot
        breaks = np.zeros(chars, dtype=bool)
        for b in frame.breakpoints:
            breaks[b // k] = True
        code = np.where(breaks & (kind == K_EMPTY), K_BREAK * (n + 1) + n, code)
        marked = breaks & (kind != K_EMPTY)  # drawn on a red background, below
        cursor_char = self.cursor // k if self.cursor is not None else -1
        if self._styles_for != n:
            self._glyphs, self._styles = self._style_table(n)
            self._styles_for = n
        glyphs, styles = self._glyphs, self._styles
        total = rows * cols
        if total > chars:
            code = np.concatenate([code, np.full(total - chars, -1)])
            marked = np.concatenate([marked, np.zeros(total - chars, dtype=bool)])
        # a cell that must be styled on its own gets a unique code so runs break there
        special = np.zeros(total, dtype=bool)
        special[: len(marked)] |= marked
        if 0 <= cursor_char < total:
            special[cursor_char] = True
        grid = code.reshape(rows, cols)
        strips: list[Strip] = []
        blank = Style(bgcolor=BACKGROUND)
        for row in range(rows):
            line = grid[row]
            flags = special[row * cols : (row + 1) * cols]
            change = np.flatnonzero((line[1:] != line[:-1]) | flags[1:] | flags[:-1]) + 1
            starts = [0, *change.tolist()]
            ends = [*change.tolist(), cols]
            segments = []
            for a, b in zip(starts, ends, strict=True):
                c = int(line[a])
                if c < 0:
                    segments.append(Segment(" " * (b - a), blank))
                    continue
                st = styles[c]
                if flags[a]:
                    index = row * cols + a
                    if marked[index] if index < len(marked) else False:
                        st = style(st.color.name if st.color else BREAKPOINT, BREAKPOINT)
                    if index == cursor_char:
                        st = st + Style(reverse=True, bold=True)
                segments.append(Segment(glyphs[c] * (b - a), st))
            strips.append(Strip(segments, cols))
        return strips

    def render_lines(self, crop):
        """Time each paint, so the screen can pace its frames to what painting costs."""
        started = time.perf_counter()
        lines = super().render_lines(crop)
        self.paint_seconds = time.perf_counter() - started
        return lines

    def render_line(self, y: int) -> Strip:
        if self._rows is None or self._layout_key[:3] != self._geometry():
            self._rows = self._build_rows()
            self._update_title()
        row = y + int(self.scroll_offset.y)
        width = self.scrollable_content_region.width
        blank = Style(bgcolor=BACKGROUND)
        if 0 <= row < len(self._rows):
            return self._rows[row].extend_cell_length(width, blank).crop(0, width)
        return Strip.blank(width, blank)
