"""Two-warrior rounds reproduce pMARS exactly (golden pairs.jsonl and multiround.jsonl)."""

from __future__ import annotations

import pytest

from arena.battle import play
from arena.settings import Settings
from tests.mars_helpers import golden_warrior, jsonl

STANDARD = Settings()


def _chunks(records, size):
    return [records[i : i + size] for i in range(0, len(records), size)]


PAIRS = jsonl("pairs.jsonl")


@pytest.mark.parametrize("chunk", range(4))
def test_pairs(chunk, shared):
    records = _chunks(PAIRS, len(PAIRS) // 4)[chunk]
    failures = []
    for r in records:
        res = play(
            [golden_warrior(r["a"]), golden_warrior(r["b"])],
            STANDARD,
            rounds=r["round"],
            fixed_position=r["F"],
        )
        k = r["round"] - 1
        alive = res.tasks[k] > 0
        result = "T" if alive.all() else ("A" if alive[0] else "B")
        got = (
            result,
            int(res.steps[k]),
            int(res.placement.positions[k, 1]),
            "AB"[int(res.placement.starters[k])],
            int(res.starts[k, 0]),
            int(res.starts[k, 1]),
        )
        want = (r["result"], r["steps"], r["pos"], r["first"], r["startA"], r["startB"])
        if got != want:
            failures.append((r["a"], r["b"], r["F"], r["round"], got, want))
    assert not failures, failures[:5]


@pytest.mark.parametrize(
    "record", jsonl("multiround.jsonl"), ids=lambda r: f"{r['a']}-{r['b']}-{r['mode']}"
)
def test_multiround(record, shared):
    kwargs = {"fixed_position": record["F"]} if record["mode"] == "F" else {"checksum_seed": True}
    warriors = [golden_warrior(record["a"]), golden_warrior(record["b"])]
    if record["mode"] == "f":
        from arena.battle import checksum

        assert checksum(warriors, 8000) == record["checksum"]
    res = play(warriors, STANDARD, rounds=record["rounds"], **kwargs)
    assert res.wins() == [record["A_wins"], record["B_wins"]]
    assert res.ties()[0] == record["ties"]
    for k, (pos_b, first, result, steps) in enumerate(record["per_round"]):
        alive = res.tasks[k] > 0
        got = "T" if alive.all() else ("A" if alive[0] else "B")
        assert (
            int(res.placement.positions[k, 1]),
            int(res.placement.starters[k]),
            got,
            int(res.steps[k]),
        ) == (
            pos_b,
            first,
            result,
            steps,
        ), f"round {k + 1}"
