"""What one ICWS'94 instruction does, exactly as pMARS 0.9.4 does it: the only copy.

Every function here is a small numba function over scalars and the flat core array. The
round loop in ``arena.mars.kernel`` calls them in two ways:

* with run-time opcodes and modes (the generic path, the Debugger's traced path and the
  read/write-limit path);
* with compile-time constants, for the instructions in ``arena.mars.hot``: LLVM inlines the
  call and folds every test on the constant away, so each of those instructions becomes
  straight-line code with no decoding at all. Those call sites (and the generic path's
  jump on the opcode and modifier) call the ``execute_*`` function of their opcode, which
  ``execute`` also dispatches to, so LLVM inlines one opcode's code, not all of them.

Either way the same lines of Python decide the result, so the fast path cannot drift from
the traced one.

Two numba rules keep the inlined code free of per-instruction overhead (each was measured:
breaking either made the engine several times slower):

* the functions of the round loop's path are forced inline (``forceinline``), and all are
  compiled with ``error_model="numpy"``, so no exception path leaves a second exit;
* a function that takes arrays has one exit, where it refers to every array argument
  (``_core = core``). Numba then drops its reference on each array in that one block and
  its reference-count pruning removes the pairs; otherwise each call does atomic NRT
  increments and decrements.

Semantics worth knowing (pMARS ``sim.c``):

* Operands are evaluated into registers, A first, then B. Each operand reads its pointer
  cell, applies a pre-decrement, reads the target cell's two numbers, then applies a
  post-increment. An immediate operand is the cell of the instruction itself as it is at
  that moment (for A that equals the instruction register, as nothing has changed yet; B
  sees the A operand's side effects).
* Writes go to the B target in the core; ``MOV.I`` copies the A target's current
  instruction word and the registered numbers. ``.I`` comparisons compare the instruction
  words in the core, then the registered numbers.
* ``DIV``/``MOD`` by zero kill the process; with ``.F``/``.X`` the half whose divisor is
  non-zero is still written.
* ``SPL`` queues the next instruction first, then the new process if the queue is not full.
* ``MUL`` multiplies in 32-bit unsigned arithmetic, as pMARS does.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from arena.mars.layout import AV, BV, CELL, HANDLER, INS
from arena.redcode.model import (
    ADD,
    CMP,
    DAT,
    DIV,
    DJN,
    JMN,
    JMP,
    JMZ,
    LDP,
    M_A,
    M_AB,
    M_B,
    M_BA,
    M_F,
    M_I,
    M_X,
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

U = np.uint64  # cast for array indices: unsigned indices skip numba's wraparound code

# What ``execute`` returns instead of an address: the process dies, or SPL has queued
# the next instruction only (the queue was full) or that and the new process.
DIES = -1
QUEUED = -2
SPAWNED = -3

# Each warrior owns a region of ``QB + maxproc`` slots in the queue array ``q``:
# its queue head, tail, process count, the region offset of the next living warrior in
# the ring, its own index, its place in the round's turn order (0 for the warrior that
# moves first), 1 if the next living warrior in the ring has an earlier or the same place
# (so its turn ends a cycle), then (from slot QB) the ring buffer of queued addresses.
WQ_HEAD, WQ_TAIL, WQ_COUNT, WQ_NEXT, WQ_INDEX, WQ_TURN, WQ_LAST = range(7)
QB = 8


@njit(nogil=True, forceinline=True, error_model="numpy")
def operand(core, pc, offset, s, mode):
    """(address, A number, B number) of one operand, without read/write limits.

    The pointer arithmetic keeps every value in 0..s-1 by compare-and-subtract.
    """
    if mode == 0:
        addr = pc
    else:
        addr = pc + offset
        if addr >= s:
            addr -= s
    p = U(0)
    t = np.int64(0)
    if mode >= 2:
        # @ < > use the pointer cell's B number, * { } its A number
        p = U(addr * CELL + (BV if mode <= 4 else AV))
        t = np.int64(core[p])
        if mode == 3 or mode == 6:  # pre-decrement
            t -= 1
            if t < 0:
                t = s - 1
            core[p] = t
        addr += t
        if addr >= s:
            addr -= s
    c = addr * CELL
    ra = np.int64(core[U(c + AV)])
    rb = np.int64(core[U(c + BV)])
    if mode == 4 or mode == 7:  # post-increment
        t += 1
        if t == s:
            t = 0
        core[p] = t
    return addr, ra, rb


@njit(nogil=True, error_model="numpy")
def fold(a, pc, s, limit):
    """pMARS's read/write-limit folding of a raw address ``a`` relative to ``pc``."""
    r = (a + s - pc) % limit
    if r > limit // 2:
        r += s - limit
    r += pc
    if r >= s:
        r -= s
    return r


