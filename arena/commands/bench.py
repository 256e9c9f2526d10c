"""``arena bench``: KotH score and generality of warriors against a benchmark set.

    arena bench WARRIOR... [--against DIR|FILES]... [--placements N] [--per-opponent]
                [--json] [--hill NAME] [pMARS flags] [--cache-dir DIR | --no-cache]

Without ``--against`` the set is our own warriors (``warriors/``). Generality is the share
of the set a warrior beats or ties 1-on-1 over N placements (see ``arena.bench``).
"""

from __future__ import annotations

import json

import click

from arena.bench import DEFAULT_PLACEMENTS, BenchResult, evaluate, load_set
from arena.commands.flags import hill_option, settings_for, settings_options
from arena.commands.hill import cache_options, check_rounds_fit, progress_bar, run_options
from arena.hill import BattleStats, ResultCache, default_cache_dir, settings_key
from arena.mars.engine import available_threads
from arena.paths import data_dir


def format_results(results: list[BenchResult], per_opponent: bool) -> str:
    kw = max([7, *(len(r.key) for r in results)])
    lines = [
        f"{'warrior':<{kw}}  {'score':>6}  {'general':>7}  {'beat/tie':>9}  "
        f"{'W':>6} {'L':>6} {'T':>6}  name"
    ]
    for r in results:
        lines.append(
            f"{r.key:<{kw}}  {r.score:6.1f}  {100 * r.generality:6.1f}%  "
            f"{r.beaten_or_tied:>4}/{len(r.opponents):<4}  "
            f"{r.wins:>6} {r.losses:>6} {r.ties:>6}  {r.name}"
        )
    if per_opponent:
        for r in results:
            ow = max([8, *(len(o.opponent) for o in r.opponents)])
            lines.append("")
            lines.append(f"{r.key} against each opponent:")
            lines.append(f"  {'opponent':<{ow}}  {'W':>5} {'L':>5} {'T':>5}  {'score':>6}  verdict")
            for o in sorted(r.opponents, key=lambda o: (-o.score, o.opponent)):
                lines.append(
                    f"  {o.opponent:<{ow}}  {o.wins:>5} {o.losses:>5} {o.ties:>5}  "
                    f"{o.score:6.1f}  {o.verdict}"
                )
    return "\n".join(lines) + "\n"


@click.command("bench")
@click.argument("warriors", nargs=-1, required=True, type=click.Path())
@click.option(
    "--against",
    "against",
    type=click.Path(),
    multiple=True,
    help="the benchmark set: directories or files [our warriors/]",
)
@click.option(
    "--placements",
    type=click.IntRange(1, 2**31 - 1),
    default=DEFAULT_PLACEMENTS,
    show_default=True,
    help="rounds per opponent (half with each warrior loaded first)",
)
@click.option("--per-opponent", is_flag=True, help="also show every opponent's result")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@cache_options
@run_options
@hill_option
@settings_options
def bench(
    warriors: tuple[str, ...],
    against: tuple[str, ...],
    placements: int,
    per_opponent: bool,
    as_json: bool,
    cache_dir: str | None,
    no_cache: bool,
    threads: int | None,
    seed: int | None,
    quiet: bool,
    hill: str | None,
    **flags: int | None,
) -> None:
    """KotH score and generality of each WARRIOR against a set of warriors."""
    if flags.pop("rounds", None) is not None:
        raise click.UsageError("use --placements for the rounds per opponent")
    pool = threads or available_threads()
    settings = settings_for(hill, 2, threads=pool, **flags)
    check_rounds_fit(settings, placements, pool, "--placements")
    skipped: list[str] = []
    mine = load_set(warriors, settings, skipped=skipped)
    theirs = load_set(against or [data_dir("warriors")], settings, skipped=skipped)
    for line in skipped:
        click.echo(f"arena bench: skipped {line}", err=True)
    if not mine:
        raise click.UsageError(f"no warrior to benchmark in {', '.join(warriors)}")
    if not theirs:
        where = ", ".join(against) if against else str(data_dir("warriors"))
        raise click.UsageError(f"the benchmark set is empty: no warriors in {where}")
    cache = ResultCache(None if no_cache else (cache_dir or default_cache_dir()), settings)
    update, close = progress_bar("bench", not quiet)
    stats = BattleStats()
    try:
        results = evaluate(
            mine, theirs, settings, placements=placements, seed=seed, threads=threads,
            cache=cache, progress=update, stats=stats,
        )  # fmt: skip
    finally:
        close()
    if cache.problem:
        click.echo(f"arena bench: warning: {cache.problem}", err=True)
    if not quiet:
        click.echo(
            f"arena bench: {len(mine)} x {len(theirs)} warriors, {placements} placements; "
            f"{stats.played} battles played, {stats.cached} from cache, {stats.seconds:.1f} s",
            err=True,
        )
    if as_json:
        payload = {
            "settings": settings_key(settings),
            "placements": placements,
            "against": [e.key for e in theirs],
            "results": [r.to_json(per_opponent) for r in results],
        }
        click.echo(json.dumps(payload, indent=1))
    else:
        click.echo(format_results(results, per_opponent), nl=False)
