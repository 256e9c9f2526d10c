"""Breakpoints on a battle: execute at an address, write to an address, a process count.

They are checked against the engine's trace rows (one row per executed instruction, as
``arena.mars.kernel`` writes them), after the fact and vectorised, so stepping stays one
kernel call per chunk; the caller rolls back to the first hit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from arena.mars.kernel import TR_A, TR_ADDR_B, TR_B, TR_INS, TR_NPROCS, TR_PC, TR_W
from arena.redcode.model import ADD, DIV, DJN, LDP, MOD, MOV, MUL, SUB

Kind = Literal["exec", "write", "procs"]
KINDS: tuple[Kind, ...] = ("exec", "write", "procs")

_WRITES_B = np.zeros(32, dtype=bool)
_WRITES_B[[MOV, ADD, SUB, MUL, DIV, MOD, DJN, LDP]] = True
# < > { } change the cell their field points at
_INCREMENTS = np.array([False, False, False, True, True, False, True, True])


@dataclass(frozen=True, slots=True)
class Breakpoint:
    """One condition. ``exec``: stop in front of an instruction at ``address`` (cdb's
    trace bit); ``write``: stop after an instruction writes ``address``; ``procs``: stop
    after warrior ``warrior`` (0-based) changes its process count to ``count``."""

    kind: Kind
    address: int = 0
    warrior: int = 0
    count: int = 0
    enabled: bool = True

    @property
    def key(self) -> tuple[str, int, int]:
        if self.kind == "procs":
            return (self.kind, self.warrior, self.count)
        return (self.kind, self.address, 0)

    def describe(self, names: tuple[str, ...] = ()) -> str:
        if self.kind == "exec":
            return f"execute at {self.address}"
        if self.kind == "write":
            return f"write to {self.address}"
        name = names[self.warrior] if self.warrior < len(names) else f"#{self.warrior + 1}"
        return f"{name} has {self.count} process{'' if self.count == 1 else 'es'}"


@dataclass(frozen=True, slots=True)
class Hit:
    """Where a chunk of trace rows must be cut: keep ``rows[:keep]``."""

    keep: int
    breakpoint: Breakpoint
    address: int  # the cell (exec, write) or the warrior's PC (procs)


class Breakpoints:
    """The session's breakpoints, in the order they were set.

    ``persist``: kept when a new round starts (the default here). pMARS keeps cdb's trace
    bits in core cells, so a new round's fresh core drops them; ``persist = False`` gives
    that behaviour.
    """

    def __init__(self, core_size: int) -> None:
        self.core_size = core_size
        self._items: dict[tuple[str, int, int], Breakpoint] = {}
        self.persist = True
        self._exec: np.ndarray | None = None
        self.version = 0  # bumped on every change, so views know when to redraw

    # ---- reading
    def __iter__(self) -> Iterator[Breakpoint]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return any(b.enabled for b in self._items.values())

    def __getitem__(self, index: int) -> Breakpoint:
        return list(self._items.values())[index]

    def exec_addresses(self) -> frozenset[int]:
        """Addresses with an enabled execute breakpoint (cdb's traced cells)."""
        return frozenset(int(a) for a in self._exec_array())

    def _exec_array(self) -> np.ndarray:
        if self._exec is None:
            self._exec = np.array(
                sorted(b.address for b in self._items.values() if b.kind == "exec" and b.enabled),
                dtype=np.int64,
            )
        return self._exec

    # ---- changing
    def _changed(self) -> None:
        self._exec = None
        self.version += 1

    def add(self, bp: Breakpoint) -> Breakpoint:
        if bp.kind not in KINDS:
            raise ValueError(f"unknown breakpoint kind {bp.kind!r}")
        if bp.kind != "procs":
            bp = replace(bp, address=bp.address % self.core_size)
        elif bp.count < 0:
            raise ValueError("a process count is 0 or more")
        self._items[bp.key] = bp
        self._changed()
        return bp

    def add_exec(self, addresses: Iterable[int]) -> int:
        """Set execute breakpoints (cdb's ``trace``); returns how many were new."""
        new = 0
        for a in addresses:
            bp = Breakpoint("exec", a % self.core_size)
            new += bp.key not in self._items
            self._items[bp.key] = bp
        self._changed()
        return new

    def remove_exec(self, addresses: Iterable[int]) -> int:
        """Clear execute breakpoints (cdb's ``untrace``); returns how many went."""
        gone = 0
        for a in addresses:
            gone += self._items.pop(("exec", a % self.core_size, 0), None) is not None
        self._changed()
        return gone

    def toggle_exec(self, address: int) -> bool:
        """Set or clear the execute breakpoint at ``address``; True if it is now set."""
        key = ("exec", address % self.core_size, 0)
        if key in self._items:
            del self._items[key]
            self._changed()
            return False
        self.add(Breakpoint("exec", address))
        return True

    def toggle(self, index: int) -> Breakpoint:
        """Enable or disable the ``index``-th breakpoint (it stays in the list)."""
        bp = self[index]
        self._items[bp.key] = flipped = replace(bp, enabled=not bp.enabled)
        self._changed()
        return flipped

    def remove(self, index: int) -> Breakpoint:
        bp = self[index]
        del self._items[bp.key]
        self._changed()
        return bp

    def clear(self) -> int:
        n = len(self._items)
        self._items.clear()
        self._changed()
        return n

    def new_round(self) -> None:
        """A round starts: forget everything unless ``persist``."""
        if not self.persist:
            self.clear()

    # ---- checking
    def first_hit(
        self, rows: np.ndarray, tasks_after: list[int], *, skip_first: bool
    ) -> Hit | None:
        """The earliest breakpoint the executed ``rows`` ran into, if any.

        ``tasks_after``: each warrior's process count after the last row. ``skip_first``:
        ignore an execute breakpoint on the first row (we are stepping off it).
        """
        if len(rows) == 0 or not self:
            return None
        s = self.core_size
        best: Hit | None = None

        def offer(keep: int, bp: Breakpoint, address: int) -> None:
            nonlocal best
            if best is None or keep < best.keep:
                best = Hit(keep, bp, address)

        pc = rows[:, TR_PC]
        exec_at = self._exec_array()
        if len(exec_at):
            hits = np.flatnonzero(np.isin(pc, exec_at))
            if skip_first:
                hits = hits[hits > 0]
            if len(hits):
                i = int(hits[0])
                offer(i, self._items[("exec", int(pc[i]), 0)], int(pc[i]))
        writes = [b for b in self._items.values() if b.kind == "write" and b.enabled]
        if writes:
            ins = rows[:, TR_INS]
            op = (ins & 0xFF) >> 3
            am = (ins >> 8) & 7
            bm = (ins >> 11) & 7
            targets = np.array([b.address for b in writes], dtype=np.int64)
            written = (_WRITES_B[op] & np.isin(rows[:, TR_ADDR_B], targets)) | (
                _INCREMENTS[am] & np.isin((pc + rows[:, TR_A]) % s, targets)
            )
            written |= _INCREMENTS[bm] & np.isin((pc + rows[:, TR_B]) % s, targets)
            hits = np.flatnonzero(written)
            if len(hits):
                i = int(hits[0])
                cells = set()
                if _WRITES_B[op[i]]:
                    cells.add(int(rows[i, TR_ADDR_B]))
                if _INCREMENTS[am[i]]:
                    cells.add(int((pc[i] + rows[i, TR_A]) % s))
                if _INCREMENTS[bm[i]]:
                    cells.add(int((pc[i] + rows[i, TR_B]) % s))
                for b in writes:
                    if b.address in cells:
                        offer(i + 1, b, b.address)
                        break
        for b in self._items.values():
            if b.kind != "procs" or not b.enabled:
                continue
            mine = np.flatnonzero(rows[:, TR_W] == b.warrior)
            if not len(mine):
                continue
            before = rows[mine, TR_NPROCS]
            final = tasks_after[b.warrior] if b.warrior < len(tasks_after) else 0
            after = np.append(before[1:], final)
            hits = mine[(after == b.count) & (before != b.count)]
            if len(hits):
                i = int(hits[0])
                offer(i + 1, b, int(pc[i]))
        return best
