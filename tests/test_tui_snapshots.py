"""Snapshots of every screen at 80x24 and 160x48 (pytest-textual-snapshot).

Update them with ``pytest tests/test_tui_snapshots.py --snapshot-update`` after a change
you have looked at.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Select

from arena.paths import data_dir
from tests.test_tui_helpers import settle, wait_for
from tui.app import ArenaApp

SIZES = [(80, 24), (160, 48)]
DWARF = str(data_dir("warriors") / "dwarf.red")
IMP = str(data_dir("warriors") / "imp.red")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """A finished tiny run with fixed latencies, so its screen looks the same every time."""
    import asyncio

    from tests.test_tui_helpers import make_run_dir

    path = tmp_path_factory.mktemp("snap") / "run"
    asyncio.run(make_run_dir(path, rounds=3))
    events = path / "events.jsonl"
    lines = []
    for raw in events.read_text().splitlines():
        event = json.loads(raw)
        if event.get("latency") is not None:
            event["latency"] = 0.25
        lines.append(json.dumps(event))
    events.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_battle_screen(snap_compare, size):
    async def before(pilot):
        await settle(pilot)
        screen = pilot.app.screen
        screen.load_sources((DWARF, IMP), rounds=3, seed=11)
        await settle(pilot)
        screen._op_worker("cycles", 40)
        await settle(pilot)

    assert snap_compare(ArenaApp("battle"), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_editor_screen(snap_compare, size):
    async def before(pilot):
        await settle(pilot)
        area = pilot.app.screen.area
        area.cursor_blink = False  # a blinking cursor would make the picture flicker
        area.move_cursor((9, 0))
        await pilot.press(*"        jmp.x   start", "enter")
        await pilot.pause(0.4)
        await settle(pilot)

    assert snap_compare(ArenaApp("editor"), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_evolve_screen_setup(snap_compare, size):
    async def before(pilot):
        await settle(pilot)

    assert snap_compare(ArenaApp("evolve"), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_evolve_screen_attached(snap_compare, size, run_dir):
    async def before(pilot):
        await settle(pilot)
        screen = pilot.app.screen
        screen.attach(run_dir)
        await wait_for(pilot, lambda: len(screen.state.rounds) == 3)
        screen.action_stop()  # stop following, so the bar is still
        screen._render_all()
        await settle(pilot)

    assert snap_compare(ArenaApp("evolve"), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_prompts_screen(snap_compare, size):
    async def before(pilot):
        await settle(pilot)
        pilot.app.screen._show("mutate")
        await settle(pilot)

    assert snap_compare(ArenaApp("prompts"), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_hill_screen(snap_compare, size):
    async def before(pilot):
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#hill-preset", Select).value = "tiny"
        screen.query_one("#hill-rounds", Input).value = "10"
        screen.query_one("#hill-cache", Checkbox).value = False
        screen.action_run()
        await wait_for(pilot, lambda: screen.result is not None)
        await settle(pilot)

    assert snap_compare(ArenaApp("hill"), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_screen(snap_compare, size):
    async def before(pilot):
        await settle(pilot)

    assert snap_compare(ArenaApp("help"), terminal_size=size, run_before=before)
