"""Evolve screen: start an offline run and see its champion; attach to a run directory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from textual.widgets import DataTable, Input, Select

from arena.evolve.events import RoundEvent
from tests.test_tui_helpers import answer, make_run_dir, settle, wait_for
from tui.app import ArenaApp
from tui.evolve import EvolveScreen
from tui.widgets.plot import LinePlot


async def evolve(pilot) -> EvolveScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EvolveScreen)
    return screen


def fill(screen: EvolveScreen, **values: str) -> None:
    screen.query_one("#f-hill", Select).value = "tiny"
    for key, value in values.items():
        screen.query_one(f"#f-{key}", Input).value = value


async def test_start_an_offline_run_and_see_its_first_champion(tmp_path: Path):
    app = ArenaApp("evolve")
    run_dir = tmp_path / "run"
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await evolve(pilot)
        fill(screen, rounds="1", iterations="4", placements="2", seed="3", run_dir=str(run_dir))
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: screen.mode == "finished", 60)
        await settle(pilot)
        table = screen.query_one("#champion-table", DataTable)
        assert table.row_count == 1
        row = table.get_row_at(0)
        champion = screen.state.rounds[0]
        assert row[0] == "0" and row[2] == f"{champion.fitness:.3f}"
        assert champion.code and (run_dir / "champions" / "round_000.red").read_text().strip()
        # the same run the CLI makes: config.toml written, offline backend used
        assert 'backend = "offline"' in (run_dir / "config.toml").read_text()
        assert screen.state.models["offline/mutator-1"].requests >= 4
        assert len(screen.query_one("#fitness-plot", LinePlot).series[0].values) == 1
        # open the champion in the editor
        screen.query_one(DataTable).focus()
        await pilot.press("e")
        await wait_for(pilot, lambda: app.screen.__class__.__name__ == "EditorScreen")
        await wait_for(pilot, lambda: app.screen.text == champion.code)


async def test_pause_resume_and_stop_a_run(tmp_path: Path):
    app = ArenaApp("evolve")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await evolve(pilot)
        fill(screen, rounds="3", iterations="400", placements="2", run_dir=str(tmp_path / "r"))
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: screen.state.candidates >= 2)
        screen.query_one("#champion-table").focus()
        await pilot.press("p")
        assert screen.mode == "paused"
        await pilot.pause(0.3)
        seen = screen.state.total_events
        await pilot.pause(0.5)
        assert screen.state.total_events <= seen + 2  # only candidates already in flight
        await pilot.press("p")
        assert screen.mode == "running"
        await pilot.press("x")
        await wait_for(pilot, lambda: screen.mode == "finished")
        assert len(screen.state.rounds) < 3


async def test_attach_to_a_run_directory_and_see_its_rounds(tmp_path: Path):
    run_dir = tmp_path / "done"
    events = await make_run_dir(run_dir, rounds=3)
    rounds = [e for e in events if isinstance(e, RoundEvent)]
    assert len(rounds) == 3
    app = ArenaApp("evolve")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await evolve(pilot)
        await pilot.press("ctrl+o")
        await answer(pilot, str(run_dir))
        await wait_for(pilot, lambda: len(screen.state.rounds) == 3)
        await settle(pilot)
        assert screen.mode == "following"
        assert screen.state.config.settings.core_size == 800
        assert [r.round for r in screen.state.rounds] == [0, 1, 2]
        assert [r.fitness for r in screen.state.rounds] == [e.fitness for e in rounds]
        assert screen.query_one("#champion-table", DataTable).row_count == 3
        plot = screen.query_one("#fitness-plot", LinePlot)
        assert plot.series[0].values == tuple(e.fitness for e in rounds)
        # the last round's archive is on the heatmap
        elites = rounds[-1].archive["elites"]
        assert int((~np.isnan(screen.state.grid)).sum()) == len(elites)
        # stop following
        await pilot.press("x")
        assert screen.mode == "finished"
