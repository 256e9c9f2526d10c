"""The numba kernels: one round of ICWS'94 Redcode exactly as pMARS 0.9.4 plays it.

``run_round`` is the only place the instruction semantics live. The batch kernel
(``play_rounds``) calls it once per round with an unlimited step budget; the Debugger calls
it with a budget of a few steps and a trace buffer. Optional features are passed as either
``None`` or an array: numba compiles one specialisation per combination and prunes the
``is None`` branches, so the plain battle path carries no tracing, DRQ or read/write-limit
code at all.

Semantics worth knowing (pMARS ``sim.c``):

* Operands are evaluated into registers, A first, then B. Each operand reads its pointer
  cell, applies a pre-decrement, reads the target cell's two numbers, then applies a
  post-increment. An immediate A operand is the instruction register itself; an immediate B
  operand is read back from the core cell of the instruction (after the A side effects).
* Writes go to the B target in the core; ``MOV.I`` copies the A target's current
  instruction word and the registered numbers. ``.I`` comparisons compare the instruction
  words in the core, then the registered numbers.
* ``DIV``/``MOD`` by zero kill the process; with ``.F``/``.X`` the half whose divisor is
  non-zero is still written.
* ``SPL`` queues the next instruction first, then the new process if the queue is not full.
* A turn passes to the next living warrior; a warrior with no process leaves the ring at
  once. The budget ``cycle`` starts at N*c; a death shrinks it in proportion to the
  warriors left (see ``golden/README.md`` §1.8).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from arena.mars.layout import AV, BV, CELL, EMPTY_INS, INS

# Indices into the int64 state vector of a round in progress.
ST_W = 0  # warrior about to move
ST_PREV = 1  # unused (kept so the other indices stay put)
ST_ALIVE = 2  # warriors alive
ST_CYCLE = 3  # pMARS's remaining budget
ST_STEPS = 4  # instructions executed so far in the round
ST_DONE = 5  # 1 once the round is over
ST_STARTER = 6  # the warrior that moved first
ST_DRQ_CYCLES = 7  # DRQ mode: full cycles completed
ST_SIZE = 8

# Columns of a trace row (one executed instruction).
TR_W, TR_PC, TR_NPROCS, TR_INS, TR_A, TR_B, TR_ADDR_A, TR_ADDR_B, TR_RADDR_B = range(9)
TR_COLS = 9

# Each warrior owns a region of ``QB + maxproc`` int32 slots in the queue array ``q``:
# its queue head, tail, process count, the region offset of the next living warrior in
# the ring, its own index, then (from slot QB) the ring buffer of queued addresses.
# The round loop names the warrior by its region offset, so nothing is multiplied.
WQ_HEAD, WQ_TAIL, WQ_COUNT, WQ_NEXT, WQ_INDEX = range(5)
QB = 8

U = np.uint64  # cast for array indices: unsigned indices skip numba's wraparound code

# Four flag bits per addressing mode (# $ @ < > * { }): 1 uses a pointer cell, 2 pre-
# decrements it, 4 post-increments it, 8 the pointer is the cell's A number.
MODE_FLAGS = (1 << 8) | (3 << 12) | (5 << 16) | (9 << 20) | (11 << 24) | (13 << 28)

_MAX_STEPS = np.int64(1) << 62


@njit(cache=True, nogil=True, inline="always")
def _cdiv(a, b):
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        return -q
    return q


@njit(cache=True, nogil=True, inline="always")
def _fold(a, pc, s, lim):
    """pMARS's read/write-limit folding of a raw address ``a`` relative to ``pc``."""
    r = (a + s - pc) % lim
    if r > lim // 2:
        r += s - lim
    r += pc
    if r >= s:
        r -= s
    return r


@njit(cache=True, nogil=True, inline="always")
def _pspace_get(pspace, psize, pidx, lastres, w, idx):
    k = idx % psize
    if k == 0:
        return lastres[w]
    return pspace[pidx[w] * psize + k]


