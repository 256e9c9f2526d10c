"""Scores: pMARS slots/-k output/-= formula, KotH, and the DRQ fitness and descriptors."""

from __future__ import annotations

import numpy as np
import pytest

from arena.battle import play
from arena.redcode import assemble
from arena.scoring import (
    DEFAULT_FORMULA,
    ScoreFormulaError,
    descriptor_bins,
    drq_fitness,
    k_output,
    koth_score,
    pmars_scores,
    results_text,
    score_points,
    wlt,
)
from arena.settings import Settings
from tests.mars_helpers import golden_warrior, jsonl, settings_from_cmd

SMALL = Settings(core_size=800, max_cycles=1000, max_processes=50, max_length=20, min_distance=20)


def asm(text: str, settings: Settings = SMALL):
    result = assemble(";redcode-94\n;assert 1\n" + text, settings)
    assert result.ok, result.diagnostics
    return result.warrior


def test_default_points_match_pmars(shared):
    for record in jsonl("melee.jsonl")[:10]:
        assert score_points(record["n"], DEFAULT_FORMULA) == record["score_points"]
    assert score_points(2) == [3, 1]


def test_custom_and_bad_formula():
    assert score_points(3, "W-S+1") == [3, 2, 1]
    assert score_points(4, "10/S") == [10, 5, 3, 2]  # C integer division
    with pytest.raises(ScoreFormulaError):
        score_points(3, "1/(S-2)")
    with pytest.raises(ScoreFormulaError):
        score_points(3, "W*")


def test_k_output_melee_records(shared):
    for name in ("melee.jsonl", "melee_f.jsonl"):
        for record in jsonl(name)[:6]:
            settings = settings_from_cmd(record["cmd"])
            warriors = [golden_warrior(w) for w in record["warriors"]]
            kw = (
                {"fixed_position": record["F"]}
                if record["mode"] == "F"
                else {"checksum_seed": True}
            )
            res = play(warriors, settings, rounds=record["rounds"], **kw)
            assert k_output(res.slots).splitlines() == record["k_output"]
            assert pmars_scores(res.slots) == record["score"]


def test_two_warrior_outputs():
    slots = np.array([[5, 3, 2], [2, 3, 5]])
    assert k_output(slots) == "5 3\n2 3\n"
    text = results_text(["A", "B"], ["x", "y"], slots)
    assert text == "A by x scores 18\nB by y scores 9\nResults: 5 2 3\n"
    assert wlt(slots) == ([5, 2], [3, 3], [2, 5])
    assert koth_score(5, 3, 10) == pytest.approx(180.0)
    assert koth_score(0, 0, 0) == 0.0


def test_melee_results_text():
    slots = np.array([[2, 1, 0, 0, 1], [0, 1, 1, 2, 0], [1, 0, 1, 1, 1]])
    text = results_text(["a", "b", "c"], ["p", "q", "r"], slots)
    assert text.splitlines()[:2] == ["a by p scores 20", "  Results: 2 1 0 1"]


def test_drq_equal_share_for_two_imps():
    imp = asm("mov.i $0, $1\n")
    res = play([imp, imp], SMALL, rounds=2, fixed_position=400, drq=True)
    fit = drq_fitness(res)
    assert fit.score == pytest.approx([1.0, 1.0])
    assert fit.spawned == [0.0, 0.0]
    assert fit.coverage == [800.0, 800.0]  # an imp queues every address of an 800-cell core
    assert list(res.steps) == [2 * SMALL.max_cycles] * 2


def test_drq_credit_after_a_kill():
    dwarf = golden_warrior("dwarf", 800)
    suicide = asm("dat #0, #0\n")
    res = play([dwarf, suicide], SMALL, rounds=1, fixed_position=400, drq=True)
    fit = drq_fitness(res)
    # the suicide dies in cycle 1; the dwarf is alone for every cycle: 2 * 1.0
    assert fit.score == pytest.approx([2.0, 0.0])
    assert fit.coverage == [2.0, 1.0]  # dwarf: its start and the next instruction
    assert res.steps[0] == 2


def test_drq_spawned_counts_growth():
    spl = asm("spl 0\njmp -1\n")
    imp = asm("mov.i $0, $1\n")
    res = play([spl, imp], SMALL, rounds=1, fixed_position=400, drq=True)
    fit = drq_fitness(res)
    # nothing of the splitter ever dies, so growth sums to its final process count - 1
    assert fit.spawned[0] == SMALL.max_processes - 1
    assert res.tasks[0, 0] == SMALL.max_processes


def test_drq_scores_sum_to_n_in_melee(shared):
    record = jsonl("melee.jsonl")[0]
    settings = settings_from_cmd(record["cmd"])
    warriors = [golden_warrior(w) for w in record["warriors"]]
    res = play(warriors, settings, rounds=6, fixed_position=record["F"], drq=True)
    assert res.drq_score.sum(axis=1) == pytest.approx([len(warriors)] * 6)
    # the plain path gives the same placements and first movers
    plain = play(warriors, settings, rounds=6, fixed_position=record["F"])
    assert np.array_equal(plain.placement.positions, res.placement.positions)


def test_descriptor_bins():
    assert descriptor_bins(0, 0) == (0, 0)
    assert descriptor_bins(5, 150) == (1, 2)
    assert descriptor_bins(20000, 8000) == (5, 5)


def test_drq_coverage_with_a_one_process_queue():
    """With -p 1 every queued address still counts (the ring has a single slot)."""
    one = Settings(core_size=800, max_cycles=300, max_processes=1, min_distance=100)
    imp = asm("mov.i $0, $1\n")
    spl = asm("spl 0\njmp -1\n")  # SPL with a full queue only continues
    res = play([imp, spl], one, rounds=1, fixed_position=400, drq=True)
    fit = drq_fitness(res)
    assert fit.coverage == [301.0, 2.0]  # start + one new cell per cycle; spl, jmp, spl, ...
    assert fit.spawned == [0.0, 0.0]
    assert fit.score == pytest.approx([1.0, 1.0])
