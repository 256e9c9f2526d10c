"""``arena hill``: a round robin of every pair, KotH scores in a sorted table.

    arena hill DIR|FILES... [--rounds N] [--hill NAME] [pMARS flags] [--json | --csv]
               [--add WARRIOR] [--cache-dir DIR | --no-cache] [--seed N] [-j THREADS]

Files found in a directory that do not assemble (or that the hill does not admit) are
left out with one line on stderr each; a file named on the command line must assemble.
Errors are one line on stderr and exit status 2.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable

import click

from arena.commands.flags import hill_option, settings_for, settings_options
from arena.hill import (
    DEFAULT_ROUNDS,
    HillResult,
    ResultCache,
    default_cache_dir,
    load_warriors,
    run_hill,
)
from arena.mars.engine import available_threads
from arena.settings import check_memory, pmars_flag


def check_rounds_fit(settings, rounds: int, threads: int, flag: str) -> None:
    """Refuse a battle length whose per-round records would not fit in memory."""
    check_memory(
        settings.with_(rounds=rounds),
        threads=threads,
        label=lambda name: flag if name == "rounds" else pmars_flag(name),
    )


def progress_bar(
    label: str, enabled: bool
) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A (callback, close) pair driving a click progress bar on stderr."""
    state: dict = {"bar": None}

    def update(done: int, total: int) -> None:
        if not enabled or total == 0:
            return
        bar = state["bar"]
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
            bar.__enter__()
            state["bar"] = bar
        if done > bar.pos:
            bar.update(done - bar.pos)

    def close() -> None:
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)
            state["bar"] = None

    return update, close


def cache_options(function):
    function = click.option(
        "--no-cache", is_flag=True, help="neither read nor write the results cache"
    )(function)
    function = click.option(
        "--cache-dir",
        type=click.Path(file_okay=False),
        default=None,
        help=f"where battle results are cached [{default_cache_dir()}]",
    )(function)
    return function


def run_options(function):
    function = click.option(
        "-j", "--threads", type=click.IntRange(1, 1024), default=None, help="threads [all cores]"
    )(function)
    function = click.option(
        "--seed",
        type=int,
        default=None,
        help="seed every battle with this seed₀ [pMARS's -f checksum seed]",
    )(function)
    function = click.option("-q", "--quiet", is_flag=True, help="no progress bar")(function)
    return function


def format_table(result: HillResult, marked: set[str] | frozenset[str] = frozenset()) -> str:
    rows = result.standings()
    kw = max([4, *(len(s.entry.key) for s in rows)])
    lines = [f"{'rank':>4}  {'score':>6}  {'W':>6} {'L':>6} {'T':>6}  {'file':<{kw}}  name"]
    for s in rows:
        mark = "*" if s.entry.key in marked else " "
        lines.append(
            f"{s.rank:>4}{mark} {s.score:6.1f}  {s.wins:>6} {s.losses:>6} {s.ties:>6}  "
            f"{s.entry.key:<{kw}}  {s.entry.name}"
        )
    return "\n".join(lines) + "\n"


def write_csv(result: HillResult) -> None:
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["rank", "file", "name", "author", "wins", "losses", "ties", "rounds", "score"])
    for s in result.standings():
        w.writerow(
            [
                s.rank,
                s.entry.key,
                s.entry.name,
                s.entry.author,
                s.wins,
                s.losses,
                s.ties,
                s.rounds,
                f"{s.score:.2f}",
            ]
        )


@click.command("hill")
@click.argument("warriors", nargs=-1, type=click.Path())
@click.option(
    "--rounds",
    "pair_rounds",
    type=click.IntRange(1, 2**31 - 1),
    default=None,
    help=f"rounds per pair, half in each order [{DEFAULT_ROUNDS}; also -r]",
)
@click.option(
    "--add",
    "add",
    type=click.Path(),
    multiple=True,
    help="score a newcomer against the hill (cached pairs are not replayed)",
)
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@click.option("--csv", "as_csv", is_flag=True, help="print CSV")
@cache_options
@run_options
@hill_option
@settings_options
def hill(
    warriors: tuple[str, ...],
    pair_rounds: int | None,
    add: tuple[str, ...],
    as_json: bool,
    as_csv: bool,
    cache_dir: str | None,
    no_cache: bool,
    threads: int | None,
    seed: int | None,
    quiet: bool,
    hill: str | None,
    **flags: int | None,
) -> None:
    """Round robin of every pair of WARRIORS (files or directories), KotH scores."""
    if as_json and as_csv:
        raise click.UsageError("--json and --csv cannot be used together")
    if not warriors and not add:
        raise click.UsageError("no warriors: give files or directories")
    if pair_rounds is not None and flags.get("rounds") is not None:
        raise click.UsageError("give the rounds per pair once (--rounds or -r)")
    rounds = pair_rounds or flags.pop("rounds", None) or DEFAULT_ROUNDS
    flags.pop("rounds", None)
    pool = threads or available_threads()
    settings = settings_for(hill, 2, threads=pool, **flags)
    check_rounds_fit(settings, rounds, pool, "--rounds")
    skipped: list[str] = []
    entries = load_warriors(warriors, settings, skipped=skipped)
    newcomers = load_warriors(add, settings, skipped=skipped)
    for line in skipped:
        click.echo(f"arena hill: skipped {line}", err=True)
    keys = {e.key for e in entries}
    renamed = []
    for e in newcomers:
        key = e.key
        while key in keys:
            key += "+"
        keys.add(key)
        renamed.append(e if key == e.key else type(e)(e.warrior, key, e.path, e.digest))
    everyone = [*entries, *renamed]
    if len(everyone) < 2:
        where = ", ".join([*warriors, *add])
        raise click.UsageError(f"a hill needs at least two warriors; {where} gave {len(everyone)}")
    cache = ResultCache(None if no_cache else (cache_dir or default_cache_dir()), settings)
    update, close = progress_bar("hill", not quiet)
    try:
        result = run_hill(
            everyone, settings, rounds=rounds, seed=seed, threads=threads, cache=cache,
            progress=update,
        )  # fmt: skip
    finally:
        close()
    if cache.problem:
        click.echo(f"arena hill: warning: {cache.problem}", err=True)
    if not quiet:
        st = result.stats
        click.echo(
            f"arena hill: {len(everyone)} warriors, {rounds} rounds per pair; "
            f"{st.played} battles played, {st.cached} from cache, {st.seconds:.1f} s",
            err=True,
        )
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=1))
    elif as_csv:
        write_csv(result)
    else:
        click.echo(format_table(result, {e.key for e in renamed}), nl=False)
