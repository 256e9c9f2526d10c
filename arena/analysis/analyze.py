"""The Digital Red Queen paper's analyses of one or many runs, measured with our engine.

``analyze(runs, against, settings)`` plays what it needs and returns an ``Analysis``:

* every champion 1-on-1 against the set (``arena.bench.evaluate``): its generality (share
  of the set beaten or tied) and KotH score, per round and run, their mean over runs with
  a 95% t interval, and a fitted linear trend over rounds;
* its phenotype, the KotH score against each opponent of the set: the variance across
  runs per round (phenotypic convergence: does it fall?) and each run's change from one
  champion to the next;
* genotype distance from the code alone (``arena.analysis.ncd``): between the runs'
  champions of a round, and between a run's consecutive champions;
* intransitivity: a run's champions 1-on-1, all pairs (``arena.hill.play_battles``), the
  "beats" relation (more rounds won than lost) and its rock-paper-scissors triples, per
  run and per history length K;
* the MAP-Elites archive: the share of its cells filled per round, and where champions
  come from (their cell, the kind of candidate, how many ancestors).

Battles go through the hill's results cache (content hashes and settings), so analysing
again costs no battle. Nothing here prints or knows about click; ``progress(stage, done,
total)`` reports the battles.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from arena.analysis.ncd import canonical_text, ncd
from arena.analysis.runs import AnalysisError, RunData
from arena.analysis.stats import (
    Interval,
    Trend,
    across_run_variance,
    beats_matrix,
    clean,
    count_cycles,
    linear_trend,
    mean_ci,
    rms_change,
)
from arena.bench import BenchResult, evaluate
from arena.evolve.best import lineage
from arena.evolve.events import RoundEvent
from arena.hill import (
    Battle,
    BattleStats,
    Entry,
    ResultCache,
    entry_from_warrior,
    pair_battles,
    play_battles,
    settings_key,
)
from arena.redcode import assemble
from arena.scoring import DESCRIPTOR_EDGES, bin_of
from arena.settings import Settings, admission_problem

DEFAULT_PLACEMENTS = 20
STAGE_SET = "champions vs set"
STAGE_PAIRS = "champions 1-on-1"

StageProgress = Callable[[str, int, int], None]


@dataclass
class ChampionRow:
    """One run's champion of one round, and everything measured about it."""

    run: str
    round: int
    champion_id: int | None
    digest: str | None  # content hash of its load image (None: it could not be played)
    fitness: float | None  # its fitness in the run
    generality: float | None = None
    koth: float | None = None
    phenotype: list[float] = field(default_factory=list)  # KotH per opponent, NaN: itself
    phenotype_change: float | None = None  # RMS change from the previous round's champion
    ncd_previous: float | None = None  # genotype distance to the previous round's champion
    elites: int | None = None  # cells filled in the round's archive
    occupancy: float | None = None  # share of the archive's cells filled
    cell: tuple[int, int] | None = None
    kind: str | None = None  # new / mutate / crossover / seed
    origin: str | None = None  # a seed: what it copies
    lineage_depth: int | None = None  # ancestors through parent links

    def to_json(self, opponents: Sequence[str]) -> dict[str, Any]:
        return {
            "run": self.run,
            "round": self.round,
            "champion_id": self.champion_id,
            "sha256": self.digest,
            "fitness": clean(self.fitness),
            "generality": clean(self.generality),
            "koth": clean(self.koth),
            "phenotype": {o: clean(v, 2) for o, v in zip(opponents, self.phenotype, strict=False)},
            "phenotype_change": clean(self.phenotype_change),
            "ncd_previous": clean(self.ncd_previous),
            "elites": self.elites,
            "occupancy": clean(self.occupancy),
            "cell": list(self.cell) if self.cell is not None else None,
            "kind": self.kind,
            "origin": self.origin,
            "lineage_depth": self.lineage_depth,
        }


@dataclass
class RoundSummary:
    """One round over all runs that reached it."""

    round: int
    runs: int
    generality: Interval
    koth: Interval
    phenotype_variance: float | None  # mean over opponents of the across-run variance
    phenotype_change: Interval  # mean over runs of their champions' change
    ncd_across: float | None  # mean genotype distance between the runs' champions
    ncd_within: Interval  # mean over runs of the distance to their previous champion
    occupancy: Interval

    def to_json(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "runs": self.runs,
            "generality": self.generality.to_json(),
            "koth": self.koth.to_json(),
            "phenotype_variance": clean(self.phenotype_variance),
            "phenotype_change": self.phenotype_change.to_json(),
            "ncd_across_runs": clean(self.ncd_across),
            "ncd_within_run": self.ncd_within.to_json(),
            "occupancy": self.occupancy.to_json(),
        }