@njit(nogil=True, error_model="numpy")
def operand_limited(core, pc, offset, s, mode, read_limit, write_limit):
    """(write address, read address, A number, B number) of one operand under pMARS's
    read and write limits.

    As in pMARS, a pointer cell that is modified (pre-decrement, post-increment) is found
    through the write limit, any other through the read limit. An immediate operand is the
    cell at ``pc`` as it is now (for A: the instruction register, nothing has changed yet).
    """
    p4 = U(0)
    t = np.int64(0)
    if mode == 0:
        write = pc
        read = pc
    else:
        read = fold(pc + offset, pc, s, read_limit)
        write = fold(pc + offset, pc, s, write_limit)
        if mode >= 2:
            if mode != 2 and mode != 5:
                read = write
            p4 = U(read * CELL + (BV if mode <= 4 else AV))
            t = np.int64(core[p4])
            if mode == 3 or mode == 6:
                t -= 1
                if t < 0:
                    t = s - 1
                core[p4] = t
            write = fold(write + t, pc, s, write_limit)
            read = fold(read + t, pc, s, read_limit)
    c4 = read * CELL
    ra = np.int64(core[U(c4 + AV)])
    rb = np.int64(core[U(c4 + BV)])
    if mode == 4 or mode == 7:
        t += 1
        if t == s:
            t = 0
        core[p4] = t
    _core = core  # keep-alive: see the module notes on reference counts
    return write, read, ra, rb


@njit(nogil=True, forceinline=True, error_model="numpy")
def _alu(op, target, source, s):
    """``target op source`` modulo s for ADD..MOD; DIES for a division by zero."""
    if op == ADD:
        v = target + source
        return v - s if v >= s else v
    if op == SUB:
        v = target - source
        return v + s if v < 0 else v
    if op == MUL:
        return ((target * source) & 0xFFFFFFFF) % s
    if source == 0:
        return DIES
    if op == DIV:
        return target // source
    return target % source


@njit(nogil=True, forceinline=True, error_model="numpy")
def _alu_store(op, core, at, target, source, s):
    """Store ``target op source`` at slot ``at``; True (nothing stored) on a zero divisor."""
    v = _alu(op, target, source, s)
    if v >= 0:
        core[at] = v
    _core = core  # keep-alive: see the module notes on reference counts
    return v < 0


@njit(nogil=True, forceinline=True, error_model="numpy")
def _test(mod, a_part, b_part, both):
    """Pick the test result for a modifier: .A/.BA, .B/.AB, or both halves."""
    if mod == M_A or mod == M_BA:
        return a_part
    if mod == M_B or mod == M_AB:
        return b_part
    return both


@njit(nogil=True, forceinline=True, error_model="numpy")
def _equal(mod, core, addr_a, raddr_b, ra_a, ra_b, rb_a, rb_b):
    """CMP/SEQ's comparison of the A and B registers under a modifier."""
    if mod == M_A:
        equal = rb_a == ra_a
    elif mod == M_B:
        equal = rb_b == ra_b
    elif mod == M_AB:
        equal = rb_b == ra_a
    elif mod == M_BA:
        equal = rb_a == ra_b
    elif mod == M_X:
        equal = rb_b == ra_a and rb_a == ra_b
    elif mod == M_I:
        same_word = core[U(raddr_b * CELL + INS)] == core[U(addr_a * CELL + INS)]
        equal = same_word and rb_a == ra_a and rb_b == ra_b
    else:
        equal = rb_a == ra_a and rb_b == ra_b
    _core = core  # keep-alive: see the module notes on reference counts
    return equal


