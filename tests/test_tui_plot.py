"""The LinePlot adapter over textual-plot: the empty message, gaps, ticks, names."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.events import MouseScrollDown
from textual.widgets import Static

from tui.widgets.plot import LinePlot, Series, _Plot, nice_ticks


class PlotApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LinePlot(title="Processes", empty="nothing yet")


def test_nice_ticks_span_the_data_with_few_round_steps():
    assert nice_ticks(0, 37, 4, whole=True) == [0, 20, 40]
    assert nice_ticks(0, 80, 8, whole=True) == [0, 20, 40, 60, 80]
    assert nice_ticks(0, 2, 8, whole=True) == [0, 1, 2]  # rounds: no half rounds
    assert nice_ticks(0.0285, 2.64, 4, whole=False) == [0, 1, 2, 3]
    assert nice_ticks(5, 5, 3, whole=True) == [4, 5, 6]  # a flat line gets a range


async def test_the_plot_shows_its_message_until_there_is_data_and_breaks_at_gaps():
    app = PlotApp()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        plot = app.query_one(LinePlot)
        inner = plot.query_one(_Plot)
        assert not inner.display
        assert str(plot.query_one(Static).render()) == "nothing yet"
        plot.set_series([Series("a", (None, None), "red")])  # nothing finite: still empty
        await pilot.pause()
        assert not inner.display
        plot.set_series(
            [
                Series("Dwarf", (1.0, 2.0, None, 4.0, 5.0), "#4fc1ff"),
                Series("Imp", (3.0,), "#ff6b6b", x=(2.0,)),
            ]
        )
        await pilot.pause()
        assert inner.display
        # the library has two lines for the Dwarf (the gap splits it) and a dot for the Imp
        assert [len(d.x) for d in inner._datasets] == [2, 2, 1]
        assert "Dwarf" in str(plot.border_title) and "Imp" in str(plot.border_title)
        assert inner._y_ticks == [0, 2, 4, 6]  # 1..5 on 7 rows: four ticks
        plot.set_series([Series("Dwarf", (1.0, 2.0), "#4fc1ff")])
        await pilot.pause()
        assert plot.border_title == "Processes"  # one series: its name is the title's


class ScrollApp(App[None]):
    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield LinePlot(id="p")
            yield Static("\n" * 40)


async def test_the_wheel_over_a_plot_scrolls_the_page_and_does_not_zoom():
    app = ScrollApp()
    async with app.run_test(size=(60, 12)) as pilot:
        plot = app.query_one(LinePlot)
        plot.set_series([Series("a", (1.0, 2.0, 3.0), "red")])
        await pilot.pause()
        inner = plot.query_one(_Plot)
        limits = (inner._x_min, inner._x_max, inner._y_min, inner._y_max)
        # Pilot has no wheel of its own: post the scroll events where the plot is drawn
        await pilot._post_mouse_events([MouseScrollDown], LinePlot, offset=(20, 3))
        await pilot.pause()
        assert app.query_one(VerticalScroll).scroll_y > 0
        assert (inner._x_min, inner._x_max, inner._y_min, inner._y_max) == limits
        assert not inner.can_focus
