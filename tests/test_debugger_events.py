"""``Debugger(track_events=False)`` runs the same instructions and leaves ``events`` empty."""

from __future__ import annotations

from arena.battle import debugger as battle_debugger
from arena.redcode import assemble_file
from arena.settings import Settings
from tests.conftest import REPO


def test_events_can_be_skipped_without_changing_the_run() -> None:
    settings = Settings()
    warriors = [
        assemble_file(REPO / "warriors" / n, settings).warrior for n in ("dwarf.red", "imp.red")
    ]
    tracked = battle_debugger(warriors, settings, rounds=1, seed=11)
    quiet = battle_debugger(warriors, settings, rounds=1, seed=11, track_events=False)
    for _ in range(50):
        a = [s.text() for s in tracked.step(7)]
        b = [s.text() for s in quiet.step(7)]
        assert a == b
        assert tracked.events.executed  # the tracked one reports what ran
        assert not quiet.events.executed and not quiet.events.written
    assert (tracked.core == quiet.core).all()
