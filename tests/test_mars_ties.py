"""Stopping a round that is a certain tie (only imps left, or no word left that could
change the outcome): nothing may change."""

from __future__ import annotations

import numpy as np

from arena.battle import debugger, play
from arena.mars.kernel import QB, find_mortal, only_imps_left
from arena.mars.layout import AV, BV, CELL, EMPTY_INS, INS, QUEUE_DTYPE, new_core, pack_ins
from arena.redcode import assemble
from arena.redcode.model import (
    A_POSTINC,
    ADD,
    B_INDIRECT,
    B_PREDEC,
    CMP,
    DAT,
    DIRECT,
    DIV,
    DJN,
    IMMEDIATE,
    JMN,
    JMP,
    JMZ,
    LDP,
    M_B,
    M_F,
    M_I,
    MOD,
    MOV,
    MUL,
    NOP,
    SEQ,
    SLT,
    SNE,
    SPL,
    STP,
    SUB,
)
from arena.settings import Settings
from tests.mars_helpers import golden_warrior, jsonl

IMP = pack_ins(MOV, M_I, DIRECT, DIRECT)


def _state(cells: dict[int, tuple[int, int, int]], queues: list[list[int]], maxproc: int = 8):
    core = new_core(100)
    for address, (word, a, b) in cells.items():
        core[address * CELL + INS] = word
        core[address * CELL + AV] = a
        core[address * CELL + BV] = b
    stride = maxproc + QB
    q = np.zeros(len(queues) * stride, dtype=QUEUE_DTYPE)
    for w, pcs in enumerate(queues):
        r = w * stride
        q[r + 1] = len(pcs) % maxproc  # tail
        q[r + 2] = len(pcs)  # count
        q[r + QB : r + QB + len(pcs)] = pcs
    return core, q, stride, maxproc


def test_only_imps_left_recognises_exactly_the_self_copying_imps():
    imm = pack_ins(MOV, M_I, IMMEDIATE, DIRECT)
    core, q, stride, m = _state({5: (IMP, 0, 1), 9: (imm, 42, 1), 50: (IMP, 0, 1)}, [[5, 9], [50]])
    assert only_imps_left(core, q, stride, 2, m)
    # a dead warrior (no process) does not matter
    core, q, stride, m = _state({5: (IMP, 0, 1)}, [[5], []])
    assert only_imps_left(core, q, stride, 2, m)
    not_certain = [
        {5: (IMP, 0, 2)},  # MOV.I $0, $2 moves onto a cell it did not write
        {5: (IMP, 1, 1)},  # MOV.I $1, $1 copies another cell
        {5: (pack_ins(MOV, M_B, DIRECT, DIRECT), 0, 1)},  # MOV.B copies numbers only
        {},  # DAT.F $0, $0: the process dies
    ]
    for cells in not_certain:
        core, q, stride, m = _state({**cells, 50: (IMP, 0, 1)}, [[5], [50]])
        assert not only_imps_left(core, q, stride, 2, m), cells
    # one process elsewhere is enough to rule it out
    core, q, stride, m = _state({5: (IMP, 0, 1), 50: (IMP, 0, 1)}, [[5, 6], [50]])
    assert not only_imps_left(core, q, stride, 2, m)


def _same(warriors, settings, **kw):
    on = play(warriors, settings, stop_certain_ties=True, **kw)
    off = play(warriors, settings, stop_certain_ties=False, **kw)
    assert np.array_equal(on.slots, off.slots)
    assert np.array_equal(on.steps, off.steps)
    assert np.array_equal(on.tasks, off.tasks)
    assert np.array_equal(on.pspace.last_result, off.pspace.last_result)
    return on


def test_imp_against_imp_is_the_same_tie_either_way():
    s = Settings()
    imp = assemble("mov.i $0, $1\n", s).warrior
    gate = assemble("spl 2\njmp 0\nmov.i #7, $1\n", s).warrior  # spawns, then imps only
    r = _same([imp, gate], s, rounds=6, seed=3)
    assert list(r.steps) == [2 * s.max_cycles] * 6 and r.ties() == [6, 6]
    _same([imp, imp, gate], s, rounds=4, seed=5)  # three warriors: N*c each


def test_golden_pairs_with_imps_are_unchanged():
    """Golden pairs where an imp or spiral is involved, stop on vs stop off."""
    records = [r for r in jsonl("pairs.jsonl") if "imp" in r["a"] + r["b"]][:40]
    assert len(records) >= 20
    s = Settings()
    for r in records:
        w = [golden_warrior(r["a"]), golden_warrior(r["b"])]
        _same(w, s, rounds=2, fixed_position=r["F"])


def _core_of(words: dict[int, int], size: int = 100):
    core = new_core(size)
    for address, word in words.items():
        core[address * CELL + INS] = word
    return core


def test_find_mortal_finds_every_word_that_can_change_the_outcome():
    harmless = [
        pack_ins(op, mod, am, bm)
        for op in (MOV, ADD, SUB, MUL, JMP, JMZ, JMN, DJN, CMP, SLT, SEQ, SNE, NOP, LDP)
        for mod in range(7)
        for am, bm in ((DIRECT, DIRECT), (IMMEDIATE, B_PREDEC), (B_INDIRECT, A_POSTINC))
    ]
    full = {a: harmless[a % len(harmless)] for a in range(100)}
    assert find_mortal(_core_of(full), 100, 0) == -1
    mortal = [pack_ins(op, M_F, DIRECT, DIRECT) for op in (DAT, DIV, MOD, SPL, STP)]
    mortal += [pack_ins(MOV, 7, DIRECT, DIRECT), pack_ins(STP + 1, M_B, DIRECT, DIRECT)]
    for word in mortal:
        core = _core_of({**full, 37: word})
        assert find_mortal(core, 100, 0) == 37
        assert find_mortal(core, 100, 38) == 37  # the search wraps round the core
        assert find_mortal(core, 100, 37) == 37
    empty = _core_of(dict.fromkeys(range(100), EMPTY_INS))
    assert find_mortal(empty, 100, 5) == 5  # the empty core is DAT.F $0, $0


# Two warriors that fill a 200-cell core between them and hold no word that can end a
# process: no process is on an imp, so only ``find_mortal`` can see the certain tie.
FILLER = "loop add.ab #7, ptr\nmov.i loop, @ptr\njmp loop\nptr nop #0, #50\n" + "nop 0, 0\n" * 96


def test_a_core_without_mortal_words_is_the_same_tie_either_way():
    s = Settings(core_size=200, max_length=100, min_distance=100)
    filler = assemble(FILLER, s).warrior
    d = debugger([filler, filler], s, fixed_position=100, track_events=False)
    assert find_mortal(d.core, 200, 0) == -1
    d.run(5000)
    assert d.steps == 5000 and find_mortal(d.core, 200, 0) == -1
    r = _same([filler, filler], s, rounds=4, seed=1)
    assert list(r.steps) == [2 * s.max_cycles] * 4 and r.ties() == [4, 4]
