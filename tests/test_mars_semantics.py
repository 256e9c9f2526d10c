"""Engine semantics in isolation, and battles the golden data does not cover."""

from __future__ import annotations

import json

import numpy as np
import pytest

from arena.battle import place, play
from arena.mars.debugger import Debugger
from arena.redcode import assemble
from arena.redcode.model import DAT, MOV
from arena.settings import Settings
from tests.mars_helpers import GOLDEN, golden_warrior

S = Settings(core_size=8000, max_cycles=1000, max_processes=4, max_length=100, min_distance=100)


def asm(text: str, settings: Settings = S):
    result = assemble(";redcode-94\n;assert 1\n" + text, settings)
    assert result.ok, result.diagnostics
    return result.warrior


def solo(text: str, steps: int, settings: Settings = S) -> Debugger:
    """Warrior at 0 against a harmless looper at 4000; run ``steps`` of warrior 0 only."""
    dbg = Debugger([asm(text, settings), asm("jmp 0\n", settings)], settings, [[0, 4000]], [0])
    for _ in range(steps):
        dbg.step(2)
    return dbg


def test_div_by_zero_in_one_half_writes_the_other_then_dies():
    dbg = solo("div.f d, t\njmp 0\nd dat 2, 0\nt dat 10, 4\n", 1)
    assert (dbg.cell(3)[3], dbg.cell(3)[5]) == (5, 4)  # A half written, B half untouched
    assert dbg.tasks(0) == 0  # and the process died
    dbg = solo("mod.x d, t\njmp 0\nd dat 0, 2\nt dat 7, 9\n", 1)
    assert (dbg.cell(3)[3], dbg.cell(3)[5]) == (1, 9)  # t.a = 7 % d.b; t.b % d.a fails
    assert dbg.tasks(0) == 0
    dbg = solo("div.b #3, t\njmp 0\nt dat 10, 9\n", 1)  # #3: the register's B is 2
    assert dbg.cell(2)[5] == 4 and dbg.tasks(0) == 1


def test_spl_with_full_queue_only_continues():
    dbg = solo("spl 0\njmp -1\n", 8)  # max_processes = 4
    assert dbg.tasks(0) == 4
    assert len(dbg.queue(0)) == 4 and set(dbg.queue(0)) == {0, 1}


def test_jmz_jmn_djn_test_both_fields_for_f():
    dbg = solo("jmz.f 3, t\njmp 0\njmp 0\nx jmp 0\nt dat 0, 1\n", 1)
    assert dbg.queue(0) == [1]  # not both zero: no jump
    dbg = solo("jmn.f 3, t\njmp 0\njmp 0\nx jmp 0\nt dat 0, 1\n", 1)
    assert dbg.queue(0) == [3]
    dbg = solo("djn.f 3, t\njmp 0\njmp 0\nx jmp 0\nt dat 1, 1\n", 1)
    assert dbg.queue(0) == [1]  # both became 0 -> fall through
    assert dbg.cell(4)[3] == 0 and dbg.cell(4)[5] == 0


def test_cmp_i_compares_instruction_and_fields_and_slt():
    dbg = solo("cmp.i a, b\njmp 0\njmp 0\na mov 1, 2\nb mov 1, 2\n", 1)
    assert dbg.queue(0) == [2]
    dbg = solo("seq.i a, b\njmp 0\njmp 0\na mov 1, 2\nb mov.i 1, 2\n", 1)
    assert dbg.queue(0) == [2]
    dbg = solo("sne.i a, b\njmp 0\njmp 0\na mov.ab 1, 2\nb mov.i 1, 2\n", 1)
    assert dbg.queue(0) == [2]
    dbg = solo("slt #3, #4\njmp 0\njmp 0\n", 1)
    assert dbg.queue(0) == [2]


def test_in_register_evaluation_and_side_effect_order():
    # A is evaluated (and its post-increment applied) before B; MOV uses the A register
    dbg = solo("mov.i }p, >p\njmp 0\np dat 1, 1\nx dat 5, 5\ny dat 6, 6\n", 1)
    assert dbg.cell(2)[3] == 2 and dbg.cell(2)[5] == 2  # both pointers incremented
    assert dbg.cell(3)[3] == 5  # x was copied onto itself (A: p.a=1 -> x; B: p.b=1 -> x)
    # an immediate B reads the core cell after A's side effects
    dbg = solo("add.ba {0, #5\njmp 0\n", 1)
    assert dbg.cell(0)[3] == 7999  # 7999 (decremented A field, read back) + 0


