"""The kernel's Digital Red Queen metrics against a slow reference built on the Debugger.

The batch kernel books the DRQ fitness, spawned processes and coverage inside its round
loop (``arena.mars.kernel.run_round`` with ``drq``). Here the same rounds are stepped
cycle by cycle through the Debugger, which plays by pMARS's rules and knows nothing of
DRQ, and the metrics are recomputed in Python from what it shows after each cycle:

* fitness: after each cycle every living warrior earns 1/(number alive); the last one
  left earns every remaining cycle; score = that sum x N / MAXCYCLES;
* spawned: the sum over cycles of the growth of a warrior's process count;
* coverage: the distinct addresses ever in its queue. Each warrior moves once a cycle, so
  everything it queued during a cycle is still in its queue when the cycle ends.

The melees below have deaths (a countdown that runs into DAT, a dwarf's bombs), full
queues (8 processes) and all first movers, the cases the kernel's bookkeeping is for.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from arena.battle import debugger as battle_debugger
from arena.battle import play
from arena.redcode import assemble
from arena.settings import Settings
from tests.mars_helpers import golden_warrior

S = Settings(core_size=800, max_cycles=400, max_processes=8, max_length=20, min_distance=20)


def asm(text: str):
    result = assemble(";redcode-94\n;assert 1\n" + text, S)
    assert result.ok, result.diagnostics
    return result.warrior


def reference(warriors, settings: Settings, rounds: int, fixed_position: int):
    """(score, spawned, coverage) arrays [rounds, N] from cycle-by-cycle stepping."""
    n, cycles = len(warriors), settings.max_cycles
    # pMARS's budget must not end a round before DRQ's cycles are done
    roomy = dataclasses.replace(settings, max_cycles=cycles * 10)
    dbg = battle_debugger(
        warriors, roomy, rounds=rounds, fixed_position=fixed_position, track_events=False
    )
    score = np.zeros((rounds, n))
    spawned = np.zeros((rounds, n))
    coverage = np.zeros((rounds, n))
    for r in range(rounds):
        if r:
            dbg.start_round(r + 1)
        seen = [set(dbg.queue(w)) for w in range(n)]
        share = [0.0] * n
        grown = [0] * n
        for done in range(1, cycles + 1):
            before = [dbg.tasks(w) for w in range(n)]
            dbg.step_cycles(1)
            alive = [w for w in range(n) if dbg.tasks(w) > 0]
            for w in range(n):
                grown[w] += max(0, dbg.tasks(w) - before[w])
                seen[w] |= set(dbg.queue(w))
            for w in alive:
                share[w] += 1 / len(alive)
            if len(alive) <= 1:
                for w in alive:
                    share[w] += cycles - done
                break
        score[r] = [x * n / cycles for x in share]
        spawned[r] = grown
        coverage[r] = [len(x) for x in seen]
    return score, spawned, coverage


def melee(*names):
    pool = {
        "dwarf": golden_warrior("dwarf", S.core_size),
        "imp": asm("mov.i $0, $1\n"),
        "countdown": asm("djn.b $0, #37\ndat #0, #0\n"),  # dies after 37 cycles
        "splitter": asm("spl.b $0, #0\nmov.i $2, @2\njmp.b $-2, #0\ndat #0, #5\n"),
        "bomber": asm("add.ab #9, $2\nmov.i $2, @1\njmp.b $-2, #0\ndat #0, #0\n"),
        "paper": asm("spl.b $1, #0\nmov.i }-1, >-1\nmov.i }-2, >-2\njmp.b $-3, #0\n"),
    }
    return [pool[name] for name in names]


@pytest.mark.parametrize(
    ("names", "fixed_position"),
    [
        (("dwarf", "countdown"), 300),
        (("splitter", "imp", "countdown"), 250),
        (("dwarf", "imp", "countdown", "splitter"), 200),
        (("bomber", "paper", "countdown", "dwarf", "splitter"), 123),
    ],
)
def test_kernel_drq_metrics_equal_the_stepped_reference(names, fixed_position):
    warriors = melee(*names)
    rounds = 2 * len(warriors)  # every warrior moves first at least once
    res = play(warriors, S, rounds=rounds, fixed_position=fixed_position, drq=True)
    score, spawned, coverage = reference(warriors, S, rounds, fixed_position)
    assert res.drq_score == pytest.approx(score)
    assert np.array_equal(res.drq_spawned, spawned)
    assert np.array_equal(res.drq_coverage, coverage)
    # the cases are not vacuous: someone dies in every one, and splitters spawn
    assert (score < 1.0).any()
    assert spawned.any() == bool({"splitter", "paper"} & set(names))
