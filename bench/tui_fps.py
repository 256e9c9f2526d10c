"""Frames per second of the battle screen's core map while a battle runs.

Runs the app headless (Textual's test driver: everything is rendered, nothing is
written to a terminal) at 80x24, 120x36 and 160x48, starts a battle that cannot end
(an Imp against an Imp with a huge cycle limit; Paper against Paper, the next round whenever one
dies), and counts
for a few seconds:

* frames: snapshots the worker posted and the screen applied (at most ~30 a second,
  paced down when drawing is slow);
* paints: times the core map was drawn (Textual may coalesce several frames into one);
* instructions per second executed meanwhile;
* the median and worst time to paint the core map;
* the median and worst round trip of a key press (speed down, speed up, 12 times)
  while the battle runs: from posting the key until the app has run its action and
  every widget has processed what that queued.

    python bench/tui_fps.py [--seconds 5] [--speed max|10000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import textual.app
import textual.pilot

from arena.paths import data_dir
from arena.settings import Settings
from tui.app import ArenaApp
from tui.battle import SPEEDS
from tui.widgets.core_map import CoreMap

W = data_dir("warriors")
PAIRS = {
    "imp-vs-imp": (W / "imp.red", W / "imp.red"),
    "paper-vs-paper": (W / "paper.red", W / "paper.red"),
}


async def _one_pass(*args, **kwargs) -> None:
    """Stands in for Pilot's wait for an idle process, which never comes while a battle
    runs (see tests/test_tui_responsive.py): one pass of the event loop instead."""
    await asyncio.sleep(0)


async def key_round_trips(pilot, screen, presses: int = 12) -> list[float]:
    """Seconds from pressing -/+ until the app has handled it, while the battle runs."""
    waits = (textual.app.wait_for_idle, textual.pilot.wait_for_idle)
    textual.app.wait_for_idle = textual.pilot.wait_for_idle = _one_pass
    top = len(SPEEDS) - 1
    timings = []
    try:
        for i in range(presses):
            key, expected = ("minus", top - 1) if i % 2 == 0 else ("plus", top)
            started = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            timings.append(time.perf_counter() - started)
            if screen.speed_index != expected:
                raise SystemExit(f"the {key} key did not take effect")
            await asyncio.sleep(0.05)
    finally:
        textual.app.wait_for_idle, textual.pilot.wait_for_idle = waits
    return timings


async def measure(size: tuple[int, int], pair: str, seconds: float, speed: str) -> dict:
    app = ArenaApp()
    paints: list[float] = []
    original = CoreMap.render_lines

    def counting(self, crop):
        lines = original(self, crop)
        paints.append(self.paint_seconds)
        return lines

    CoreMap.render_lines = counting
    try:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            screen = app.screen
            a, b = PAIRS[pair]
            screen.load_sources(
                (str(a), str(b)), settings=Settings(max_cycles=10**9, rounds=1000), seed=3
            )
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen.speed_index = len(SPEEDS) - 1 if speed == "max" else SPEEDS.index(int(speed))
            screen.action_toggle_run()
            await asyncio.sleep(1.0)  # warm up
            paints.clear()
            session = screen.session
            frames0, steps0, t0 = screen.frames_shown, session.executed_total, time.perf_counter()
            while time.perf_counter() - t0 < seconds:
                await asyncio.sleep(0.05)
                if not screen.running and screen.frame.round_over:  # a warrior died
                    screen.action_next_round()
                    await asyncio.sleep(0.05)
                    screen.action_toggle_run()
            elapsed = time.perf_counter() - t0
            frames = screen.frames_shown - frames0
            steps = session.executed_total - steps0
            painted = list(paints)
            keys = await key_round_trips(pilot, screen) if screen.running else []
            screen.running = False
            await pilot.pause()
    finally:
        CoreMap.render_lines = original
    return {
        "size": f"{size[0]}x{size[1]}",
        "pair": pair,
        "frames/s": frames / elapsed,
        "paints/s": len(painted) / elapsed,
        "instructions/s": steps / elapsed,
        "paint ms (median)": 1000 * statistics.median(painted) if painted else 0.0,
        "paint ms (worst)": 1000 * max(painted) if painted else 0.0,
        "key ms (median)": 1000 * statistics.median(keys) if keys else float("nan"),
        "key ms (worst)": 1000 * max(keys) if keys else float("nan"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--speed", default="max", help="instructions per second, or max")
    args = parser.parse_args()
    print(
        f"{'size':>8} {'battle':>15} {'frames/s':>9} {'paints/s':>9} {'instr/s':>10} "
        f"{'paint ms':>9} {'worst':>7} {'key ms':>7} {'worst':>7}"
    )
    for size in ((80, 24), (120, 36), (160, 48)):
        for pair in PAIRS:
            r = asyncio.run(measure(size, pair, args.seconds, args.speed))
            print(
                f"{r['size']:>8} {r['pair']:>15} {r['frames/s']:9.1f} {r['paints/s']:9.1f} "
                f"{r['instructions/s']:10,.0f} {r['paint ms (median)']:9.1f} "
                f"{r['paint ms (worst)']:7.1f} {r['key ms (median)']:7.1f} "
                f"{r['key ms (worst)']:7.1f}"
            )


if __name__ == "__main__":
    main()
