"""Benchmark warriors against a fixed set: KotH score and the paper's generality.

For every warrior W and every opponent O of the set, W and O fight 1-on-1 over N
placements (rounds), half with W loaded at 0 and half with O loaded at 0, exactly as a
hill pair is played (``arena.hill``; same seeds, same cache). Then, per warrior:

* **KotH score** against the set: (3 per win + 1 per tie) x 100 / rounds over all its
  rounds, as a hill scores it (all ties = 100);
* **generality** (the Digital Red Queen paper's measure): the share of the set that W
  *beats or ties* 1-on-1, where W beats or ties O when it won at least as many of the N
  rounds as O did;
* per opponent: wins, losses, ties and the verdict.

An opponent with exactly W's code (same content hash) is left out of W's numbers: a
warrior is not measured against itself.

The Python API is ``evaluate`` (what ``arena evolve --eval-against`` calls)::

    from arena.bench import evaluate, load_set
    results = evaluate([warrior], "warriors/", placements=24)
    results[0].generality, results[0].score
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from arena.hill import (
    Battle,
    BattleStats,
    Entry,
    HillError,
    Progress,
    ResultCache,
    entry_from_warrior,
    load_warriors,
    pair_battles,
    play_battles,
)
from arena.redcode.model import Warrior
from arena.scoring import koth_score
from arena.settings import Settings, hill_settings

DEFAULT_PLACEMENTS = 100

WarriorSpec = Warrior | Entry | str | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class OpponentResult:
    """One warrior against one opponent, over N placements."""

    opponent: str  # the opponent's file stem
    name: str  # its ;name
    wins: int
    losses: int
    ties: int

    @property
    def rounds(self) -> int:
        return self.wins + self.losses + self.ties

    @property
    def score(self) -> float:
        return koth_score(self.wins, self.ties, self.rounds)

    @property
    def beaten_or_tied(self) -> bool:
        return self.wins >= self.losses

    @property
    def verdict(self) -> str:
        if self.wins > self.losses:
            return "win"
        return "tie" if self.wins == self.losses else "loss"


@dataclass(slots=True)
class BenchResult:
    """One warrior's numbers against the whole set."""

    key: str
    name: str
    opponents: list[OpponentResult] = field(default_factory=list)

    @property
    def wins(self) -> int:
        return sum(o.wins for o in self.opponents)

    @property
    def losses(self) -> int:
        return sum(o.losses for o in self.opponents)

    @property
    def ties(self) -> int:
        return sum(o.ties for o in self.opponents)

    @property
    def rounds(self) -> int:
        return self.wins + self.losses + self.ties

    @property
    def score(self) -> float:
        """KotH score against the set."""
        return koth_score(self.wins, self.ties, self.rounds)

    @property
    def beaten_or_tied(self) -> int:
        return sum(1 for o in self.opponents if o.beaten_or_tied)

    @property
    def generality(self) -> float:
        """Share of the set (0..1) this warrior beats or ties 1-on-1."""
        return self.beaten_or_tied / len(self.opponents) if self.opponents else 0.0

    def to_json(self, per_opponent: bool = True) -> dict:
        out: dict = {
            "warrior": self.key,
            "name": self.name,
            "score": round(self.score, 3),
            "generality": round(self.generality, 4),
            "beaten_or_tied": self.beaten_or_tied,
            "opponents": len(self.opponents),
            "wins": self.wins,
            "losses": self.losses,
            "ties": self.ties,
            "rounds": self.rounds,
        }
        if per_opponent:
            out["per_opponent"] = [
                {
                    "opponent": o.opponent,
                    "name": o.name,
                    "wins": o.wins,
                    "losses": o.losses,
                    "ties": o.ties,
                    "score": round(o.score, 3),
                    "verdict": o.verdict,
                }
                for o in self.opponents
            ]
        return out


def load_set(
    specs: Iterable[WarriorSpec] | str | os.PathLike[str],
    settings: Settings,
    *,
    skipped: list[str] | None = None,
) -> list[Entry]:
    """Entries from warriors, entries, files and directories (mixed)."""
    if isinstance(specs, (str, os.PathLike)):
        specs = [specs]
    out: list[Entry] = []
    for spec in specs:
        if isinstance(spec, Entry):
            out.append(spec)
        elif isinstance(spec, Warrior):
            out.append(entry_from_warrior(spec))
        else:
            out.extend(load_warriors([spec], settings, skipped=skipped))
    return out


def evaluate(
    warriors: Iterable[WarriorSpec] | str | os.PathLike[str],
    against: Iterable[WarriorSpec] | str | os.PathLike[str],
    settings: Settings | None = None,
    *,
    placements: int = DEFAULT_PLACEMENTS,
    seed: int | None = None,
    threads: int | None = None,
    cache: ResultCache | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    stats: BattleStats | None = None,
) -> list[BenchResult]:
    """KotH score and generality of each of ``warriors`` against the set ``against``.

    ``settings`` defaults to the 94nop hill. Warriors may be ``Warrior`` objects (as the
    evolution loop has them), hill ``Entry`` objects, files or directories. Results
    come back in the order of ``warriors``. ``cache`` (or ``cache_dir``) reuses and
    stores battle results exactly as ``arena hill`` does.
    """
    if settings is None:
        settings = hill_settings("94nop")
    if placements < 1:
        raise HillError("placements must be at least 1")
    mine = load_set(warriors, settings)
    theirs = load_set(against, settings)
    if not theirs:
        raise HillError("the benchmark set is empty")
    for e in [*mine, *theirs]:
        if len(e.warrior) > settings.max_length:
            raise HillError(f"{e.path or e.key}: longer than {settings.max_length} instructions")
    if cache is None and cache_dir is not None:
        cache = ResultCache(cache_dir, settings)
    entries: list[Entry] = [*mine, *theirs]
    m = len(mine)
    battles: list[Battle] = []
    spans: list[tuple[int, int, int, int]] = []  # (warrior, opponent, first, end)
    for i in range(m):
        for j in range(len(theirs)):
            if theirs[j].digest == mine[i].digest:
                continue
            start = len(battles)
            battles.extend(pair_battles(i, m + j, placements))
            spans.append((i, j, start, len(battles)))
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
    out = [BenchResult(e.key, e.name) for e in mine]
    for i, j, lo, hi in spans:
        wins = losses = ties = 0
        for bt, (wa, wb, t) in zip(battles[lo:hi], results[lo:hi], strict=True):
            if bt.a == i:
                wins, losses = wins + wa, losses + wb
            else:
                wins, losses = wins + wb, losses + wa
            ties += t
        o = theirs[j]
        out[i].opponents.append(OpponentResult(o.key, o.name, wins, losses, ties))
    return out


def generality(
    warrior: WarriorSpec,
    against: Sequence[WarriorSpec] | str | os.PathLike[str] | Path,
    settings: Settings | None = None,
    **kwargs,
) -> float:
    """Just the generality of one warrior (share of ``against`` beaten or tied)."""
    return evaluate([warrior], against, settings, **kwargs)[0].generality
