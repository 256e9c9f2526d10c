"""``arena optimize``: tune a warrior's EQU constants against a set, as optimax/mopt do.

    arena optimize WARRIOR --against DIR|FILES... [--constant NAME=LO:HI[:STEP]]...
                   [--rounds N] [--budget N|DURATION] [--seed N] [--output FILE]
                   [--state FILE] [--hill NAME] [pMARS flags] [-j THREADS] [--dask ADDR]

Without ``--constant`` every numeric EQU is tuned (see ``arena.optimize.default_space``).
The tuned warrior is written to ``--output`` (default ``WARRIOR.opt.red`` beside the
original); the search is recorded in ``--state`` (default ``OUTPUT.state.jsonl``), so
the same command run again continues it.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

import click

from arena.commands.flags import hill_option, settings_for, settings_options
from arena.commands.hill import cache_options, check_rounds_fit
from arena.errors import UsageError
from arena.hill import ResultCache, default_cache_dir, entry_from_warrior
from arena.io import write_atomic
from arena.mars.engine import available_threads
from arena.optimize import Optimizer, dask_scorer, local_scorer, parse_space, spaces_for
from arena.redcode.files import load_warrior_file, load_warrior_files


def parse_budget(text: str) -> tuple[int | None, float | None]:
    """``200`` trials, or a duration (``90s``, ``10m``, ``1h``) of search."""
    from arena.evolve.config import parse_duration

    if text.isascii() and text.isdigit() and len(text) <= 9:
        if int(text) < 1:
            raise UsageError("--budget must be at least 1 trial")
        return int(text), None
    if re.fullmatch(r"[\d.smhd\s]+", text or "") and re.search(r"[smhd]", text):
        return None, parse_duration(text)
    raise UsageError(f"--budget {text!r}: a number of trials (200) or a duration (10m, 1h)")


def _table(result) -> str:
    names = list(result.original)
    width = max(8, *(len(n) for n in names))
    head = f"{'rank':>4}  {'koth':>6}  " + "  ".join(f"{n:>{width}}" for n in names)
    lines = [head]
    for rank, trial in enumerate(result.ranking(10), start=1):
        cells = "  ".join(f"{trial.values[n]:>{width}}" for n in names)
        lines.append(f"{rank:>4}  {trial.score:6.1f}  {cells}")
    return "\n".join(lines)


@click.command("optimize")
@click.argument("warrior", type=click.Path(dir_okay=False))
@click.option("--against", multiple=True, required=True, type=click.Path(),
              help="the set to tune against: directories or files")  # fmt: skip
@click.option("--constant", "constants", multiple=True, metavar="NAME=LO:HI[:STEP]",
              help="a constant and its range (repeatable) [every numeric EQU]")  # fmt: skip
@click.option("--rounds", "pair_rounds", type=click.IntRange(2, 100_000), default=20,
              show_default=True, help="rounds per opponent while searching")  # fmt: skip
@click.option("--confirm-rounds", type=click.IntRange(2, 1_000_000), default=None,
              help="rounds per opponent for the finalists [4 x --rounds]")  # fmt: skip
@click.option("--budget", default="200", show_default=True,
              help="trials to run, or a duration of search (10m, 1h)")  # fmt: skip
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), default=0, show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="the tuned warrior [WARRIOR.opt.red]")  # fmt: skip
@click.option("--state", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="where the search is recorded, to continue it [OUTPUT.state.jsonl]")  # fmt: skip
@click.option("-j", "--threads", type=click.IntRange(1, 1024), default=None)
@click.option("--dask", default=None, help="Dask scheduler address, or 'local'")
@click.option("-q", "--quiet", is_flag=True, help="no progress bar")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@cache_options
@hill_option
@settings_options(without=("rounds",))
def optimize(
    warrior: str,
    against: tuple[str, ...],
    constants: tuple[str, ...],
    pair_rounds: int,
    confirm_rounds: int | None,
    budget: str,
    seed: int,
    output: Path | None,
    state: Path | None,
    threads: int | None,
    dask: str | None,
    quiet: bool,
    as_json: bool,
    cache_dir: str | None,
    no_cache: bool,
    hill: str | None,
    **flags: int | None,
) -> None:
    """Tune WARRIOR's EQU constants for the best KotH score against a set."""
    trials, seconds = parse_budget(budget)
    pool = threads or available_threads()
    settings = settings_for(hill, 2, threads=pool, **flags)
    check_rounds_fit(
        settings, max(pair_rounds, confirm_rounds or 4 * pair_rounds), pool, "--rounds"
    )
    loaded = load_warrior_file(warrior, settings)
    skipped: list[str] = []
    opponents = load_warrior_files(list(against), settings, skipped=skipped)
    for line in skipped:
        click.echo(f"arena optimize: skipped {line}", err=True)
    if not opponents:
        raise UsageError(f"the set is empty: no warriors in {', '.join(against)}")
    original, spaces = spaces_for(loaded.text, settings, [parse_space(c) for c in constants])
    entries = [entry_from_warrior(w.warrior, w.stem) for w in opponents]
    against_id = hashlib.sha256("".join(sorted(e.digest for e in entries)).encode()).hexdigest()[
        :16
    ]
    output = output or Path(warrior).with_suffix(".opt.red")
    state = state or output.with_name(output.name + ".state.jsonl")
    if dask:
        scorer = dask_scorer(dask, [w.text for w in opponents], settings)
    else:
        cache = ResultCache(None if no_cache else (cache_dir or default_cache_dir()), settings)
        scorer = local_scorer(entries, settings, threads=pool, cache=cache)
    bar = None
    started = time.monotonic()
    if not quiet:  # trials done, or seconds spent of a time budget
        bar = click.progressbar(
            length=trials if trials is not None else max(1, int(seconds or 1)),
            label="optimizing" if trials is not None else "optimizing (seconds)",
            file=click.get_text_stream("stderr"),
            show_pos=True,
        )
        bar.__enter__()

    def progress(n: int) -> None:
        if bar is None:
            return
        if trials is not None:
            bar.update(n)
        else:
            bar.update(max(0, min(bar.length, int(time.monotonic() - started)) - bar.pos))

    try:
        optimizer = Optimizer(
            loaded.text, settings, spaces, original, scorer, against_id=against_id,
            rounds=pair_rounds, confirm_rounds=confirm_rounds, seed=seed,
            batch=max(8, 2 * pool), state_path=state, progress=progress,
        )  # fmt: skip
        result = optimizer.run(trials=trials or 10**9, seconds=seconds)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
        close = getattr(scorer, "close", None)
        if close is not None:
            close()
    write_atomic(output, result.text)
    best, base = result.best, result.baseline
    if as_json:
        payload = {
            "warrior": warrior, "output": str(output), "state": str(state),
            "original": result.original, "best": best.values,
            "koth": best.score, "koth_original": base.score,
            "confirm_rounds": best.rounds, "trials": len(result.trials),
            "ranking": [{"koth": t.score, "values": t.values} for t in result.ranking(10)],
        }  # fmt: skip
        click.echo(json.dumps(payload, indent=1))
        return
    click.echo(_table(result))
    changed = ", ".join(f"{k} = {v}" for k, v in best.values.items())
    click.echo(
        f"best: {changed}: KotH {best.score:.1f} against {len(entries)} warriors "
        f"({best.rounds} rounds each; the warrior as written: {base.score:.1f}) -> {output}"
    )