@njit(nogil=True, forceinline=True, error_model="numpy")
def _less(mod, ra_a, ra_b, rb_a, rb_b):
    """SLT's comparison (A < B) under a modifier."""
    if mod == M_A:
        return ra_a < rb_a
    if mod == M_B:
        return ra_b < rb_b
    if mod == M_AB:
        return ra_a < rb_b
    if mod == M_BA:
        return ra_b < rb_a
    if mod == M_X:
        return ra_a < rb_b and ra_b < rb_a
    return ra_a < rb_a and ra_b < rb_b


@njit(nogil=True, forceinline=True, error_model="numpy")
def pspace_get(pspace, psize, pidx, lastres, w, idx):
    """P-space cell ``idx`` of warrior ``w``; cell 0 is its last result."""
    k = idx % psize
    if k == 0:
        value = lastres[w]
    else:
        value = pspace[pidx[w] * psize + k]
    _keep = (pspace, pidx, lastres)
    return value


@njit(nogil=True, forceinline=True, error_model="numpy")
def pspace_set(pspace, psize, pidx, lastres, w, idx, value):
    k = idx % psize
    if k == 0:
        lastres[w] = value
    else:
        pspace[pidx[w] * psize + k] = value
    _keep = (pspace, pidx, lastres)


_EXECUTOR = dict(nogil=True, forceinline=True, error_model="numpy")

# Every ``execute_*`` function takes ``execute``'s arguments and returns what it returns,
# for the opcodes it names (``EXECUTOR_OF_OPCODE``). Inlining all of ``execute`` at each of
# the generic path's 40 constant call sites tripled the kernel's first compile.


@njit(**_EXECUTOR)
def _next(pc, s):
    nxt = pc + 1
    return 0 if nxt == s else nxt


@njit(**_EXECUTOR)
def execute_dat(
    key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
    s, maxproc, pspace, psize, pidx, lastres,
):  # fmt: skip
    """DAT, and any undefined opcode or modifier: the process dies."""
    _keep = (core, q, pspace, pidx, lastres)  # keep-alives: see the module notes
    return DIES


@njit(**_EXECUTOR)
def execute_nop(
    key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
    s, maxproc, pspace, psize, pidx, lastres,
):  # fmt: skip
    _keep = (core, q, pspace, pidx, lastres)
    return _next(pc, s)


@njit(**_EXECUTOR)
def execute_jmp(
    key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
    s, maxproc, pspace, psize, pidx, lastres,
):  # fmt: skip
    _keep = (core, q, pspace, pidx, lastres)
    return addr_a


@njit(**_EXECUTOR)
def execute_mov(
    key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
    s, maxproc, pspace, psize, pidx, lastres,
):  # fmt: skip
    mod = key & 7
    wa = U(addr_b * CELL + AV)
    wb = U(addr_b * CELL + BV)
    if mod == M_I:
        a4 = addr_a * CELL
        core[U(addr_b * CELL + INS)] = core[U(a4 + INS)]
        core[U(addr_b * CELL + HANDLER)] = core[U(a4 + HANDLER)]
        core[wb] = ra_b
        core[wa] = ra_a
    elif mod == M_A:
        core[wa] = ra_a
    elif mod == M_B:
        core[wb] = ra_b
    elif mod == M_AB:
        core[wb] = ra_a
    elif mod == M_BA:
        core[wa] = ra_b
    elif mod == M_X:
        core[wb] = ra_a
        core[wa] = ra_b
    else:  # F
        core[wa] = ra_a
        core[wb] = ra_b
    _keep = (core, q, pspace, pidx, lastres)
    return _next(pc, s)


