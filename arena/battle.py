"""Battles exactly as pMARS 0.9.4 stages them: seeds, placement, rounds, first movers.

The formulas are those of ``golden/README.md`` §1.2-1.7:

* one seed for the whole run: ``-F N`` gives ``N - d``; ``-f`` gives ``rng(checksum)``;
* two warriors: before round r, warrior 1 goes to ``d + seed mod (s + 1 - 2d)``, then the
  seed advances; with ``-P`` a shuffled table of every (position, first mover) is drawn
  from instead;
* three or more: ``posit`` (random draws with retries and backtracking), and ``npos`` if it
  fails;
* warrior 0 is always at 0; round r starts with warrior ``(r - 1) mod N``.

``play`` decides every round's placement, plays them with ``arena.mars`` and returns a
``BattleResult``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from arena.mars.debugger import Debugger
from arena.mars.engine import PSpace, RoundsResult, available_threads, run_rounds
from arena.mars.program import Program
from arena.redcode.model import MODE_PMARS_CODE, Warrior
from arena.settings import Settings

INT32_MASK = 0xFFFFFFFF


def _to_int32(x: int) -> int:
    x &= INT32_MASK
    return x - (1 << 32) if x >= (1 << 31) else x


@njit(cache=True, nogil=True)
def rng(seed):
    """pMARS's generator: Park-Miller "minimal standard" in Schrage form (C arithmetic)."""
    x = np.int64(seed)
    # C's truncating / and % on a 32-bit value
    q = abs(x) // 127773
    if x < 0:
        q = -q
    r = x - q * 127773
    t = 16807 * r - 2836 * q
    if t < 0:
        t += 2147483647
    return t


def checksum(warriors: Sequence[Warrior], core_size: int) -> int:
    """The ``-f`` checksum over the warriors' load images, as a 32-bit signed number."""
    total = 0
    k = 0
    for w in warriors:
        for i in range(len(w)):
            fields = (
                int(w.opcode[i]) * 8 + int(w.modifier[i]),
                MODE_PMARS_CODE[int(w.a_mode[i])],
                MODE_PMARS_CODE[int(w.b_mode[i])],
                int(w.a_value[i]) % core_size,
                int(w.b_value[i]) % core_size,
            )
            for f in fields:
                total += f ^ k
                k += 1
    return _to_int32(total)


@njit(cache=True, nogil=True)
def _place_two(seed, rounds, s, d):
    positions = np.zeros((rounds, 2), dtype=np.int64)
    starters = np.zeros(rounds, dtype=np.int64)
    span = s + 1 - 2 * d
    for r in range(rounds):
        positions[r, 1] = d + seed % span
        seed = rng(seed)
        starters[r] = r % 2
    return positions, starters, seed


@njit(cache=True, nogil=True)
def _posit(pos, seed, n, s, d):
    """pMARS's ``posit``; returns (ok, seed). Writes pos[1..n-1]."""
    p = 1
    retries1 = 20
    retries2 = 4
    span = s - 2 * d + 1
    while p < n:
        seed = rng(seed)
        pos[p] = seed % span + d
        i = 1
        while i < p:
            diff = pos[p] - pos[i]
            if diff < 0:
                diff = -diff
            if diff < d:
                break
            i += 1
        if i == p:
            p += 1
        else:
            if retries2 == 0:
                return False, seed
            if retries1 == 0:
                p = i
                retries2 -= 1
                retries1 = 20
            else:
                retries1 -= 1
    return True, seed


@njit(cache=True, nogil=True)
def _npos(pos, seed, n, s, d):
    """pMARS's fallback ``npos``; returns the seed. Writes pos[1..n-1]."""
    room = (s - d * n + 1) & 0xFFFFFFFF  # unsigned in C
    for i in range(1, n):
        seed = rng(seed)
        t = seed % room
        j = i - 1
        while j > 0:
            if t > pos[j]:
                break
            pos[j + 1] = pos[j]
            j -= 1
        pos[j + 1] = t
    for i in range(1, n):
        pos[i] += i * d
    for i in range(1, n):
        seed = rng(seed)
        j = seed % (n - i) + i
        t = pos[j]
        pos[j] = pos[i]
        pos[i] = t
    return seed