@dataclass
class Cycles:
    """The rock-paper-scissors triples among one run's champions."""

    run: str
    history: int
    champions: int  # distinct champions (by load image)
    triples: list[tuple[int, int, int]]  # each as the first rounds of its three champions

    @property
    def possible(self) -> int:
        return math.comb(self.champions, 3)

    def to_json(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "history": self.history,
            "champions": self.champions,
            "triples_possible": self.possible,
            "cycles": len(self.triples),
            "cycle_rounds": [list(t) for t in self.triples],
        }


@dataclass
class Analysis:
    """Everything ``analyze`` measured; ``to_json`` holds every number."""

    settings: Settings
    placements: int
    seed: int | None
    compressor: str
    opponents: list[str]  # the set's keys, the order of every phenotype
    runs: list[RunData]
    rows: list[ChampionRow]
    rounds: list[RoundSummary]
    trends: dict[str, Trend | None]
    run_trends: dict[str, dict[str, Trend | None]]
    cycles: list[Cycles]
    warnings: list[str] = field(default_factory=list)
    stats: BattleStats = field(default_factory=BattleStats)

    def cycles_by_history(self) -> dict[int, dict[str, Any]]:
        """Cycles grouped by history length K: runs, champions, cycles, share of triples."""
        out: dict[int, dict[str, Any]] = {}
        for k in sorted({c.history for c in self.cycles}):
            group = [c for c in self.cycles if c.history == k]
            possible = sum(c.possible for c in group)
            cycles = sum(len(c.triples) for c in group)
            out[k] = {
                "runs": len(group),
                "champions": sum(c.champions for c in group),
                "triples_possible": possible,
                "cycles": cycles,
                "cycles_per_run": mean_ci([len(c.triples) for c in group]).to_json(),
                "share_of_triples": clean(cycles / possible) if possible else None,
            }
        return out

    def origins(self) -> dict[str, Any]:
        """Where champions come from: kinds, archive cells, lineage depth."""
        played = [r for r in self.rows if r.champion_id is not None]
        kinds = Counter(r.kind or "unknown" for r in played)
        cells = Counter(f"{r.cell[0]},{r.cell[1]}" for r in played if r.cell is not None)
        depths = [r.lineage_depth for r in played if r.lineage_depth is not None]
        return {
            "kinds": dict(kinds.most_common()),
            "cells": dict(cells.most_common()),
            "lineage_depth": mean_ci([float(d) for d in depths]).to_json(),
            "lineage_depth_max": max(depths) if depths else None,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "settings": settings_key(self.settings),
            "pspace_allowed": self.settings.pspace_allowed,
            "placements": self.placements,
            "seed": "checksum" if self.seed is None else self.seed,
            "compressor": self.compressor,
            "against": list(self.opponents),
            "runs": [
                {
                    "label": r.label,
                    "path": str(r.path),
                    "history": r.history,
                    "rounds": len(r.rounds),
                    "seed": r.config.seed,
                }
                for r in self.runs
            ],
            "trends": {k: (t.to_json() if t else None) for k, t in self.trends.items()},
            "run_trends": {
                run: {k: (t.to_json() if t else None) for k, t in trends.items()}
                for run, trends in self.run_trends.items()
            },
            "per_round": [s.to_json() for s in self.rounds],
            "champions": [r.to_json(self.opponents) for r in self.rows],
            "cycles": [c.to_json() for c in self.cycles],
            "cycles_by_history": {str(k): v for k, v in self.cycles_by_history().items()},
            "origins": self.origins(),
            "battles": {
                "played": self.stats.played,
                "cached": self.stats.cached,
                "seconds": round(self.stats.seconds, 3),
            },
            "warnings": list(self.warnings),
        }


# ----------------------------------------------------------------------------- helpers


def _archive_facts(
    event: RoundEvent, run: RunData
) -> tuple[int | None, float | None, tuple[int, int] | None]:
    """(elites, share of cells filled, the champion's cell) from the round's archive."""
    archive = event.archive or {}
    edges = archive.get("edges") or [DESCRIPTOR_EDGES[a] for a in run.config.axes]
    cells = (len(edges[0]) + 1) * (len(edges[1]) + 1)
    elites = archive.get("elites")
    cell = None
    for elite in elites or []:
        if elite.get("id") == event.champion_id and elite.get("cell") is not None:
            cell = (int(elite["cell"][0]), int(elite["cell"][1]))
    if cell is None and event.champion_id is not None:
        candidate = run.candidates.get(event.champion_id)
        if candidate is not None and candidate.descriptors and len(candidate.descriptors) == 2:
            cell = (
                bin_of(candidate.descriptors[0], edges[0]),
                bin_of(candidate.descriptors[1], edges[1]),
            )
    if elites is None:
        return None, None, cell
    return len(elites), len(elites) / cells, cell


