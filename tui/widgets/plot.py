"""Line plots of a few named series, drawn by textual-plot (Braille lines, nice ticks).

``LinePlot`` is a thin adapter over textual-plot's ``PlotWidget``: it takes our
``Series(name, values, color)``, shows a one-line message while there is nothing to plot,
breaks the line where a value is missing, chooses few enough ticks for a plot a handful
of rows high, and names the series in the border title (the library's legend is a boxed
overlay that would hide half of such a small plot). The plot is for looking at only: it
takes no focus and the mouse wheel scrolls the page around it instead of zooming.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.events import MouseScrollDown, MouseScrollUp
from textual.widget import Widget
from textual.widgets import Static
from textual_plot import HiResMode, NumericAxisFormatter, PlotWidget


@dataclass(frozen=True)
class Series:
    """One line: ``values`` over ``x`` (0, 1, 2, ... if not given); None leaves a gap."""

    name: str
    values: tuple[float | None, ...]
    color: str
    x: tuple[float, ...] | None = None


def nice_ticks(lo: float, hi: float, most: int, whole: bool) -> list[float]:
    """Ticks 1, 2 or 5 times a power of ten apart, from below lo to above hi, at most
    ``most`` of them if it can be (whole: ticks are whole numbers)."""
    if hi - lo < 1e-12:
        lo, hi = lo - (1 if whole else 0.5), hi + (1 if whole else 0.5)
    power = 10.0 ** math.floor(math.log10((hi - lo) / max(1, most - 1)))
    for m in (1, 2, 5, 10, 20, 50, 100):
        step = m * power
        if whole and step < 1:
            continue
        start, end = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
        if end - start + 1 <= most:
            break
    return [i * step for i in range(start, end + 1)]


class _Plot(PlotWidget, can_focus=False):
    """textual-plot's widget, for display: no focus, no zooming, thin margins."""

    DEFAULT_CSS = """
    _Plot {
        height: 1fr;
        & > .plot--axis { color: $text-muted; }
        & > .plot--tick { color: $text-muted; text-style: none; }
    }
    """

    def __init__(self) -> None:
        super().__init__(allow_pan_and_zoom=False)
        self.ready = False

    def on_mount(self) -> None:
        # PlotWidget.on_mount (which runs after this one) sets the plot up and clears it
        self.margin_top = 0
        self.margin_bottom = 1
        self.call_next(self._ready)

    def _ready(self) -> None:
        self.ready = True
        parent = self.parent
        if isinstance(parent, LinePlot):
            parent.draw()

    # PlotWidget zooms on the wheel and stops the event; preventing its handler lets the
    # event bubble on, so the screen scrolls as it does over any other widget
    def _on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        event.prevent_default()

    def _on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        event.prevent_default()


class LinePlot(Widget):
    """Series over an index (e.g. rounds) or their own x values (e.g. steps)."""

    DEFAULT_CSS = """
    LinePlot {
        height: 8;
        & > .plot-empty { color: $text-muted; height: 1; padding: 0 1; }
        & > _Plot { display: none; }
        &.-data > .plot-empty { display: none; }
        &.-data > _Plot { display: block; }
    }
    """

    def __init__(
        self, *, empty: str = "no data yet", title: str = "", id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.series: list[Series] = []
        self.empty = empty
        self.title = title
        self._drawn: tuple[int, int] | None = None  # plot size the ticks were chosen for

    def compose(self) -> ComposeResult:
        yield Static(self.empty, classes="plot-empty", markup=False)
        yield _Plot()

    def on_mount(self) -> None:
        self._title()

    def set_series(self, series: Sequence[Series]) -> None:
        self.series = list(series)
        self.draw()

    def on_resize(self) -> None:
        if self._drawn is not None and self._drawn != self._plot_size():
            self.draw()  # the number of ticks that fit has changed
        else:
            self._title()

    def _plot_size(self) -> tuple[int, int]:
        return (self.size.width, self.size.height)

    def _title(self) -> None:
        if len(self.series) < 2:
            self.border_title = self.title
            return
        names = "  ".join(f"[{s.color}]━[/] {_escape(s.name)}" for s in self.series)
        width = len(self.title) + 2 + sum(len(s.name) + 4 for s in self.series)
        # the title too if both fit on the border (with its corner and a margin)
        self.border_title = f"{self.title}  {names}" if width + 4 <= self.size.width else names

    def draw(self) -> None:
        """Hand the series to the library's plot (once that is mounted)."""
        if not self.is_mounted:
            return
        self._title()
        lines = [(s, list(_runs(s))) for s in self.series]
        points = [p for _, runs in lines for run in runs for p in run]
        self.set_class(bool(points), "-data")
        plot = self.query_one(_Plot)
        if not plot.ready:
            return
        plot.clear()
        if not points:
            self._drawn = None
            return
        for series, runs in lines:
            for run in runs:
                xs = [p[0] for p in run]
                ys = [p[1] for p in run]
                if len(run) == 1:  # a line needs two points: a dot
                    plot.scatter(xs, ys, marker_style=series.color, hires_mode=HiResMode.BRAILLE)
                else:
                    plot.plot(xs, ys, line_style=series.color, hires_mode=HiResMode.BRAILLE)
        width, height = self._drawn = self._plot_size()
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        rows = max(2, height - self.styles.gutter.height - 1)  # the x labels take a row
        y_ticks = nice_ticks(min(ys), max(ys), max(2, min(5, rows // 2 + 1)), _whole(ys))
        y_labels = NumericAxisFormatter().get_labels_for_ticks(y_ticks)  # as the plot will
        margin = max(len(label) for label in y_labels) + 2
        if plot.margin_left != margin:
            plot.margin_left = margin
            plot.refresh(layout=True)  # so the plot resizes its canvases to the new margin
        plot.set_ylimits(y_ticks[0], y_ticks[-1])
        plot.set_yticks(y_ticks)
        # x: the data's own span (a battle's steps run on), ticks where they fall inside
        lo, hi = min(xs), max(xs)
        label_width = max(len(f"{v:.0f}") for v in (lo, hi)) + 3
        columns = max(2, width - margin)
        x_ticks = nice_ticks(lo, hi, max(2, min(8, columns // label_width)), _whole(xs))
        if hi - lo < 1e-12:  # one point, in the middle
            lo, hi = lo - 0.5, hi + 0.5
        plot.set_xlimits(lo, hi)
        plot.set_xticks([t for t in x_ticks if lo <= t <= hi])


def _runs(series: Series):
    """The series' stretches of finite values, as lists of (x, y)."""
    xs = series.x if series.x is not None else range(len(series.values))
    run: list[tuple[float, float]] = []
    for x, v in zip(xs, series.values, strict=False):
        if v is None or not math.isfinite(v):
            if run:
                yield run
            run = []
        else:
            run.append((float(x), float(v)))
    if run:
        yield run


def _whole(values: list[float]) -> bool:
    return all(v == int(v) for v in values)


def _escape(text: str) -> str:
    return text.replace("[", r"\[")