@njit(cache=True, nogil=True)
def _place_many(seed, rounds, n, s, d):
    positions = np.zeros((rounds, n), dtype=np.int64)
    starters = np.zeros(rounds, dtype=np.int64)
    used_npos = np.zeros(rounds, dtype=np.bool_)
    pos = np.zeros(n, dtype=np.int64)
    for r in range(rounds):
        ok, seed = _posit(pos, seed, n, s, d)
        if not ok:
            seed = _npos(pos, seed, n, s, d)
            used_npos[r] = True
        pos[0] = 0
        positions[r, :] = pos
        starters[r] = r % n
    return positions, starters, used_npos, seed


@njit(cache=True, nogil=True)
def _place_permutations(seed, rounds, s, d):
    """``-P``: every (position, first mover) pair drawn without replacement."""
    span = s + 1 - 2 * d
    positions = np.zeros((rounds, 2), dtype=np.int64)
    starters = np.zeros(rounds, dtype=np.int64)
    table = np.zeros(2 * span, dtype=np.int64)
    left = 0
    for r in range(rounds):
        if left == 0:
            while left < 2 * span:
                table[left] = left
                left += 1
        k = seed % left
        positions[r, 1] = d + table[k] // 2
        starters[r] = table[k] % 2
        left -= 1
        table[k] = table[left]
        seed = rng(seed)
    return positions, starters, seed


@dataclass(slots=True)
class Placement:
    """Where each warrior is loaded and who moves first, for every round."""

    positions: np.ndarray  # int64 [R, N], load addresses; column 0 is 0
    starters: np.ndarray  # int64 [R]
    npos: np.ndarray  # bool [R], True where posit failed and npos placed the warriors
    seed: int  # the seed after the last round


class PlacementError(ValueError):
    """The settings admit no placement (pMARS refuses them on its command line)."""


def initial_seed(
    warriors: Sequence[Warrior],
    settings: Settings,
    *,
    fixed_position: int | None = None,
    checksum_seed: bool = False,
    seed: int | None = None,
) -> int:
    """seed₀ as pMARS computes it (``-F``, ``-f``, else from ``seed`` or the clock)."""
    d = settings.min_distance
    if fixed_position is not None and checksum_seed:
        raise PlacementError("-F and -f are mutually exclusive")
    if fixed_position is not None:
        if fixed_position < d:
            raise PlacementError("Position of warrior #2 cannot be smaller than warrior distance")
        return _to_int32(int(fixed_position) - d)
    if checksum_seed:
        return int(rng(checksum(warriors, settings.core_size)))
    if seed is not None:
        return _to_int32(int(seed))
    return int(rng(int(time.time()) & 0x7FFFFFFF))


def place(
    n: int,
    rounds: int,
    settings: Settings,
    seed0: int,
    *,
    permutate: bool = False,
) -> Placement:
    """Every round's placement from seed₀, exactly as pMARS advances its seed."""
    s, d = settings.core_size, settings.min_distance
    if rounds < 0:
        raise PlacementError("rounds must be ≥ 0")
    if n < 1:
        raise PlacementError("no warriors")
    if n > 1 and s < n * d:
        raise PlacementError("core size is too small for the warriors and their distance")
    if permutate:
        if n != 2:
            raise PlacementError("-P works only with 2 warriors")
        positions, starters, seed = _place_permutations(np.int64(seed0), rounds, s, d)
        return Placement(positions, starters, np.zeros(rounds, dtype=bool), int(seed))
    if n == 1:
        return Placement(
            np.zeros((rounds, 1), dtype=np.int64),
            np.zeros(rounds, dtype=np.int64),
            np.zeros(rounds, dtype=bool),
            seed0,
        )
    if n == 2:
        positions, starters, seed = _place_two(np.int64(seed0), rounds, s, d)
        return Placement(positions, starters, np.zeros(rounds, dtype=bool), int(seed))
    positions, starters, used, seed = _place_many(np.int64(seed0), rounds, n, s, d)
    return Placement(positions, starters, used, int(seed))


