"""Round-robin hills: every pair of warriors, KotH scores, a results cache, all cores.

How a pair is played
    Every unordered pair {A, B} plays ``rounds`` rounds (default 100) with pMARS's
    placement, in both orders: ``ceil(rounds/2)`` rounds with A loaded at 0 (``pmars -r
    50 -f A B``) and ``floor(rounds/2)`` with B loaded at 0 (``pmars -r 50 -f B A``).
    Within each half pMARS alternates the first mover. The seed is pMARS's ``-f``
    checksum seed by default, so every number here can be reproduced with pMARS itself;
    ``seed=N`` uses seed₀ = N for every battle instead.

Scores
    KotH: 3 points per win, 1 per tie, times 100 over the rounds played, so a warrior
    that ties everything scores 100 and one that wins everything 300.

Cache
    A battle's result depends only on the two load images and the settings, so results
    are stored under (content hash of A, content hash of B, rounds, seed) in one JSON
    file per settings. A hill that gains one warrior (``--add``) replays only the
    newcomer's pairs. Files are written atomically (temp file + rename).

Parallelism
    Battles are spread over a pool of threads; the engine's kernels release the GIL, so
    the pool uses every core. ``progress(done, total)`` is called in the calling thread
    after each battle.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from arena.battle import play
from arena.errors import UsageError
from arena.io import write_atomic
from arena.mars.engine import available_threads
from arena.redcode.files import load_warrior_files
from arena.redcode.model import Warrior
from arena.scoring import koth_score
from arena.settings import Settings

DEFAULT_ROUNDS = 100
CACHE_VERSION = 1

Progress = Callable[[int, int], None]


class HillError(UsageError, ValueError):
    """A warrior that cannot join the hill, or an impossible request (one line)."""


# --------------------------------------------------------------------------- warriors


def content_hash(warrior: Warrior) -> str:
    """SHA-256 of what a battle depends on: the load image, ORG and PIN (not names)."""
    h = hashlib.sha256()
    h.update(f"{warrior.start}:{warrior.pin}:{len(warrior)}:".encode())
    for column in (
        warrior.opcode,
        warrior.modifier,
        warrior.a_mode,
        warrior.b_mode,
        warrior.a_value,
        warrior.b_value,
    ):
        h.update(np.ascontiguousarray(column, dtype=np.int64).tobytes())
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class Entry:
    """One warrior on a hill."""

    warrior: Warrior
    key: str  # short display id: the file's stem, made unique
    path: str | None
    digest: str

    @property
    def name(self) -> str:
        return self.warrior.name or self.key

    @property
    def author(self) -> str:
        return self.warrior.author


def entry_from_warrior(warrior: Warrior, key: str | None = None) -> Entry:
    """Wrap an assembled warrior (e.g. from the evolution loop)."""
    if key is None:
        key = Path(warrior.file).stem if warrior.file else (warrior.name or "warrior")
    return Entry(warrior, key, warrior.file, content_hash(warrior))


def _unique_keys(paths: Sequence[Path]) -> list[str]:
    keys: list[str] = []
    seen: dict[str, int] = {}
    for p in paths:
        k = p.stem
        if k in seen:
            seen[k] += 1
            k = f"{k}~{seen[k]}"
        else:
            seen[k] = 1
        keys.append(k)
    return keys


def load_warriors(
    specs: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    settings: Settings,
    *,
    skipped: list[str] | None = None,
) -> list[Entry]:
    """Hill entries of every warrior named by ``specs`` (files and directories).

    Loaded by ``arena.redcode.files`` under ``settings`` (admission included): a file
    named explicitly that fails raises WarriorFileError; one found in a directory is left
    out, with a one-line reason appended to ``skipped``.
    """
    loaded = load_warrior_files(specs, settings, skipped=skipped)
    keys = _unique_keys([w.path for w in loaded])
    return [
        Entry(w.warrior, key, str(w.path), content_hash(w.warrior))
        for w, key in zip(loaded, keys, strict=True)
    ]


# ----------------------------------------------------------------------------- cache


def settings_key(settings: Settings) -> str:
    """Everything in the settings that can change a battle's result."""
    return (
        f"s{settings.core_size}-c{settings.max_cycles}-p{settings.max_processes}"
        f"-l{settings.max_length}-d{settings.min_distance}-S{settings.pspace}"
        f"-R{settings.read}-W{settings.write}"
    )


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "arena" / "hill"


def _plausible(key: object, value: object) -> bool:
    """A cached (A wins, B wins, ties) that adds up to the rounds its key names."""
    if not isinstance(key, str) or not isinstance(value, list) or len(value) != 3:
        return False
    if not all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in value):
        return False
    parts = key.split(":")
    return len(parts) == 4 and parts[2].isdigit() and sum(value) == int(parts[2]) > 0