def _phenotype(result: BenchResult, opponents: Sequence[str]) -> list[float]:
    scores = {o.opponent: o.score for o in result.opponents}
    return [scores.get(o, math.nan) for o in opponents]


def _noop(stage: str, done: int, total: int) -> None:
    return None


# ---------------------------------------------------------------------------- analysis


@dataclass
class _Champions:
    """Every round's champion of every run; each distinct load image once."""

    rows: list[ChampionRow] = field(default_factory=list)
    per_run: dict[str, list[ChampionRow]] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)  # by content hash
    texts: dict[str, str] = field(default_factory=dict)  # canonical text, by content hash

    def distance(self, a: ChampionRow, b: ChampionRow, compressor: str) -> float:
        assert a.digest is not None and b.digest is not None
        return ncd(self.texts[a.digest], self.texts[b.digest], compressor)


def _collect(runs: Sequence[RunData], settings: Settings, warnings: list[str]) -> _Champions:
    """Assemble each champion under the hill; one the hill refuses is left out, said why."""
    out = _Champions()
    for run in runs:
        mine = out.per_run.setdefault(run.label, [])
        for event in run.rounds:
            row = ChampionRow(run.label, event.round, event.champion_id, None, event.fitness)
            assembled = assemble(event.code or "", settings)
            warrior = assembled.warrior if assembled.ok else None
            problem = (
                "does not assemble" if warrior is None else admission_problem(settings, warrior)
            )
            if warrior is None or problem is not None:
                warnings.append(
                    f"{run.path}: the champion of round {event.round} {problem} on this hill; "
                    "its round is left out"
                )
            else:
                entry = entry_from_warrior(warrior, key=f"{run.label}@{event.round}")
                row.digest = entry.digest
                out.entries.setdefault(entry.digest, entry)
                out.texts.setdefault(entry.digest, canonical_text(warrior))
            row.elites, row.occupancy, row.cell = _archive_facts(event, run)
            candidate = (
                run.candidates.get(event.champion_id) if event.champion_id is not None else None
            )
            if candidate is not None:
                row.kind, row.origin = candidate.kind, candidate.origin
                row.lineage_depth = len(lineage(candidate.id, run.candidates)) - 1
            out.rows.append(row)
            mine.append(row)
    return out


def _pair_wins(
    champions: _Champions, settings: Settings, placements: int, **play: Any
) -> dict[tuple[str, str], int]:
    """Rounds A won against B (by content hash) for every pair of a run's champions."""
    index = {d: i for i, d in enumerate(champions.entries)}
    pairs: dict[tuple[str, str], None] = {}
    for mine in champions.per_run.values():
        nodes = sorted({r.digest for r in mine if r.digest is not None})
        pairs.update(dict.fromkeys(itertools.combinations(nodes, 2)))
    battles: list[Battle] = []
    spans: list[tuple[str, str, int, int]] = []
    for a, b in pairs:
        start = len(battles)
        battles.extend(pair_battles(index[a], index[b], placements))
        spans.append((a, b, start, len(battles)))
    outcome = play_battles(list(champions.entries.values()), battles, settings, **play)
    won: dict[tuple[str, str], int] = {}
    for a, b, lo, hi in spans:
        wins_a = wins_b = 0
        for bt, (wa, wb, _ties) in zip(battles[lo:hi], outcome[lo:hi], strict=True):
            if bt.a == index[a]:
                wins_a, wins_b = wins_a + wa, wins_b + wb
            else:
                wins_a, wins_b = wins_a + wb, wins_b + wa
        won[(a, b)], won[(b, a)] = wins_a, wins_b
    return won


def _cycles(run: RunData, mine: list[ChampionRow], won: dict[tuple[str, str], int]) -> Cycles:
    """The run's distinct champions, the "beats" relation among them, and its 3-cycles."""
    first_round: dict[str, int] = {}
    for row in mine:
        if row.digest is not None:
            first_round.setdefault(row.digest, row.round)
    nodes = list(first_round)
    wins = np.zeros((len(nodes), len(nodes)), dtype=np.int64)
    for i, a in enumerate(nodes):
        for j, b in enumerate(nodes):
            if i != j:
                wins[i, j] = won[(a, b)]
    triples = [
        (first_round[nodes[i]], first_round[nodes[j]], first_round[nodes[k]])
        for i, j, k in count_cycles(beats_matrix(wins))
    ]
    return Cycles(run.label, run.history, len(nodes), triples)


