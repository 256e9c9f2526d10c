"""The UI answers every key press at once while an evolution run and a battle run.

Textual's Pilot waits after each key for the *process* to go idle (``wait_for_idle``
compares CPU time with wall time), which never happens while worker threads are busy:
each ``pilot.press`` would then take about two seconds whatever the UI does. So this
test swaps that wait for one pass of the event loop; ``pilot.press`` + ``pilot.pause()``
still post the key, let the app dispatch it to the binding, run the action, and wait
until the screen and every widget on it have processed everything queued before
returning. Each key must have taken effect by then, and both runs must have gone on
meanwhile. How long the round trip takes is measured by ``bench/tui_fps.py``, not
asserted here.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import textual.app
import textual.pilot

from arena.evolve.config import resolve
from arena.paths import data_dir
from arena.settings import Settings
from tests.test_tui_helpers import TINY, settle, wait_for
from tui.app import ArenaApp
from tui.battle import SPEEDS, BattleScreen
from tui.evolve import EvolveScreen

IMP = str(data_dir("warriors") / "imp.red")


async def _one_pass(*args, **kwargs) -> None:
    await asyncio.sleep(0)


async def test_key_press_round_trip_under_load(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(textual.app, "wait_for_idle", _one_pass)
    monkeypatch.setattr(textual.pilot, "wait_for_idle", _one_pass)
    app = ArenaApp("evolve")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        evolve = app.screen
        assert isinstance(evolve, EvolveScreen)
        # a long offline run: it is still going when we are done here
        evolve.start_run(
            resolve(flags={**TINY, "rounds": 5, "iterations": 100_000}), tmp_path / "r"
        )
        await wait_for(pilot, lambda: evolve.state.total_events >= 3)
        # an imp against an imp never ends; run it as fast as the engine goes
        battle = await app.show_mode("battle")
        assert isinstance(battle, BattleScreen)
        battle.load_sources((IMP, IMP), settings=Settings(max_cycles=50_000_000, rounds=1), seed=5)
        await settle(pilot)
        battle.speed_index = len(SPEEDS) - 1  # max
        await pilot.press("space")
        await wait_for(pilot, lambda: battle.running and battle.frame.steps > 10_000)

        events_before = evolve.state.total_events + len(evolve._pending)
        frames_before = battle.frames_shown
        steps_before = battle.frame.steps
        for i in range(12):
            key, expected = ("minus", len(SPEEDS) - 2) if i % 2 == 0 else ("plus", len(SPEEDS) - 1)
            await pilot.press(key)
            await pilot.pause()
            assert battle.speed_index == expected  # the key took effect in one round trip
            await pilot.pause(0.05)

        # both were busy all along
        assert battle.running
        assert battle.frame.steps > steps_before
        assert battle.frames_shown > frames_before
        assert evolve.mode == "running"
        assert evolve.state.total_events + len(evolve._pending) > events_before
        await pilot.press("space")  # pause the battle
