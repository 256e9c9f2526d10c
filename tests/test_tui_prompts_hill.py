"""Prompts screen (check and preview as you edit, copy the set, confirm before saving a
template a run would refuse) and hill screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, DataTable, Input, Select, Static

from arena import prompts as P
from tests.test_tui_helpers import answer, settle, wait_for
from tui.app import ArenaApp
from tui.hill import HillScreen
from tui.prompts import PromptsScreen
from tui.widgets.dialogs import Confirm


async def test_prompts_check_placeholders_and_preview(tmp_path: Path):
    app = ArenaApp("prompts")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PromptsScreen)
        screen._show("mutate")
        await pilot.pause()
        check = screen.query_one("#prompt-check", Static)
        preview = screen.query_one("#prompt-preview", Static)
        assert "✓" in str(check.render())
        assert ";name Dwarf" in str(preview.render())  # the example parent
        assert "core size 8000" in str(preview.render())
        # a typo in a placeholder is caught, with its line
        screen.area.focus()
        screen.area.move_cursor((0, 0))
        await pilot.press(*"{core_sise} ")
        await wait_for(pilot, lambda: "unknown placeholder" in str(check.render()), 5)
        assert "mutate:1: unknown placeholder {core_sise}" in str(check.render())
        # copy the (edited) set to a folder of our own: arena.prompts sees the problem
        target = tmp_path / "mine"
        await pilot.press("ctrl+t")
        await answer(pilot, str(target))
        await settle(pilot)
        assert screen.directory == target
        problems = P.check_templates(target)
        assert any("core_sise" in p for p in problems)
        # fix it, save, and the set is clean
        screen.area.focus()
        screen.area.move_cursor((0, 0))
        await pilot.press(*["delete"] * len("{core_sise} "))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert P.check_templates(target) == []


async def test_saving_a_template_a_run_would_refuse_asks_first(tmp_path: Path):
    folder = tmp_path / "set"
    folder.mkdir()
    for name in P.TEMPLATE_NAMES:
        source = P.default_directory() / f"{name}.txt"
        (folder / f"{name}.txt").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    app = ArenaApp("prompts")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PromptsScreen)
        screen.load_directory(folder)
        await settle(pilot)
        screen._show("mutate")
        await settle(pilot)
        on_disk = (folder / "mutate.txt").read_text(encoding="utf-8")
        broken = "{core_sise}\n" + on_disk  # a typo in a placeholder
        screen.area.load_text(broken)
        await wait_for(pilot, lambda: screen.texts["mutate"] == broken)
        # Cancel (the focused button: Enter keeps the file as it is)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        details = str(app.screen.query_one("#details").render())
        assert "mutate:1: unknown placeholder {core_sise}" in details
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert (folder / "mutate.txt").read_text(encoding="utf-8") == on_disk
        assert P.check_templates(folder) == []
        # Save anyway: written, and the run's own check refuses it, as the dialog said
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.click("#yes")
        await settle(pilot)
        assert app.screen is screen and screen.current == "mutate"
        assert (folder / "mutate.txt").read_text(encoding="utf-8") == broken
        assert any("core_sise" in p for p in P.check_templates(folder))
        # a template a run accepts is saved without asking
        screen.area.load_text(on_disk)
        await wait_for(pilot, lambda: screen.texts["mutate"] == on_disk)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert P.check_templates(folder) == []


async def test_hill_round_robin_sorts_by_column():
    app = ArenaApp("hill")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, HillScreen)
        screen.query_one("#hill-preset", Select).value = "tiny"
        screen.query_one("#hill-rounds", Input).value = "10"
        screen.query_one("#hill-cache", Checkbox).value = False
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: screen.result is not None)
        await settle(pilot)
        table = screen.query_one("#hill-table", DataTable)
        assert table.row_count == len(screen.result.entries) >= 2
        scores = [table.get_row_at(i)[4] for i in range(table.row_count)]
        assert scores == sorted(scores, reverse=True)
        # click the "name" header: sorted by name, A to Z
        await pilot.click(DataTable, offset=(8, 1))
        await settle(pilot)
        assert screen.sort_key == "name"
        names = [table.get_row_at(i)[1].lower() for i in range(table.row_count)]
        assert names == sorted(names)
        bar = screen.query_one("#hill-progress")
        assert bar.progress == bar.total
