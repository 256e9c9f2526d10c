"""A stepper over the engine for the TUI and for tests: one instruction at a time.

The Debugger owns the same arrays the batch kernel uses and advances them with the same
compiled ``run_round``, only with a small step budget and a trace buffer; so what it shows
is exactly what ``arena battle`` computes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from arena.mars.engine import PSpace, _limits
from arena.mars.hot import handlers
from arena.mars.kernel import (
    QB,
    ST_ALIVE,
    ST_CYCLE,
    ST_DONE,
    ST_SIZE,
    ST_STEPS,
    ST_W,
    TR_A,
    TR_ADDR_A,
    TR_ADDR_B,
    TR_B,
    TR_COLS,
    TR_INS,
    TR_NPROCS,
    TR_PC,
    TR_RADDR_B,
    TR_W,
    WQ_COUNT,
    WQ_HEAD,
    WQ_TAIL,
    finish_round,
    load_round,
    run_round,
)
from arena.mars.layout import (
    AV,
    BV,
    CELL,
    EMPTY_INS,
    HANDLER,
    INS,
    QUEUE_DTYPE,
    format_cell,
    new_core,
    pack_ins,
    unpack_ins,
)
from arena.mars.program import Program
from arena.redcode.model import (
    ADD,
    DIV,
    DJN,
    LDP,
    MOD,
    MOV,
    MUL,
    SUB,
    Warrior,
)
from arena.settings import Settings

_WRITES_B = frozenset({MOV, ADD, SUB, MUL, DIV, MOD, DJN, LDP})


@dataclass(frozen=True, slots=True)
class Step:
    """One executed instruction, as fetched (before it executed)."""

    step: int  # index of the instruction in the round, from 0
    warrior: int
    pc: int
    nprocs: int  # the warrior's processes before it executed
    opcode: int
    modifier: int
    a_mode: int
    a_value: int
    b_mode: int
    b_value: int
    addr_a: int  # A operand's address
    addr_b: int  # B operand's (write) address

    def text(self) -> str:
        """``OP.MOD <mode><a> <mode><b>`` with raw values."""
        word = self.opcode * 8 + self.modifier | self.a_mode << 8 | self.b_mode << 11
        return format_cell(word, self.a_value, self.b_value)


@dataclass(frozen=True, slots=True)
class Events:
    """Core cells touched by the instructions of the last ``step`` call."""

    executed: frozenset[int]
    read: frozenset[int]
    written: frozenset[int]


_NO_EVENTS = Events(frozenset(), frozenset(), frozenset())


class Debugger:
    """Plays a battle one instruction (or N) at a time.

    ``positions``/``starters`` give every round's load addresses and first mover (as
    ``arena.battle.place`` computes them); ``arena.battle.debugger`` does that for you.
    """

    def __init__(
        self,
        warriors: Sequence[Warrior],
        settings: Settings,
        positions: np.ndarray,
        starters: np.ndarray,
        *,
        pspace: PSpace | None = None,
        track_events: bool = True,
    ):
        self.warriors = list(warriors)
        # False: leave ``events`` empty (callers that read the trace rows themselves,
        # like the TUI's core map, skip the per-instruction Python work)
        self.track_events = track_events
        self.settings = settings
        self.program = Program.from_warriors(self.warriors, settings.core_size)
        self.positions = np.ascontiguousarray(np.atleast_2d(positions), dtype=np.int64)
        self.starters = np.ascontiguousarray(np.atleast_1d(starters), dtype=np.int64)
        n = self.program.n
        s = settings.core_size
        t = settings.max_processes
        self.n = n
        self._core = new_core(s)
        self.core = self._core  # flat cells, see arena.mars.layout
        self._stride = t + QB
        self.q = np.zeros(n * self._stride, dtype=QUEUE_DTYPE)  # per-warrior regions
        self.st = np.zeros(ST_SIZE, dtype=np.int64)
        self.slots = np.zeros((n, 2 * n - 1), dtype=np.int64)
        self.pspace = pspace or PSpace.for_warriors(self.warriors, s, settings.pspace)
        self._rw = _limits(s, settings.read_limit, settings.write_limit)
        self._trace = np.zeros((1, TR_COLS), dtype=np.int64)
        self.round = 0  # 1-based once started
        self.events = Events(frozenset(), frozenset(), frozenset())
        self.start_round(1)

    @property
    def rounds(self) -> int:
        return int(self.positions.shape[0])

    def start_round(self, number: int) -> None:
        """Load round ``number`` (1-based) afresh; P-space and scores carry over."""
        if not 1 <= number <= self.rounds:
            raise ValueError(f"round {number} is not in 1..{self.rounds}")
        self.round = number
        p = self.program
        load_round(
            self._core,
            self.q,
            self.st,
            self.settings.core_size,
            self.settings.max_processes,
            self.settings.max_cycles,
            p.ins,
            p.handler,
            p.a,
            p.b,
            p.offsets,
            p.starts,
            self.positions[number - 1],
            self.starters[number - 1],
        )
        self._finished_booked = False
        self.events = Events(frozenset(), frozenset(), frozenset())

    def next_round(self) -> bool:
        """Finish the current round if needed, then load the next; False after the last."""
        self.run()
        if self.round >= self.rounds:
            return False
        self.start_round(self.round + 1)
        return True

    @property
    def round_over(self) -> bool:
        return bool(self.st[ST_DONE])

    @property
    def steps(self) -> int:
        """Instructions executed so far in this round."""
        return int(self.st[ST_STEPS])

    @property
    def next_warrior(self) -> int:
        """The warrior about to move, or -1 once the round is over."""
        return -1 if self.round_over else int(self.st[ST_W])

    @property
    def alive(self) -> int:
        return int(self.st[ST_ALIVE])

    @property
    def budget(self) -> int:
        """pMARS's remaining instruction budget for the round (N*c at its start)."""
        return int(self.st[ST_CYCLE])

    @property
    def starter(self) -> int:
        """The warrior that moved first in this round."""
        return int(self.starters[self.round - 1])

    # ---- stepping
    def step(self, count: int = 1) -> list[Step]:
        """Execute up to ``count`` instructions of this round; returns them as fetched."""
        start = self.steps
        rows = self._advance(count)
        return [self._row_to_step(r, start + i) for i, r in enumerate(rows)]

    def step_cycles(self, cycles: int = 1) -> list[Step]:
        """Execute ``cycles`` cycles: each living warrior moves once per cycle.

        A cycle ends when the turn comes back round to (or past) the round's first mover.
        """
        done: list[Step] = []
        n = self.n
        for _ in range(max(0, cycles)):
            while not self.round_over:
                current = self.next_warrior
                steps = self.step(1)
                done.extend(steps)
                nxt = self.next_warrior
                if nxt < 0 or (nxt - self.starter) % n <= (current - self.starter) % n:
                    break
            if self.round_over:
                break
        return done

    def step_rows(self, count: int) -> np.ndarray:
        """Like ``step`` but returns the raw trace rows (fast for long runs)."""
        return self._advance(count)

    def run(self, max_steps: int | None = None) -> int:
        """Run to the end of the round (or ``max_steps``) without recording; returns count."""
        budget = np.int64(1) << 62 if max_steps is None else max_steps
        executed = self._run(int(budget), None)
        self.events = Events(frozenset(), frozenset(), frozenset())
        return executed

    def _run(self, budget: int, trace) -> int:
        s = self.settings
        executed = run_round(
            self._core,
            self.q,
            self.st,
            s.core_size,
            s.max_processes,
            self.n,
            budget,
            self.pspace.cells,
            self.pspace.size,
            self.pspace.index,
            self.pspace.last_result,
            self.slots,
            self._rw,
            trace,
            None,
        )
        if self.round_over and not self._finished_booked:
            finish_round(self.q, self._stride, self.st, self.slots, self.pspace.last_result)
            self._finished_booked = True
        return int(executed)

    def _advance(self, count: int) -> np.ndarray:
        if count < 1 or self.round_over:
            self.events = Events(frozenset(), frozenset(), frozenset())
            return np.zeros((0, TR_COLS), dtype=np.int64)
        if self._trace.shape[0] < count:
            self._trace = np.zeros((count, TR_COLS), dtype=np.int64)
        before = self.core.copy() if self.track_events else self.core
        executed = self._run(count, self._trace)
        rows = self._trace[:executed].copy()
        self.events = self._events(rows, before) if self.track_events else _NO_EVENTS
        return rows

    def _events(self, rows: np.ndarray, before: np.ndarray) -> Events:
        s = self.settings.core_size
        changed = np.flatnonzero((before != self.core).reshape(-1, CELL).any(axis=1))
        written = {int(x) for x in changed}
        executed: set[int] = set()
        read: set[int] = set()
        for r in rows:
            pc = int(r[TR_PC])
            executed.add(pc)
            op, _mod, am, bm = unpack_ins(int(r[TR_INS]))
            if am != 0:
                read.add(int(r[TR_ADDR_A]))
                if am >= 2:
                    read.add((pc + int(r[TR_A])) % s)
            if bm != 0:
                read.add(int(r[TR_RADDR_B]))
                if bm >= 2:
                    read.add((pc + int(r[TR_B])) % s)
            if op in _WRITES_B:
                written.add(int(r[TR_ADDR_B]))
        return Events(frozenset(executed), frozenset(read), frozenset(written))

    def _row_to_step(self, r: np.ndarray, index: int) -> Step:
        op, mod, am, bm = unpack_ins(int(r[TR_INS]))
        return Step(
            step=index,
            warrior=int(r[TR_W]),
            pc=int(r[TR_PC]),
            nprocs=int(r[TR_NPROCS]),
            opcode=op,
            modifier=mod,
            a_mode=am,
            a_value=int(r[TR_A]),
            b_mode=bm,
            b_value=int(r[TR_B]),
            addr_a=int(r[TR_ADDR_A]),
            addr_b=int(r[TR_ADDR_B]),
        )

    # ---- inspection
    def cell(self, address: int) -> tuple[int, int, int, int, int, int]:
        """(opcode, modifier, a_mode, a_value, b_mode, b_value) at ``address``."""
        i = (address % self.settings.core_size) * CELL
        op, mod, am, bm = unpack_ins(int(self.core[i + INS]))
        return op, mod, am, int(self.core[i + AV]), bm, int(self.core[i + BV])

    def cell_text(self, address: int) -> str:
        i = (address % self.settings.core_size) * CELL
        return format_cell(int(self.core[i + INS]), int(self.core[i + AV]), int(self.core[i + BV]))

    def nonempty_cells(self) -> list[int]:
        """Addresses of every cell that is not ``DAT.F $0, $0``."""
        cells = self.core.reshape(-1, CELL)
        mask = (cells[:, INS] != EMPTY_INS) | (cells[:, AV] != 0) | (cells[:, BV] != 0)
        return [int(x) for x in np.flatnonzero(mask)]

    def queue(self, warrior: int) -> list[int]:
        """The warrior's process queue, head first."""
        t = self.settings.max_processes
        region = warrior * self._stride
        head = int(self.q[region + WQ_HEAD])
        count = self.tasks(warrior)
        return [int(self.q[region + QB + (head + k) % t]) for k in range(count)]

    def tasks(self, warrior: int) -> int:
        return int(self.q[warrior * self._stride + WQ_COUNT])

    def pspace_cell(self, warrior: int, cell: int) -> int:
        return self.pspace.read(warrior, cell)

    # ---- looking ahead
    def peek(self) -> Step | None:
        """The instruction about to run, with its operands' addresses, as the engine
        will evaluate them (cdb shows where A and B point); None once the round is over.

        It runs that one instruction for real and then restores every array, so the
        addresses are the engine's own (increments, read/write limits) and nothing moves.
        """
        if self.round_over:
            return None
        saved = self.checkpoint()
        try:
            rows = self._advance(1)
            return self._row_to_step(rows[0], self.steps - 1) if len(rows) else None
        finally:
            self.rollback(saved)

    def checkpoint(self) -> tuple:
        """A copy of the battle's state (core, queues, P-space); see ``rollback``."""
        ps = self.pspace
        return (
            self._core.copy(),
            self.q.copy(),
            self.st.copy(),
            self.slots.copy(),
            ps.cells.copy(),
            ps.last_result.copy(),
            self._finished_booked,
            self.events,
        )

    def rollback(self, saved: tuple) -> None:
        """Put back a ``checkpoint`` of this round: a breakpoint found in a chunk of
        trace rows is replayed up to exactly the instruction that hit it."""
        core, q, st, slots, cells, last, booked, events = saved
        np.copyto(self._core, core)
        np.copyto(self.q, q)
        np.copyto(self.st, st)
        np.copyto(self.slots, slots)
        np.copyto(self.pspace.cells, cells)
        np.copyto(self.pspace.last_result, last)
        self._finished_booked = booked
        self.events = events

    # ---- editing (cdb's edit, fill, execute and go/step/continue with an address)
    def set_cell(
        self,
        address: int,
        opcode: int,
        modifier: int,
        a_mode: int,
        a_value: int,
        b_mode: int,
        b_value: int,
    ) -> None:
        """Write one core cell, as cdb's ``edit`` does; values are reduced mod core size.

        The cell's handler is set from the word, exactly as loading a warrior sets it, so
        the batch kernels and the stepper run the edited cell the same way.
        """
        s = self.settings.core_size
        word = pack_ins(opcode, modifier, a_mode, b_mode)
        i = (address % s) * CELL
        self._core[i + INS] = word
        self._core[i + AV] = a_value % s
        self._core[i + BV] = b_value % s
        self._core[i + HANDLER] = int(handlers(np.array([word]))[0])

    def set_pspace(self, warrior: int, cell: int, value: int) -> None:
        """Write the P-space cell warrior ``warrior`` reads as ``cell`` (0: its last result)."""
        ps = self.pspace
        k = cell % ps.size
        value %= self.settings.core_size
        if k == 0:
            ps.last_result[warrior] = value
        else:
            ps.cells[int(ps.index[warrior]) * ps.size + k] = value

    def set_queue_entry(self, warrior: int, index: int, address: int) -> None:
        """Point the warrior's ``index``-th process (0: the next to run) at ``address``."""
        count = self.tasks(warrior)
        if count == 0:
            raise ValueError(f"warrior {warrior + 1} has no processes")
        t = self.settings.max_processes
        region = warrior * self._stride
        head = int(self.q[region + WQ_HEAD])
        self.q[region + QB + (head + index % count) % t] = address % self.settings.core_size

    def set_pc(self, warrior: int, address: int) -> None:
        """Make the warrior's next process run at ``address`` (cdb's ``go ADDR``)."""
        self.set_queue_entry(warrior, 0, address)

    def restart_queue(self, warrior: int, address: int) -> None:
        """Leave the warrior one process, at ``address`` (cdb's ``execute``)."""
        if self.tasks(warrior) == 0:
            raise ValueError(f"warrior {warrior + 1} has no processes")
        t = self.settings.max_processes
        region = warrior * self._stride
        head = int(self.q[region + WQ_HEAD])
        self.q[region + QB + head] = address % self.settings.core_size
        self.q[region + WQ_TAIL] = (head + 1) % t
        self.q[region + WQ_COUNT] = 1
