"""P-space: LDP/STP, cell 0 = last round's result (after a win, a loss, a tie), PIN sharing."""

from __future__ import annotations

import numpy as np
import pytest

from arena.battle import debugger as battle_debugger
from arena.battle import play
from arena.mars.engine import PSpace, default_pspace_size
from arena.mars.program import Program
from arena.redcode import assemble
from arena.settings import Settings

S = Settings(core_size=800, max_cycles=200, max_processes=16, max_length=20, min_distance=20)
PSIZE = default_pspace_size(800)  # 50


def asm(text: str, settings: Settings = S):
    result = assemble(";redcode-94\n;assert 1\n" + text, settings)
    assert result.ok, result.diagnostics
    return result.warrior


# copies cell 0 (its last result) to P-space cell 1, then loops or dies
REPORT_LOOP = "ldp.ab #0, tmp\nstp.b tmp, #1\nloop jmp loop\ntmp dat 0, 0\n"
REPORT_DIE = "ldp.ab #0, tmp\nstp.b tmp, #1\ndat 0, 0\ntmp dat 0, 0\n"
SLOW_SUICIDE = "nop 0\nnop 0\nnop 0\nnop 0\ndat 0, 0\n"
LOOPER = "jmp 0\n"


def test_default_pspace_size():
    assert default_pspace_size(8000) == 500
    assert default_pspace_size(8001) == 889  # largest divisor <= 16 of 8001 is 9
    assert default_pspace_size(7) == 1
    assert S.pspace == PSIZE


@pytest.mark.parametrize(
    ("me", "other", "after_round1"),
    [
        (REPORT_LOOP, SLOW_SUICIDE, 1),  # win: alone at the end
        (REPORT_DIE, LOOPER, 0),  # loss: dead
        (REPORT_LOOP, LOOPER, 2),  # tie: 2 alive at the end
    ],
    ids=["win", "loss", "tie"],
)
def test_cell0_is_last_result(me, other, after_round1):
    warriors = [asm(me), asm(other)]
    first = play(warriors, S, rounds=1, fixed_position=300)
    assert first.pspace.read(0, 1) == S.core_size - 1  # before any round: s - 1
    assert first.pspace.last_result[0] == after_round1
    second = play(warriors, S, rounds=2, fixed_position=300)
    assert second.pspace.read(0, 1) == after_round1
    assert second.pspace.read(0, 0) == second.pspace.last_result[0]


def test_stp_ldp_modifiers_and_wrap():
    # round 1 stores; round 2 loads back into the core, where the Debugger reads it
    text = """
        ldp.a  #0, flag         ; flag.a = last result (799 before any round)
        sne.a  #799, flag
        jmp    store
        ldp.ab #3, got          ; .AB: got.b = P[3]
        ldp.a  #53, got         ; .A:  got.a = P[53 mod 50 = 3]
        ldp.b  idx, got2        ; .B:  got2.b = P[idx.b = 4]
        jmp    0
store   stp.ab #321, #3         ; P[3] = 321
        stp.b  val, #4          ; P[4] = val.b = 77
        stp.ab #11, #0          ; cell 0 is the last result; the round's end overwrites it
        jmp    0
flag    dat 0, 0
got     dat 0, 0
got2    dat 0, 0
val     dat 0, 77
idx     dat 0, 4
"""
    w = asm(text)
    dbg = battle_debugger([w, asm(LOOPER)], S, rounds=2, fixed_position=400)
    dbg.run()
    ps = dbg.pspace
    assert ps.read(0, 3) == 321
    assert ps.read(0, 4) == 77
    assert ps.last_result[0] == 2  # a tie: 2 alive at the end
    dbg.next_round()
    dbg.run()
    flag, got, got2 = 11, 12, 13  # warrior 0 is loaded at address 0
    assert dbg.cell(flag)[3] == 2
    assert (dbg.cell(got)[3], dbg.cell(got)[5]) == (321, 321)
    assert dbg.cell(got2)[5] == 77


def test_pin_shares_pspace_but_not_cell0():
    writer = asm("stp.ab #42, #3\njmp 0\npin 5\n")
    reader = asm("ldp.ab #3, 2\njmp 0\ndat 0, 0\npin 5\n")
    loner = asm("ldp.ab #3, 2\njmp 0\ndat 0, 0\n")
    ps = PSpace.for_warriors([writer, reader, loner], 800, PSIZE)
    assert list(ps.index) == [0, 0, 1]
    res = play([writer, reader, loner], S, rounds=1, fixed_position=300)
    assert res.pspace.read(1, 3) == 42  # shared through PIN 5
    assert res.pspace.read(2, 3) == 0  # the loner's own P-space
    res.pspace.last_result[:] = [1, 2, 3]
    assert [res.pspace.read(i, 0) for i in range(3)] == [1, 2, 3]


def test_pspace_battles_stay_serial_and_equal():
    w = asm(REPORT_LOOP)
    one = play([w, asm(SLOW_SUICIDE)], S, rounds=20, fixed_position=300, threads=1)
    two = play([w, asm(SLOW_SUICIDE)], S, rounds=20, fixed_position=300, threads=2)
    assert np.array_equal(one.slots, two.slots)
    assert one.pspace.read(0, 1) == two.pspace.read(0, 1)


def test_warriors_using_pspace_run_their_rounds_in_order():
    """LDP makes rounds depend on each other, STP makes the P-space after the battle
    depend on every round: either keeps the rounds on one thread."""
    plain = Program.from_warriors([asm(LOOPER), asm(SLOW_SUICIDE)], S.core_size)
    assert not plain.uses_pspace
    for text in ("ldp.ab #0, #1\njmp 0\n", "stp.ab #5, #1\njmp 0\n"):
        assert Program.from_warriors([asm(LOOPER), asm(text)], S.core_size).uses_pspace