def _round_summaries(champions: _Champions, compressor: str) -> list[RoundSummary]:
    summaries = []
    for number in sorted({r.round for r in champions.rows}):
        every = [r for r in champions.rows if r.round == number]
        here = [r for r in every if r.digest is not None]
        distances = [
            champions.distance(a, b, compressor) for a, b in itertools.combinations(here, 2)
        ]
        summaries.append(
            RoundSummary(
                round=number,
                runs=len(here),
                generality=mean_ci([r.generality for r in here]),
                koth=mean_ci([r.koth for r in here]),
                phenotype_variance=across_run_variance([r.phenotype for r in here]),
                phenotype_change=mean_ci([r.phenotype_change for r in here]),
                ncd_across=float(np.mean(distances)) if distances else None,
                ncd_within=mean_ci([r.ncd_previous for r in here]),
                occupancy=mean_ci([r.occupancy for r in every]),
            )
        )
    return summaries


def _trend_of(rows: Sequence[Any], attr: str) -> Trend | None:
    """The linear trend over rounds of one attribute of rows (champions or summaries)."""
    return linear_trend([r.round for r in rows], [getattr(r, attr) for r in rows])


def analyze(
    runs: Sequence[RunData],
    against: Sequence[Entry],
    settings: Settings,
    *,
    placements: int = DEFAULT_PLACEMENTS,
    seed: int | None = None,
    threads: int | None = None,
    cache: ResultCache | None = None,
    compressor: str = "zlib",
    progress: StageProgress | None = None,
) -> Analysis:
    """Play what the analyses need (cached) and compute them all (module docstring)."""
    if not runs:
        raise AnalysisError("no run to analyse")
    if not against:
        raise AnalysisError("the set to judge the champions against is empty")
    if placements < 1:
        raise AnalysisError("placements must be at least 1")
    report = progress or _noop
    warnings = [
        f"{run.path}: {run.bad_lines} line(s) of events.jsonl are not valid events and were left out"
        for run in runs
        if run.bad_lines
    ]
    opponents = [e.key for e in against]
    stats = BattleStats()
    champions = _collect(runs, settings, warnings)
    if not champions.entries:
        raise AnalysisError("no champion of these runs can be played on this hill")

    # every distinct champion against the set: generality, KotH, phenotype
    playing = list(champions.entries.values())
    results = evaluate(
        playing, list(against), settings, placements=placements, seed=seed,
        threads=threads, cache=cache, stats=stats,
        progress=lambda done, total: report(STAGE_SET, done, total),
    )  # fmt: skip
    by_digest = {e.digest: r for e, r in zip(playing, results, strict=True)}
    for row in champions.rows:
        if row.digest is not None:
            result = by_digest[row.digest]
            row.generality, row.koth = result.generality, result.score
            row.phenotype = _phenotype(result, opponents)

    # each run's champions against each other, and the change from round to round
    won = _pair_wins(
        champions, settings, placements, seed=seed, threads=threads, cache=cache, stats=stats,
        progress=lambda done, total: report(STAGE_PAIRS, done, total),
    )  # fmt: skip
    cycles = []
    for run in runs:
        mine = champions.per_run[run.label]
        previous: ChampionRow | None = None
        for row in (r for r in mine if r.digest is not None):
            if previous is not None and previous.round == row.round - 1:
                row.phenotype_change = rms_change(previous.phenotype, row.phenotype)
                row.ncd_previous = champions.distance(previous, row, compressor)
            previous = row
        cycles.append(_cycles(run, mine, won))

    summaries = _round_summaries(champions, compressor)
    played = [r for r in champions.rows if r.digest is not None]
    trends = {
        "generality": _trend_of(played, "generality"),
        "koth": _trend_of(played, "koth"),
        "phenotype_variance": _trend_of(summaries, "phenotype_variance"),
        "phenotype_change": _trend_of(played, "phenotype_change"),
        "ncd_across_runs": _trend_of(summaries, "ncd_across"),
        "occupancy": _trend_of(champions.rows, "occupancy"),
    }
    run_trends = {
        label: {
            "generality": _trend_of([r for r in mine if r.digest], "generality"),
            "koth": _trend_of([r for r in mine if r.digest], "koth"),
        }
        for label, mine in champions.per_run.items()
    }
    return Analysis(
        settings=settings,
        placements=placements,
        seed=seed,
        compressor=compressor,
        opponents=opponents,
        runs=list(runs),
        rows=champions.rows,
        rounds=summaries,
        trends=trends,
        run_trends=run_trends,
        cycles=cycles,
        warnings=warnings,
        stats=stats,
    )