@njit(**_EXECUTOR)
def execute_arith(
    key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
    s, maxproc, pspace, psize, pidx, lastres,
):  # fmt: skip
    """ADD SUB MUL DIV MOD; a zero divisor kills, the other half is still written."""
    op = key >> 3
    mod = key & 7
    wa = U(addr_b * CELL + AV)
    wb = U(addr_b * CELL + BV)
    dies = False
    if mod == M_A or mod == M_F or mod == M_I:
        dies |= _alu_store(op, core, wa, rb_a, ra_a, s)
    if mod == M_B or mod == M_F or mod == M_I:
        dies |= _alu_store(op, core, wb, rb_b, ra_b, s)
    if mod == M_AB or mod == M_X:
        dies |= _alu_store(op, core, wb, rb_b, ra_a, s)
    if mod == M_BA or mod == M_X:
        dies |= _alu_store(op, core, wa, rb_a, ra_b, s)
    nxt = DIES if dies else _next(pc, s)
    _keep = (core, q, pspace, pidx, lastres)
    return nxt


@njit(**_EXECUTOR)
def execute_jump(
    key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
    s, maxproc, pspace, psize, pidx, lastres,
):  # fmt: skip
    """JMZ JMN DJN."""
    op = key >> 3
    mod = key & 7
    if op == JMZ:
        jump = _test(mod, rb_a == 0, rb_b == 0, rb_a == 0 and rb_b == 0)
    elif op == JMN:
        jump = _test(mod, rb_a != 0, rb_b != 0, rb_a != 0 or rb_b != 0)
    else:  # DJN: decrement the core cell(s), test the registered value(s)
        if mod != M_B and mod != M_AB:
            wa = U(addr_b * CELL + AV)
            v = np.int64(core[wa]) - 1
            core[wa] = s - 1 if v < 0 else v
        if mod != M_A and mod != M_BA:
            wb = U(addr_b * CELL + BV)
            v = np.int64(core[wb]) - 1
            core[wb] = s - 1 if v < 0 else v
        jump = _test(mod, rb_a != 1, rb_b != 1, rb_a != 1 or rb_b != 1)
    nxt = addr_a if jump else _next(pc, s)
    _keep = (core, q, pspace, pidx, lastres)
    return nxt


@njit(**_EXECUTOR)
def execute_skip(
    key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
    s, maxproc, pspace, psize, pidx, lastres,
):  # fmt: skip
    """CMP/SEQ SNE SLT: skip the next instruction when the test holds."""
    op = key >> 3
    mod = key & 7
    if op == SLT:
        skip = _less(mod, ra_a, ra_b, rb_a, rb_b)
    else:
        skip = _equal(mod, core, addr_a, raddr_b, ra_a, ra_b, rb_a, rb_b) != (op == SNE)
    nxt = _next(pc, s)
    if skip:
        nxt = _next(nxt, s)
    _keep = (core, q, pspace, pidx, lastres)
    return nxt


@njit(**_EXECUTOR)
def execute_spl(
    key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
    s, maxproc, pspace, psize, pidx, lastres,
):  # fmt: skip
    """SPL queues the next instruction first, then the new process if there is room."""
    ti = np.int64(q[U(wo + WQ_TAIL)])
    q[U(wo + QB + ti)] = _next(pc, s)
    ti += 1
    if ti == maxproc:
        ti = 0
    nxt = QUEUED
    n = np.int64(q[U(wo + WQ_COUNT)])
    if n < maxproc:
        q[U(wo + WQ_COUNT)] = n + 1
        q[U(wo + QB + ti)] = addr_a
        ti += 1
        if ti == maxproc:
            ti = 0
        nxt = SPAWNED
    q[U(wo + WQ_TAIL)] = ti
    _keep = (core, q, pspace, pidx, lastres)
    return nxt


