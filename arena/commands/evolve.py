"""``arena evolve``: run Digital Red Queen evolution headless, with a progress bar.

Precedence: defaults < ``--preset`` < ``--config FILE`` < flags on the command line.
Ends with a summary table of the rounds; everything is in the run directory.

Exit status (``arena.errors``): 0 when the run finished or was stopped cleanly (by a
time, cost or token limit too); 2 for a bad flag, config, warrior file or run dir, or a
missing API key (nothing is created); 1 when the run could not go on (disk, cluster) or
every model call failed; 130 when interrupted. A stopped or failed run continues with
``--resume``. ``--dry-run`` prints the model calls and cost a config implies, and
neither calls a model nor creates a run dir.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from arena.commands.flags import hill_option, settings_options
from arena.errors import INTERRUPTED, RunFailure, UsageError
from arena.evolve.config import (
    RUN_PRESETS,
    RunConfig,
    parse_duration,
    planned_candidates,
    resolve,
)
from arena.evolve.events import CandidateEvent, Event, RoundEvent
from arena.evolve.view import RunView

F = TypeVar("F", bound=Callable[..., Any])


def _summary_table(rounds: list[RoundEvent]) -> str:
    lines = [f"{'round':>5}  {'champion':>8}  {'fitness':>8}  {'valid':>5}  {'placed':>6}  "
             f"{'generality':>10}  {'koth':>6}"]  # fmt: skip
    for o in rounds:
        fitness = "-" if o.fitness is None else f"{o.fitness:.3f}"
        generality = "-" if o.generality is None else f"{o.generality:.2f}"
        koth = "-" if o.koth is None else f"{o.koth:.1f}"
        champion = "-" if o.champion_id is None else str(o.champion_id)
        lines.append(
            f"{o.round:>5}  {champion:>8}  {fitness:>8}  {o.valid:>5}  {o.placed:>6}  "
            f"{generality:>10}  {koth:>6}"
        )
    return "\n".join(lines)


def parse_backend_options(items: tuple[str, ...]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs; a value is read as a TOML value (number, true/false) or text."""
    import tomllib

    options: dict[str, Any] = {}
    for item in items:
        key, eq, text = item.partition("=")
        key = key.strip()
        if not eq or not key.isidentifier():
            raise UsageError(f"--backend-option {item!r}: expected KEY=VALUE")
        try:
            value = tomllib.loads(f"v = {text}")["v"]
        except (ValueError, RecursionError):  # TOMLDecodeError is a ValueError
            value = text
        if not isinstance(value, str | int | float | bool):
            value = text
        options[key] = value
    return options


def _paid(view: RunView) -> bool:
    """Worth showing the spend: tokens were used, a model has no price, or a cap is set."""
    config = view.config
    return bool(view.tokens or view.spend.unpriced or config.max_cost or config.max_total_tokens)


def _dry_run(config: RunConfig, run_dir: Path | None, resume: bool, explicit: set[str]) -> None:
    """Print what the run would call and cost; no model call, no run dir."""
    from arena.evolve.session import dry_run

    config, estimate, warnings = dry_run(config, run_dir, resume=resume, explicit=explicit)
    for warning in warnings:
        click.echo(f"arena evolve: warning: {warning}", err=True)
    click.echo("dry run: no model was called and no run directory was created")
    for line in estimate.lines(config):
        click.echo(line)


