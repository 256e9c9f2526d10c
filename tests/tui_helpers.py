"""Helpers for the TUI tests: settle the app, make tiny warriors and run directories."""

from __future__ import annotations

from textual.pilot import Pilot


async def settle(pilot: Pilot, rounds: int = 2) -> None:
    """Let messages drain and workers finish."""
    for _ in range(rounds):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
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