def test_read_and_write_limits_fold_addresses():
    limited = S.with_(read_limit=100, write_limit=100)
    # write folded: $600 is 600 mod 100 = 0 from pc: MOV overwrites itself
    dbg = solo("mov.i $0, $600\njmp 0\n", 3, limited)
    assert dbg.cell(600) == dbg.cell(4600)  # untouched (empty)
    assert dbg.queue(0) == [1]
    # read folded: $150 reads pc + 50
    dbg = solo("mov.i $150, $2\njmp 0\njmp 0\n" + "dat 0, 0\n" * 47 + "mark dat 9, 9\n", 1, limited)
    assert dbg.cell(2)[3] == 9


def test_limits_equal_to_core_size_change_nothing(shared):
    a, b = golden_warrior("dwarf"), golden_warrior("mice")
    plain = play([a, b], Settings(), rounds=8, fixed_position=1234)
    same = play([a, b], Settings(read_limit=8000, write_limit=8000), rounds=8, fixed_position=1234)
    assert np.array_equal(plain.slots, same.slots) and np.array_equal(plain.steps, same.steps)


def test_threads_give_the_same_results(shared):
    a, b = golden_warrior("mice"), golden_warrior("dwarf")
    one = play([a, b], Settings(), rounds=12, fixed_position=3000, threads=1)
    two = play([a, b], Settings(), rounds=12, fixed_position=3000, threads=2)
    assert np.array_equal(one.slots, two.slots)
    assert np.array_equal(one.steps, two.steps) and np.array_equal(one.tasks, two.tasks)


def test_hundred_warrior_melee():
    n = 100
    settings = Settings(core_size=12000, max_cycles=300, max_processes=64, min_distance=100)
    imp = asm("mov.i $0, $1\n", settings)
    bomber = asm("add #7, 2\nmov 1, @1\njmp -2\n", settings)
    warriors = [imp if i % 2 else bomber for i in range(n)]
    res = play(warriors, settings, rounds=3, fixed_position=700)
    assert res.slots.shape == (n, 2 * n - 1)
    assert int(res.slots.sum()) == 3 * n  # every warrior ends every round somewhere
    pos = res.placement.positions
    for r in range(3):
        p = pos[r, 1:]
        assert p.min() >= 100 and p.max() <= 12000 - 100
        gaps = np.diff(np.sort(p))
        assert gaps.min() >= 100
    assert [int(x) for x in res.placement.starters] == [0, 1, 2]


def test_posit_falls_back_to_npos_for_seed_zero():
    # -F d gives seed 0: every draw is 0, posit fails, npos gives 0, d, 2d, ...
    placement = place(4, 2, S, 0)
    assert placement.npos.all()
    assert [int(x) for x in placement.positions[0]] == [0, 100, 200, 300]


def test_permutations_cover_every_position_and_first_mover():
    small = Settings(core_size=40, max_cycles=10, max_processes=4, max_length=5, min_distance=5)
    imp = asm("mov.i $0, $1\n", small)
    res = play([imp, imp], small, rounds=2 * 40 - 4 * 5 + 2, permutate=True, fixed_position=7)
    pairs = {
        (int(p), int(s))
        for p, s in zip(res.placement.positions[:, 1], res.placement.starters, strict=True)
    }
    assert len(pairs) == 2 * (40 + 1 - 2 * 5)


def test_undefined_and_empty_warriors():
    with pytest.raises(ValueError):
        play([], S)
    empty = golden_warrior("imp")
    w = type(empty).from_fields(
        name="x", instructions=[(MOV, 6, 1, 0, 1, 1), (DAT, 4, 0, 0, 0, 0)], core_size=8000
    )
    res = play([w, empty], Settings(), rounds=2, fixed_position=4000)
    assert res.rounds == 2
    assert json.dumps(res.wins())


def test_bench_fights_exact(shared):
    data = json.loads((GOLDEN / "bench_fights.json").read_text())
    total = 0
    for f in data["fights"]:
        res = play(
            [golden_warrior(f["a"]), golden_warrior(f["b"])],
            Settings(),
            rounds=f["rounds"],
            fixed_position=f["F"],
            threads=2,
        )
        assert (res.wins()[0], res.wins()[1], res.ties()[0], res.instructions) == (
            f["A_wins"],
            f["B_wins"],
            f["ties"],
            f["instructions"],
        ), f
        total += res.instructions
    assert total == data["total_instructions"]
