"""Scores: pMARS's result slots and ``-=`` formula, KotH hill scores, and the Digital Red
Queen melee fitness with its two behaviour descriptors.

**pMARS slots.** Each warrior has counters ``slot[0 .. 2N-2]``. A survivor of a round that
ends with L warriors alive gets ``slot[L-1] += 1``; a warrior that dies while L warriors
are alive (itself included) gets ``slot[L + N - 2] += 1``. With two warriors slot 0 counts
wins, slot 1 ties and slot 2 losses.

**pMARS score.** ``score = Σ_{S=1..N} slot[S-1] * f(W=N, S)`` where f is the ``-=``
formula, ``(W*W-1)/S`` by default, evaluated with pMARS's expression rules (C integer
arithmetic; registers W and S).

**KotH score.** 3 points a win, 1 a tie, times 100 over the rounds played: 0..300, the
one scale of every KotH number arena shows or stores (hill, bench, the ``koth`` fitness).

**Digital Red Queen fitness** (the paper's simulator, transcribed to our exact engine):
time counts in cycles, one cycle being one instruction of every living warrior; a round
lasts exactly MAXCYCLES cycles whatever deaths occur (there is no pMARS budget shrink).
After each cycle every living warrior earns ``1 / (number alive) / MAXCYCLES``; the round
score is that sum times the number of warriors, so an equal share is 1. Behaviour
descriptors: *total spawned processes*, the sum over cycles of the growth (if any) of the
warrior's process count, and *memory coverage*, the number of distinct addresses ever
queued for the warrior (its first process included). The kernel computes all three; once
one warrior is left it credits that warrior's remaining cycles in one step and stops.
Battle-level values are the means over rounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from arena.redcode.expression import Evaluator, Status

DEFAULT_FORMULA = "(W*W-1)/S"

# Bin edges of the DRQ reference code's MAP-Elites axes (value < edge -> that bin), and
# of our two extra axes; the one set the archive, the run view and the TUI use.
SPAWNED_BIN_EDGES = (1, 10, 100, 1000, 10000)
COVERAGE_BIN_EDGES = (10, 100, 500, 1000, 4000)
DESCRIPTOR_EDGES: dict[str, tuple[int, ...]] = {
    "spawned": SPAWNED_BIN_EDGES,
    "coverage": COVERAGE_BIN_EDGES,
    "opcodes": (2, 3, 4, 6, 8),
    "length": (3, 6, 10, 20, 40),
}


class ScoreFormulaError(ValueError):
    """The ``-=`` formula does not evaluate for some number of survivors."""


def score_points(n: int, formula: str = DEFAULT_FORMULA) -> list[int]:
    """f(W=n, S) for S = 1..n: the points for surviving with S-1 others."""
    points = []
    for survivors in range(1, n + 1):
        ev = Evaluator()
        ev.registers[ord("w") - ord("a")] = n
        ev.registers[ord("s") - ord("a")] = survivors
        status, value = ev.evaluate(formula)
        if status < Status.OK:
            raise ScoreFormulaError(f"bad score formula {formula!r}")
        points.append(int(value))
    return points


def _c_int(x: int) -> int:
    """Wrap to a C ``int`` (pMARS accumulates scores in one)."""
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x >= (1 << 31) else x


def pmars_scores(slots: np.ndarray, formula: str = DEFAULT_FORMULA) -> list[int]:
    """Every warrior's pMARS score from its slots."""
    n = slots.shape[0]
    points = score_points(n, formula)
    out = []
    for row in slots:
        total = 0
        for k in range(n):
            total = _c_int(total + _c_int(int(row[k]) * points[k]))
        out.append(total)
    return out


def deaths(slots: np.ndarray) -> list[int]:
    """Rounds each warrior died in."""
    n = slots.shape[0]
    return [int(x) for x in slots[:, n:].sum(axis=1)]


