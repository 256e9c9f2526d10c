"""Battle screen: load warriors, step until a known instruction runs, breakpoints (the
listing goes to where they stop), trace, a paused display that is never stale, the Load dialog's hill and settings."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, Select

import tui.battle
from arena.paths import data_dir
from arena.settings import Settings, SettingsError, build_settings, hill_settings, pmars_flag
from tests.test_tui_helpers import answer, settle, wait_for
from tui.app import ArenaApp
from tui.battle import SPEEDS, BattleScreen, FrameReady
from tui.widgets.core_map import CoreMap
from tui.widgets.dialogs import WarriorPicker
from tui.widgets.listing import Listing
from tui.widgets.plot import LinePlot

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DWARF = str(data_dir("warriors") / "dwarf.red")
IMP = str(data_dir("warriors") / "imp.red")


async def battle(pilot) -> BattleScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BattleScreen)
    assert screen.frame is not None
    return screen


async def test_step_until_a_known_instruction_executes():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await battle(pilot)
        screen.load_sources((DWARF, IMP), rounds=2, seed=7)
        await settle(pilot)
        assert screen.frame.names == ("Dwarf", "Imp")
        assert screen.frame.steps == 0
        dwarf_at = screen.frame.positions[0]
        # the dwarf's bombing move, as pMARS prints it
        for _ in range(12):
            await pilot.press("s")
            await settle(pilot, 1)
            if any("Dwarf" in line and "MOV.I  $2, @2" in line for line in screen.frame.last):
                break
        else:
            pytest.fail(f"the dwarf's MOV never ran: {screen.frame.last}")
        assert screen.frame.steps == 3  # ADD (dwarf), MOV (imp), MOV (dwarf)
        # the listing follows the next instruction: the imp moves next
        assert screen.frame.next_warrior == 1
        listing = app.screen.query_one(Listing)
        assert listing.center == screen.frame.queues[1][0]
        # a bomb was written: 4 cells past the bomb, owned by the dwarf
        bomb = (dwarf_at + 3 + 4) % 8000
        assert screen.frame.owner[bomb] == 0
        assert screen.frame.queues[0] == ((dwarf_at + 2) % 8000,)


async def test_step_n_breakpoint_and_export(tmp_path):
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await battle(pilot)
        screen.load_sources((DWARF, IMP), rounds=1, seed=3)
        await settle(pilot)
        jmp = (screen.frame.positions[0] + 2) % 8000
        # step N: 5 cycles of two warriors
        await pilot.press("n")
        await answer(pilot, "5")
        await settle(pilot)
        assert screen.frame.steps == 10
        # a breakpoint on the dwarf's JMP: running stops in front of it
        screen.select_address(jmp)
        await pilot.press("b")
        await settle(pilot)
        assert jmp in screen.frame.breakpoints
        await pilot.press("space")
        await wait_for(pilot, lambda: not screen.running and "breakpoint" in screen.frame.message)
        await settle(pilot)
        assert screen.frame.queues[0][0] == jmp
        assert screen.frame.next_warrior == 0
        assert "breakpoint" in screen.frame.message
        # export the trace
        target = tmp_path / "trace.txt"
        await pilot.press("e")
        await answer(pilot, str(target))
        await settle(pilot)
        lines = target.read_text().splitlines()
        assert lines[0].startswith("; arena trace: Dwarf vs Imp")
        assert len(lines) == 2 + screen.frame.steps
        assert "ADD.AB #4, $3" in lines[2]


async def test_run_to_round_end_and_next_round():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await battle(pilot)
        screen.load_sources((DWARF, IMP), rounds=2, seed=1)
        await settle(pilot)
        for _ in range(20):
            await pilot.press("plus")
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.frame.round_over and not screen.running)
        assert sum(map(sum, screen.frame.scores)) == 2  # one round booked for both
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.frame.round == 2
        assert screen.frame.steps == 0


async def test_click_on_the_core_map_selects_a_cell():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await battle(pilot)
        core_map = app.screen.query_one(CoreMap)
        k = core_map.cells_per_char
        await pilot.click(CoreMap, offset=(3, 2))
        await settle(pilot)
        expected = core_map.address_at(3, 1)  # the border takes the first row
        assert screen.selected == expected
        assert screen.selected % k == 0
        assert app.screen.query_one(Listing).center == expected


async def test_a_breakpoint_stop_brings_the_listing_there_even_after_go_to():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await battle(pilot)
        screen.load_sources((DWARF, IMP), rounds=2, seed=3)
        await settle(pilot)
        jmp = (screen.frame.positions[0] + 2) % 8000
        screen.select_address(jmp)
        await pilot.press("b")
        await settle(pilot)
        # the breakpoint is shown, since it stays set in later rounds too
        assert f"break at {jmp}" in str(screen.query_one("#battle-status").render())
        # look elsewhere with g, then run into the breakpoint
        elsewhere = (jmp + 4000) % 8000
        await pilot.press("g")
        await answer(pilot, str(elsewhere))
        await settle(pilot)
        listing = screen.query_one(Listing)
        assert listing.center == elsewhere and not screen.follow
        await pilot.press("space")
        await wait_for(pilot, lambda: not screen.running and "breakpoint" in screen.frame.message)
        await settle(pilot)
        assert screen.frame.queues[0][0] == jmp
        assert listing.center == jmp
        assert screen.query_one(CoreMap).cursor == jmp
        assert screen.follow
        # stepping N cycles into it again also brings the listing there
        await pilot.press("g")
        await answer(pilot, str(elsewhere))
        await settle(pilot)
        await pilot.press("n")
        await answer(pilot, "50")
        await wait_for(pilot, lambda: screen.frame.steps > 2 and listing.center == jmp)


async def test_the_paused_display_shows_every_step_that_ran(monkeypatch):
    # frames so rare that pausing always falls between two of them
    monkeypatch.setattr(tui.battle, "FRAME_INTERVAL", 60.0)
    monkeypatch.setattr(tui.battle, "MAX_FRAME_INTERVAL", 60.0)
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await battle(pilot)
        screen.load_sources((IMP, IMP), settings=Settings(max_cycles=50_000_000), seed=5)
        await settle(pilot)
        screen.speed_index = len(SPEEDS) - 1  # as fast as the engine goes
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.session.debugger.steps > 5_000)
        await pilot.press("space")
        await wait_for(pilot, lambda: not screen.running)
        await settle(pilot)
        session = screen.session
        with session.lock:
            steps = session.debugger.steps
        assert screen.frame.steps == steps
        assert f"step {steps:,}" in str(screen.query_one("#battle-status").render())


async def test_an_older_frame_never_replaces_a_newer_one():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await battle(pilot)
        session = screen.session
        with session.lock:
            older = session.frame()
            session.step(7)
            newer = session.frame()
        # the step worker posts its frame after the run worker took a later one
        screen.post_message(FrameReady(newer, session))
        await settle(pilot)
        screen.post_message(FrameReady(older, session))
        await settle(pilot)
        assert screen.frame is newer and screen.frame.steps == 7


async def test_the_process_graph_is_redrawn_a_few_times_a_second_while_running():
    app = ArenaApp()
    async with app.run_test(size=(160, 48)) as pilot:  # wide: the graph is shown
        screen = await battle(pilot)
        session = screen.session
        plot = screen.query_one(LinePlot)
        assert plot.series[0].x == (0.0,)  # the loaded battle, drawn at once
        await pilot.pause(tui.battle.PLOT_INTERVAL)
        screen.running = True  # as if the run worker were going (it is not started)
        try:
            for steps in (7, 9):
                with session.lock:
                    session.step(steps)
                    frame = session.frame()
                screen.show_frame(frame)
            # the first frame is drawn, the second (right after it) put off
            assert plot.series[0].x[-1] == 7
            await pilot.pause(tui.battle.PLOT_INTERVAL + 0.2)
            assert plot.series[0].x[-1] == 16  # drawn when the interval was over
        finally:
            screen.running = False


async def test_load_dialog_takes_a_hill_and_every_battle_setting():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await battle(pilot)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, WarriorPicker))
        picker = app.screen

        def field(name: str) -> Input:
            return picker.query_one(f"#{name}", Input)

        # a blank field means the hill's value, and says which
        picker.query_one("#hill", Select).value = "tiny"
        await settle(pilot)
        assert field("core_size").placeholder == "800"
        assert field("max_length").placeholder == "20"
        # a setting the CLI refuses is refused with the CLI's message; the dialog stays
        field("core_size").value = "0"
        picker.accept()
        await settle(pilot)
        assert isinstance(app.screen, WarriorPicker)
        problem = str(picker.query_one("#problem", Label).render())
        with pytest.raises(SettingsError) as cli:
            build_settings("tiny", {"core_size": 0}, label=pmars_flag)
        assert problem == str(cli.value)
        field("core_size").value = ""
        field("max_length").value = "30"
        field("min_distance").value = "25"
        picker.accept()
        await settle(pilot)
        assert "-d (minimum distance" in str(picker.query_one("#problem", Label).render())
        # blank rounds: the hill's default, not a silent 1 of the dialog's own
        field("min_distance").value = ""
        field("rounds").value = ""
        field("max_cycles").value = "3000"
        field("seed").value = "9"
        picker.accept()
        await wait_for(pilot, lambda: screen.frame is not None and screen.frame.core_size == 800)
        assert screen.frame.rounds == hill_settings("tiny").rounds
        assert screen.frame.max_cycles == 3000
        assert screen.session.settings.max_length == 30
        assert screen.session.settings.min_distance == 30  # follows the length, as in pMARS
        assert screen.seed == 9
        # the dialog opens again on what was chosen
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, WarriorPicker))
        again = app.screen
        assert again.query_one("#hill", Select).value == "tiny"
        assert again.query_one("#max_cycles", Input).value == "3000"
        assert again.query_one("#core_size", Input).value == ""
