"""Python side of the engine: allocate, validate, call the kernels, split work over threads.

Nothing here runs per instruction. ``run_rounds`` plays a list of rounds whose placements
are already decided (``arena.battle`` decides them exactly as pMARS does).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from arena.mars.kernel import play_rounds
from arena.mars.layout import new_core
from arena.mars.program import Program
from arena.redcode.model import Warrior


def default_pspace_size(core_size: int) -> int:
    """pMARS's default P-space size: core size divided by its largest divisor ≤ 16."""
    for i in range(16, 0, -1):
        if core_size % i == 0:
            return core_size // i
    return core_size  # unreachable: 1 divides everything


@dataclass(slots=True)
class PSpace:
    """Every warrior's P-space for one battle; it outlives the rounds, as in pMARS.

    Warriors that declare the same PIN share one P-space; every other warrior has its own.
    Cell 0 is per warrior whatever the sharing: it reads the warrior's last result, which
    starts as ``core_size - 1`` and after each round is the number of warriors alive at its
    end (0 if the warrior died).
    """

    cells: np.ndarray  # int64, n_spaces * size
    size: int
    index: np.ndarray  # int64, one P-space number per warrior
    last_result: np.ndarray  # int64, per warrior

    @classmethod
    def for_warriors(cls, warriors: Sequence[Warrior], core_size: int, size: int | None = None):
        size = default_pspace_size(core_size) if size is None else int(size)
        index: list[int] = []
        by_pin: dict[int, int] = {}
        spaces = 0
        for w in warriors:
            if w.pin is None:
                index.append(spaces)
                spaces += 1
            elif w.pin in by_pin:
                index.append(by_pin[w.pin])
            else:
                by_pin[w.pin] = spaces
                index.append(spaces)
                spaces += 1
        return cls(
            cells=np.zeros(max(spaces, 1) * size, dtype=np.int64),
            size=size,
            index=np.array(index, dtype=np.int64),
            last_result=np.full(len(warriors), core_size - 1, dtype=np.int64),
        )

    def read(self, warrior: int, cell: int) -> int:
        """The value warrior ``warrior`` would load from P-space cell ``cell``."""
        k = cell % self.size
        if k == 0:
            return int(self.last_result[warrior])
        return int(self.cells[self.index[warrior] * self.size + k])

    def copy(self) -> PSpace:
        return PSpace(self.cells.copy(), self.size, self.index.copy(), self.last_result.copy())


@dataclass(slots=True)
class RoundsResult:
    """What the kernel reports for a list of rounds."""

    slots: np.ndarray  # int64 [N, 2N-1], pMARS's score slots (see arena.scoring)
    steps: np.ndarray  # int64 [R], instructions executed per round
    tasks: np.ndarray  # int64 [R, N], processes alive at the end of each round
    drq_score: np.ndarray | None = None  # float64 [R, N]
    drq_spawned: np.ndarray | None = None  # int64 [R, N]
    drq_coverage: np.ndarray | None = None  # int64 [R, N]


def _limits(core_size: int, read_limit: int | None, write_limit: int | None):
    r = core_size if read_limit is None else int(read_limit)
    w = core_size if write_limit is None else int(write_limit)
    if r <= 0 or w <= 0 or core_size % r or core_size % w:
        raise ValueError("read/write limits must be positive divisors of the core size")
    if r == core_size and w == core_size:
        return None  # no folding: the kernel specialisation without limits
    return np.array([r, w], dtype=np.int64)


# Rounds per battle are split into this many chunks per thread (see ``run_rounds``): many
# small chunks even out rounds of unequal length (4 gave two cores 1.80-2.09x one core
# with certain ties stopped, 16 gave 1.90-2.10x; a chunk costs a core array and a task).
CHUNKS_PER_THREAD = 16


def available_threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def run_rounds(
    program: Program,
    *,
    cycles: int,
    max_processes: int,
    positions: np.ndarray,
    starters: np.ndarray,
    pspace: PSpace,
    read_limit: int | None = None,
    write_limit: int | None = None,
    drq: bool = False,
    threads: int = 1,
    stop_certain_ties: bool = True,
) -> RoundsResult:
    """Play ``len(positions)`` rounds; ``positions[r, w]`` is warrior w's load address.

    ``stop_certain_ties`` ends a round early once it is a certain tie (only imps left, or
    no word left in the core that could end a process, start one or write P-space: see
    ``arena.mars.kernel``); results, process counts and instruction counts are the same
    either way, so it is off only to measure the interpreter itself.

    With ``threads > 1`` the rounds are split into a few contiguous chunks per thread,
    played at once on separate threads (the kernels release the GIL). That is only done
    when no warrior uses P-space (LDP or STP): only then are rounds independent of each
    other and the P-space after the battle that of the last chunk; otherwise they run in
    order on one thread. ``pspace`` is updated in place.
    """
    s = program.core_size
    n = program.n
    positions = np.ascontiguousarray(positions, dtype=np.int64)
    starters = np.ascontiguousarray(starters, dtype=np.int64)
    if positions.ndim != 2 or positions.shape[1] != n or starters.shape != positions.shape[:1]:
        raise ValueError("positions must be [rounds, warriors] and starters [rounds]")
    if cycles < 1 or max_processes < 1 or s < 1:
        raise ValueError("core size, cycles and processes must be positive")
    rw = _limits(s, read_limit, write_limit)
    rounds = positions.shape[0]
    slots = np.zeros((n, 2 * n - 1), dtype=np.int64)
    steps = np.zeros(rounds, dtype=np.int64)
    tasks = np.zeros((rounds, n), dtype=np.int64)
    drq_arrays = None
    if drq:
        drq_arrays = (
            np.zeros((rounds, n), dtype=np.float64),
            np.zeros((rounds, n), dtype=np.int64),
            np.zeros((rounds, n), dtype=np.int64),
        )

    def play(lo: int, hi: int, ps: PSpace, slot_out: np.ndarray) -> None:
        play_rounds(
            new_core(s),
            program.ins,
            program.handler,
            program.a,
            program.b,
            program.offsets,
            program.starts,
            s,
            int(cycles),
            int(max_processes),
            positions[lo:hi],
            starters[lo:hi],
            ps.cells,
            ps.size,
            ps.index,
            ps.last_result,
            slot_out,
            steps[lo:hi],
            tasks[lo:hi],
            rw,
            None if drq_arrays is None else tuple(x[lo:hi] for x in drq_arrays),
            stop_certain_ties,
        )

    threads = max(1, min(int(threads), rounds))
    if threads == 1 or program.uses_pspace:
        play(0, rounds, pspace, slots)
    else:
        # more chunks than threads, taken in turn by whichever thread is free: rounds differ
        # in length (a certain tie stops early), and equal halves would leave one core idle
        chunks = min(rounds, threads * CHUNKS_PER_THREAD)
        bounds = np.linspace(0, rounds, chunks + 1).astype(int)
        spaces = [pspace.copy() for _ in range(chunks)]
        parts = [np.zeros_like(slots) for _ in range(chunks)]
        with ThreadPoolExecutor(max_workers=threads) as pool:
            futures = [
                pool.submit(play, int(bounds[i]), int(bounds[i + 1]), spaces[i], parts[i])
                for i in range(chunks)
            ]
            for f in futures:
                f.result()
        for part in parts:
            slots += part
        last = spaces[-1]
        pspace.cells[:] = last.cells
        pspace.last_result[:] = last.last_result
    result = RoundsResult(slots=slots, steps=steps, tasks=tasks)
    if drq_arrays is not None:
        result.drq_score, result.drq_spawned, result.drq_coverage = drq_arrays
    return result
