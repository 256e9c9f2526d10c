"""The battle screen's model: a Debugger plus what a display needs to draw it.

No Textual here. A ``BattleSession`` owns one ``arena.mars.Debugger`` and keeps, per core
cell, the warrior that last touched it and how (read, written, executed); it books
W/L/T when a round ends, stops at breakpoints exactly before the instruction at a
breakpoint address runs, records an instruction trace, and hands the screen immutable
``Frame`` snapshots, so the UI never reads arrays a worker thread is changing.

Call every method from one thread at a time (the screen holds ``session.lock``).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from arena.battle import debugger as battle_debugger
from arena.debug.breakpoints import Breakpoint, Breakpoints, Hit
from arena.mars.debugger import Step
from arena.mars.layout import AV, BV, CELL, INS
from arena.redcode import assemble, format_instruction
from arena.redcode.files import read_warrior_text
from arena.redcode.model import ADD, DIV, DJN, LDP, MOD, MOV, MUL, SUB, Warrior
from arena.settings import Settings

# what a cell's mark means; a batch of steps keeps the strongest touch per cell
ACT_NONE, ACT_READ, ACT_WRITE, ACT_EXEC = 0, 1, 2, 3
NO_OWNER = -1
EDITED = -2  # a cell's last writer was the user (cdb edit/fill)

# trace columns, as arena.mars.kernel writes them (TR_W, TR_PC, TR_NPROCS, TR_INS, TR_A,
# TR_B, TR_ADDR_A, TR_ADDR_B, TR_RADDR_B)
_W, _PC, _NPROCS, _INS, _A, _B, _ADDR_A, _ADDR_B, _RADDR_B = range(9)

_WRITES_B = np.zeros(32, dtype=bool)
_WRITES_B[[MOV, ADD, SUB, MUL, DIV, MOD, DJN, LDP]] = True
_INCREMENT_MODES = np.array([False, False, False, True, True, False, True, True])

CHUNK = 4096  # most rows asked of the debugger at once
TRACE_LIMIT = 200_000  # instructions kept for the trace export
HISTORY_LIMIT = 4096  # process-count samples kept per round (halved when full)


@dataclass(frozen=True)
class Contender:
    """One warrior in the battle, with the text it was assembled from."""

    name: str
    warrior: Warrior
    source: str
    origin: str  # a file path, or "<editor>"

    @property
    def source_lines(self) -> list[str]:
        return self.source.splitlines()


def load_contender(path: str | Path, settings: Settings) -> Contender:
    """Assemble a file into a Contender; raises ValueError with the first error."""
    path = Path(path)
    text = read_warrior_text(path)  # WarriorFileError is a ValueError
    return contender_from_text(text, settings, origin=str(path), fallback=path.stem)


def contender_from_text(
    text: str, settings: Settings, *, origin: str = "<editor>", fallback: str = "buffer"
) -> Contender:
    result = assemble(text, settings, file=origin)
    if not result.ok or result.warrior is None:
        first = result.errors[0] if result.errors else "does not assemble"
        raise ValueError(f"{origin}: {first}")
    if len(result.warrior) == 0:
        raise ValueError(f"{origin}: the program has no instructions")
    warrior = result.warrior
    name = warrior.name if warrior.name and warrior.name != "Unknown" else fallback
    return Contender(name, warrior, text, origin)


@dataclass(frozen=True)
class Frame:
    """What the screen draws: a consistent copy of the battle at one moment."""

    core_size: int
    names: tuple[str, ...]
    round: int
    rounds: int
    steps: int
    cycles_left: int
    max_cycles: int
    alive: int
    next_warrior: int
    round_over: bool
    battle_over: bool
    owner: np.ndarray  # int8 per cell, NO_OWNER when untouched
    act: np.ndarray  # uint8 per cell, ACT_*
    fresh: np.ndarray  # bool per cell: touched since the previous frame
    core: np.ndarray  # CELL slots per cell (arena.mars.layout)
    queues: tuple[tuple[int, ...], ...]  # every task's PC per warrior, head first
    pspace: tuple[np.ndarray, ...]  # each warrior's P-space as it would read it
    scores: tuple[tuple[int, int, int], ...]  # (wins, losses, ties) per warrior
    breakpoints: frozenset[int]  # addresses with an enabled execute breakpoint
    last: tuple[str, ...] = ()  # the last few executed instructions, as text
    message: str = ""
    positions: tuple[int, ...] = ()
    serial: int = 0  # frames of one session are numbered: a higher one is newer
    breakpoint_list: tuple[Breakpoint, ...] = ()
    breakpoints_persist: bool = True
    breakpoints_version: int = 0
    writer: np.ndarray | None = None  # int8 per cell: last warrior to write it, EDITED, NO_OWNER
    write_step: np.ndarray | None = None  # int64 per cell: the step of that write, -1 if none
    next_step: Step | None = None  # the instruction about to run, with operand addresses
    history: tuple[tuple[int, ...], ...] = ()  # (step, procs of each warrior) samples

    @property
    def pcs(self) -> tuple[int, ...]:
        """The next PC of each warrior (-1 when dead)."""
        return tuple(q[0] if q else -1 for q in self.queues)


@dataclass
class StepReport:
    executed: int
    breakpoint: int | None = None  # the address we stopped at (or the PC, for procs)
    round_ended: bool = False
    hit: Hit | None = None  # the breakpoint that stopped us


@dataclass
class BattleSession:
    contenders: list[Contender]
    settings: Settings
    seed: int = 1
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def __post_init__(self) -> None:
        if len(self.contenders) < 1:
            raise ValueError("a battle needs at least one warrior")
        self.breakpoints = Breakpoints(self.settings.core_size)
        self.scores = [[0, 0, 0] for _ in self.contenders]
        self._trace: deque[np.ndarray] = deque()
        self._trace_rows = 0
        self._last: deque[str] = deque(maxlen=6)
        self.executed_total = 0  # instructions executed by step(), every round
        self._frames = 0  # frames handed out; each Frame carries its number
        self.message = "space run · s step · l load · F1 help"
        self._build()

    # ---- setup
    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.contenders)

    @property
    def core_size(self) -> int:
        return self.settings.core_size

    def _build(self) -> None:
        warriors = [c.warrior for c in self.contenders]
        # the session derives its marks from the trace rows (by warrior), so the
        # Debugger's own per-step event sets are not needed
        self.debugger = battle_debugger(
            warriors,
            self.settings,
            rounds=max(self.settings.rounds, 1),
            seed=self.seed,
            track_events=False,
        )
        self.scores = [[0, 0, 0] for _ in self.contenders]
        # rounds survived with k+1 survivors (pMARS's score slots, for cdb's progress)
        self.survivals = [[0] * len(self.contenders) for _ in self.contenders]
        self._booked: set[int] = set()
        self.battle_over = False
        self._reset_marks()

    def _reset_marks(self) -> None:
        s = self.core_size
        self.owner = np.full(s, NO_OWNER, dtype=np.int8)
        self.act = np.zeros(s, dtype=np.uint8)
        self.fresh = np.zeros(s, dtype=bool)
        self.writer = np.full(s, NO_OWNER, dtype=np.int8)
        self.write_step = np.full(s, -1, dtype=np.int64)
        self.history: list[tuple[int, ...]] = []
        self._history_every = 1
        self._sample(force=True)
        self._trace.clear()
        self._trace_rows = 0
        self._last.clear()
        for w, c in enumerate(self.contenders):
            p = self.position(w)
            cells = (p + np.arange(len(c.warrior))) % s
            self.owner[cells] = w
        self.fresh[:] = True

    def position(self, warrior: int) -> int:
        return int(self.debugger.positions[self.debugger.round - 1][warrior]) % self.core_size

    def reset(self) -> None:
        """Back to round 1 with fresh P-space and scores (same placements)."""
        self._build()
        self.message = "reset"

    def next_round(self) -> bool:
        """Finish this round (unrecorded) and load the next; False after the last."""
        d = self.debugger
        if not d.round_over:
            d.run()
        self._book()
        if d.round >= d.rounds:
            self.battle_over = True
            self.message = "the battle is over: " + self.result_text()
            return False
        d.start_round(d.round + 1)
        self.breakpoints.new_round()
        self._reset_marks()
        self.message = f"round {d.round} of {d.rounds}"
        return True

    # ---- stepping
    def step(self, count: int = 1, *, breakpoints: bool = True) -> StepReport:
        """Execute up to ``count`` instructions, stopping at a breakpoint (in front of an
        instruction to execute, after a write or a process count change)."""
        d = self.debugger
        done = 0
        report = StepReport(0)
        while done < count and not d.round_over:
            n = min(CHUNK, count - done)
            check = breakpoints and bool(self.breakpoints)
            saved = d.checkpoint() if check else None
            rows = d.step_rows(n)
            if saved is not None and len(rows):
                tasks = [d.tasks(w) for w in range(d.n)]
                hit = self.breakpoints.first_hit(rows, tasks, skip_first=done == 0)
                if hit is not None:
                    d.rollback(saved)
                    rows = d.step_rows(hit.keep) if hit.keep else rows[:0]
                    report.hit = hit
                    report.breakpoint = hit.address
            self._absorb(rows)
            done += len(rows)
            if report.hit is not None or len(rows) == 0:
                break
        report.executed = done
        self.executed_total += done
        if done:
            self._sample()
        if d.round_over:
            report.round_ended = True
            self._book()
        if report.hit is not None:
            bp = report.hit.breakpoint
            if bp.kind == "exec":
                self.message = f"breakpoint at {report.breakpoint}"
            else:
                self.message = "breakpoint: " + bp.describe(self.names)
        return report

    def _sample(self, *, force: bool = False) -> None:
        """Record each warrior's process count now (for the graph), thinning as it grows."""
        d = self.debugger
        if not force and self.history and d.steps - self.history[-1][0] < self._history_every:
            return
        self.history.append((d.steps, *(d.tasks(w) for w in range(d.n))))
        if len(self.history) >= HISTORY_LIMIT:
            self.history = self.history[::2]
            self._history_every *= 2

    def edited(self, cells: Iterable[int]) -> None:
        """The user changed these cells (cdb edit/fill): mark them as written by hand."""
        s = self.core_size
        idx = np.array([c % s for c in cells], dtype=np.int64)
        if len(idx):
            self.writer[idx] = EDITED
            self.write_step[idx] = self.debugger.steps
            self.fresh[idx] = True

    def step_cycles(self, cycles: int) -> StepReport:
        """``cycles`` cycles: one instruction per living warrior each."""
        return self.step(max(1, cycles) * max(1, self.debugger.alive))

    def queue_head(self) -> int:
        w = self.debugger.next_warrior
        if w < 0:
            return -1
        q = self.debugger.queue(w)
        return q[0] if q else -1

    def _absorb(self, rows: np.ndarray) -> None:
        """Mark the cells the executed rows touched, in order; record the trace."""
        if len(rows) == 0:
            return
        s = self.core_size
        w = rows[:, _W]
        pc = rows[:, _PC]
        ins = rows[:, _INS]
        am = (ins >> 8) & 7
        bm = (ins >> 11) & 7
        op = (ins & 0xFF) >> 3
        order = np.arange(len(rows), dtype=np.int64) * 4
        addrs = [pc]
        kinds = [np.full(len(rows), ACT_EXEC, dtype=np.uint8)]
        whos = [w]
        keys = [order]

        def add(mask: np.ndarray, where: np.ndarray, kind: int, sub: int) -> None:
            if mask.any():
                addrs.append(where[mask] % s)
                kinds.append(np.full(int(mask.sum()), kind, dtype=np.uint8))
                whos.append(w[mask])
                keys.append(order[mask] + sub)

        ptr_a = (pc + rows[:, _A]) % s
        ptr_b = (pc + rows[:, _B]) % s
        add(am != 0, rows[:, _ADDR_A], ACT_READ, 1)
        add(bm != 0, rows[:, _RADDR_B], ACT_READ, 1)
        add(am >= 2, ptr_a, ACT_READ, 1)
        add(bm >= 2, ptr_b, ACT_READ, 1)
        add(_INCREMENT_MODES[am], ptr_a, ACT_WRITE, 2)
        add(_INCREMENT_MODES[bm], ptr_b, ACT_WRITE, 2)
        add(_WRITES_B[op], rows[:, _ADDR_B], ACT_WRITE, 3)
        addr = np.concatenate(addrs).astype(np.int64)
        kind = np.concatenate(kinds)
        who = np.concatenate(whos).astype(np.int8)
        key = np.concatenate(keys)
        by_time = np.argsort(key, kind="stable")
        addr, kind, who, key = addr[by_time], kind[by_time], who[by_time], key[by_time]
        self.owner[addr] = who  # later touches overwrite earlier ones
        wrote = kind == ACT_WRITE
        if wrote.any():
            first = self.debugger.steps - len(rows)  # the step of rows[0]
            self.writer[addr[wrote]] = who[wrote]
            self.write_step[addr[wrote]] = first + key[wrote] // 4
        strongest = np.zeros(s, dtype=np.uint8)
        np.maximum.at(strongest, addr, kind)
        touched = np.unique(addr)
        self.act[touched] = strongest[touched]
        self.fresh[touched] = True
        self._trace.append(rows.copy())
        self._trace_rows += len(rows)
        while self._trace_rows > TRACE_LIMIT and len(self._trace) > 1:
            self._trace_rows -= len(self._trace.popleft())
        for r in rows[-self._last.maxlen :]:
            self._last.append(self.row_text(r))

    def _book(self) -> None:
        d = self.debugger
        if d.round in self._booked or not d.round_over:
            return
        self._booked.add(d.round)
        alive = [w for w in range(len(self.contenders)) if d.tasks(w) > 0]
        for w in alive:
            self.survivals[w][len(alive) - 1] += 1
        for w in range(len(self.contenders)):
            if w not in alive:
                self.scores[w][1] += 1
            elif len(alive) == 1:
                self.scores[w][0] += 1
            else:
                self.scores[w][2] += 1
        if len(alive) == 1:
            self.message = f"round {d.round}: {self.contenders[alive[0]].name} wins"
        elif alive:
            self.message = f"round {d.round}: a tie ({len(alive)} survive)"
        else:
            self.message = f"round {d.round}: nobody survives"
        if d.round >= d.rounds:
            self.battle_over = True

    # ---- breakpoints
    def toggle_breakpoint(self, address: int) -> bool:
        """Set or clear an execute breakpoint; True if it is now set."""
        return self.breakpoints.toggle_exec(address)

    # ---- reading
    def row_text(self, r: Sequence[int]) -> str:
        ins = int(r[_INS])
        key = ins & 0xFF
        text = format_instruction(
            key >> 3,
            key & 7,
            (ins >> 8) & 7,
            int(r[_A]),
            (ins >> 11) & 7,
            int(r[_B]),
            self.core_size,
            compact=True,
        )
        name = self.contenders[int(r[_W])].name
        return f"{name[:10]:<10} {int(r[_PC]):>5}  {text}"

    def queues(self) -> tuple[tuple[int, ...], ...]:
        d = self.debugger
        return tuple(tuple(d.queue(w)) if d.tasks(w) else () for w in range(len(self.contenders)))

    def pspaces(self) -> tuple[np.ndarray, ...]:
        ps = self.debugger.pspace
        out = []
        for w in range(len(self.contenders)):
            base = int(ps.index[w]) * ps.size
            cells = np.array(ps.cells[base : base + ps.size], dtype=np.int64)
            cells[0] = int(ps.last_result[w])
            out.append(cells)
        return tuple(out)

    def cycles_left(self) -> int:
        d = self.debugger
        return -(-d.budget // max(d.alive, 1))

    def frame(self) -> Frame:
        """A snapshot for the screen; clears the 'touched since last frame' marks."""
        d = self.debugger
        fresh = self.fresh.copy()
        self.fresh[:] = False
        self._frames += 1
        return Frame(
            core_size=self.core_size,
            names=self.names,
            round=d.round,
            rounds=d.rounds,
            steps=d.steps,
            cycles_left=self.cycles_left(),
            max_cycles=self.settings.max_cycles,
            alive=d.alive,
            next_warrior=d.next_warrior,
            round_over=d.round_over,
            battle_over=self.battle_over,
            owner=self.owner.copy(),
            act=self.act.copy(),
            fresh=fresh,
            core=d.core.copy(),
            queues=self.queues(),
            pspace=self.pspaces(),
            scores=tuple((a, b, c) for a, b, c in self.scores),
            breakpoints=self.breakpoints.exec_addresses(),
            last=tuple(self._last),
            message=self.message,
            positions=tuple(self.position(w) for w in range(len(self.contenders))),
            serial=self._frames,
            breakpoint_list=tuple(self.breakpoints),
            breakpoints_persist=self.breakpoints.persist,
            breakpoints_version=self.breakpoints.version,
            writer=self.writer.copy(),
            write_step=self.write_step.copy(),
            next_step=d.peek(),
            history=tuple(self.history),
        )

    # ---- listing and trace
    def trace_lines(self) -> Iterable[str]:
        """The recorded instructions of this round, one line each (oldest first)."""
        start = self.debugger.steps - self._trace_rows
        yield f"; arena trace: {' vs '.join(self.names)}, round {self.debugger.round}"
        yield ";   step warrior      pc  instruction"
        i = start
        for chunk in self._trace:
            for r in chunk:
                yield f"{i:8d} {self.row_text(r)}"
                i += 1

    def export_trace(self, path: str | Path) -> int:
        lines = list(self.trace_lines())
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(target)
        return len(lines) - 2


def listing(
    frame: Frame,
    contenders: Sequence[Contender],
    center: int,
    count: int,
    *,
    compact: bool = False,
) -> list[tuple[int, str, str, int]]:
    """``count`` cells around ``center``: (address, canonical text, source line, owner).

    The source line is given when the cell still holds the very instruction its warrior
    was loaded with there.
    """
    s = frame.core_size
    first = center - count // 2
    rows = []
    for k in range(count):
        a = (first + k) % s
        ins = int(frame.core[a * CELL + INS])
        av = int(frame.core[a * CELL + AV])
        bv = int(frame.core[a * CELL + BV])
        key = ins & 0xFF
        text = format_instruction(
            key >> 3, key & 7, (ins >> 8) & 7, av, (ins >> 11) & 7, bv, s, compact=compact
        )
        source = ""
        for w, c in enumerate(contenders):
            if w >= len(frame.positions):
                break
            i = (a - frame.positions[w]) % s
            if i < len(c.warrior):
                op, mod, am, wav, bm, wbv = c.warrior.instruction(i)
                if (op * 8 + mod) | (am << 8) | (bm << 11) == ins and wav == av and wbv == bv:
                    line = c.warrior.source_lines[i]
                    lines = c.source_lines
                    if 1 <= line <= len(lines):
                        source = lines[line - 1].strip()
                    break
        rows.append((a, text, source, int(frame.owner[a])))
    return rows


__all__ = [
    "ACT_EXEC",
    "ACT_NONE",
    "ACT_READ",
    "ACT_WRITE",
    "NO_OWNER",
    "BattleSession",
    "Contender",
    "Frame",
    "StepReport",
    "contender_from_text",
    "listing",
    "load_contender",
]