@dataclass(slots=True)
class BattleResult:
    """Everything one battle (one pMARS run) produced."""

    names: list[str]
    settings: Settings
    rounds: int
    placement: Placement
    slots: np.ndarray  # int64 [N, 2N-1]
    steps: np.ndarray  # int64 [R]
    tasks: np.ndarray  # int64 [R, N]
    starts: np.ndarray  # int64 [R, N], first process addresses
    pspace: PSpace
    seconds: float = 0.0
    drq_score: np.ndarray | None = None
    drq_spawned: np.ndarray | None = None
    drq_coverage: np.ndarray | None = None
    extra: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.names)

    @property
    def instructions(self) -> int:
        return int(self.steps.sum())

    def survivors(self, r: int) -> list[int]:
        return [int(i) for i in np.flatnonzero(self.tasks[r] > 0)]

    def wins(self) -> list[int]:
        """Rounds each warrior ended as the only survivor."""
        return [int(x) for x in self.slots[:, 0]]

    def ties(self) -> list[int]:
        """Rounds each warrior ended alive together with others."""
        return [int(x) for x in self.slots[:, 1 : self.n].sum(axis=1)]

    def losses(self) -> list[int]:
        """Rounds each warrior died in."""
        return [int(x) for x in self.slots[:, self.n :].sum(axis=1)]


def play(
    warriors: Sequence[Warrior],
    settings: Settings,
    *,
    rounds: int | None = None,
    fixed_position: int | None = None,
    checksum_seed: bool = False,
    seed: int | None = None,
    permutate: bool = False,
    drq: bool = False,
    threads: int | None = 1,
    pspace: PSpace | None = None,
    stop_certain_ties: bool = True,
) -> BattleResult:
    """One pMARS run: ``settings.rounds`` rounds (or ``rounds``) of these warriors.

    ``fixed_position`` is ``-F``, ``checksum_seed`` is ``-f``, ``permutate`` is ``-P``;
    without either seed option, ``seed`` (or the clock) gives seed₀. ``threads=None``
    uses every core. ``drq=True`` plays the rounds by the Digital Red Queen rules and fills
    the ``drq_*`` arrays (see ``arena.scoring``). ``stop_certain_ties=False`` plays every
    instruction of rounds that are certain ties (same results; for benchmarks).
    """
    warriors = list(warriors)
    n = len(warriors)
    s = settings.core_size
    if rounds is None:
        rounds = settings.rounds
        if permutate and rounds < 0:
            rounds = 2 * s - 4 * settings.min_distance + 2
    for w in warriors:
        if len(w) == 0:
            raise PlacementError(f"warrior {w.name or w.file} has no instructions")
        if len(w) > settings.max_length:
            raise PlacementError(f"warrior {w.name or w.file} is longer than {settings.max_length}")
    seed0 = initial_seed(
        warriors, settings, fixed_position=fixed_position, checksum_seed=checksum_seed, seed=seed
    )
    if permutate and fixed_position is not None:
        seed0 = _to_int32(seed0 * n)  # pMARS turns the -F position into a table index
    placement = place(n, rounds, settings, seed0, permutate=permutate)
    program = Program.from_warriors(warriors, s)
    if pspace is None:
        pspace = PSpace.for_warriors(warriors, s, settings.pspace_size)
    if threads is None:
        threads = available_threads()
    t0 = time.perf_counter()
    res: RoundsResult = run_rounds(
        program,
        cycles=settings.max_cycles,
        max_processes=settings.max_processes,
        positions=placement.positions,
        starters=placement.starters,
        pspace=pspace,
        read_limit=settings.read_limit,
        write_limit=settings.write_limit,
        drq=drq,
        threads=threads,
        stop_certain_ties=stop_certain_ties,
    )
    seconds = time.perf_counter() - t0
    starts = (placement.positions + program.starts[None, :]) % s
    return BattleResult(
        names=[w.name or (w.file or f"warrior{i}") for i, w in enumerate(warriors)],
        settings=settings,
        rounds=rounds,
        placement=placement,
        slots=res.slots,
        steps=res.steps,
        tasks=res.tasks,
        starts=starts,
        pspace=pspace,
        seconds=seconds,
        drq_score=res.drq_score,
        drq_spawned=res.drq_spawned,
        drq_coverage=res.drq_coverage,
    )


def debugger(
    warriors: Sequence[Warrior],
    settings: Settings,
    *,
    rounds: int | None = None,
    fixed_position: int | None = None,
    checksum_seed: bool = False,
    seed: int | None = None,
    track_events: bool = True,
) -> Debugger:
    """A Debugger whose rounds are placed exactly as ``play`` places them."""
    seed0 = initial_seed(
        warriors,
        settings,
        fixed_position=fixed_position,
        checksum_seed=checksum_seed,
        seed=seed,
    )
    rounds = settings.rounds if rounds is None else rounds
    placement = place(len(warriors), max(rounds, 1), settings, seed0)
    return Debugger(
        warriors,
        settings,
        placement.positions,
        placement.starters,
        track_events=track_events,
    )
