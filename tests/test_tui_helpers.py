"""Helpers for the TUI tests (no tests here): settle the app, wait, make run directories."""

from __future__ import annotations

from textual.pilot import Pilot

LONG_RUNNING = {"evolve-follow", "evolve-run", "battle-run", "hill-run"}


async def settle(pilot: Pilot, rounds: int = 2) -> None:
    """Let messages drain and short workers finish (not runs that go on and on)."""
    for _ in range(rounds):
        await pilot.pause()
        short = [w for w in pilot.app.workers if w.group not in LONG_RUNNING]
        if short:  # an empty list would mean "every worker"
            await pilot.app.workers.wait_for_complete(short)
    await pilot.pause()


async def wait_for(pilot: Pilot, predicate, timeout: float = 60.0, step: float = 0.05) -> None:
    """Pause until ``predicate()`` is true; fail after ``timeout`` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {predicate}")
        await pilot.pause(step)


async def answer(pilot: Pilot, text: str) -> None:
    """Fill the open dialog's input with ``text`` and press Enter (typing is slow)."""
    from textual.widgets import Input

    await wait_for(pilot, lambda: bool(pilot.app.screen.query(Input)))
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")


TINY = {
    "rounds": 2,
    "iterations": 4,
    "n_init": 2,
    "placements": 2,
    "seed": 1,
    "concurrency": 2,
    "core_size": 800,
    "max_cycles": 8000,
    "max_processes": 800,
    "max_length": 20,
    "min_distance": 20,
}


async def make_run_dir(path, **overrides) -> list:
    """A finished offline evolution run in ``path`` (core 800, few candidates)."""
    from arena.evolve.config import resolve
    from arena.evolve.session import open_run

    events: list = []

    run = open_run(resolve(flags={**TINY, **overrides}), path, on_event=events.append)
    try:
        await run.red_queen.run()
    finally:
        await run.close()
    return events


async def make_stopped_run(path, stop_after: int, **overrides) -> list:
    """An offline run stopped (as the Stop button does) once ``stop_after`` events are in."""
    from arena.evolve.config import resolve
    from arena.evolve.session import open_run

    events: list = []
    holder: dict = {}

    def seen(event) -> None:
        events.append(event)
        if len(events) >= stop_after:
            holder["run"].red_queen.stop()

    run = open_run(resolve(flags={**TINY, **overrides}), path, on_event=seen)
    holder["run"] = run
    try:
        await run.red_queen.run()
    finally:
        await run.close()
    return events
