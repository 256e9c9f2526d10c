"""Analyse run dirs into a report folder in one call, for callers without click.

``arena analyze`` parses flags and draws progress bars around the same steps; the TUI's
evolve screen calls ``analyze_runs`` from a worker thread. The default set a run is
judged against is the run's own: its held-out set, else its opponents (as the run
loaded them: our imp when it named none).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from arena.analysis.analyze import DEFAULT_PLACEMENTS, Analysis, StageProgress, analyze
from arena.analysis.report import REPORT, prepare_out_dir, write_report
from arena.analysis.runs import AnalysisError, common_settings, find_runs, load_runs
from arena.bench import load_set
from arena.evolve.config import RunConfig
from arena.hill import ResultCache
from arena.paths import data_dir

OUT = "analysis"  # the report folder's name inside the (first) run dir


@dataclass(frozen=True)
class Report:
    """What ``analyze_runs`` measured and where it wrote it."""

    analysis: Analysis
    folder: Path
    files: list[Path]
    skipped: list[str]  # files of the set that were left out, and why

    @property
    def report(self) -> Path:
        return self.folder / REPORT

    @property
    def plots(self) -> list[Path]:
        return [f for f in self.files if f.suffix == ".png"]


def default_against(config: RunConfig) -> list[str]:
    """The run's own set: its held-out warriors, else its opponents (imp when none)."""
    if config.eval_against:
        return [config.eval_against]
    return list(config.opponents) or [str(data_dir("warriors") / "imp.red")]


def analyze_runs(
    paths: Sequence[str | os.PathLike[str]],
    against: Sequence[str],
    *,
    placements: int = DEFAULT_PLACEMENTS,
    out: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    seed: int | None = None,
    threads: int | None = None,
    progress: StageProgress | None = None,
) -> Report:
    """Judge the runs' champions against ``against`` on their own hill and write the
    report folder (``OUT`` in the first run dir unless ``out``); battles are cached in
    ``cache_dir`` (None: not cached)."""
    if not paths:
        raise AnalysisError("no run to analyse")
    data = load_runs(find_runs(paths))
    settings = common_settings(data)
    folder = prepare_out_dir(out or Path(paths[0]) / OUT)
    skipped: list[str] = []
    opponents = load_set(list(against), settings, skipped=skipped)
    if not opponents:
        raise AnalysisError(f"the set is empty: no warriors in {', '.join(against)}")
    cache = ResultCache(Path(cache_dir) if cache_dir else None, settings)
    result = analyze(
        data, opponents, settings, placements=placements, seed=seed, threads=threads,
        cache=cache, progress=progress,
    )  # fmt: skip
    if cache.problem:
        result.warnings.append(cache.problem)
    files = write_report(result, folder)
    return Report(result, folder, files, skipped)
