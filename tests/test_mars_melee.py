"""Melee battles (3+ warriors) reproduce pMARS exactly: placement, turns, budget, scores."""

from __future__ import annotations

import pytest

from arena.battle import checksum, play
from tests.mars_helpers import golden_warrior, jsonl, settings_from_cmd

RECORDS = [
    (name, r)
    for name in ("melee.jsonl", "melee_f.jsonl", "melee_crowded.jsonl")
    for r in jsonl(name)
]


@pytest.mark.parametrize(
    "record",
    [r for _, r in RECORDS],
    ids=[f"{name.split('.')[0]}-{i}" for i, (name, _) in enumerate(RECORDS)],
)
def test_melee(record, shared):
    settings = settings_from_cmd(record["cmd"])
    warriors = [golden_warrior(w, settings.core_size) for w in record["warriors"]]
    n = record["n"]
    if record["mode"] == "F":
        res = play(warriors, settings, rounds=record["rounds"], fixed_position=record["F"])
    else:
        assert checksum(warriors, settings.core_size) == record["checksum"]
        res = play(warriors, settings, rounds=record["rounds"], checksum_seed=True)
    for k, pr in enumerate(record["per_round"]):
        got = {
            "first": int(res.placement.starters[k]),
            "pos": [int(x) for x in res.placement.positions[k]],
            "start": [int(x) for x in res.starts[k]],
            "placement": "npos" if res.placement.npos[k] else "posit",
            "steps": int(res.steps[k]),
            "survivors": res.survivors(k),
            "tasks_end": [int(x) for x in res.tasks[k]],
        }
        want = {key: pr[key] for key in got}
        assert got == want, f"round {k + 1}"
    assert [[int(x) for x in row[:n]] for row in res.slots] == record["survived_with"]
    assert [int(x) for x in res.slots[:, n:].sum(axis=1)] == record["deaths"]
