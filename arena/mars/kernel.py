"""The numba round loop: processes, turns, budgets and deaths exactly as pMARS 0.9.4.

``run_round`` is the only round loop. The batch kernel (``play_rounds``) calls it once per
round with an unlimited step budget; the Debugger calls it with a budget of a few steps
and a trace buffer. What an instruction does is in ``arena.mars.semantics``; this module
decides which instruction runs when, and what follows from it.

Optional features are passed as either ``None`` or an array: numba compiles one
specialisation per combination and prunes the ``is None`` branches, so the plain battle
path carries no tracing, DRQ or read/write-limit code at all. Without tracing or limits,
the loop runs each instruction with ``run_instruction``: one jump to the specialised code
of the instructions of ``arena.mars.hot``, or to code compiled for the others' pair of
modes and then for their opcode and modifier (``hot.GENERIC_KEYS``); two turns per pass,
in two verbatim copies of a turn's code, so that each warrior of a pair has its own
handler jump (see the comment before the second).

Turns and budgets (pMARS ``sim.c``, ``golden/README.md`` §1.8): a turn passes to the next
living warrior; a warrior with no process leaves the ring at once. The budget ``cycle``
starts at N*c and falls by one per instruction; a death shrinks it in proportion to the
warriors left.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numba import njit

from arena.mars import hot, layout, semantics
from arena.mars.cache_guard import guard_cache
from arena.mars.hot import CANONICAL_KEY, EMPTY_HANDLER, GENERIC_KEYS, HOT
from arena.mars.layout import (
    AV,
    BV,
    CELL,
    EMPTY_INS,
    HANDLER,
    INS,
    KEY_MASK,
    QUEUE_DTYPE,
    pack_ins,
)
from arena.mars.semantics import (
    DIES,
    QB,
    SPAWNED,
    WQ_COUNT,
    WQ_HEAD,
    WQ_INDEX,
    WQ_LAST,
    WQ_NEXT,
    WQ_TAIL,
    WQ_TURN,
    U,
    execute,
    execute_arith,
    execute_dat,
    execute_jmp,
    execute_jump,
    execute_mov,
    execute_nop,
    execute_skip,
    execute_spl,
    operand,
    operand_limited,
)
from arena.redcode import model
from arena.redcode.model import DAT, DIRECT, DIV, IMMEDIATE, M_I, MOD, MOV, SPL, STP

__all__ = [
    "QB",
    "WQ_COUNT",
    "WQ_HEAD",
    "WQ_INDEX",
    "WQ_NEXT",
    "WQ_TAIL",
    "finish_round",
    "load_round",
    "play_rounds",
    "run_round",
]

# Indices into the int64 state vector of a round in progress.
ST_W = 0  # warrior about to move
ST_ALIVE = 1  # warriors alive
ST_CYCLE = 2  # pMARS's remaining budget
ST_STEPS = 3  # instructions executed so far in the round
ST_DONE = 4  # 1 once the round is over
ST_STARTER = 5  # the warrior that moved first
ST_DRQ_CYCLES = 6  # DRQ mode: full cycles completed
ST_SIZE = 7

# Columns of a trace row (one executed instruction).
TR_W, TR_PC, TR_NPROCS, TR_INS, TR_A, TR_B, TR_ADDR_A, TR_ADDR_B, TR_RADDR_B = range(9)
TR_COLS = 9

_MAX_STEPS = np.int64(1) << 62
# pMARS rounds run in slices of this many instructions, and between slices the batch
# kernel looks for a certain tie (``only_imps_left``, ``find_mortal``).
TIE_CHECK_STEPS = 1 << 14
# MOV.I $0, $1 and MOV.I #x, $1: the instruction words of an imp that copies itself one
# cell ahead and then executes that copy.
IMP_DIRECT = pack_ins(MOV, M_I, DIRECT, DIRECT)
IMP_IMMEDIATE = pack_ins(MOV, M_I, IMMEDIATE, DIRECT)


@njit(cache=True, nogil=True)
def _cdiv(a, b):
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        return -q
    return q


@njit(cache=True, nogil=True)
def _steps_allowed(max_steps, executed, cycle, pmars_budget):
    """How many instructions may run before the loop must stop and look."""
    left = max_steps - executed
    if pmars_budget and 0 < cycle < left:
        left = cycle
    return left


def _hot(execute_opcode):
    """Both operands, then ``execute_opcode``, of a hot shape ``(key, a_mode, b_mode)``.

    One call per branch of the round loop's hot ladder, not three: numba's front end, not
    LLVM, takes most of the kernel's first compile, and it grows with the calls and
    arguments it types (this halved it). LLVM inlines the call and folds the shape.
    Returns what the executor returns (``nextpc``).
    """

    @njit(nogil=True, forceinline=True, error_model="numpy")
    def run(shape, core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres):
        addr_a, ra_a, ra_b = operand(core, pc, av, s, shape[1])
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, shape[2])
        return execute_opcode(
            shape[0], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b,
            s, maxproc, pspace, psize, pidx, lastres,
        )  # fmt: skip

    return run


hot_arith = _hot(execute_arith)
hot_dat = _hot(execute_dat)
hot_jmp = _hot(execute_jmp)
hot_jump = _hot(execute_jump)
hot_mov = _hot(execute_mov)
hot_skip = _hot(execute_skip)
hot_spl = _hot(execute_spl)
# the hot list holds no NOP, LDP or STP shape


# _nrt=False: no reference counting of the arrays it is passed. A function with many
# branches defeats numba's pruning of those counts, which left two runtime calls per
# array in every turn.
@njit(nogil=True, forceinline=True, error_model="numpy", _nrt=False)
def generic_operands(core, pc, av, bv, s, ins):
    """Both operands of any instruction word: one jump on its pair of modes."""
    # one branch per pair of modes, both constants
    # fmt: off
    pair = (ins >> 8) & 63
    if pair == 0:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 0)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 0)
    elif pair == 1:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 1)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 0)
    elif pair == 2:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 2)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 0)
    elif pair == 3:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 3)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 0)
    elif pair == 4:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 4)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 0)
    elif pair == 5:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 5)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 0)
    elif pair == 6:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 6)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 0)
    elif pair == 7:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 7)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 0)
    elif pair == 8:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 0)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 1)
    elif pair == 9:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 1)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 1)
    elif pair == 10:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 2)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 1)
    elif pair == 11:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 3)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 1)
    elif pair == 12:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 4)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 1)
    elif pair == 13:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 5)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 1)
    elif pair == 14:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 6)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 1)
    elif pair == 15:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 7)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 1)
    elif pair == 16:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 0)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 2)
    elif pair == 17:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 1)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 2)
    elif pair == 18:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 2)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 2)
    elif pair == 19:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 3)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 2)
    elif pair == 20:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 4)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 2)
    elif pair == 21:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 5)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 2)
    elif pair == 22:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 6)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 2)
    elif pair == 23:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 7)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 2)
    elif pair == 24:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 0)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 3)
    elif pair == 25:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 1)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 3)
    elif pair == 26:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 2)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 3)
    elif pair == 27:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 3)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 3)
    elif pair == 28:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 4)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 3)
    elif pair == 29:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 5)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 3)
    elif pair == 30:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 6)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 3)
    elif pair == 31:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 7)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 3)
    elif pair == 32:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 0)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 4)
    elif pair == 33:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 1)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 4)
    elif pair == 34:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 2)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 4)
    elif pair == 35:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 3)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 4)
    elif pair == 36:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 4)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 4)
    elif pair == 37:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 5)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 4)
    elif pair == 38:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 6)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 4)
    elif pair == 39:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 7)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 4)
    elif pair == 40:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 0)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 5)
    elif pair == 41:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 1)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 5)
    elif pair == 42:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 2)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 5)
    elif pair == 43:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 3)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 5)
    elif pair == 44:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 4)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 5)
    elif pair == 45:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 5)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 5)
    elif pair == 46:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 6)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 5)
    elif pair == 47:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 7)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 5)
    elif pair == 48:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 0)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 6)
    elif pair == 49:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 1)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 6)
    elif pair == 50:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 2)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 6)
    elif pair == 51:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 3)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 6)
    elif pair == 52:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 4)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 6)
    elif pair == 53:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 5)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 6)
    elif pair == 54:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 6)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 6)
    elif pair == 55:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 7)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 6)
    elif pair == 56:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 0)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 7)
    elif pair == 57:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 1)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 7)
    elif pair == 58:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 2)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 7)
    elif pair == 59:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 3)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 7)
    elif pair == 60:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 4)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 7)
    elif pair == 61:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 5)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 7)
    elif pair == 62:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 6)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 7)
    else:
        addr_a, ra_a, ra_b = operand(core, pc, av, s, 7)
        addr_b, rb_a, rb_b = operand(core, pc, bv, s, 7)
    # fmt: on
    return addr_a, ra_a, ra_b, addr_b, rb_a, rb_b


@njit(nogil=True, forceinline=True, error_model="numpy", _nrt=False)
def run_instruction(handler, core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres):
    """Execute the instruction at ``pc``, whose cell holds ``handler``; returns ``nextpc``.

    The round loop's jump, in a function of its own so that it is one jump table. LLVM
    builds a switch from an if/elif chain by folding each test into the switch before
    it, and refuses to fold into a switch of N targets whose block has 128 / N
    predecessors or more; a function's first block has none, so there the switch grows
    to 128 targets. In the round loop the chain stopped at 64 targets and the rest sat
    behind one more test, a branch that mispredicts when a warrior's processes mix both
    groups. Here all 97 targets are one table, and LLVM inlines the function
    (``forceinline``) into each copy of a turn, the table with it: 1-4% faster
    (``bench/engine_ab.py``). Only ``nextpc`` comes back, one value fewer kept across
    the jump (the DRQ rules read an SPL's new process back from the queue).
    ``_nrt=False``: see ``generic_operands``.
    """
    if handler != 0:
        # one jump straight to code compiled for this exact instruction: each branch
        # runs its shape, a constant tuple, which LLVM inlines and folds
        # fmt: off
        if handler == 1:
            nextpc = hot_spl(HOT[0], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 2:
            nextpc = hot_mov(HOT[1], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 3:
            nextpc = hot_jmp(HOT[2], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 4:
            nextpc = hot_dat(HOT[3], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 5:
            nextpc = hot_spl(HOT[4], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 6:
            nextpc = hot_mov(HOT[5], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 7:
            nextpc = hot_mov(HOT[6], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 8:
            nextpc = hot_mov(HOT[7], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 9:
            nextpc = hot_mov(HOT[8], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 10:
            nextpc = hot_mov(HOT[9], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 11:
            nextpc = hot_arith(HOT[10], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 12:
            nextpc = hot_mov(HOT[11], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 13:
            nextpc = hot_spl(HOT[12], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 14:
            nextpc = hot_mov(HOT[13], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 15:
            nextpc = hot_jmp(HOT[14], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 16:
            nextpc = hot_mov(HOT[15], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 17:
            nextpc = hot_jump(HOT[16], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 18:
            nextpc = hot_spl(HOT[17], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 19:
            nextpc = hot_arith(HOT[18], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 20:
            nextpc = hot_spl(HOT[19], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 21:
            nextpc = hot_jmp(HOT[20], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 22:
            nextpc = hot_mov(HOT[21], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 23:
            nextpc = hot_jump(HOT[22], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 24:
            nextpc = hot_mov(HOT[23], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 25:
            nextpc = hot_mov(HOT[24], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 26:
            nextpc = hot_mov(HOT[25], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 27:
            nextpc = hot_mov(HOT[26], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 28:
            nextpc = hot_jump(HOT[27], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 29:
            nextpc = hot_jump(HOT[28], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 30:
            nextpc = hot_spl(HOT[29], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 31:
            nextpc = hot_spl(HOT[30], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 32:
            nextpc = hot_dat(HOT[31], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 33:
            nextpc = hot_jump(HOT[32], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 34:
            nextpc = hot_spl(HOT[33], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 35:
            nextpc = hot_jump(HOT[34], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 36:
            nextpc = hot_mov(HOT[35], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 37:
            nextpc = hot_jump(HOT[36], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 38:
            nextpc = hot_arith(HOT[37], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 39:
            nextpc = hot_dat(HOT[38], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 40:
            nextpc = hot_jump(HOT[39], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 41:
            nextpc = hot_mov(HOT[40], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 42:
            nextpc = hot_jmp(HOT[41], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 43:
            nextpc = hot_jump(HOT[42], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 44:
            nextpc = hot_mov(HOT[43], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 45:
            nextpc = hot_mov(HOT[44], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 46:
            nextpc = hot_dat(HOT[45], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 47:
            nextpc = hot_jump(HOT[46], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 48:
            nextpc = hot_mov(HOT[47], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 49:
            nextpc = hot_jump(HOT[48], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 50:
            nextpc = hot_mov(HOT[49], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 51:
            nextpc = hot_jump(HOT[50], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 52:
            nextpc = hot_arith(HOT[51], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 53:
            nextpc = hot_dat(HOT[52], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 54:
            nextpc = hot_arith(HOT[53], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 55:
            nextpc = hot_spl(HOT[54], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 56:
            nextpc = hot_jump(HOT[55], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 57:
            nextpc = hot_skip(HOT[56], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 58:
            nextpc = hot_mov(HOT[57], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 59:
            nextpc = hot_mov(HOT[58], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 60:
            nextpc = hot_jmp(HOT[59], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 61:
            nextpc = hot_spl(HOT[60], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 62:
            nextpc = hot_mov(HOT[61], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 63:
            nextpc = hot_mov(HOT[62], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 64:
            nextpc = hot_jump(HOT[63], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 65:
            nextpc = hot_jump(HOT[64], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 66:
            nextpc = hot_mov(HOT[65], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 67:
            nextpc = hot_arith(HOT[66], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 68:
            nextpc = hot_skip(HOT[67], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 69:
            nextpc = hot_dat(HOT[68], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 70:
            nextpc = hot_jump(HOT[69], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 71:
            nextpc = hot_jump(HOT[70], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 72:
            nextpc = hot_mov(HOT[71], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 73:
            nextpc = hot_arith(HOT[72], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 74:
            nextpc = hot_spl(HOT[73], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 75:
            nextpc = hot_mov(HOT[74], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 76:
            nextpc = hot_arith(HOT[75], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 77:
            nextpc = hot_jmp(HOT[76], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 78:
            nextpc = hot_mov(HOT[77], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 79:
            nextpc = hot_mov(HOT[78], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 80:
            nextpc = hot_mov(HOT[79], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 81:
            nextpc = hot_jump(HOT[80], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 82:
            nextpc = hot_arith(HOT[81], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 83:
            nextpc = hot_mov(HOT[82], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 84:
            nextpc = hot_mov(HOT[83], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 85:
            nextpc = hot_skip(HOT[84], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 86:
            nextpc = hot_mov(HOT[85], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 87:
            nextpc = hot_arith(HOT[86], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 88:
            nextpc = hot_mov(HOT[87], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 89:
            nextpc = hot_jump(HOT[88], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 90:
            nextpc = hot_jmp(HOT[89], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 91:
            nextpc = hot_arith(HOT[90], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 92:
            nextpc = hot_spl(HOT[91], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 93:
            nextpc = hot_mov(HOT[92], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 94:
            nextpc = hot_arith(HOT[93], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        elif handler == 95:
            nextpc = hot_spl(HOT[94], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        else:
            nextpc = hot_jump(HOT[95], core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)
        # fmt: on
    else:
        # ---- the generic path: decode, evaluate both operands, execute
        ins = np.int64(core[U(pc * CELL + INS)])
        addr_a, ra_a, ra_b, addr_b, rb_a, rb_b = generic_operands(core, pc, av, bv, s, ins)
        # one jump on the canonical opcode and modifier (``hot.GENERIC_KEYS``) to
        # code compiled for them, not an opcode then a modifier decided at run time
        ck = np.int64(CANONICAL_KEY[ins & 0xFF])
        # fmt: off
        if ck == GENERIC_KEYS[0]:
            nextpc = execute_jmp(GENERIC_KEYS[0], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[1]:
            nextpc = execute_dat(GENERIC_KEYS[1], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[2]:
            nextpc = execute_mov(GENERIC_KEYS[2], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[3]:
            nextpc = execute_spl(GENERIC_KEYS[3], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[4]:
            nextpc = execute_jump(GENERIC_KEYS[4], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[5]:
            nextpc = execute_mov(GENERIC_KEYS[5], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[6]:
            nextpc = execute_skip(GENERIC_KEYS[6], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[7]:
            nextpc = execute_jump(GENERIC_KEYS[7], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[8]:
            nextpc = execute_arith(GENERIC_KEYS[8], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[9]:
            nextpc = execute_arith(GENERIC_KEYS[9], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[10]:
            nextpc = execute_jump(GENERIC_KEYS[10], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[11]:
            nextpc = execute_jump(GENERIC_KEYS[11], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[12]:
            nextpc = execute_arith(GENERIC_KEYS[12], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[13]:
            nextpc = execute_skip(GENERIC_KEYS[13], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[14]:
            nextpc = execute_skip(GENERIC_KEYS[14], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[15]:
            nextpc = execute_skip(GENERIC_KEYS[15], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[16]:
            nextpc = execute_skip(GENERIC_KEYS[16], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[17]:
            nextpc = execute_jump(GENERIC_KEYS[17], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[18]:
            nextpc = execute_mov(GENERIC_KEYS[18], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[19]:
            nextpc = execute_jump(GENERIC_KEYS[19], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[20]:
            nextpc = execute_arith(GENERIC_KEYS[20], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[21]:
            nextpc = execute_arith(GENERIC_KEYS[21], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[22]:
            nextpc = execute_skip(GENERIC_KEYS[22], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[23]:
            nextpc = execute_arith(GENERIC_KEYS[23], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[24]:
            nextpc = execute_mov(GENERIC_KEYS[24], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[25]:
            nextpc = execute_skip(GENERIC_KEYS[25], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[26]:
            nextpc = execute_jump(GENERIC_KEYS[26], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[27]:
            nextpc = execute_jump(GENERIC_KEYS[27], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[28]:
            nextpc = execute_mov(GENERIC_KEYS[28], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[29]:
            nextpc = execute_arith(GENERIC_KEYS[29], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[30]:
            nextpc = execute_skip(GENERIC_KEYS[30], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[31]:
            nextpc = execute_skip(GENERIC_KEYS[31], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[32]:
            nextpc = execute_nop(GENERIC_KEYS[32], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[33]:
            nextpc = execute_jump(GENERIC_KEYS[33], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[34]:
            nextpc = execute_arith(GENERIC_KEYS[34], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[35]:
            nextpc = execute_skip(GENERIC_KEYS[35], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[36]:
            nextpc = execute_arith(GENERIC_KEYS[36], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[37]:
            nextpc = execute_mov(GENERIC_KEYS[37], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[38]:
            nextpc = execute_arith(GENERIC_KEYS[38], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        elif ck == GENERIC_KEYS[39]:
            nextpc = execute_skip(GENERIC_KEYS[39], core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        else:  # the rarest: decided at run time
            nextpc = execute(ck, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, addr_b, rb_a, rb_b, s, maxproc, pspace, psize, pidx, lastres)
        # fmt: on
    return nextpc


# error_model="numpy": no ZeroDivisionError paths (every divisor is checked or s >= 1)
@njit(cache=True, nogil=True, boundscheck=False, error_model="numpy")
def run_round(
    core,
    q,
    st,
    s,
    maxproc,
    nwar,
    max_steps,
    pspace,
    psize,
    pidx,
    lastres,
    slots,
    rw,
    trace,
    drq,
):
    """Execute instructions of a loaded round until it ends or ``max_steps`` have run.

    Returns the number of instructions executed by this call. ``st`` holds the round's
    state between calls (``ST_*``); ``q`` each warrior's region (``WQ_*``, ``QB``).

    ``slots``: int64 ``[N, 2N-1]`` score slots; a death with L warriors alive before it
    adds 1 to the dying warrior's ``slot[L + N - 2]`` (the survivors' slots are booked by
    ``finish_round``).
    ``rw``: None, or an int64 array ``[read_limit, write_limit]``.
    ``trace``: None, or an int64 array with ``TR_COLS`` columns and at least
    ``max_steps`` rows, filled with one row per executed instruction.
    ``drq``: None, or a tuple ``(alive_cycles, spawned, coverage, totals, cycles)`` that
    makes the round follow the Digital Red Queen rules (exactly ``cycles[0]`` cycles, no
    budget shrink; see ``arena.scoring``) and accumulates its metrics: ``totals[k]``
    counts the cycles completed with k warriors alive, and a warrior's row of
    ``alive_cycles`` (``[N * (N+1)]``) is a copy of ``totals`` taken when it dies or the
    round ends; ``spawned[w]`` counts its processes added by SPL (in a cycle a warrior
    executes one instruction, so that is the sum of its process count's growth per
    cycle); ``coverage[w * s + a]`` is 1 once address a was queued for it.

    Array indices are cast to unsigned so numba emits no negative-index wraparound.
    """
    if st[ST_DONE] != 0:
        return 0
    stride = maxproc + QB
    wo = st[ST_W] * stride  # the warrior about to move, as its region offset
    alive = st[ST_ALIVE]
    cycle = st[ST_CYCLE]
    pmars_budget = drq is None
    if drq is not None:
        alive_cycles, spawned, cov, totals, limits = drq
        limit = limits[0]
        width = nwar + 1
        done_cycles = st[ST_DRQ_CYCLES]
    done = 0
    executed = 0
    # ``left`` counts down to the next stop, whichever comes first: this call's step
    # budget or the pMARS cycle budget; ``span`` is what it was when last set. Both
    # budgets are brought up to date from them only when a warrior dies or the loop ends.
    left = _steps_allowed(max_steps, executed, cycle, pmars_budget)
    span = left
    h = np.int64(q[U(wo + WQ_HEAD)])
    while True:
        # ==== a turn (first copy): the warrior at ``wo`` runs one process, the turn passes
        # ---- fetch: read the warrior's next process (the turn before read its queue head
        # ``h``), and pop it once a step is left
        pc = np.int64(q[U(wo + QB + h)])
        c4 = pc * CELL
        av = np.int64(core[U(c4 + AV)])
        bv = np.int64(core[U(c4 + BV)])
        handler = 0
        if rw is None:
            if trace is None:
                handler = np.int64(core[U(c4 + HANDLER)])
        # The budget test sits here, before the pop, rather than atop the loop: the
        # turn's work starts only once a step is left.
        if left <= 0:
            break
        h += 1
        if h == maxproc:
            h = 0
        q[U(wo + WQ_HEAD)] = h
        # The next turn's warrior and its queue head, read before this turn's jump: this
        # turn changes neither (it pops only its own queue, above, and a lone warrior
        # reads its head after that). A mispredicted jump discards what follows it; then
        # the next turn's own jump waits on two loads (its process, its handler), not
        # four: 3-17% faster in battles of papers. (Its process is read after the turn:
        # this turn may queue it, and a value kept across the jump made fights without
        # mispredicts 12-18% slower.)
        nwo = np.int64(q[U(wo + WQ_NEXT)])
        nh = np.int64(q[U(nwo + WQ_HEAD)])
        if rw is None and trace is None:
            # one jump to code compiled for the cell's instruction (``run_instruction``)
            nextpc = run_instruction(handler, core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)  # fmt: skip
        else:
            # ---- the generic path: decode, evaluate both operands, execute
            ins = np.int64(core[U(c4 + INS)])
            if trace is not None:
                row = executed + span - left
                trace[row, TR_W] = q[U(wo + WQ_INDEX)]
                trace[row, TR_PC] = pc
                trace[row, TR_NPROCS] = q[U(wo + WQ_COUNT)]
                trace[row, TR_INS] = ins
                trace[row, TR_A] = av
                trace[row, TR_B] = bv
            a_mode = (ins >> 8) & 7
            b_mode = (ins >> 11) & 7
            if rw is None:
                addr_a, ra_a, ra_b, addr_b, rb_a, rb_b = generic_operands(core, pc, av, bv, s, ins)
                raddr_b = addr_b
            else:
                _, addr_a, ra_a, ra_b = operand_limited(core, pc, av, s, a_mode, rw[0], rw[1])
                addr_b, raddr_b, rb_a, rb_b = operand_limited(core, pc, bv, s, b_mode, rw[0], rw[1])
            if trace is not None:
                trace[row, TR_ADDR_A] = addr_a
                trace[row, TR_ADDR_B] = addr_b
                trace[row, TR_RADDR_B] = raddr_b
            nextpc = execute(
                ins & 0xFF, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
                s, maxproc, pspace, psize, pidx, lastres,
            )  # fmt: skip

        left -= 1
        if nextpc >= 0:
            ti = np.int64(q[U(wo + WQ_TAIL)])
            q[U(wo + QB + ti)] = nextpc
            ti += 1
            if ti == maxproc:
                ti = 0
            q[U(wo + WQ_TAIL)] = ti

        if drq is not None:
            # every address queued for w counts towards its memory coverage
            widx = np.int64(q[U(wo + WQ_INDEX)])
            cov_base = widx * s
            if nextpc >= 0:
                cov[U(cov_base + nextpc)] = 1
            elif nextpc != DIES:  # SPL: the next instruction, and the new process if room
                nxt = pc + 1
                cov[U(cov_base + (0 if nxt == s else nxt))] = 1
                if nextpc == SPAWNED:  # the new process is the queue's last entry
                    last = np.int64(q[U(wo + WQ_TAIL)])
                    last = (last if last > 0 else maxproc) - 1
                    cov[U(cov_base + q[U(wo + QB + last)])] = 1
                    spawned[U(widx)] += 1

        cur = wo
        wo = nwo
        h = nh
        if nextpc == DIES:
            n = np.int64(q[U(cur + WQ_COUNT)]) - 1
            q[U(cur + WQ_COUNT)] = n
            if n == 0:  # the warrior is dead: bring the budgets up to date first
                ran = span - left
                executed += ran
                span = left
                if pmars_budget:
                    cycle -= ran - 1  # every instruction before this one
                    cycle = cycle - 1 - _cdiv(cycle - 1, alive)
                dead = np.int64(q[U(cur + WQ_INDEX)])
                slots[dead, alive + nwar - 2] += 1
                alive -= 1
                if drq is not None:  # its alive-cycle counts stop here
                    for k in range(width):
                        alive_cycles[dead * width + k] = totals[k]
                # unlink it: find the living warrior before it in the ring (rare)
                prev = wo
                while q[U(prev + WQ_NEXT)] != cur:
                    prev = np.int64(q[U(prev + WQ_NEXT)])
                q[U(prev + WQ_NEXT)] = wo
                q[U(prev + WQ_LAST)] = q[U(wo + WQ_TURN)] <= q[U(prev + WQ_TURN)]
                if pmars_budget:
                    if alive < 2:
                        done = 1
                        break
                    cycle -= 1  # this instruction
                    if cycle == 0:
                        done = 1
                        break
                left = _steps_allowed(max_steps, executed, cycle, pmars_budget)
                span = left
        # a DRQ cycle ends when the turn passes back to an earlier place in the turn order
        if drq is not None and (alive < 2 or q[U(cur + WQ_LAST)] != 0):
            done_cycles += 1
            totals[alive] += 1
            if alive <= 1 or done_cycles >= limit:
                # over: the survivors' counts are the totals; one left alone takes the rest
                for i in range(nwar):
                    if q[i * stride + WQ_COUNT] > 0:
                        for k in range(width):
                            alive_cycles[i * width + k] = totals[k]
                        if alive == 1:
                            alive_cycles[i * width + 1] += limit - done_cycles
                done = 1
                break
        # ==== the next turn, run by a verbatim copy of the first turn's code (the lines
        # from its "====" comment to this one; tests/test_mars_hot.py checks that they are
        # the same text). With two warriors each copy runs one warrior's turns, so each
        # copy's handler jump sees one warrior's instructions only: against an imp or a
        # scanner, the jump of that warrior's copy is almost always predicted, whatever
        # the other warrior runs. 5-7% faster on held-out fights, up to 1.76x on some
        # (``bench/engine_ab.py --top``); DRQ melees 7% faster. The debugger and
        # read/write-limited battles keep one copy (compile time).
        if rw is not None or trace is not None:
            continue
        # ==== a turn (second copy): the warrior at ``wo`` runs one process, the turn passes
        # ---- fetch: read the warrior's next process (the turn before read its queue head
        # ``h``), and pop it once a step is left
        pc = np.int64(q[U(wo + QB + h)])
        c4 = pc * CELL
        av = np.int64(core[U(c4 + AV)])
        bv = np.int64(core[U(c4 + BV)])
        handler = 0
        if rw is None:
            if trace is None:
                handler = np.int64(core[U(c4 + HANDLER)])
        # The budget test sits here, before the pop, rather than atop the loop: the
        # turn's work starts only once a step is left.
        if left <= 0:
            break
        h += 1
        if h == maxproc:
            h = 0
        q[U(wo + WQ_HEAD)] = h
        # The next turn's warrior and its queue head, read before this turn's jump: this
        # turn changes neither (it pops only its own queue, above, and a lone warrior
        # reads its head after that). A mispredicted jump discards what follows it; then
        # the next turn's own jump waits on two loads (its process, its handler), not
        # four: 3-17% faster in battles of papers. (Its process is read after the turn:
        # this turn may queue it, and a value kept across the jump made fights without
        # mispredicts 12-18% slower.)
        nwo = np.int64(q[U(wo + WQ_NEXT)])
        nh = np.int64(q[U(nwo + WQ_HEAD)])
        if rw is None and trace is None:
            # one jump to code compiled for the cell's instruction (``run_instruction``)
            nextpc = run_instruction(handler, core, q, wo, pc, av, bv, s, maxproc, pspace, psize, pidx, lastres)  # fmt: skip
        else:
            # ---- the generic path: decode, evaluate both operands, execute
            ins = np.int64(core[U(c4 + INS)])
            if trace is not None:
                row = executed + span - left
                trace[row, TR_W] = q[U(wo + WQ_INDEX)]
                trace[row, TR_PC] = pc
                trace[row, TR_NPROCS] = q[U(wo + WQ_COUNT)]
                trace[row, TR_INS] = ins
                trace[row, TR_A] = av
                trace[row, TR_B] = bv
            a_mode = (ins >> 8) & 7
            b_mode = (ins >> 11) & 7
            if rw is None:
                addr_a, ra_a, ra_b, addr_b, rb_a, rb_b = generic_operands(core, pc, av, bv, s, ins)
                raddr_b = addr_b
            else:
                _, addr_a, ra_a, ra_b = operand_limited(core, pc, av, s, a_mode, rw[0], rw[1])
                addr_b, raddr_b, rb_a, rb_b = operand_limited(core, pc, bv, s, b_mode, rw[0], rw[1])
            if trace is not None:
                trace[row, TR_ADDR_A] = addr_a
                trace[row, TR_ADDR_B] = addr_b
                trace[row, TR_RADDR_B] = raddr_b
            nextpc = execute(
                ins & 0xFF, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
                s, maxproc, pspace, psize, pidx, lastres,
            )  # fmt: skip

        left -= 1
        if nextpc >= 0:
            ti = np.int64(q[U(wo + WQ_TAIL)])
            q[U(wo + QB + ti)] = nextpc
            ti += 1
            if ti == maxproc:
                ti = 0
            q[U(wo + WQ_TAIL)] = ti

        if drq is not None:
            # every address queued for w counts towards its memory coverage
            widx = np.int64(q[U(wo + WQ_INDEX)])
            cov_base = widx * s
            if nextpc >= 0:
                cov[U(cov_base + nextpc)] = 1
            elif nextpc != DIES:  # SPL: the next instruction, and the new process if room
                nxt = pc + 1
                cov[U(cov_base + (0 if nxt == s else nxt))] = 1
                if nextpc == SPAWNED:  # the new process is the queue's last entry
                    last = np.int64(q[U(wo + WQ_TAIL)])
                    last = (last if last > 0 else maxproc) - 1
                    cov[U(cov_base + q[U(wo + QB + last)])] = 1
                    spawned[U(widx)] += 1

        cur = wo
        wo = nwo
        h = nh
        if nextpc == DIES:
            n = np.int64(q[U(cur + WQ_COUNT)]) - 1
            q[U(cur + WQ_COUNT)] = n
            if n == 0:  # the warrior is dead: bring the budgets up to date first
                ran = span - left
                executed += ran
                span = left
                if pmars_budget:
                    cycle -= ran - 1  # every instruction before this one
                    cycle = cycle - 1 - _cdiv(cycle - 1, alive)
                dead = np.int64(q[U(cur + WQ_INDEX)])
                slots[dead, alive + nwar - 2] += 1
                alive -= 1
                if drq is not None:  # its alive-cycle counts stop here
                    for k in range(width):
                        alive_cycles[dead * width + k] = totals[k]
                # unlink it: find the living warrior before it in the ring (rare)
                prev = wo
                while q[U(prev + WQ_NEXT)] != cur:
                    prev = np.int64(q[U(prev + WQ_NEXT)])
                q[U(prev + WQ_NEXT)] = wo
                q[U(prev + WQ_LAST)] = q[U(wo + WQ_TURN)] <= q[U(prev + WQ_TURN)]
                if pmars_budget:
                    if alive < 2:
                        done = 1
                        break
                    cycle -= 1  # this instruction
                    if cycle == 0:
                        done = 1
                        break
                left = _steps_allowed(max_steps, executed, cycle, pmars_budget)
                span = left
        # a DRQ cycle ends when the turn passes back to an earlier place in the turn order
        if drq is not None and (alive < 2 or q[U(cur + WQ_LAST)] != 0):
            done_cycles += 1
            totals[alive] += 1
            if alive <= 1 or done_cycles >= limit:
                # over: the survivors' counts are the totals; one left alone takes the rest
                for i in range(nwar):
                    if q[i * stride + WQ_COUNT] > 0:
                        for k in range(width):
                            alive_cycles[i * width + k] = totals[k]
                        if alive == 1:
                            alive_cycles[i * width + 1] += limit - done_cycles
                done = 1
                break

    ran = span - left
    executed += ran
    if pmars_budget:
        cycle -= ran
        if cycle == 0:
            done = 1
    if drq is not None:
        st[ST_DRQ_CYCLES] = done_cycles
    st[ST_W] = q[U(wo + WQ_INDEX)]
    st[ST_ALIVE] = alive
    st[ST_CYCLE] = cycle
    st[ST_STEPS] += executed
    st[ST_DONE] = done
    return executed


@njit(cache=True, nogil=True, boundscheck=False)
def load_round(
    core,
    q,
    st,
    s,
    maxproc,
    cycles,
    ins,
    handler,
    a,
    b,
    offsets,
    starts,
    pos,
    starter,
):
    """Reset the core to ``DAT.F $0, $0``, load every warrior at ``pos`` and start a round.

    Warriors are copied in turn order from ``starter`` (as pMARS does; it only matters if
    two images overlap). Each warrior starts with one process at ``pos + ORG``.
    """
    nwar = pos.shape[0]
    for i in range(s):
        c4 = i * CELL
        core[c4 + INS] = EMPTY_INS
        core[c4 + AV] = 0
        core[c4 + BV] = 0
        core[c4 + HANDLER] = EMPTY_HANDLER
    for k in range(nwar):
        w = (starter + k) % nwar
        p = pos[w] % s
        for j in range(offsets[w], offsets[w + 1]):
            c = p + j - offsets[w]
            while c >= s:
                c -= s
            c4 = c * CELL
            core[c4 + INS] = ins[j]
            core[c4 + AV] = a[j]
            core[c4 + BV] = b[j]
            core[c4 + HANDLER] = handler[j]
        r = w * (maxproc + QB)
        q[r + QB] = (p + starts[w]) % s
        q[r + WQ_HEAD] = 0
        q[r + WQ_TAIL] = 1 if maxproc > 1 else 0
        q[r + WQ_COUNT] = 1
        q[r + WQ_NEXT] = (w + 1 if w + 1 < nwar else 0) * (maxproc + QB)
        q[r + WQ_INDEX] = w
        q[r + WQ_TURN] = k
        q[r + WQ_LAST] = k == nwar - 1
    st[ST_W] = starter
    st[ST_ALIVE] = nwar
    st[ST_CYCLE] = nwar * cycles
    st[ST_STEPS] = 0
    st[ST_DONE] = 0
    st[ST_STARTER] = starter
    st[ST_DRQ_CYCLES] = 0


@njit(cache=True, nogil=True, boundscheck=False)
def only_imps_left(core, q, stride, nwar, maxproc):
    """True when every process of every living warrior is on an imp (``IMP_*`` above).

    Then no process can ever die, spawn or execute anything else: each imp writes an
    exact copy of itself one cell ahead and moves onto it, and every write in the core is
    such a copy, so every queued address keeps holding an imp. The round is a certain
    tie that lasts exactly as many more instructions as the budget has left. Without
    read/write limits only: a write limit of 1 folds the copy back onto the imp itself.
    """
    for w in range(nwar):
        r = w * stride
        h = np.int64(q[r + WQ_HEAD])
        for _ in range(q[r + WQ_COUNT]):
            c = np.int64(q[r + QB + h]) * CELL
            h += 1
            if h == maxproc:
                h = 0
            word = core[c + INS]
            if core[c + BV] != 1:
                return False
            if word == IMP_DIRECT:
                if core[c + AV] != 0:
                    return False
            elif word != IMP_IMMEDIATE:
                return False
    return True


@njit(cache=True, nogil=True, boundscheck=False)
def find_mortal(core, s, start):
    """The first address from ``start`` on (cyclically) whose word could change a round's
    outcome; -1 when no cell's word can.

    Such a word is DAT, DIV or MOD (a process can die on it), an undefined opcode or
    modifier (run as DAT), SPL (the process count can change) or STP (P-space can
    change). When none is left, none can appear: only ``MOV.I`` writes a word, and it
    copies one already in the core. So from then on every instruction run is harmless,
    no process dies or is born, and the round is a certain tie among the warriors alive
    that lasts exactly as many more instructions as the budget has left, whatever the
    processes do. (Imp spirals and papers that have overwritten every DAT reach it.)
    The caller passes the last address found as ``start``: such a cell usually stays.
    """
    for k in range(s):
        i = start + k
        if i >= s:
            i -= s
        key = core[i * CELL + INS] & KEY_MASK
        op = key >> 3
        if op == DAT or op == DIV or op == MOD or op == SPL or op >= STP or (key & 7) == 7:
            return i
    return -1


@njit(cache=True, nogil=True, boundscheck=False)
def finish_round(q, stride, st, slots, lastres):
    """Credit the survivors of a finished round and set each warrior's last result.

    A survivor's ``slot[alive - 1]`` grows by one; its P-space cell 0 then reads the number
    of warriors alive at the end, and 0 for a warrior that died.
    """
    alive = st[ST_ALIVE]
    for w in range(lastres.shape[0]):
        if q[w * stride + WQ_COUNT] > 0:
            slots[w, alive - 1] += 1
            lastres[w] = alive
        else:
            lastres[w] = 0


@njit(cache=True, nogil=True, boundscheck=False)
def play_rounds(
    core,
    ins,
    handler,
    a,
    b,
    offsets,
    starts,
    s,
    cycles,
    maxproc,
    positions,
    starters,
    pspace,
    psize,
    pidx,
    lastres,
    slots,
    steps_out,
    tasks_out,
    rw,
    drq_out,
    stop_certain_ties,
):
    """Play one round per row of ``positions`` (warrior load addresses) in one call.

    ``core`` is scratch space for the rounds (``arena.mars.layout.new_core``). Fills ``steps_out[r]`` (instructions executed), ``tasks_out[r, w]`` (processes at the
    end) and accumulates ``slots``. ``drq_out``: None, or ``(score, spawned, coverage)``
    arrays of shape ``[R, N]`` for the Digital Red Queen metrics of each round.
    ``stop_certain_ties``: end a pMARS round (no limits) as soon as it is a certain tie
    (``only_imps_left``, or no word ``find_mortal`` looks for is left in the core),
    counting the instructions it would still have run. Every result is the same.
    """
    nrounds = positions.shape[0]
    nwar = positions.shape[1]
    stride = maxproc + QB
    q = np.zeros(nwar * stride, dtype=QUEUE_DTYPE)
    st = np.zeros(ST_SIZE, dtype=np.int64)
    width = nwar + 1
    alive_cycles = np.zeros(nwar * width, dtype=np.int64)
    spawned = np.zeros(nwar, dtype=np.int64)
    totals = np.zeros(width, dtype=np.int64)
    limit = np.full(1, cycles, dtype=np.int64)
    cov = np.zeros(nwar * s if drq_out is not None else 1, dtype=np.uint8)
    for r in range(nrounds):
        load_round(
            core,
            q,
            st,
            s,
            maxproc,
            cycles,
            ins,
            handler,
            a,
            b,
            offsets,
            starts,
            positions[r],
            starters[r],
        )
        if drq_out is None:
            watch = stop_certain_ties and rw is None
            budget = TIE_CHECK_STEPS if watch else _MAX_STEPS
            mortal = 0  # where find_mortal last found a word that can change the outcome
            while True:
                run_round(
                    core,
                    q,
                    st,
                    s,
                    maxproc,
                    nwar,
                    budget,
                    pspace,
                    psize,
                    pidx,
                    lastres,
                    slots,
                    rw,
                    None,
                    None,
                )
                if st[ST_DONE] != 0:
                    break
                if not watch or st[ST_CYCLE] <= 0:
                    continue
                if not only_imps_left(core, q, stride, nwar, maxproc):
                    mortal = find_mortal(core, s, mortal)
                    if mortal >= 0:
                        continue
                st[ST_STEPS] += st[ST_CYCLE]  # one instruction per unit of budget left
                st[ST_CYCLE] = 0
                st[ST_DONE] = 1
                break
        else:
            alive_cycles[:] = 0
            spawned[:] = 0
            totals[:] = 0
            cov[:] = 0
            for w in range(nwar):
                cov[w * s + q[w * stride + QB]] = 1
            run_round(
                core,
                q,
                st,
                s,
                maxproc,
                nwar,
                _MAX_STEPS,
                pspace,
                psize,
                pidx,
                lastres,
                slots,
                rw,
                None,
                (alive_cycles, spawned, cov, totals, limit),
            )
            score, spawned_out, coverage = drq_out
            for w in range(nwar):
                total = 0.0
                for k in range(1, width):
                    total += alive_cycles[w * width + k] / k
                score[r, w] = total * nwar / cycles
                spawned_out[r, w] = spawned[w]
                n = 0
                for i in range(w * s, (w + 1) * s):
                    n += cov[i]
                coverage[r, w] = n
        finish_round(q, stride, st, slots, lastres)
        steps_out[r] = st[ST_STEPS]
        for w in range(nwar):
            tasks_out[r, w] = q[w * stride + WQ_COUNT]


# numba checks only this file's timestamp; the kernel is also built from these modules
_ENGINE_SOURCES = [
    Path(__file__),
    Path(semantics.__file__),
    Path(hot.__file__),
    Path(layout.__file__),
    Path(model.__file__),
]
guard_cache(run_round._cache.cache_path, Path(__file__).stem, _ENGINE_SOURCES)
