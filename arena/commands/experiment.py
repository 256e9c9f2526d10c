"""``arena experiment``: N independent evolution runs under one directory, resumable.

Takes every settings flag of ``arena evolve`` (``--preset``, ``--config``, ...) for all
its runs, plus the plan: ``--runs N``, ``--opponents-from DIR|FILE --per-run K`` (each
run's initial opponents drawn from a set, seeded by ``--seed``). ``--jobs`` runs at a
time on this machine, or ``--dask ADDR|local`` for whole runs as Dask tasks. One
progress line on stderr, a summary table on stdout; the domain is
``arena.evolve.experiment``.

Exit status (``arena.errors``): 0 when every run finished, or stopped at a time, cost or
token limit; 2 for a bad flag, config, warrior file, directory or a changed plan
(nothing is started); 1 when a run failed while working (the others go on; everything
is kept); 130 when interrupted. ``--resume EXP`` (or the same command again) goes on.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from arena.commands.evolve import run_flags, run_options
from arena.errors import INTERRUPTED, ArenaError, UsageError
from arena.evolve.config import RunConfig, resolve

if TYPE_CHECKING:
    from arena.evolve.experiment import Plan, Progress, RunRow


def _table(rows: list[RunRow]) -> str:
    """run, seed, opponents, rounds, status and best.red's KotH, one line a run."""
    lines = [f"{'run':<16}  {'seed':>6}  {'opponents':<28}  {'rounds':>7}  {'status':<11}  "
             f"{'best KotH':>9}"]  # fmt: skip
    for row in rows:
        opponents = ", ".join(row.opponents)
        if len(opponents) > 28:
            opponents = opponents[:25] + "..."
        koth = "-" if row.best_koth is None else f"{row.best_koth:.1f}"
        rounds = f"{row.rounds}/{row.rounds_planned}"
        lines.append(
            f"{row.name:<16}  {row.seed:>6}  {opponents:<28}  {rounds:>7}  {row.status:<11}  "
            f"{koth:>9}"
        )
    return "\n".join(lines)


def _default_dir(seed: int) -> Path:
    return Path("experiments") / f"{time.strftime('%Y%m%d-%H%M%S')}-seed{seed}"


@click.command()
@click.argument(
    "directory", required=False, type=click.Path(file_okay=False, path_type=Path), metavar="[EXP]"
)
@click.option("--runs", type=click.IntRange(1), help="independent runs (one seed each)")
@click.option(
    "--opponents-from",
    "opponents_from",
    multiple=True,
    metavar="DIR|FILE",
    help="the set each run's initial opponents are drawn from (repeatable)",
)
@click.option(
    "--per-run", "per_run", type=click.IntRange(1), help="warriors drawn for each run [1]"
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 1024),
    help="runs at a time on this machine (or Dask workers of --dask local) [cores]",
)
@click.option("--dask", help="Dask scheduler address, or 'local': whole runs as Dask tasks")
@click.option("--resume", is_flag=True, help="continue the experiment in EXP as recorded")
@run_options
def experiment(
    directory: Path | None,
    runs: int | None,
    opponents_from: tuple[str, ...],
    per_run: int | None,
    jobs: int | None,
    dask: str | None,
    resume: bool,
    config_file: Path | None,
    preset: str | None,
    temperature: float | None,
    max_tokens: int | None,
    backend_option: tuple[str, ...],
    time_limit_text: str | None,
    **flags: Any,
) -> None:
    """Run N independent evolutions (an experiment) under one directory."""
    from arena.evolve.experiment import Experiment, make_plan

    flags = run_flags(
        flags,
        temperature=temperature,
        max_tokens=max_tokens,
        backend_option=backend_option,
        time_limit_text=time_limit_text,
    )
    explicit = {k for k, v in flags.items() if v is not None}
    if per_run is not None and not opponents_from:
        raise UsageError("--per-run goes with --opponents-from (the set to draw from)")
    warnings: list[str] = []
    config = resolve(preset=preset, config_file=config_file, flags=flags)
    if resume:
        if directory is None:
            raise UsageError(
                "--resume needs the experiment directory: arena experiment --resume EXP"
            )
        if runs is not None or opponents_from:
            raise UsageError(
                "--resume continues the recorded plan: leave out --runs, --opponents-from "
                "and --per-run (or give the experiment's whole command again)"
            )
        wanted: Plan | RunConfig = config
    else:
        if runs is None:
            raise UsageError(
                "--runs N is needed for an experiment (to continue one as recorded: "
                "arena experiment --resume EXP)"
            )
        wanted = make_plan(
            config, runs, opponents_from=opponents_from, per_run=per_run or 1, warnings=warnings
        )
    root = directory or _default_dir(config.seed)
    exp = Experiment.open(root, wanted, resume=resume, explicit=explicit, warnings=warnings)
    for warning in warnings:
        click.echo(f"arena experiment: warning: {warning}", err=True)
    pending = len(exp.pending())
    click.echo(
        f"experiment directory: {exp.root} ({exp.plan.runs} runs, {pending} to play)", err=True
    )

    with click.progressbar(
        length=1,
        label="experiment",
        file=sys.stderr,
        show_pos=True,
        item_show_func=lambda text: text or "",
    ) as bar:
        shown = {"candidates": 0}

        def on_progress(progress: Progress) -> None:
            bar.length = max(progress.planned, progress.candidates, 1)
            best = (
                "" if progress.best is None else f" best {progress.best:.3f} ({progress.best_run})"
            )
            text = f"runs {progress.runs_done}/{progress.runs}{best}"
            bar.current_item = text
            if progress.candidates > shown["candidates"]:
                bar.update(progress.candidates - shown["candidates"])
                shown["candidates"] = progress.candidates
            else:  # runs done or best changed, no new candidate: show it anyway
                bar.render_progress()

        outcome = exp.play(jobs=jobs, dask=dask or "", on_progress=on_progress)
    for notice in outcome.notices:
        click.echo(f"arena experiment: warning: {notice}", err=True)
    click.echo(_table(outcome.rows))
    again = f"arena experiment --resume {exp.root}"
    if outcome.interrupted:
        click.echo(f"interrupted: continue with {again}", err=True)
        sys.exit(INTERRUPTED)
    if outcome.errors:
        first = outcome.errors[0]
        error = ArenaError(
            f"{len(outcome.errors)} of {exp.plan.runs} runs failed; {first.name}: "
            f"{first.message} (then continue with {again})"
        )
        error.exit_status = max(r.exit_status for r in outcome.errors)
        raise error
    limited = [r for r in outcome.rows if r.status not in ("finished", "error")]
    if limited:
        reasons = ", ".join(sorted({r.status for r in limited}))
        click.echo(
            f"{len(limited)} of {exp.plan.runs} runs stopped ({reasons}): continue with {again}",
            err=True,
        )
