"""``arena analyze``: the Digital Red Queen paper's analyses of runs, as a report folder.

    arena analyze RUNS_OR_EXPERIMENT... --against DIR|FILES [--placements N] [--hill NAME]
                  [--out DIR] [--ncd zlib|lzma] [--seed N] [-j THREADS] [-q]
                  [--cache-dir DIR | --no-cache]

Each path is a run dir or a folder of run dirs (one or two levels down). The champions
are judged on the runs' own hill (runs on different hills are refused) unless ``--hill``
names one. The computations are ``arena.analysis``; this module only parses flags,
draws the progress bar and says where the report is.
"""

from __future__ import annotations

from pathlib import Path

import click

from arena.analysis import (
    DEFAULT_PLACEMENTS,
    AnalysisError,
    analyze,
    common_settings,
    find_runs,
    load_runs,
    prepare_out_dir,
    write_report,
)
from arena.analysis.job import OUT
from arena.analysis.ncd import COMPRESSORS
from arena.analysis.report import REPORT
from arena.bench import load_set
from arena.commands.flags import hill_option, settings_for
from arena.commands.hill import cache_options, check_rounds_fit, progress_bar, run_options
from arena.hill import ResultCache, default_cache_dir
from arena.mars.engine import available_threads


class StageBars:
    """One progress bar on stderr per stage of battles (a new bar when the stage changes)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.stage: str | None = None
        self.update, self.close = progress_bar("", False)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.update, self.close = progress_bar(stage, self.enabled)
        self.update(done, total)


@click.command("analyze")
@click.argument("runs", nargs=-1, required=True, type=click.Path())
@click.option(
    "--against",
    "against",
    type=click.Path(),
    multiple=True,
    required=True,
    help="the set the champions are judged against: directories or warrior files",
)
@click.option(
    "--placements",
    type=click.IntRange(1, 2**31 - 1),
    default=DEFAULT_PLACEMENTS,
    show_default=True,
    help="rounds per pair (half with each warrior loaded first)",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default=None,
    help=f"the report folder [{OUT}/ in the first RUNS]",
)
@click.option(
    "--ncd",
    "compressor",
    type=click.Choice(COMPRESSORS),
    default="zlib",
    show_default=True,
    help="compressor of the genotype distance",
)
@cache_options
@run_options
@hill_option
def analyze_command(
    runs: tuple[str, ...],
    against: tuple[str, ...],
    placements: int,
    out: str | None,
    compressor: str,
    cache_dir: str | None,
    no_cache: bool,
    threads: int | None,
    seed: int | None,
    quiet: bool,
    hill: str | None,
) -> None:
    """Generality, convergence, diversity, cycles and archives of evolution RUNS."""
    data = load_runs(find_runs(runs))
    pool = threads or available_threads()
    settings = settings_for(hill, 2, threads=pool) if hill else common_settings(data)
    check_rounds_fit(settings, placements, pool, "--placements")
    skipped: list[str] = []
    opponents = load_set(against, settings, skipped=skipped)
    for line in skipped:
        click.echo(f"arena analyze: skipped {line}", err=True)
    if not opponents:
        raise AnalysisError(f"the set is empty: no warriors in {', '.join(against)}")
    folder = prepare_out_dir(out or Path(runs[0]) / OUT)
    cache = ResultCache(None if no_cache else (cache_dir or default_cache_dir()), settings)
    bars = StageBars(not quiet)
    try:
        result = analyze(
            data, opponents, settings, placements=placements, seed=seed, threads=threads,
            cache=cache, compressor=compressor, progress=bars,
        )  # fmt: skip
    finally:
        bars.close()
    if cache.problem:
        click.echo(f"arena analyze: warning: {cache.problem}", err=True)
    for line in result.warnings:
        click.echo(f"arena analyze: warning: {line}", err=True)
    write_report(result, folder)
    if not quiet:
        click.echo(
            f"arena analyze: {len(data)} run(s), {len(result.rows)} champions x "
            f"{len(opponents)} opponents, {placements} placements; {result.stats.played} "
            f"battles played, {result.stats.cached} from cache, {result.stats.seconds:.1f} s",
            err=True,
        )
    click.echo(str(folder / REPORT))