class ResultCache:
    """Battle results by (hash A, hash B, rounds, seed), one JSON file per settings.

    ``directory=None`` keeps results in memory only. Not thread-safe: the hill touches
    it from the calling thread only.
    """

    def __init__(self, directory: str | os.PathLike[str] | None, settings: Settings):
        self.settings = settings
        self.skey = settings_key(settings)
        self.path: Path | None = None
        self.results: dict[str, list[int]] = {}
        self._dirty = False
        self.problem: str | None = None  # why the last save failed, if it did
        if directory is not None:
            d = Path(directory)
            tag = hashlib.sha256(self.skey.encode()).hexdigest()[:16]
            self.path = d / f"hill-{tag}.json"
            self._load()

    def _load(self) -> None:
        assert self.path is not None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError, RecursionError):
            return  # unreadable or corrupt: start afresh, it is only a cache
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return
        results = data.get("results")
        if data.get("settings") != self.skey or not isinstance(results, dict):
            return
        self.results = {k: list(v) for k, v in results.items() if _plausible(k, v)}

    @staticmethod
    def key(a: str, b: str, rounds: int, seed: int | None) -> str:
        return f"{a}:{b}:{rounds}:{'f' if seed is None else seed}"

    def get(self, a: str, b: str, rounds: int, seed: int | None) -> tuple[int, int, int] | None:
        v = self.results.get(self.key(a, b, rounds, seed))
        return None if v is None else (int(v[0]), int(v[1]), int(v[2]))

    def put(self, a: str, b: str, rounds: int, seed: int | None, value: Sequence[int]) -> None:
        self.results[self.key(a, b, rounds, seed)] = [int(x) for x in value]
        self._dirty = True

    def save(self) -> None:
        """Write the results out; a failure is kept in ``problem``, never raised.

        The cache only saves work: a full disk or an unwritable folder must not throw
        away the battles just played, so the caller reports ``problem`` and goes on.
        """
        if self.path is None or not self._dirty:
            return
        data = {"version": CACHE_VERSION, "settings": self.skey, "results": self.results}
        try:
            write_atomic(self.path, json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n")
        except OSError as exc:
            self.problem = (
                f"cannot write the results cache {self.path} ({exc.strerror or exc}); "
                "results were not cached (use --cache-dir DIR or --no-cache)"
            )
            return
        self._dirty = False


# --------------------------------------------------------------------------- battles


@dataclass(frozen=True, slots=True)
class Battle:
    """One pMARS run: ``a`` loaded at 0, ``b`` placed by pMARS, ``rounds`` rounds."""

    a: int  # entry indices
    b: int
    rounds: int


def pair_battles(i: int, j: int, rounds: int) -> list[Battle]:
    """The battles of pair {i, j}: half the rounds in each order (i first)."""
    first = (rounds + 1) // 2
    second = rounds - first
    out = [Battle(i, j, first)] if first else []
    if second:
        out.append(Battle(j, i, second))
    return out


def play_battle(a: Warrior, b: Warrior, settings: Settings, rounds: int, seed: int | None):
    """(A wins, B wins, ties) of ``pmars -r rounds -f A B`` (or ``seed₀ = seed``)."""
    res = play(
        [a, b],
        settings,
        rounds=rounds,
        checksum_seed=seed is None,
        seed=seed,
        threads=1,
    )
    return int(res.slots[0, 0]), int(res.slots[1, 0]), int(res.slots[0, 1])


@dataclass(slots=True)
class BattleStats:
    played: int = 0
    cached: int = 0
    seconds: float = 0.0


def play_battles(
    entries: Sequence[Entry],
    battles: Sequence[Battle],
    settings: Settings,
    *,
    seed: int | None = None,
    threads: int | None = None,
    cache: ResultCache | None = None,
    progress: Progress | None = None,
    stats: BattleStats | None = None,
    save_every: float = 30.0,
) -> list[tuple[int, int, int]]:
    """Results of ``battles`` in order, from the cache or played on ``threads`` threads."""
    total = len(battles)
    results: list[tuple[int, int, int] | None] = [None] * total
    todo: list[int] = []
    for k, bt in enumerate(battles):
        hit = None
        if cache is not None:
            hit = cache.get(entries[bt.a].digest, entries[bt.b].digest, bt.rounds, seed)
        if hit is None:
            todo.append(k)
        else:
            results[k] = hit
    done = total - len(todo)
    if stats is not None:
        stats.cached += done
    if progress is not None:
        progress(done, total)
    t0 = time.perf_counter()
    last_save = t0

    def run(k: int) -> tuple[int, int, int]:
        bt = battles[k]
        return play_battle(entries[bt.a].warrior, entries[bt.b].warrior, settings, bt.rounds, seed)

    played = 0

    def record(k: int, value: tuple[int, int, int]) -> None:
        nonlocal done, last_save, played
        results[k] = value
        played += 1
        bt = battles[k]
        if cache is not None:
            cache.put(entries[bt.a].digest, entries[bt.b].digest, bt.rounds, seed, value)
            now = time.perf_counter()
            if now - last_save > save_every:
                cache.save()
                last_save = now
        done += 1
        if progress is not None:
            progress(done, total)

    n_threads = available_threads() if threads is None else max(1, int(threads))
    n_threads = min(n_threads, max(1, len(todo)))
    try:
        if n_threads <= 1:
            for k in todo:
                record(k, run(k))
        else:
            # warm the kernels up (load or compile) once, before the pool starts
            if todo:
                k0 = todo.pop(0)
                record(k0, run(k0))
            with ThreadPoolExecutor(max_workers=n_threads) as pool:
                # keep a bounded number of battles in flight, so an interrupt stops soon
                pending: dict = {}
                it = iter(todo)
                limit = 4 * n_threads
                for k in it:
                    pending[pool.submit(run, k)] = k
                    if len(pending) >= limit:
                        break
                while pending:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in finished:
                        k = pending.pop(fut)
                        record(k, fut.result())
                        nxt = next(it, None)
                        if nxt is not None:
                            pending[pool.submit(run, nxt)] = nxt
    finally:
        if cache is not None:
            cache.save()
    if stats is not None:
        stats.played += played
        stats.seconds += time.perf_counter() - t0
    assert all(r is not None for r in results)
    return results  # type: ignore[return-value]


# ------------------------------------------------------------------------------ hill


@dataclass(slots=True)
class Standing:
    """One warrior's line of the hill table."""

    entry: Entry
    wins: int
    losses: int
    ties: int
    rounds: int
    rank: int = 0

    @property
    def score(self) -> float:
        return koth_score(self.wins, self.ties, self.rounds)


@dataclass(slots=True)
class HillResult:
    """A finished round robin."""

    entries: list[Entry]
    settings: Settings
    rounds: int  # per pair
    seed: int | None
    wins: np.ndarray  # int64 [N, N]: rounds i won against j
    ties: np.ndarray  # int64 [N, N]: rounds i tied with j (symmetric)
    battles: list[tuple[Battle, tuple[int, int, int]]] = field(default_factory=list)
    stats: BattleStats = field(default_factory=BattleStats)

    def pair(self, i: int, j: int) -> tuple[int, int, int]:
        """(i's wins, i's losses, ties) against j."""
        return int(self.wins[i, j]), int(self.wins[j, i]), int(self.ties[i, j])

    def standings(self) -> list[Standing]:
        """Every warrior, best KotH score first (ties broken by wins, then file name)."""
        out = []
        n = len(self.entries)
        for i, e in enumerate(self.entries):
            w = int(self.wins[i].sum())
            losses = int(self.wins[:, i].sum())
            t = int(self.ties[i].sum())
            out.append(Standing(e, w, losses, t, w + losses + t))
        out.sort(key=lambda s: (-s.score, -s.wins, s.entry.key))
        for r, s in enumerate(out, 1):
            s.rank = r
        assert len(out) == n
        return out

    def to_json(self) -> dict:
        return {
            "settings": settings_key(self.settings),
            "rounds_per_pair": self.rounds,
            "seed": "checksum" if self.seed is None else self.seed,
            "standings": [
                {
                    "rank": s.rank,
                    "file": s.entry.key,
                    "path": s.entry.path,
                    "name": s.entry.name,
                    "author": s.entry.author,
                    "sha256": s.entry.digest,
                    "wins": s.wins,
                    "losses": s.losses,
                    "ties": s.ties,
                    "rounds": s.rounds,
                    "score": round(s.score, 3),
                }
                for s in self.standings()
            ],
            "pairs": [
                {
                    "a": self.entries[i].key,
                    "b": self.entries[j].key,
                    "a_wins": int(self.wins[i, j]),
                    "b_wins": int(self.wins[j, i]),
                    "ties": int(self.ties[i, j]),
                }
                for i in range(len(self.entries))
                for j in range(i + 1, len(self.entries))
            ],
            "battles_played": self.stats.played,
            "battles_cached": self.stats.cached,
            "seconds": round(self.stats.seconds, 3),
        }


def run_hill(
    entries: Sequence[Entry],
    settings: Settings,
    *,
    rounds: int = DEFAULT_ROUNDS,
    seed: int | None = None,
    threads: int | None = None,
    cache: ResultCache | None = None,
    progress: Progress | None = None,
) -> HillResult:
    """Round robin of every pair of ``entries`` (see the module docstring)."""
    entries = list(entries)
    if rounds < 1:
        raise HillError("rounds per pair must be at least 1")
    n = len(entries)
    for e in entries:
        if len(e.warrior) > settings.max_length:
            raise HillError(f"{e.path or e.key}: longer than {settings.max_length} instructions")
    battles: list[Battle] = []
    for i in range(n):
        for j in range(i + 1, n):
            battles.extend(pair_battles(i, j, rounds))
    stats = BattleStats()
    results = play_battles(
        entries,
        battles,
        settings,
        seed=seed,
        threads=threads,
        cache=cache,
        progress=progress,
        stats=stats,
    )
    wins = np.zeros((n, n), dtype=np.int64)
    ties = np.zeros((n, n), dtype=np.int64)
    for bt, (wa, wb, t) in zip(battles, results, strict=True):
        wins[bt.a, bt.b] += wa
        wins[bt.b, bt.a] += wb
        ties[bt.a, bt.b] += t
        ties[bt.b, bt.a] += t
    return HillResult(
        entries,
        settings,
        rounds,
        seed,
        wins,
        ties,
        list(zip(battles, results, strict=True)),
        stats,
    )