@njit(**_EXECUTOR)
def execute_pspace(
    key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
    s, maxproc, pspace, psize, pidx, lastres,
):  # fmt: skip
    """LDP STP."""
    op = key >> 3
    mod = key & 7
    w = q[U(wo + WQ_INDEX)]
    if op == LDP:
        wa = U(addr_b * CELL + AV)
        wb = U(addr_b * CELL + BV)
        if mod == M_A:
            core[wa] = pspace_get(pspace, psize, pidx, lastres, w, ra_a)
        elif mod == M_AB:
            core[wb] = pspace_get(pspace, psize, pidx, lastres, w, ra_a)
        elif mod == M_BA:
            core[wa] = pspace_get(pspace, psize, pidx, lastres, w, ra_b)
        else:  # B F X I
            core[wb] = pspace_get(pspace, psize, pidx, lastres, w, ra_b)
    elif mod == M_A:
        pspace_set(pspace, psize, pidx, lastres, w, rb_a, ra_a)
    elif mod == M_AB:
        pspace_set(pspace, psize, pidx, lastres, w, rb_b, ra_a)
    elif mod == M_BA:
        pspace_set(pspace, psize, pidx, lastres, w, rb_a, ra_b)
    else:  # B F X I
        pspace_set(pspace, psize, pidx, lastres, w, rb_b, ra_b)
    _keep = (core, q, pspace, pidx, lastres)
    return _next(pc, s)


# The ``execute_*`` function of each opcode (SEQ is CMP); an undefined opcode is DAT.
EXECUTOR_OF_OPCODE: dict[int, str] = {
    DAT: "execute_dat", MOV: "execute_mov", ADD: "execute_arith", SUB: "execute_arith",
    MUL: "execute_arith", DIV: "execute_arith", MOD: "execute_arith",
    JMZ: "execute_jump", JMN: "execute_jump", DJN: "execute_jump", CMP: "execute_skip",
    SEQ: "execute_skip", SNE: "execute_skip", SLT: "execute_skip", SPL: "execute_spl",
    JMP: "execute_jmp", NOP: "execute_nop", LDP: "execute_pspace", STP: "execute_pspace",
}  # fmt: skip


@njit(**_EXECUTOR)
def execute(
    key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
    s, maxproc, pspace, psize, pidx, lastres,
):  # fmt: skip
    """Execute instruction ``key`` (opcode * 8 + modifier) on its evaluated operands.

    Returns the address to queue next for the process, ``DIES``, or for SPL (which queues
    its processes itself, in warrior region ``wo`` of ``q``) ``QUEUED`` or ``SPAWNED``.
    """
    op = key >> 3
    mod = key & 7
    if mod == 7 or op > STP or op == DAT:  # an undefined opcode/modifier pair is DAT
        nxt = execute_dat(
            key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
            s, maxproc, pspace, psize, pidx, lastres,
        )  # fmt: skip
    elif op == MOV:
        nxt = execute_mov(
            key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
            s, maxproc, pspace, psize, pidx, lastres,
        )  # fmt: skip
    elif op <= MOD:
        nxt = execute_arith(
            key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
            s, maxproc, pspace, psize, pidx, lastres,
        )  # fmt: skip
    elif op == JMZ or op == JMN or op == DJN:
        nxt = execute_jump(
            key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
            s, maxproc, pspace, psize, pidx, lastres,
        )  # fmt: skip
    elif op == CMP or op == SEQ or op == SNE or op == SLT:
        nxt = execute_skip(
            key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
            s, maxproc, pspace, psize, pidx, lastres,
        )  # fmt: skip
    elif op == SPL:
        nxt = execute_spl(
            key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
            s, maxproc, pspace, psize, pidx, lastres,
        )  # fmt: skip
    elif op == JMP:
        nxt = execute_jmp(
            key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
            s, maxproc, pspace, psize, pidx, lastres,
        )  # fmt: skip
    elif op == LDP or op == STP:
        nxt = execute_pspace(
            key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
            s, maxproc, pspace, psize, pidx, lastres,
        )  # fmt: skip
    else:  # NOP
        nxt = execute_nop(
            key, core, q, wo, pc, addr_a, ra_a, ra_b, addr_b, raddr_b, rb_a, rb_b,
            s, maxproc, pspace, psize, pidx, lastres,
        )  # fmt: skip
    _keep = (core, q, pspace, pidx, lastres)
    return nxt
