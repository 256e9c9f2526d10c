"""Finding run directories and reading what the analyses need from them.

A run directory has ``config.toml`` and ``events.jsonl`` (``arena.evolve.store``). A
path given to ``arena analyze`` may be one, or a folder holding runs one or two levels
down (an experiment: ``exp/seed0``, ``exp/k5/seed1``...). Everything is read through
``RunStore`` and the typed events, never parsed a second way; nothing is written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from arena.errors import RunFailure, UsageError
from arena.evolve.config import RunConfig, load_run_config
from arena.evolve.events import CandidateEvent, RoundEvent
from arena.evolve.store import CONFIG, EVENTS, RunStore
from arena.hill import settings_key
from arena.settings import Settings

SEARCH_DEPTH = 2  # how far below a given folder runs are looked for


class AnalysisError(UsageError):
    """Inputs the analysis cannot use (no runs, a run without rounds, no set): status 2."""


class ReportWriteError(RunFailure):
    """The report could not be written after the battles were played: status 1."""


def is_run_dir(path: Path) -> bool:
    return (path / CONFIG).is_file() and (path / EVENTS).is_file()


def _children(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return []


def find_runs(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Every run dir named by ``paths`` (each a run dir, or a folder of them), in order."""
    found: list[Path] = []
    for spec in paths:
        path = Path(spec)
        if not path.is_dir():
            raise AnalysisError(f"{spec}: no such directory")
        if is_run_dir(path):
            here = [path]
        else:
            here = []
            level = [path]
            for _ in range(SEARCH_DEPTH):
                level = [c for p in level for c in _children(p)]
                here.extend(p for p in level if is_run_dir(p))
                level = [p for p in level if not is_run_dir(p)]
            here.sort()
        if not here:
            raise AnalysisError(
                f"{spec}: no run directory in it (a run dir has {CONFIG} and {EVENTS}; "
                f"they are looked for up to {SEARCH_DEPTH} levels down)"
            )
        found.extend(p for p in here if p.resolve() not in {f.resolve() for f in found})
    return found


@dataclass
class RunData:
    """One run as the analyses see it: its settings, finished rounds and candidates."""

    path: Path
    label: str
    config: RunConfig
    rounds: list[RoundEvent]  # finished rounds, by round number, one each
    candidates: dict[int, CandidateEvent] = field(default_factory=dict)  # by candidate id
    bad_lines: int = 0  # lines of events.jsonl that are not events (left out)

    @property
    def history(self) -> int:
        """K: how many past champions each round played against."""
        return self.config.history


def load_run(path: Path, label: str | None = None) -> RunData:
    """A run's config and events; a run without a finished round is an AnalysisError."""
    config = load_run_config(path / CONFIG)
    log = RunStore(path).read()
    by_round: dict[int, RoundEvent] = {}
    candidates: dict[int, CandidateEvent] = {}
    for event in log.events:
        if isinstance(event, RoundEvent):
            by_round[event.round] = event  # a round recorded again: the last one counts
        else:
            candidates[event.id] = event
    rounds = [by_round[r] for r in sorted(by_round) if by_round[r].code]
    if not rounds:
        raise AnalysisError(
            f"{path}: the run has no finished round with a champion yet; "
            "leave it out or wait for its first round"
        )
    return RunData(path, label or path.name, config, rounds, candidates, len(log.bad))


def labels_for(paths: list[Path]) -> list[str]:
    """Short unique names: the folder name, with its parent's where names repeat."""
    names = [p.name for p in paths]
    if len(set(names)) == len(names):
        return names
    return [f"{p.parent.name}/{p.name}" if names.count(p.name) > 1 else p.name for p in paths]


def load_runs(paths: list[Path]) -> list[RunData]:
    return [load_run(p, label) for p, label in zip(paths, labels_for(paths), strict=True)]


def hill_identity(settings: Settings) -> tuple[str, bool]:
    """What must agree for runs to be analysed on one hill (battle settings, admission)."""
    return settings_key(settings), settings.pspace_allowed


def common_settings(runs: list[RunData]) -> Settings:
    """The one hill all runs played on; runs on different hills are refused in one line."""
    first = runs[0]
    for run in runs[1:]:
        if hill_identity(run.config.settings) != hill_identity(first.config.settings):
            raise AnalysisError(
                f"{first.path} and {run.path} were played on different hills "
                f"({settings_key(first.config.settings)} vs {settings_key(run.config.settings)}): "
                "analyse them apart, or give --hill NAME to judge both on one hill"
            )
    return first.config.settings
