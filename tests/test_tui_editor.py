"""Editor screen: errors at their lines as you type, save/open, battle the buffer."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static

from arena.paths import data_dir
from tests.test_tui_helpers import answer, settle, wait_for
from tui.app import ArenaApp
from tui.battle import BattleScreen
from tui.editor import DEBOUNCE, STARTER, EditorScreen
from tui.widgets.dialogs import PickOne

IMP = str(data_dir("warriors") / "imp.red")


async def editor(pilot) -> EditorScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EditorScreen)
    return screen


async def wait_assembled(pilot) -> None:
    await pilot.pause(DEBOUNCE + 0.1)
    await settle(pilot)


async def test_a_broken_line_shows_its_error_at_that_line():
    app = ArenaApp("editor")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await editor(pilot)
        assert screen.result is not None and screen.result.ok
        assert screen.area.diagnostics == ()
        line = STARTER.splitlines().index("        mov.i   bomb, @ptr") + 1
        screen.area.move_cursor((line - 1, 0))
        await pilot.press(*"        mov.i   bomb, @@ptr", "enter")
        await wait_assembled(pilot)
        errors = [d for d in screen.area.diagnostics if d.severity == "error"]
        assert errors, screen.result.diagnostics
        assert errors[0].line == line
        # the line is marked in the text
        assert any(h[2] == "error.line" for h in screen.area._highlights[line - 1])
        # and listed below it
        options = screen.query_one("#diagnostics", OptionList)
        assert f"line {line}" in str(options.get_option_at_index(0).prompt)
        # with the cursor on that line, the status bar shows the message
        screen.area.move_cursor((line - 1, 3))
        await pilot.pause()
        status = str(screen.query_one("#editor-status", Static).render())
        assert f"line {line}: error" in status
        # fixing it clears the marks
        screen.area.move_cursor((line - 1, 0))
        await pilot.press("ctrl+k", "ctrl+k")
        await wait_assembled(pilot)
        assert screen.result.ok
        assert not any(d.severity == "error" for d in screen.area.diagnostics)


async def test_save_as_and_open(tmp_path: Path):
    app = ArenaApp("editor")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await editor(pilot)
        target = tmp_path / "stone.red"
        await pilot.press("ctrl+t")
        await answer(pilot, str(target))
        await settle(pilot)
        assert target.read_text() == STARTER
        assert screen.path == target
        screen.set_text("", None)
        await wait_assembled(pilot)
        assert screen.text == ""
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("end", "enter")  # "another file…"
        await answer(pilot, str(target))
        await wait_assembled(pilot)
        assert screen.text == STARTER
        assert screen.result.ok


async def test_battle_the_buffer_against_a_chosen_warrior():
    app = ArenaApp("editor")
    async with app.run_test(size=(80, 24)) as pilot:
        await editor(pilot)
        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: isinstance(app.screen, PickOne))
        options = app.screen.query_one(OptionList)
        options.highlighted = [o.id for o in options.options].index(IMP)
        await pilot.press("enter")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, BattleScreen)
                and app.screen.frame is not None
                and app.screen.frame.names == ("Untitled", "Imp")
            ),
        )


async def test_a_bad_equ_is_marked_where_it_is_defined_too():
    app = ArenaApp("editor")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await editor(pilot)
        lines = STARTER.splitlines()
        equ = lines.index("step    equ     5") + 1
        use = lines.index("start   add.ab  #step, ptr") + 1
        for bad in ("step    equ     5+", "step    equ     stride*2"):
            screen.set_text(STARTER.replace("step    equ     5", bad))
            await wait_assembled(pilot)
            assert not screen.result.ok
            error_lines = {d.line for d in screen.area.diagnostics if d.severity == "error"}
            assert {equ, use} <= error_lines, (bad, screen.area.diagnostics)
            assert any(h[2] == "error.line" for h in screen.area._highlights[equ - 1])
            # the message at the definition says where the EQU is used
            options = screen.query_one("#diagnostics", OptionList)
            prompts = [
                str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
            ]
            assert any(f"line {equ}:" in p and f"used at line {use}" in p for p in prompts)
            # one more message per error, and the status still counts the assembler's errors
            errors = screen.result.errors
            assert options.option_count == len(screen.result.diagnostics) + len(errors)
            status = str(screen.query_one("#editor-status", Static).render())
            assert f"{len(errors)} error(s)" in status
