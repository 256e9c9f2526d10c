"""App-wide: nav bar, help, key names, screenshots, command palette, picking 3 warriors,
layering rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import Input, OptionList, SelectionList

from arena.paths import data_dir
from tests.test_tui_helpers import settle, wait_for
from tui.app import ArenaApp
from tui.battle import BattleScreen
from tui.widgets.core_map import CoreMap
from tui.widgets.dialogs import EDITOR_BUFFER, WarriorPicker
from tui.widgets.navbar import NavBar


async def test_nav_bar_click_and_function_keys_switch_screens():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.current_mode == "battle"
        await pilot.click(NavBar, offset=(24, 0))  # " F3 Editor "
        await settle(pilot)
        assert app.current_mode == "editor"
        await pilot.press("f4")
        await settle(pilot)
        assert app.current_mode == "evolve"
        await pilot.press("f1")
        await settle(pilot)
        assert app.current_mode == "help"


async def test_nav_bar_puts_each_key_in_front_of_its_screen():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = str(app.screen.query_one(NavBar).render())
        assert "│ F2 Battle │ F3 Editor │ F4 Evolve │ F5 Prompts │ F6 Hill │ F1 Help" in text
        assert "Battle F2" not in text


async def test_help_scrolls_from_the_keyboard():
    app = ArenaApp("help")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        body = app.screen.query_one("#help-body")
        assert app.screen.focused is body
        assert body.max_scroll_y > 30  # the page is much taller than the screen
        await pilot.press("down", "down")
        await settle(pilot)
        assert body.scroll_y == 2
        await pilot.press("pagedown")
        await settle(pilot)
        assert body.scroll_y > 10
        await pilot.press("end")
        await settle(pilot)
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("pageup")
        await settle(pilot)
        assert 0 < body.scroll_y < body.max_scroll_y
        await pilot.press("home")
        await settle(pilot)
        assert body.scroll_y == 0
        await pilot.press("up")
        await settle(pilot)
        assert body.scroll_y == 0


async def test_help_and_footer_spell_keys_as_people_write_them():
    from tui.help import help_markdown

    app = ArenaApp("editor")
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        text = help_markdown(app.get_key_display)
        for readable in ("| `+`, `=` | Faster |", "| `]` | Next round |", "| `Ctrl+S` | Save |"):
            assert readable in text
        for raw in ("plus", "equals_sign", "right_square_bracket", "ctrl+s", "^s"):
            assert raw not in text
        # the footer spells them the same way
        footer_keys = [key.key_display for key in app.screen.query("FooterKey")]
        assert "Ctrl+S" in footer_keys


async def test_screenshot_goes_to_an_existing_folder_and_says_where(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # a home without Downloads
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.chdir(tmp_path)
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        saved = app.deliver_screenshot()
        await settle(pilot)
        assert saved is not None and Path(saved).parent == tmp_path
        assert Path(saved).read_text().startswith("<svg")
        notes = [n.message for n in app._notifications]
        assert any(saved in n for n in notes)
        # a folder that cannot be made: a notification, not a traceback
        (tmp_path / "file").write_text("not a folder")
        assert app.deliver_screenshot(path=str(tmp_path / "file" / "sub")) is None
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "cannot save the screenshot" in errors[-1].message


async def palette(pilot, query: str) -> None:
    """Open the command palette, search, wait for the first hit, run it."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    app.screen.query_one(Input).value = query
    hits = app.screen.query_one(OptionList)
    await wait_for(pilot, lambda: hits.option_count > 0 and hits.highlighted is not None)
    await pilot.press("enter")


async def test_command_palette_lists_screens_and_keys():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await palette(pilot, "go to hill")
        await wait_for(pilot, lambda: app.current_mode == "hill")
        # the palette also runs the current screen's keys
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        steps = screen.frame.steps
        await palette(pilot, "battle: step")
        await wait_for(pilot, lambda: screen.frame.steps > steps)


async def test_pick_three_warriors_including_the_editor_buffer():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.editor_buffer.text = ";name Buffered\nmov.i 0, 1\n"
        screen = app.screen
        assert isinstance(screen, BattleScreen)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, WarriorPicker))
        picker = app.screen
        choices = picker.query_one(SelectionList)
        choices.deselect_all()
        choices.select(EDITOR_BUFFER)
        choices.select(str(data_dir("warriors") / "dwarf.red"))
        picker.query_one("#paths", Input).value = str(data_dir("warriors") / "imp.red")
        picker.query_one("#rounds", Input).value = "2"
        picker.accept()
        await wait_for(pilot, lambda: screen.frame is not None and len(screen.frame.names) == 3)
        assert set(screen.frame.names) == {"Buffered", "Dwarf", "Imp"}
        assert screen.frame.rounds == 2
        # three warriors on the map, each with its next instruction marked
        assert len([pc for pc in screen.frame.pcs if pc >= 0]) == 3


async def test_zoom_shows_one_cell_per_character_and_scrolls():
    app = ArenaApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        core_map = app.screen.query_one(CoreMap)
        assert core_map.cells_per_char > 1  # the whole core fits
        core_map.focus()
        await pilot.press("z")
        await settle(pilot)
        assert core_map.cells_per_char == 1
        assert core_map.virtual_size.height > core_map.size.height  # it scrolls now
        await pilot.press("z")
        await settle(pilot)
        assert core_map.cells_per_char > 1


def test_arena_never_imports_textual_and_the_runner_stays_light():
    code = (
        "import sys, arena.redcode, arena.mars.debugger, arena.battle, arena.hill, "
        "arena.evolve.session, arena.evolve.driver, arena.evolve.view, arena.prompts, "
        "tui.battle_session; "
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
