"""What the evolve screen knows about a run, rebuilt from its events (no Textual here).

The same events come from a live run's ``on_event`` callback and from a run
directory's ``events.jsonl``, so a run watched live and one attached to later look the
same. ``EventFollower`` reads new complete lines of ``events.jsonl`` as they appear.
"""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from arena.evolve.config import DEFAULT_EDGES, ConfigError, RunConfig, merge, read_toml


@dataclass
class RoundInfo:
    round: int
    champion_id: int | None
    fitness: float | None
    generality: float | None
    koth: float | None
    code: str | None
    candidates: int
    valid: int
    placed: int


@dataclass
class ModelStats:
    requests: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latencies: list[float] = field(default_factory=list)

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
    path = Path(run_dir) / "config.toml"
    if not path.exists():
        return None
    try:
        return merge(RunConfig(), read_toml(path), str(path))
    except ConfigError:
        return None


class EvolveState:
    """Rounds, the current round's progress and archive, model stats, a log."""

    def __init__(self, config: RunConfig | None = None) -> None:
        self.config = config or RunConfig()
        self.rounds: list[RoundInfo] = []
        self.current_round = 0
        self.candidates = 0  # candidates seen in the current round
        self.best: float | None = None  # best fitness in the current round
        self.models: dict[str, ModelStats] = {}
        self.log: list[str] = []
        self.opponents: int = max(1, len(self.config.opponents))
        self.edges = (
            tuple(DEFAULT_EDGES[self.config.axes[0]]),
            tuple(DEFAULT_EDGES[self.config.axes[1]]),
        )
        self.grid = self._empty_grid()
        self.grid_round = 0
        self.total_events = 0

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

    def cell_of(self, descriptors: list[float]) -> tuple[int, int]:
        return (
            int(np.digitize(descriptors[0], self.edges[0])),
            int(np.digitize(descriptors[1], self.edges[1])),
        )

    def apply(self, event: dict[str, Any]) -> None:
        self.total_events += 1
        kind = event.get("type")
        if kind == "candidate":
            self._candidate(event)
        elif kind == "round":
            self._round(event)

    def _candidate(self, e: dict[str, Any]) -> None:
        r = int(e.get("round", 0))
        if r != self.current_round or self.grid_round != r:
            self.current_round = r
            self.candidates = 0
            self.best = None
            self.grid = self._empty_grid()
            self.grid_round = r
        self.candidates += 1
        if e.get("backend"):
            key = f"{e['backend']}/{e.get('model') or '-'}"
            stats = self.models.setdefault(key, ModelStats())
            stats.requests += 1
            if e.get("failure"):
                stats.failures += 1
            stats.prompt_tokens += int(e.get("prompt_tokens") or 0)
            stats.completion_tokens += int(e.get("completion_tokens") or 0)
            if e.get("latency") is not None:
                stats.latencies.append(float(e["latency"]))
        fitness = e.get("fitness")
        where = f"r{r} #{e.get('id', '?')} {e.get('kind', '?'):<9}"
        if fitness is not None:
            fitness = float(fitness)
            self.best = fitness if self.best is None else max(self.best, fitness)
            if e.get("placed") and e.get("descriptors"):
                cell = self.cell_of(e["descriptors"])
                old = self.grid[cell]
                if not math.isfinite(old) or fitness > old:
                    self.grid[cell] = fitness
            mark = " [green]placed[/]" if e.get("placed") else ""
            self.log.append(f"{where} fitness {fitness:.3f}{mark}")
        elif e.get("failure"):
            self.log.append(f"{where} [red]model failure:[/] {str(e['failure'])[:80]}")
        else:
            errors = e.get("errors") or ["no fitness"]
            self.log.append(f"{where} [yellow]invalid:[/] {str(errors[0])[:80]}")

    def _round(self, e: dict[str, Any]) -> None:
        info = RoundInfo(
            round=int(e["round"]),
            champion_id=e.get("champion_id"),
            fitness=e.get("fitness"),
            generality=e.get("generality"),
            koth=e.get("koth"),
            code=e.get("code"),
            candidates=int(e.get("candidates") or 0),
            valid=int(e.get("valid") or 0),
            placed=int(e.get("placed") or 0),
        )
        self.rounds = [x for x in self.rounds if x.round != info.round]
        self.rounds.append(info)
        self.rounds.sort(key=lambda x: x.round)
        archive = e.get("archive") or {}
        if archive.get("edges"):
            self.edges = (tuple(archive["edges"][0]), tuple(archive["edges"][1]))
        grid = self._empty_grid()
        for elite in archive.get("elites", []):
            cell = tuple(elite["cell"])
            grid[cell] = float(elite["fitness"])
        self.grid = grid
        self.grid_round = info.round
        self.opponents = len(e.get("opponents") or []) or self.opponents
        self.current_round = info.round + 1
        self.candidates = 0
        self.best = None
        fit = "none" if info.fitness is None else f"{info.fitness:.3f}"
        gen = "" if info.generality is None else f", generality {info.generality:.2f}"
        self.log.append(
            f"[b]round {info.round} done:[/] champion #{info.champion_id} fitness {fit}{gen}"
            f" ({info.valid} valid of {info.candidates}, {info.placed} placed)"
        )

    # ---- series for the plots
    def fitness_series(self) -> tuple[float | None, ...]:
        return tuple(r.fitness for r in self.rounds)

    def generality_series(self) -> tuple[float | None, ...]:
        return tuple(r.generality for r in self.rounds)

    def koth_series(self) -> tuple[float | None, ...]:
        return tuple(r.koth for r in self.rounds)


class EventFollower:
    """Reads the complete lines appended to a run's ``events.jsonl`` since last time."""

    def __init__(self, run_dir: Path) -> None:
        self.path = Path(run_dir) / "events.jsonl"
        self.offset = 0

    def poll(self) -> list[dict[str, Any]]:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                data = handle.read()
        except FileNotFoundError:
            return []
        end = data.rfind(b"\n")
        if end < 0:
            return []
        events = []
        for raw in data[: end + 1].splitlines():
            try:
                events.append(json.loads(raw))
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
        self.offset += end + 1
        return events
