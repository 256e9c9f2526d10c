"""The battle screen as a debugger: the cdb command line and its log, breakpoints panel,
editing core and P-space, operands with their addresses, cell writers, whole-battle runs
and the process graph."""

from __future__ import annotations

import pytest
from textual.widgets import Log

from arena.paths import data_dir
from tests.test_tui_helpers import answer, settle, wait_for
from tui.app import ArenaApp
from tui.battle import BattleScreen
from tui.widgets.breakpoints import BreakpointsPanel
from tui.widgets.cdb_panel import CdbInput
from tui.widgets.plot import LinePlot

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DWARF = str(data_dir("warriors") / "dwarf.red")
IMP = str(data_dir("warriors") / "imp.red")


async def loaded(pilot, *, rounds: int = 3, seed: int = 7) -> BattleScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BattleScreen)
    screen.load_sources((DWARF, IMP), rounds=rounds, seed=seed)
    await settle(pilot)
    assert screen.frame is not None and screen.frame.names == ("Dwarf", "Imp")
    return screen


async def type_line(pilot, line: str) -> None:
    """Type a line into the cdb input and press Enter (value set: typing is slow)."""
    box = pilot.app.screen.query_one(CdbInput)
    box.value = line
    await pilot.press("enter")
    await settle(pilot, 3)


def log_lines(screen) -> list[str]:
    return [str(x) for x in screen.query_one("#cdb-log", Log).lines]


async def test_colon_opens_the_command_line_and_commands_act_on_the_battle():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("colon")
        await settle(pilot)
        box = screen.query_one(CdbInput)
        assert screen.has_class("-cdb") and box.has_focus
        await type_line(pilot, "s")
        await type_line(pilot, "sk 3")
        d = screen.session.debugger
        assert d.steps == 5 and screen.frame.steps == 5
        await type_line(pilot, "r")
        lines = log_lines(screen)
        w = d.next_warrior
        assert "(cdb) r" in lines
        assert f"Currently executing warrior {w}: {screen.frame.names[w]:<30}" in lines
        assert f"[{d.queue(w)[0]}]->" in lines
        # list shows what the engine's core holds
        await type_line(pilot, "l pc,pc+2")
        pc = d.queue(w)[0]
        listed = [x for x in log_lines(screen) if x[:5].isdigit()][-3:]
        assert [int(x[:5]) for x in listed] == [pc, pc + 1, pc + 2]
        # history: up brings back the last commands
        await pilot.press("up")
        assert box.value == "l pc,pc+2"
        await pilot.press("up", "up")
        assert box.value == "sk 3"
        await pilot.press("down", "down", "down")
        assert box.value == ""
        # a bad command is a message in the log, not a crash
        await type_line(pilot, "l (((")
        assert log_lines(screen)[-1] == 'Bad argument "((("'
        # escape closes the line and gives the keys back to the screen
        await pilot.press("escape")
        await settle(pilot)
        assert not screen.has_class("-cdb")
        await pilot.press("s")
        await settle(pilot)
        assert screen.frame.steps == 6


async def test_go_runs_on_the_screen_to_a_trace_point_and_cdb_takes_over():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        jmp = (screen.frame.positions[0] + 2) % 8000
        await pilot.press("colon")
        await type_line(pilot, f"trace {jmp}")
        assert jmp in screen.frame.breakpoints
        await type_line(pilot, "go")
        await wait_for(pilot, lambda: not screen.running and log_lines(screen)[-1].endswith("T"))
        await settle(pilot)
        assert screen.frame.queues[0][0] == jmp and screen.frame.next_warrior == 0
        assert log_lines(screen)[-1].startswith(f"{jmp:05d}   JMP.A")


async def test_edit_and_fill_core_and_pspace_while_paused():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("colon")
        await type_line(pilot, "e 300")
        assert str(screen.query_one("#cdb-prompt").render()).strip() == "00300"
        await type_line(pilot, "spl 0, <-2")
        d = screen.session.debugger
        assert d.cell(300) == (11, 1, 1, 0, 3, 7998)
        assert log_lines(screen)[-1] == "00300   SPL.B  $     0, <    -2     "
        await type_line(pilot, "fill 310,312~jmp -10")
        assert [d.cell(a)[0] for a in (310, 311, 312)] == [13, 13, 13]
        assert screen.frame.writer[311] == -2  # edited by hand, and shown as such
        screen.select_address(311)
        await settle(pilot)
        assert "edited by you" in str(screen.query_one("#cell-info").render())
        await type_line(pilot, "pspace 2~e 5~1234~pspace off")
        assert d.pspace_cell(1, 5) == 1234
        assert int(screen.frame.pspace[1][5]) == 1234


