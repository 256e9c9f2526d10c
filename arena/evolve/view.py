"""What a person watching a run sees of it, rebuilt from its typed events (no UI here).

The same events come from a live run's ``on_event`` and from a run directory's
``events.jsonl`` (``arena.evolve.store.EventFollower``), so a run watched live and one
opened later look the same. The CLI's progress and summary and the TUI's evolve screen
all read a ``RunView``.

``RunView.candidates_by_id`` holds every candidate by id, without its model reply (the bulk of
an event), so a champion's lineage (``arena.evolve.best.ancestors``) needs no disk read.

``RunView.spend`` is what the run has spent on model calls (tokens and USD per model,
``arena.evolve.economics``), and ``spend_line`` says it with the run's caps, ready for a
status line or a panel.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from arena.evolve.config import RunConfig, load_run_config
from arena.evolve.economics import Spend, model_key, prices_of
from arena.evolve.events import CandidateEvent, Event, RoundEvent
from arena.scoring import bin_of
from arena.settings import SettingsError


@dataclass
class ModelStats:
    """Calls to one backend/model: requests, failures, latency (tokens and cost: ``RunView.spend``)."""

    requests: int = 0
    failures: int = 0
    latencies: list[float] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)  # failure texts, counted

    @property
    def mean_latency(self) -> float | None:
        return statistics.fmean(self.latencies) if self.latencies else None

    @property
    def p95_latency(self) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def read_config(run_dir: Path) -> RunConfig | None:
    """A run dir's config, or None when it has none that can be read."""
    path = Path(run_dir) / "config.toml"
    if not path.exists():
        return None
    try:
        return load_run_config(path)
    except SettingsError:
        return None


