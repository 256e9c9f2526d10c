"""``arena evolve``: run Digital Red Queen evolution headless, with a progress bar.

Precedence: defaults < ``--preset`` < ``--config FILE`` < flags on the command line.
Ends with a summary table of the rounds; everything is in the run directory.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from arena.evolve.config import PRESETS, ConfigError, resolve
from arena.presets import hill_option, hill_settings


def _summary_table(rounds) -> str:
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


@click.command()
@click.option("--rounds", type=click.IntRange(1), help="rounds (one champion each)")
@click.option("--iterations", type=click.IntRange(0), help="iterations per round")
@click.option("--history", "history", type=click.IntRange(0), help="K: past champions as opponents")
@click.option("--placements", type=click.IntRange(1), help="placements per fitness evaluation")
@click.option("--seed", type=int, help="seed of the run")
@click.option("--backend", help="model backend: offline (default), openai, anthropic, ...")
@click.option("--model", help="model name for the backend")
@click.option("--base-url", "base_url", help="OpenAI-compatible server URL (Ollama, vLLM, ...)")
@click.option("--api-key-env", "api_key_env", help="environment variable that holds the API key")
@click.option("--opponents", multiple=True, help="initial opponents: files or directories")
@click.option("--run-dir", "run_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--resume", is_flag=True, help="continue the run in --run-dir")
@click.option(
    "--preset",
    type=click.Choice(sorted(PRESETS)),
    help="named settings (paper: the paper's command)",
)
@click.option(
    "--eval-against", "eval_against", help="held-out warriors: generality after each round"
)
@click.option(
    "--fitness", type=click.Choice(["melee", "koth"]), help="melee share (paper) or 1-on-1 KotH"
)
@click.option("--concurrency", type=click.IntRange(1), help="candidates in flight")
@click.option("--feedback/--no-feedback", default=None, help="battle results in mutation prompts")
@click.option(
    "--early-stop", "early_stop", type=float, help="end a round at this fitness (0 = off)"
)
@click.option("--dask", help="Dask scheduler address, or 'local' for a local cluster")
@click.option("--prompts-dir", "prompts_dir", help="your copy of the prompt templates")
@click.option(
    "--extra-model",
    "extra_models",
    multiple=True,
    help="another BACKEND:MODEL that takes turns with the main one (repeatable)",
)
@hill_option
def evolve(
    config_file: Path | None,
    preset: str | None,
    run_dir: Path | None,
    resume: bool,
    hill: str | None,
    **flags,
) -> None:
    """Evolve warriors with the Digital Red Queen algorithm."""
    from arena.evolve.session import open_run

    if hill:
        rules = hill_settings(hill)
        for key in ("core_size", "max_cycles", "max_processes", "max_length", "min_distance"):
            flags[key] = getattr(rules, key)

    for key in ("opponents", "extra_models"):
        if flags.get(key) == ():
            flags[key] = None
    explicit = {k for k, v in flags.items() if v is not None}
    try:
        config = resolve(preset=preset, config_file=config_file, flags=flags)
        run = open_run(config, run_dir, resume=resume, explicit=explicit)
    except ConfigError as exc:
        click.echo(f"arena evolve: {exc}", err=True)
        sys.exit(2)

    config = run.config
    # warm starts seed each round with its opponents: the initial ones and up to K champions
    seeds = [
        len(run.red_queen.opponents) + min(r, config.history) if config.warm_start else 0
        for r in range(config.rounds)
    ]
    total = sum(seeds) + config.rounds * (config.n_init + config.iterations)
    click.echo(f"run directory: {run.store.root}", err=True)
    with click.progressbar(
        length=total,
        label="evolving",
        file=sys.stderr,
        show_pos=True,
        item_show_func=lambda e: "" if e is None else e,
    ) as bar:
        done = {"n": 0}

        def on_event(event: dict) -> None:
            if event["type"] == "candidate":
                bar.update(1, f"round {event['round']} best so far")
            elif event["type"] == "round":
                fitness = event["fitness"]
                text = "-" if fitness is None else f"{fitness:.3f}"
                click.echo(f"\nround {event['round']}: champion fitness {text}", err=True)
            done["n"] += 1

        run.red_queen.on_event = on_event

        async def main() -> list:
            try:
                return await run.red_queen.run()
            finally:
                await run.close()

        try:
            rounds = asyncio.run(main())
        except KeyboardInterrupt:
            click.echo("\ninterrupted: continue with --resume", err=True)
            sys.exit(130)
    click.echo(_summary_table(rounds))