@njit(cache=True, nogil=True, inline="always")
def _pspace_set(pspace, psize, pidx, lastres, w, idx, value):
    k = idx % psize
    if k == 0:
        lastres[w] = value
    else:
        pspace[pidx[w] * psize + k] = value


@njit(cache=True, nogil=True, inline="always")
def _drq_cycle_end(drq, q, stride, nwar, alive, st):
    """Book one finished DRQ cycle; True when the DRQ round is over."""
    alive_cycles = drq[0]
    spawned = drq[1]
    prevn = drq[3]
    limit = drq[4][0]
    st[ST_DRQ_CYCLES] += 1
    done_cycles = st[ST_DRQ_CYCLES]
    width = nwar + 1
    for i in range(nwar):
        n = np.int64(q[i * stride + WQ_COUNT])
        if n > 0:
            alive_cycles[i * width + alive] += 1
            if n > prevn[i]:
                spawned[i] += n - prevn[i]
        prevn[i] = n
    if alive <= 1 or done_cycles >= limit:
        if alive == 1 and done_cycles < limit:
            for i in range(nwar):
                if q[i * stride + WQ_COUNT] > 0:
                    alive_cycles[i * width + 1] += limit - done_cycles
        return True
    return False


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
    ``drq``: None, or a tuple ``(alive_cycles, spawned, coverage, prev_nprocs, cycles)``
    that makes the round follow the Digital Red Queen rules (exactly ``cycles[0]``
    cycles, no budget shrink; see ``arena.scoring``) and accumulates its metrics.

    Array indices are cast to unsigned so numba emits no negative-index wraparound.
    """
    stride = maxproc + QB
    wo = st[ST_W] * stride  # the warrior about to move, as its region offset
    alive = st[ST_ALIVE]
    cycle = st[ST_CYCLE]
    done = st[ST_DONE]
    s1 = s - 1
    executed = 0
    if done != 0:
        return 0
    while executed < max_steps:
        h = np.int64(q[U(wo + WQ_HEAD)])
        pc = np.int64(q[U(wo + QB + h)])
        h += 1
        if h == maxproc:
            h = 0
        q[U(wo + WQ_HEAD)] = h
        c4 = pc * CELL
        ins = np.int64(core[U(c4 + INS)])
        av = np.int64(core[U(c4 + AV)])
        bv = np.int64(core[U(c4 + BV)])
        if trace is not None:
            trace[executed, TR_W] = q[U(wo + WQ_INDEX)]
            trace[executed, TR_PC] = pc
            trace[executed, TR_NPROCS] = q[U(wo + WQ_COUNT)]
            trace[executed, TR_INS] = ins
            trace[executed, TR_A] = av
            trace[executed, TR_B] = bv
        if drq is not None:
            tail_before = np.int64(q[U(wo + WQ_TAIL)])
        am = (ins >> 8) & 7
        bm = (ins >> 11) & 7
        key = ins & 0xFF

        if rw is None:
            # An immediate operand is the cell at pc (for A that equals the instruction
            # register, as nothing has changed yet). The pointer arithmetic of the
            # indirect modes is branch-free, driven by the mode's MODE_FLAGS bits.
            addr_a = pc + (av if am != 0 else 0)
            addr_a = addr_a - s if addr_a >= s else addr_a
            if am >= 2:
                fa = (MODE_FLAGS >> (am * 4)) & 15
                pa = addr_a * CELL + (AV if fa & 8 else BV)
                t = np.int64(core[U(pa)]) - ((fa >> 1) & 1)
                t = t + s if t < 0 else t
                core[U(pa)] = t
                addr_a += t
                addr_a = addr_a - s if addr_a >= s else addr_a
                t4 = addr_a * CELL
                ra_a = np.int64(core[U(t4 + AV)])
                ra_b = np.int64(core[U(t4 + BV)])
                t += (fa >> 2) & 1
                core[U(pa)] = 0 if t == s else t
            else:
                t4 = addr_a * CELL
                ra_a = np.int64(core[U(t4 + AV)])
                ra_b = np.int64(core[U(t4 + BV)])

            addr_b = pc + (bv if bm != 0 else 0)
            addr_b = addr_b - s if addr_b >= s else addr_b
            if bm >= 2:
                fb = (MODE_FLAGS >> (bm * 4)) & 15
                pb = addr_b * CELL + (AV if fb & 8 else BV)
                t = np.int64(core[U(pb)]) - ((fb >> 1) & 1)
                t = t + s if t < 0 else t
                core[U(pb)] = t
                addr_b += t
                addr_b = addr_b - s if addr_b >= s else addr_b
                t4 = addr_b * CELL
                rb_a = np.int64(core[U(t4 + AV)])
                rb_b = np.int64(core[U(t4 + BV)])
                t += (fb >> 2) & 1
                core[U(pb)] = 0 if t == s else t
            else:
                t4 = addr_b * CELL
                rb_a = np.int64(core[U(t4 + AV)])
                rb_b = np.int64(core[U(t4 + BV)])
            raddr_b = addr_b
        else:
            # ---- A operand: address addr_a, registers ra_a (A number) and ra_b (B number)
            if am == 0:  # immediate: the instruction register itself
                addr_a = pc
                ra_a = av
                ra_b = bv
            else:
                if rw is None:
                    addr_a = pc + av
                    if addr_a >= s:
                        addr_a -= s
                else:
                    addr_a = _fold(pc + av, pc, s, rw[0])
                if am == 1:  # direct
                    t4 = addr_a * CELL
                    ra_a = np.int64(core[U(t4 + AV)])
                    ra_b = np.int64(core[U(t4 + BV)])
                else:
                    if rw is not None and am != 2 and am != 5:
                        addr_a = _fold(pc + av, pc, s, rw[1])
                    # @ < > use the pointer cell's B number, * { } its A number
                    p4 = addr_a * CELL + (BV if am <= 4 else AV)
                    t = np.int64(core[U(p4)])
                    if am == 3 or am == 6:  # predecrement
                        t -= 1
                        if t < 0:
                            t = s1
                        core[U(p4)] = t
                    if rw is None:
                        addr_a += t
                        if addr_a >= s:
                            addr_a -= s
                    else:
                        addr_a = _fold(addr_a + t, pc, s, rw[0])
                    t4 = addr_a * CELL
                    ra_a = np.int64(core[U(t4 + AV)])
                    ra_b = np.int64(core[U(t4 + BV)])
                    if am == 4 or am == 7:  # postincrement
                        t += 1
                        if t == s:
                            t = 0
                        core[U(p4)] = t

            # ---- B operand: write address addr_b, read address raddr_b, registers rb_a, rb_b
            if bm == 0:  # immediate: read back from the core (A side effects are visible)
                addr_b = pc
                raddr_b = pc
                rb_a = np.int64(core[U(c4 + AV)])
                rb_b = np.int64(core[U(c4 + BV)])
            else:
                if rw is None:
                    addr_b = pc + bv
                    if addr_b >= s:
                        addr_b -= s
                    raddr_b = addr_b
                else:
                    raddr_b = _fold(pc + bv, pc, s, rw[0])
                    addr_b = _fold(pc + bv, pc, s, rw[1])
                if bm == 1:
                    t4 = raddr_b * CELL
                    rb_a = np.int64(core[U(t4 + AV)])
                    rb_b = np.int64(core[U(t4 + BV)])
                else:
                    if rw is not None and bm != 2 and bm != 5:
                        raddr_b = addr_b
                    p4 = raddr_b * CELL + (BV if bm <= 4 else AV)
                    t = np.int64(core[U(p4)])
                    if bm == 3 or bm == 6:
                        t -= 1
                        if t < 0:
                            t = s1
                        core[U(p4)] = t
                    if rw is None:
                        addr_b += t
                        if addr_b >= s:
                            addr_b -= s
                        raddr_b = addr_b
                    else:
                        addr_b = _fold(addr_b + t, pc, s, rw[1])
                        raddr_b = _fold(raddr_b + t, pc, s, rw[0])
                    t4 = raddr_b * CELL
                    rb_a = np.int64(core[U(t4 + AV)])
                    rb_b = np.int64(core[U(t4 + BV)])
                    if bm == 4 or bm == 7:
                        t += 1
                        if t == s:
                            t = 0
                        core[U(p4)] = t

        if trace is not None:
            trace[executed, TR_ADDR_A] = addr_a
            trace[executed, TR_ADDR_B] = addr_b
            trace[executed, TR_RADDR_B] = raddr_b

        # ---- execute. nextpc: the address to queue; -1 kills the process; -2 = queued.
        nextpc = pc + 1
        if nextpc == s:
            nextpc = 0
        w4 = addr_b * CELL
        wa = U(w4 + AV)
        wbv = U(w4 + BV)
        if key == 6:  # MOV.I
            core[U(w4 + INS)] = core[U(addr_a * CELL + INS)]
            core[wbv] = ra_b
            core[wa] = ra_a
        elif key == 0:  # MOV.A
            core[wa] = ra_a
        elif key == 1:  # MOV.B
            core[wbv] = ra_b
        elif key == 2:  # MOV.AB
            core[wbv] = ra_a
        elif key == 3:  # MOV.BA
            core[wa] = ra_b
        elif key == 4:  # MOV.F
            core[wa] = ra_a
            core[wbv] = ra_b
        elif key == 5:  # MOV.X
            core[wbv] = ra_a
            core[wa] = ra_b
        elif key == 8:  # ADD.A
            v = rb_a + ra_a
            core[wa] = v - s if v >= s else v
        elif key == 9:  # ADD.B
            v = rb_b + ra_b
            core[wbv] = v - s if v >= s else v
        elif key == 10:  # ADD.AB
            v = rb_b + ra_a
            core[wbv] = v - s if v >= s else v
        elif key == 11:  # ADD.BA
            v = rb_a + ra_b
            core[wa] = v - s if v >= s else v
        elif key == 12 or key == 14:  # ADD.F, ADD.I
            v = rb_a + ra_a
            core[wa] = v - s if v >= s else v
            v = rb_b + ra_b
            core[wbv] = v - s if v >= s else v
        elif key == 13:  # ADD.X
            v = rb_b + ra_a
            core[wbv] = v - s if v >= s else v
            v = rb_a + ra_b
            core[wa] = v - s if v >= s else v
        elif key == 16:  # SUB.A
            v = rb_a - ra_a
            core[wa] = v + s if v < 0 else v
        elif key == 17:  # SUB.B
            v = rb_b - ra_b
            core[wbv] = v + s if v < 0 else v
        elif key == 18:  # SUB.AB
            v = rb_b - ra_a
            core[wbv] = v + s if v < 0 else v
        elif key == 19:  # SUB.BA
            v = rb_a - ra_b
            core[wa] = v + s if v < 0 else v
        elif key == 20 or key == 22:  # SUB.F, SUB.I
            v = rb_a - ra_a
            core[wa] = v + s if v < 0 else v
            v = rb_b - ra_b
            core[wbv] = v + s if v < 0 else v
        elif key == 21:  # SUB.X
            v = rb_b - ra_a
            core[wbv] = v + s if v < 0 else v
            v = rb_a - ra_b
            core[wa] = v + s if v < 0 else v
        # MUL: pMARS multiplies in 32-bit unsigned arithmetic
        elif key == 24:
            core[wa] = ((rb_a * ra_a) & 0xFFFFFFFF) % s
        elif key == 25:
            core[wbv] = ((rb_b * ra_b) & 0xFFFFFFFF) % s
        elif key == 26:
            core[wbv] = ((rb_b * ra_a) & 0xFFFFFFFF) % s
        elif key == 27:
            core[wa] = ((rb_a * ra_b) & 0xFFFFFFFF) % s
        elif key == 28 or key == 30:
            core[wa] = ((rb_a * ra_a) & 0xFFFFFFFF) % s
            core[wbv] = ((rb_b * ra_b) & 0xFFFFFFFF) % s
        elif key == 29:
            core[wbv] = ((rb_b * ra_a) & 0xFFFFFFFF) % s
            core[wa] = ((rb_a * ra_b) & 0xFFFFFFFF) % s
        # DIV/MOD: a zero divisor kills the process; .F/.X still write the other half
        elif key == 32:
            if ra_a == 0:
                nextpc = -1
            else:
                core[wa] = rb_a // ra_a
        elif key == 33:
            if ra_b == 0:
                nextpc = -1
            else:
                core[wbv] = rb_b // ra_b
        elif key == 34:
            if ra_a == 0:
                nextpc = -1
            else:
                core[wbv] = rb_b // ra_a
        elif key == 35:
            if ra_b == 0:
                nextpc = -1
            else:
                core[wa] = rb_a // ra_b
        elif key == 36 or key == 38:
            if ra_a != 0:
                core[wa] = rb_a // ra_a
            else:
                nextpc = -1
            if ra_b != 0:
                core[wbv] = rb_b // ra_b
            else:
                nextpc = -1
        elif key == 37:
            if ra_b != 0:
                core[wa] = rb_a // ra_b
            else:
                nextpc = -1
            if ra_a != 0:
                core[wbv] = rb_b // ra_a
            else:
                nextpc = -1
        elif key == 40:
            if ra_a == 0:
                nextpc = -1
            else:
                core[wa] = rb_a % ra_a
        elif key == 41:
            if ra_b == 0:
                nextpc = -1
            else:
                core[wbv] = rb_b % ra_b
        elif key == 42:
            if ra_a == 0:
                nextpc = -1
            else:
                core[wbv] = rb_b % ra_a
        elif key == 43:
            if ra_b == 0:
                nextpc = -1
            else:
                core[wa] = rb_a % ra_b
        elif key == 44 or key == 46:
            if ra_a != 0:
                core[wa] = rb_a % ra_a
            else:
                nextpc = -1
            if ra_b != 0:
                core[wbv] = rb_b % ra_b
            else:
                nextpc = -1
        elif key == 45:
            if ra_b != 0:
                core[wa] = rb_a % ra_b
            else:
                nextpc = -1
            if ra_a != 0:
                core[wbv] = rb_b % ra_a
            else:
                nextpc = -1
        # JMZ / JMN test the B registers
        elif key == 48 or key == 51:
            if rb_a == 0:
                nextpc = addr_a
        elif key == 49 or key == 50:
            if rb_b == 0:
                nextpc = addr_a
        elif key == 52 or key == 53 or key == 54:
            if rb_a == 0 and rb_b == 0:
                nextpc = addr_a
        elif key == 56 or key == 59:
            if rb_a != 0:
                nextpc = addr_a
        elif key == 57 or key == 58:
            if rb_b != 0:
                nextpc = addr_a
        elif key == 60 or key == 61 or key == 62:
            if rb_a != 0 or rb_b != 0:
                nextpc = addr_a
        # DJN: decrement the core cell, test the registered value
        elif key == 64 or key == 67:
            v = np.int64(core[wa]) - 1
            core[wa] = s1 if v < 0 else v
            if rb_a != 1:
                nextpc = addr_a
        elif key == 65 or key == 66:
            v = np.int64(core[wbv]) - 1
            core[wbv] = s1 if v < 0 else v
            if rb_b != 1:
                nextpc = addr_a
        elif key == 68 or key == 69 or key == 70:
            v = np.int64(core[wbv]) - 1
            core[wbv] = s1 if v < 0 else v
            v = np.int64(core[wa]) - 1
            core[wa] = s1 if v < 0 else v
            if rb_a != 1 or rb_b != 1:
                nextpc = addr_a
        # CMP (9) and SEQ (14): skip when equal
        elif key == 72 or key == 112:
            if rb_a == ra_a:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 73 or key == 113:
            if rb_b == ra_b:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 74 or key == 114:
            if rb_b == ra_a:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 75 or key == 115:
            if rb_a == ra_b:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 76 or key == 116:
            if rb_a == ra_a and rb_b == ra_b:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 77 or key == 117:
            if rb_b == ra_a and rb_a == ra_b:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 78 or key == 118:
            if (
                core[U(raddr_b * CELL + INS)] == core[U(addr_a * CELL + INS)]
                and rb_a == ra_a
                and rb_b == ra_b
            ):
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        # SLT: skip when A < B
        elif key == 80:
            if ra_a < rb_a:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 81:
            if ra_b < rb_b:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 82:
            if ra_a < rb_b:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 83:
            if ra_b < rb_a:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 84 or key == 86:
            if ra_a < rb_a and ra_b < rb_b:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 85:
            if ra_a < rb_b and ra_b < rb_a:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        # SPL: the next instruction first, then the new process if there is room
        elif (
            key == 88 or key == 89 or key == 90 or key == 91 or key == 92 or key == 93 or key == 94
        ):
            ti = np.int64(q[U(wo + WQ_TAIL)])
            q[U(wo + QB + ti)] = nextpc
            ti += 1
            if ti == maxproc:
                ti = 0
            n = np.int64(q[U(wo + WQ_COUNT)])
            if n < maxproc:
                q[U(wo + WQ_COUNT)] = n + 1
                q[U(wo + QB + ti)] = addr_a
                ti += 1
                if ti == maxproc:
                    ti = 0
            q[U(wo + WQ_TAIL)] = ti
            nextpc = -2
        elif (
            key == 96
            or key == 97
            or key == 98
            or key == 99
            or key == 100
            or key == 101
            or key == 102
        ):  # DAT
            nextpc = -1
        elif (
            key == 104
            or key == 105
            or key == 106
            or key == 107
            or key == 108
            or key == 109
            or key == 110
        ):  # JMP
            nextpc = addr_a
        # SNE: skip when different
        elif key == 120:
            if rb_a != ra_a:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 121:
            if rb_b != ra_b:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 122:
            if rb_b != ra_a:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 123:
            if rb_a != ra_b:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 124:
            if rb_a != ra_a or rb_b != ra_b:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 125:
            if rb_b != ra_a or rb_a != ra_b:
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif key == 126:
            if (
                core[U(raddr_b * CELL + INS)] != core[U(addr_a * CELL + INS)]
                or rb_a != ra_a
                or rb_b != ra_b
            ):
                nextpc = pc + 2 - s if pc + 2 >= s else pc + 2
        elif (
            key == 128
            or key == 129
            or key == 130
            or key == 131
            or key == 132
            or key == 133
            or key == 134
        ):  # NOP
            pass
        # LDP / STP
        elif key == 136:
            core[wa] = _pspace_get(pspace, psize, pidx, lastres, q[U(wo + WQ_INDEX)], ra_a)
        elif key == 137 or key == 140 or key == 141 or key == 142:
            core[wbv] = _pspace_get(pspace, psize, pidx, lastres, q[U(wo + WQ_INDEX)], ra_b)
        elif key == 138:
            core[wbv] = _pspace_get(pspace, psize, pidx, lastres, q[U(wo + WQ_INDEX)], ra_a)
        elif key == 139:
            core[wa] = _pspace_get(pspace, psize, pidx, lastres, q[U(wo + WQ_INDEX)], ra_b)
        elif key == 144:
            _pspace_set(pspace, psize, pidx, lastres, q[U(wo + WQ_INDEX)], rb_a, ra_a)
        elif key == 145 or key == 148 or key == 149 or key == 150:
            _pspace_set(pspace, psize, pidx, lastres, q[U(wo + WQ_INDEX)], rb_b, ra_b)
        elif key == 146:
            _pspace_set(pspace, psize, pidx, lastres, q[U(wo + WQ_INDEX)], rb_b, ra_a)
        elif key == 147:
            _pspace_set(pspace, psize, pidx, lastres, q[U(wo + WQ_INDEX)], rb_a, ra_b)
        else:  # an undefined opcode/modifier pair behaves as DAT
            nextpc = -1

        executed += 1
        if nextpc >= 0:
            ti = np.int64(q[U(wo + WQ_TAIL)])
            q[U(wo + QB + ti)] = nextpc
            ti += 1
            if ti == maxproc:
                ti = 0
            q[U(wo + WQ_TAIL)] = ti

        if drq is not None:
            # every address queued for w counts towards its memory coverage
            ti = tail_before
            tend = q[U(wo + WQ_TAIL)]
            cov = drq[2]
            widx = np.int64(q[U(wo + WQ_INDEX)])
            while ti != tend:
                cov[U(widx * s + q[U(wo + QB + ti)])] = 1
                ti += 1
                if ti == maxproc:
                    ti = 0

        cur = wo
        if nextpc == -1:
            n = np.int64(q[U(wo + WQ_COUNT)]) - 1
            q[U(wo + WQ_COUNT)] = n
            if n == 0:  # the warrior is dead
                slots[q[U(wo + WQ_INDEX)], alive + nwar - 2] += 1
                if drq is None:
                    cycle = cycle - 1 - _cdiv(cycle - 1, alive)
                alive -= 1
                # unlink it: find the living warrior before it in the ring (rare)
                prev = wo
                while q[U(prev + WQ_NEXT)] != cur:
                    prev = np.int64(q[U(prev + WQ_NEXT)])
                wo = np.int64(q[U(cur + WQ_NEXT)])
                q[U(prev + WQ_NEXT)] = wo
                if alive < 2 and drq is None:
                    done = 1
                    break
            else:
                wo = np.int64(q[U(wo + WQ_NEXT)])
        else:
            wo = np.int64(q[U(wo + WQ_NEXT)])
        if drq is None:
            cycle -= 1
            if cycle == 0:
                done = 1
                break
        else:
            starter = st[ST_STARTER]
            w_next = np.int64(q[U(wo + WQ_INDEX)])
            w_cur = np.int64(q[U(cur + WQ_INDEX)])
            boundary = alive < 2 or (w_next - starter) % nwar <= (w_cur - starter) % nwar
            if boundary and _drq_cycle_end(drq, q, stride, nwar, alive, st):
                done = 1
                break
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
        r = w * (maxproc + QB)
        q[r + QB] = (p + starts[w]) % s
        q[r + WQ_HEAD] = 0
        q[r + WQ_TAIL] = 1 if maxproc > 1 else 0
        q[r + WQ_COUNT] = 1
        q[r + WQ_NEXT] = (w + 1 if w + 1 < nwar else 0) * (maxproc + QB)
        q[r + WQ_INDEX] = w
    st[ST_W] = starter
    st[ST_ALIVE] = nwar
    st[ST_CYCLE] = nwar * cycles
    st[ST_STEPS] = 0
    st[ST_DONE] = 0
    st[ST_STARTER] = starter
    st[ST_DRQ_CYCLES] = 0


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
    ins,
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
):
    """Play one round per row of ``positions`` (warrior load addresses) in one call.

    Fills ``steps_out[r]`` (instructions executed), ``tasks_out[r, w]`` (processes at the
    end) and accumulates ``slots``. ``drq_out``: None, or ``(score, spawned, coverage)``
    arrays of shape ``[R, N]`` for the Digital Red Queen metrics of each round.
    """
    nrounds = positions.shape[0]
    nwar = positions.shape[1]
    core = np.zeros(s * CELL, dtype=np.int32)
    stride = maxproc + QB
    q = np.zeros(nwar * stride, dtype=np.int32)
    st = np.zeros(ST_SIZE, dtype=np.int64)
    width = nwar + 1
    alive_cycles = np.zeros(nwar * width, dtype=np.int64)
    spawned = np.zeros(nwar, dtype=np.int64)
    prevn = np.zeros(nwar, dtype=np.int64)
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
            a,
            b,
            offsets,
            starts,
            positions[r],
            starters[r],
        )
        if drq_out is None:
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
                None,
            )
        else:
            alive_cycles[:] = 0
            spawned[:] = 0
            prevn[:] = 1
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
                (alive_cycles, spawned, cov, prevn, limit),
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