# Every option that sets a key of the run's settings; ``arena experiment`` passes the
# same ones to each of its runs. Applied bottom-up, so listed in help order.
_RUN_OPTIONS = [
    click.option("--rounds", type=click.IntRange(1), help="rounds (one champion each)"),
    click.option("--iterations", type=click.IntRange(0), help="iterations per round"),
    click.option(
        "--history", "history", type=click.IntRange(0), help="K: past champions as opponents"
    ),
    click.option("--placements", type=click.IntRange(1), help="placements per fitness evaluation"),
    click.option("--seed", type=int, help="seed of the run"),
    click.option("--backend", help="model backend: offline (default), openai, anthropic, ..."),
    click.option("--model", help="model name for the backend"),
    click.option("--base-url", "base_url", help="OpenAI-compatible server URL (Ollama, vLLM, ...)"),
    click.option(
        "--api-key-env", "api_key_env", help="environment variable that holds the API key"
    ),
    click.option("--temperature", type=float, help="sampling temperature (backend option)"),
    click.option("--max-tokens", "max_tokens", type=click.IntRange(1), help="reply length limit"),
    click.option(
        "--backend-option",
        "backend_option",
        multiple=True,
        metavar="KEY=VALUE",
        help="any option the backend declares (repeatable)",
    ),
    click.option("--opponents", multiple=True, help="initial opponents: files or directories"),
    click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path)),
    click.option(
        "--preset",
        type=click.Choice(sorted(RUN_PRESETS)),
        help="named settings (paper: the paper's command; independent, single-cell, "
        "no-history: its baselines)",
    ),
    click.option(
        "--eval-against", "eval_against", help="held-out warriors: generality after each round"
    ),
    click.option(
        "--fitness",
        type=click.Choice(["melee", "koth"]),
        help="melee share (paper) or 1-on-1 KotH",
    ),
    click.option("--concurrency", type=click.IntRange(1, 1024), help="candidates in flight"),
    click.option(
        "--time-limit",
        "time_limit_text",
        metavar="DURATION",
        help="end the run cleanly after this much run time (90s, 30m, 1h; resumable)",
    ),
    click.option(
        "--max-cost",
        "max_cost",
        type=float,
        metavar="USD",
        help="no new model call once the run has spent this much (resumable; 0 = none)",
    ),
    click.option(
        "--max-total-tokens",
        "max_total_tokens",
        type=int,
        metavar="N",
        help="no new model call once the run has used this many tokens (0 = none)",
    ),
    click.option(
        "--feedback/--no-feedback", default=None, help="battle results in mutation prompts"
    ),
    click.option(
        "--early-stop", "early_stop", type=float, help="end a round at this fitness (0 = off)"
    ),
    click.option("--prompts-dir", "prompts_dir", help="your copy of the prompt templates"),
    click.option(
        "--extra-model",
        "extra_models",
        multiple=True,
        help="another BACKEND:MODEL that takes turns with the main one (repeatable)",
    ),
    hill_option,
    settings_options(without=("rounds",)),
]


def run_options(function: F) -> F:
    """Add every run-settings option (``--rounds`` ... ``--hill``, ``-s`` ...) to a command;
    ``run_flags`` turns what they give into the flags layer of ``resolve``."""
    for option in reversed(_RUN_OPTIONS):
        function = option(function)
    return function