class RunView:
    """Rounds, the current round's progress and archive, model stats, a log."""

    def __init__(self, config: RunConfig | None = None) -> None:
        self.config = config or RunConfig()
        self.rounds: list[RoundEvent] = []
        self.current_round = 0
        self.candidates = 0  # candidates seen in the current round
        self.best: float | None = None  # best fitness in the current round
        self.models: dict[str, ModelStats] = {}
        self.log: list[str] = []
        self.opponents: int = max(1, len(self.config.opponents))
        self.edges = self.config.grid_edges()
        self.grid = self._empty_grid()
        self.grid_round = 0
        self.total_events = 0
        self.rejected = 0  # candidates the hill did not admit
        self.spend = Spend(prices_of(self.config))  # tokens and USD, per model
        self.candidates_by_id: dict[int, CandidateEvent] = {}  # replies left out

    def _empty_grid(self) -> np.ndarray:
        return np.full((len(self.edges[0]) + 1, len(self.edges[1]) + 1), np.nan)

    @property
    def axes(self) -> tuple[str, str]:
        return (self.config.axes[0], self.config.axes[1])

    @property
    def per_round(self) -> int:
        """Candidates in a full round (without warm-start seeds, which vary)."""
        return self.config.n_init + self.config.iterations

    @property
    def done(self) -> bool:
        return len(self.rounds) >= self.config.rounds

    @property
    def requests(self) -> int:
        return sum(m.requests for m in self.models.values())

    @property
    def failures(self) -> int:
        return sum(m.failures for m in self.models.values())

    @property
    def cost(self) -> float:
        """USD spent on model calls so far (priced models only; see ``spend.unpriced``)."""
        return self.spend.cost

    @property
    def tokens(self) -> int:
        return self.spend.tokens

    def spend_line(self) -> str:
        """'$0.0123 of $5.00, 12,345 of 100,000 tokens (40 calls)': the spend and caps."""
        cost = f"${self.spend.cost:.4f}"
        if self.config.max_cost:
            cost += f" of ${self.config.max_cost:g}"
        tokens = f"{self.spend.tokens:,}"
        if self.config.max_total_tokens:
            tokens += f" of {self.config.max_total_tokens:,}"
        line = f"{cost}, {tokens} tokens ({self.spend.calls:,} calls)"
        if self.spend.unpriced:
            line += f"; no price for {', '.join(self.spend.unpriced)}"
        return line

    def failure_summary(self, limit: int = 3) -> str:
        """The commonest model failures, e.g. '12 x HTTP 401: bad key'."""
        reasons: Counter[str] = Counter()
        for stats in self.models.values():
            reasons.update(stats.reasons)
        return "; ".join(f"{n} x {text}" for text, n in reasons.most_common(limit))

    def cell_of(self, descriptors: list[float]) -> tuple[int, int]:
        return (bin_of(descriptors[0], self.edges[0]), bin_of(descriptors[1], self.edges[1]))

    def apply(self, event: Event) -> None:
        self.total_events += 1
        if isinstance(event, CandidateEvent):
            self._candidate(event)
        else:
            self._round(event)

    def _candidate(self, e: CandidateEvent) -> None:
        r = e.round
        if r != self.current_round or self.grid_round != r:
            self.current_round = r
            self.candidates = 0
            self.best = None
            self.grid = self._empty_grid()
            self.grid_round = r
        self.candidates += 1
        self.spend.add_event(e)
        if e.id >= 0:
            self.candidates_by_id[e.id] = replace(e, reply=None, per_opponent=None)
        if e.backend:
            stats = self.models.setdefault(model_key(e.backend, e.model), ModelStats())
            stats.requests += 1
            if e.failure:
                stats.failures += 1
                stats.reasons[e.failure[:120]] += 1
            if e.latency is not None:
                stats.latencies.append(float(e.latency))
        where = f"r{r} #{e.id} {e.kind:<9}"
        if e.fitness is not None:
            fitness = float(e.fitness)
            self.best = fitness if self.best is None else max(self.best, fitness)
            if e.placed and e.descriptors:
                cell = self.cell_of(e.descriptors)
                old = self.grid[cell]
                if not math.isfinite(old) or fitness > old:
                    self.grid[cell] = fitness
            mark = " [green]placed[/]" if e.placed else ""
            self.log.append(f"{where} fitness {fitness:.3f}{mark}")
        elif e.failure:
            self.log.append(f"{where} [red]model failure:[/] {e.failure[:80]}")
        elif e.rejected:
            self.rejected += 1
            self.log.append(f"{where} [yellow]not admitted:[/] {e.rejected[:80]}")
        else:
            errors = e.errors or ["no fitness"]
            self.log.append(f"{where} [yellow]invalid:[/] {errors[0][:80]}")

    def _round(self, e: RoundEvent) -> None:
        self.rounds = [x for x in self.rounds if x.round != e.round]
        self.rounds.append(e)
        self.rounds.sort(key=lambda x: x.round)
        archive = e.archive or {}
        if archive.get("edges"):
            self.edges = (tuple(archive["edges"][0]), tuple(archive["edges"][1]))
        grid = self._empty_grid()
        for elite in archive.get("elites", []):
            grid[tuple(elite["cell"])] = float(elite["fitness"])
        self.grid = grid
        self.grid_round = e.round
        self.opponents = len(e.opponents) or self.opponents
        self.current_round = e.round + 1
        self.candidates = 0
        self.best = None
        fit = "none" if e.fitness is None else f"{e.fitness:.3f}"
        gen = "" if e.generality is None else f", generality {e.generality:.2f}"
        self.log.append(
            f"[b]round {e.round} done:[/] champion #{e.champion_id} fitness {fit}{gen}"
            f" ({e.valid} valid of {e.candidates}, {e.placed} placed)"
        )

    # ---- series for the plots
    def fitness_series(self) -> tuple[float | None, ...]:
        return tuple(r.fitness for r in self.rounds)

    def generality_series(self) -> tuple[float | None, ...]:
        return tuple(r.generality for r in self.rounds)

    def koth_series(self) -> tuple[float | None, ...]:
        return tuple(r.koth for r in self.rounds)
