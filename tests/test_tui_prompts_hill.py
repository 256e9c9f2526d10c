"""Prompts screen (check and preview as you edit, copy the set) and hill screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, DataTable, Input, Select, Static

from arena import prompts as P
from tests.test_tui_helpers import answer, settle, wait_for
from tui.app import ArenaApp
from tui.hill import HillScreen
from tui.prompts import PromptsScreen


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