def run_flags(
    flags: dict[str, Any],
    *,
    temperature: float | None,
    max_tokens: int | None,
    backend_option: tuple[str, ...],
    time_limit_text: str | None,
    backend_options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The flags layer of ``arena.evolve.config.resolve`` from ``run_options``' values
    (None: not given); ``backend_options`` adds options a command sets itself."""
    flags = dict(flags)
    for key in ("opponents", "extra_models"):
        if flags.get(key) == ():
            flags[key] = None
    options = parse_backend_options(backend_option)
    if temperature is not None:
        options["temperature"] = temperature
    if max_tokens is not None:
        options["max_tokens"] = max_tokens
    options.update(backend_options or {})
    if options:
        flags["backend_options"] = options
    if time_limit_text is not None:
        flags["time_limit"] = parse_duration(time_limit_text)
    return flags


@click.command()
@run_options
@click.option("--run-dir", "run_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--resume", is_flag=True, help="continue the run in --run-dir")
@click.option(
    "--replay-from",
    "replay_from",
    type=click.Path(path_type=Path),
    metavar="RUN_DIR",
    help="with --backend replay: answer from this recorded run's events",
)
@click.option(
    "--dry-run",
    "dry_run",
    is_flag=True,
    help="print the model calls and cost the settings imply; call nothing, create nothing",
)
@click.option("--dask", help="Dask scheduler address, or 'local' for a local cluster")
def evolve(
    config_file: Path | None,
    preset: str | None,
    run_dir: Path | None,
    resume: bool,
    temperature: float | None,
    max_tokens: int | None,
    backend_option: tuple[str, ...],
    time_limit_text: str | None,
    replay_from: Path | None,
    dry_run: bool,
    **flags: Any,
) -> None:
    """Evolve warriors with the Digital Red Queen algorithm."""
    from arena.evolve.driver import run_to_end
    from arena.evolve.session import open_run

    replay: dict[str, Any] = {}
    if replay_from is not None:
        if (flags.get("backend") or "replay").strip().lower() != "replay":
            raise UsageError("--replay-from goes with --backend replay")
        flags["backend"] = "replay"
        replay["replay_from"] = str(replay_from.absolute())
    flags = run_flags(
        flags,
        temperature=temperature,
        max_tokens=max_tokens,
        backend_option=backend_option,
        time_limit_text=time_limit_text,
        backend_options=replay,
    )
    explicit = {k for k, v in flags.items() if v is not None}
    config = resolve(preset=preset, config_file=config_file, flags=flags)
    if dry_run:
        _dry_run(config, run_dir, resume, explicit)
        return
    run = open_run(config, run_dir, resume=resume, explicit=explicit)
    for notice in run.notices:
        click.echo(f"arena evolve: warning: {notice}", err=True)

    config = run.config
    view = RunView(config)
    recorded = 0
    for event in run.store.events():
        view.apply(event)
        recorded += isinstance(event, CandidateEvent)
    total = max(planned_candidates(config, len(run.red_queen.opponents)), recorded)
    click.echo(f"run directory: {run.store.root}", err=True)
    with click.progressbar(
        length=total,
        label="evolving",
        file=sys.stderr,
        show_pos=True,
        item_show_func=lambda text: text or "",
    ) as bar:
        bar.update(recorded)

        def on_event(event: Event) -> None:
            view.apply(event)
            if isinstance(event, CandidateEvent):
                best = "" if view.best is None else f" best {view.best:.3f}"
                spend = f" {view.spend_line()}" if _paid(view) else ""
                bar.update(1, f"round {event.round}{best}{spend}")
            else:
                text = "-" if event.fitness is None else f"{event.fitness:.3f}"
                click.echo(f"\nround {event.round}: champion fitness {text}", err=True)

        run.red_queen.on_event = on_event
        try:
            outcome = run_to_end(run)
        except KeyboardInterrupt:
            click.echo(
                f"\ninterrupted: continue with arena evolve --resume --run-dir {run.store.root}",
                err=True,
            )
            sys.exit(INTERRUPTED)
    click.echo(_summary_table(outcome.rounds))
    if view.requests and view.failures == view.requests:
        raise RunFailure(
            f"every model call failed ({view.failures} of {view.requests}: "
            f"{view.failure_summary()}); check the backend, model, --base-url and API key, "
            f"then continue with arena evolve --resume --run-dir {run.store.root}"
        )
    if outcome.best is not None:
        b = outcome.best
        click.echo(
            f"best: round {b.round} champion #{b.candidate_id}, KotH {b.score:.1f}, generality "
            f"{b.generality:.2f} against {b.judged_against} -> {run.store.root / 'best.red'}"
        )
    spend = run.red_queen.spend
    if _paid(view):
        click.echo(f"model calls: {view.spend_line()}")
    if outcome.stopped:
        why = f"{outcome.reason} reached" if outcome.reason.endswith("limit") else "stopped"
        raise_it = {"cost limit": " (raise --max-cost)", "token limit": " (raise "
                    "--max-total-tokens)"}.get(outcome.reason, "")  # fmt: skip
        click.echo(
            f"{why} after {len(outcome.rounds)} of {config.rounds} rounds "
            f"({run.red_queen.elapsed():.0f} s of run time; spent {spend.text()}): continue "
            f"with arena evolve --resume --run-dir {run.store.root}{raise_it}",
            err=True,
        )
    if view.failures:
        click.echo(
            f"arena evolve: warning: {view.failures} of {view.requests} model calls failed "
            f"({view.failure_summary()})",
            err=True,
        )