async def test_next_instruction_operands_and_the_cells_last_writer():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        dwarf = screen.frame.positions[0]
        await pilot.press("s")  # ADD.AB (dwarf)
        await pilot.press("s")  # MOV (imp)
        await settle(pilot)
        # the dwarf's MOV.I $2, @2 is next: A is the bomb, B where the bomb pointer points
        nxt = screen.frame.next_step
        assert nxt.pc == dwarf + 1 and nxt.addr_a == dwarf + 3
        assert nxt.addr_b == (dwarf + 3 + 4) % 8000
        info = str(screen.query_one("#cell-info").render())
        assert f"A→{dwarf + 3}" in info and f"B→{(dwarf + 7) % 8000}" in info
        await pilot.press("s")
        await settle(pilot)
        bomb = (dwarf + 7) % 8000
        assert screen.frame.writer[bomb] == 0 and screen.frame.write_step[bomb] == 2
        screen.select_address(bomb)
        await settle(pilot)
        assert "written by" in str(screen.query_one("#cell-info").render())
        assert "Dwarf at step 2" in str(screen.query_one("#cell-info").render())


async def test_breakpoints_panel_lists_toggles_clears_and_says_if_they_persist():
    app = ArenaApp()
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot)
        panel = screen.query_one(BreakpointsPanel)
        await pilot.press("colon")
        await type_line(pilot, "b write 100")
        await type_line(pilot, "b procs 2 3")
        await pilot.press("escape")
        await pilot.press("B")
        await settle(pilot)
        assert panel.has_focus and panel.option_count == 2
        assert panel.border_subtitle == "kept across rounds"
        # add an execute breakpoint from the panel
        await pilot.press("a")
        await answer(pilot, "exec 200")
        await settle(pilot, 3)
        assert panel.option_count == 3 and 200 in screen.frame.breakpoints
        panel.highlighted = 2
        await pilot.press("space")
        await settle(pilot, 3)
        assert not screen.frame.breakpoint_list[2].enabled
        assert 200 not in screen.frame.breakpoints
        await pilot.press("d")
        await settle(pilot, 3)
        assert panel.option_count == 2
        await pilot.press("k")
        await settle(pilot, 3)
        assert panel.border_subtitle == "dropped each round (cdb)"
        assert not screen.session.breakpoints.persist
        await pilot.press("c")
        await settle(pilot, 3)
        assert not screen.frame.breakpoint_list


async def test_a_write_breakpoint_stops_a_run():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot)
        target = (screen.frame.positions[0] + 3 + 40) % 8000  # the dwarf's 10th bomb
        await pilot.press("colon")
        await type_line(pilot, f"b write {target}")
        await pilot.press("escape")
        await pilot.press("space")
        await wait_for(pilot, lambda: not screen.running and "write to" in screen.frame.message)
        await settle(pilot)
        d = screen.session.debugger
        assert d.cell(target)[0] == 12 and screen.frame.writer[target] == 0
        assert screen.frame.write_step[target] == d.steps - 1


async def test_whole_battle_mode_plays_every_round_and_the_graph_follows():
    app = ArenaApp()
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await loaded(pilot, rounds=3)
        screen.speed_index = len(screen_speeds()) - 1
        await pilot.press("w")
        assert screen.whole_battle
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.frame.battle_over and not screen.running)
        await settle(pilot)
        assert sum(screen.frame.scores[0]) == 3  # three rounds booked, no stop between
        history = screen.frame.history
        assert history[0][0] == 0 and history[-1][0] == screen.frame.steps
        plot = screen.query_one(LinePlot)
        assert [s.name for s in plot.series] == ["Dwarf", "Imp"]
        assert plot.series[1].values[-1] == float(history[-1][2])


async def test_cdb_continue_finishes_the_battle():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await loaded(pilot, rounds=2)
        await pilot.press("colon")
        await type_line(pilot, "t 0,$")  # continue ignores trace points
        await type_line(pilot, "c")
        await wait_for(pilot, lambda: screen.frame.battle_over and not screen.running, 120)
        await settle(pilot)
        assert log_lines(screen)[-1].startswith("Results: ")


def screen_speeds():
    from tui.battle import SPEEDS

    return SPEEDS
