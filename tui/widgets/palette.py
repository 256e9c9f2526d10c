"""Colours shared by the widgets: one per warrior, bright for fresh marks, dim for old."""

from __future__ import annotations

from functools import lru_cache

from rich.style import Style
from textual.color import Color

WARRIOR_COLORS = (
    "#4fc1ff",  # blue
    "#ff6b6b",  # red
    "#7ee787",  # green
    "#ffd866",  # yellow
    "#d2a8ff",  # violet
    "#5fd7d7",  # cyan
    "#ff9e64",  # orange
    "#c8c8c8",  # grey
)
BACKGROUND = "#161b22"
EMPTY = "#3a4048"
BREAKPOINT = "#ff3b3b"
CURSOR = "#ffffff"


def warrior_color(index: int) -> str:
    return WARRIOR_COLORS[index % len(WARRIOR_COLORS)]


@lru_cache(maxsize=64)
def dim(color: str, amount: float = 0.5) -> str:
    """``color`` moved ``amount`` of the way towards the map's background."""
    return Color.parse(color).blend(Color.parse(BACKGROUND), amount).hex


@lru_cache(maxsize=1024)
def style(fg: str, bg: str | None = None, *, bold: bool = False, underline: bool = False) -> Style:
    return Style(color=fg, bgcolor=bg, bold=bold, underline=underline)


def swatch(index: int) -> str:
    """Console markup of a coloured dot for warrior ``index``."""
    return f"[{warrior_color(index)}]●[/]"
