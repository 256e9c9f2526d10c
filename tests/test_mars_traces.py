"""The Debugger reproduces pMARS's step traces instruction by instruction (golden/traces)."""

from __future__ import annotations

import numpy as np
import pytest

from arena.battle import debugger as battle_debugger
from arena.battle import initial_seed, place
from arena.mars.debugger import Debugger
from arena.mars.kernel import TR_A, TR_B, TR_INS, TR_NPROCS, TR_PC, TR_W
from arena.mars.layout import format_cell
from arena.settings import Settings
from tests.mars_helpers import GOLDEN, golden_warrior

TRACES = sorted((GOLDEN / "traces").glob("*.trace"))


def _parse(path):
    steps, cells, queues, dump, end, header = [], {}, {}, None, None, None
    for line in path.read_text().splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "R":
            header = dict(kv.split("=") for kv in rest.split()[1:])
        elif kind == "S":
            f = rest.split(maxsplit=5)
            steps.append((int(f[1]), int(f[2]), int(f[3]), int(f[4]), f[5]))
        elif kind == "D":
            dump = dict(kv.split("=") for kv in rest.split())
        elif kind == "C":
            addr, text = rest.split(maxsplit=1)
            cells[int(addr)] = text
        elif kind == "Q":
            head, _, pcs = rest.partition(":")
            w, n = head.split()
            queues[int(w)] = (int(n), [int(x) for x in pcs.split()])
        elif kind == "E":
            end = dict(kv.split("=") for kv in rest.split()[1:])
    return header, steps, dump, cells, queues, end


@pytest.mark.parametrize("path", TRACES, ids=lambda p: p.stem)
def test_trace(path, shared):
    header, steps, dump, cells, queues, end = _parse(path)
    parts = path.stem.split("__")
    fixed = int(parts[-1][1:])
    names = parts[1:-1] if parts[0].startswith("melee") else parts[:-1]
    warriors = [golden_warrior(n) for n in names]
    settings = Settings()
    n = len(warriors)
    # our placement model gives the trace's positions
    placement = place(n, 1, settings, initial_seed(warriors, settings, fixed_position=fixed))
    assert [int(header[f"pos{i}"]) for i in range(n)] == [int(x) for x in placement.positions[0]]
    dbg = Debugger(warriors, settings, placement.positions, placement.starters)
    assert [dbg.queue(i)[0] for i in range(n)] == [int(header[f"start{i}"]) for i in range(n)]

    rows = dbg.step_rows(len(steps))
    assert len(rows) == len(steps)
    got = [
        (
            k,
            int(r[TR_W]),
            int(r[TR_PC]),
            int(r[TR_NPROCS]),
            format_cell(int(r[TR_INS]), int(r[TR_A]), int(r[TR_B])),
        )
        for k, r in enumerate(rows)
    ]
    for g, w in zip(got, steps, strict=True):
        assert g == w

    assert dbg.steps == int(dump["steps"])
    assert dbg.next_warrior == int(dump["next"])
    assert {a: dbg.cell_text(a) for a in dbg.nonempty_cells()} == cells
    for w in range(n):
        assert (dbg.tasks(w), dbg.queue(w)) == queues[w]

    dbg.run()
    assert dbg.round_over
    assert dbg.steps == int(end["steps"])
    assert dbg.alive == int(end["left"])
    assert [dbg.tasks(i) for i in range(n)] == [int(end[f"tasks{i}"]) for i in range(n)]


def test_debugger_events_and_step_objects(shared):
    warriors = [golden_warrior("dwarf"), golden_warrior("imp")]
    dbg = battle_debugger(warriors, Settings(), fixed_position=4000)
    first = dbg.step()
    assert len(first) == 1 and first[0].step == 0 and first[0].warrior == 0
    assert first[0].text() == "MOV.I $2 $2" and first[0].pc == 1
    assert first[0].pc in dbg.events.executed
    # dwarf's ADD.AB writes its bomb pointer
    assert dbg.events.written
    more = dbg.step(10)
    assert [s.step for s in more] == list(range(1, 11))
    assert np.all(np.array([s.warrior for s in more]) == np.array([1, 0] * 5))


def test_debugger_cycles_budget_and_rounds(shared):
    warriors = [golden_warrior("dwarf"), golden_warrior("imp")]
    dbg = battle_debugger(warriors, Settings(), rounds=2, fixed_position=4000)
    assert dbg.budget == 2 * 80000
    steps = dbg.step_cycles(3)
    assert [s.warrior for s in steps] == [0, 1] * 3
    assert dbg.budget == 2 * 80000 - 6
    assert dbg.next_round() and dbg.round == 2 and dbg.starter == 1
    steps = dbg.step_cycles(1)
    assert [s.warrior for s in steps] == [1, 0]
    assert not dbg.next_round()  # finishes round 2; there is no round 3
    assert int(dbg.slots.sum()) == 4  # two warriors x two rounds booked