def k_output(slots: np.ndarray, formula: str = DEFAULT_FORMULA) -> str:
    """What ``pmars -k`` prints: ``wins ties`` per warrior for 2, else score, slots, deaths."""
    n = slots.shape[0]
    if n == 2:
        return f"{slots[0, 0]} {slots[0, 1]}\n{slots[1, 0]} {slots[1, 1]}\n"
    scores = pmars_scores(slots, formula)
    dead = deaths(slots)
    lines = []
    for i in range(n):
        cells = " ".join(str(int(x)) for x in slots[i, :n])
        lines.append(f"{scores[i]} {cells} {dead[i]}")
    return "\n".join(lines) + "\n"


def results_text(
    names: Sequence[str],
    authors: Sequence[str],
    slots: np.ndarray,
    formula: str = DEFAULT_FORMULA,
) -> str:
    """pMARS's plain (non ``-k``) result lines."""
    n = slots.shape[0]
    scores = pmars_scores(slots, formula)
    dead = deaths(slots)
    out = []
    for i in range(n):
        line = f"{names[i]} by {authors[i]} scores {scores[i]}\n"
        if n > 2:
            line += "  Results:" + "".join(f" {int(x)}" for x in slots[i, :n]) + f" {dead[i]}\n"
        out.append(line)
    if n == 2:
        out.append(f"Results: {slots[0, 0]} {slots[0, 2]} {slots[0, 1]}\n")
    return "".join(out)


def koth_score(wins: int, ties: int, rounds: int) -> float:
    """KotH hill score of one warrior against one opponent: (3W + T) * 100 / rounds."""
    if rounds <= 0:
        return 0.0
    return (3 * wins + ties) * 100.0 / rounds


def wlt(slots: np.ndarray) -> tuple[list[int], list[int], list[int]]:
    """(wins, ties, losses) per warrior: alone at the end, alive with others, dead."""
    n = slots.shape[0]
    wins = [int(x) for x in slots[:, 0]]
    ties = [int(x) for x in slots[:, 1:n].sum(axis=1)]
    return wins, ties, deaths(slots)


@dataclass(frozen=True, slots=True)
class DRQFitness:
    """Digital Red Queen metrics of one battle: means over its rounds, per warrior."""

    score: list[float]  # melee fitness; 1.0 is an equal share
    spawned: list[float]  # total spawned processes
    coverage: list[float]  # memory coverage (distinct queued addresses)
    rounds: int

    @property
    def fitness(self) -> float:
        """The fitness DRQ uses for warrior 0 (the candidate)."""
        return self.score[0]

    def bins(self, warrior: int = 0) -> tuple[int, int]:
        """The (spawned, coverage) MAP-Elites cell of the DRQ reference code."""
        return descriptor_bins(self.spawned[warrior], self.coverage[warrior])


def bin_of(value: float, edges: Sequence[float]) -> int:
    """The bin of a descriptor value: how many edges are at or below it (0..len(edges))."""
    for i, edge in enumerate(edges):
        if value < edge:
            return i
    return len(edges)


def descriptor_bins(spawned: float, coverage: float) -> tuple[int, int]:
    """Bin indices 0..5 of the two behaviour descriptors."""
    return bin_of(spawned, SPAWNED_BIN_EDGES), bin_of(coverage, COVERAGE_BIN_EDGES)


def drq_fitness(result) -> DRQFitness:
    """DRQ metrics of a ``BattleResult`` played with ``drq=True``."""
    if result.drq_score is None:
        raise ValueError("the battle was not played with drq=True")
    rounds = int(result.drq_score.shape[0])
    if rounds == 0:
        n = result.n
        return DRQFitness([0.0] * n, [0.0] * n, [0.0] * n, 0)
    return DRQFitness(
        score=[float(x) for x in result.drq_score.mean(axis=0)],
        spawned=[float(x) for x in result.drq_spawned.mean(axis=0)],
        coverage=[float(x) for x in result.drq_coverage.mean(axis=0)],
        rounds=rounds,
    )
