"""Putting a run together: config, run directory, backends, evaluator, opponents.

The CLI (``arena evolve``) and the TUI's evolve screen both call ``open_run``, so a
run started in either is the same run, in the same kind of run directory.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from arena.evolve.config import ConfigError, RunConfig, merge, read_toml
from arena.evolve.evaluator import DaskEvaluator, Evaluator, LocalEvaluator
from arena.evolve.redqueen import Opponent, RedQueen
from arena.evolve.store import RunStore
from arena.paths import data_dir
from arena.redcode import assemble

# Settings a resumed run may change; everything else must match the original run.
RESUMABLE_CHANGES = {"rounds", "concurrency", "timeout", "max_retries", "dask", "dask_workers"}


@dataclass
class Run:
    """A ready-to-run evolution and the things it owns (closed by ``close``)."""

    config: RunConfig
    store: RunStore
    red_queen: RedQueen
    evaluator: Evaluator
    backends: list

    async def close(self) -> None:
        for backend in self.backends:
            await backend.aclose()
        self.evaluator.close()


def load_warriors(paths: tuple[str, ...] | list[str], settings) -> list[Opponent]:
    """Read warriors from files and directories (``*.red``); each must assemble."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(path.glob("*.red")))
        elif path.is_file():
            found.append(path)
        else:
            raise ConfigError(f"{item}: no such file or directory")
    warriors = []
    for path in found:
        text = path.read_text(encoding="utf-8", errors="replace")
        result = assemble(text, settings, file=str(path))
        if not result.ok:
            first = result.errors[0]
            raise ConfigError(f"{path}: does not assemble under the run's settings: {first}")
        warriors.append(Opponent(path.stem, text))
    if not warriors and paths:
        raise ConfigError(f"no warriors (*.red) found in {', '.join(map(str, paths))}")
    return warriors


def default_run_dir(config: RunConfig) -> Path:
    return Path("runs") / f"{time.strftime('%Y%m%d-%H%M%S')}-seed{config.seed}"


def _check_resume(stored: RunConfig, wanted: RunConfig, explicit: set[str]) -> RunConfig:
    changed = {
        key
        for key in explicit
        if key not in RESUMABLE_CHANGES and getattr(stored, key) != getattr(wanted, key)
    }
    if changed:
        raise ConfigError(
            "--resume keeps the run's own settings; these differ from config.toml: "
            + ", ".join(sorted(changed))
        )
    return replace(stored, **{k: getattr(wanted, k) for k in explicit & RESUMABLE_CHANGES})


def open_run(
    config: RunConfig,
    run_dir: Path | None,
    *,
    resume: bool = False,
    explicit: set[str] | None = None,
    on_event=None,
) -> Run:
    """Create (or reopen with ``resume``) a run directory and everything the run needs."""
    from arena.backends import create_backend
    from arena.prompts import PromptError, Prompts

    run_dir = Path(run_dir) if run_dir else default_run_dir(config)
    store = RunStore(run_dir)
    if resume:
        if not store.exists():
            raise ConfigError(f"{run_dir}: no run to resume (config.toml is missing)")
        stored = merge(
            RunConfig(), read_toml(run_dir / "config.toml"), str(run_dir / "config.toml")
        )
        config = _check_resume(stored, config, explicit or set()).validate()
    else:
        if store.exists() and any(store.events()):
            raise ConfigError(
                f"{run_dir}: a run is already there; use --resume or another --run-dir"
            )
        store.create(config.to_toml())

    settings = config.settings
    opponent_paths = config.opponents or (str(data_dir("warriors") / "imp.red"),)
    opponents = load_warriors(opponent_paths, settings)
    held_out = load_warriors((config.eval_against,), settings) if config.eval_against else []
    try:
        prompts = Prompts(config.prompts_dir or None)
    except PromptError as exc:
        raise ConfigError(f"prompt templates: {exc}") from None

    specs = [(config.backend, config.model)]
    for extra in config.extra_models:
        name, _, model = extra.partition(":")
        specs.append((name, model))
    options: dict[str, Any] = {
        "base_url": config.base_url or None,
        "api_key_env": config.api_key_env or None,
        "timeout": config.timeout,
        "max_retries": config.max_retries,
        "max_concurrency": config.concurrency,
    }
    try:
        backends = [
            create_backend(name, model=model or None, seed=config.seed, **options)
            for name, model in specs
        ]
    except (ValueError, LookupError, TypeError, OSError) as exc:
        raise ConfigError(f"backend: {exc}") from None
    evaluator: Evaluator
    if config.dask:
        evaluator = DaskEvaluator(config.dask, config.dask_workers)
    else:
        evaluator = LocalEvaluator()
    red_queen = RedQueen(
        config,
        store,
        backends,
        evaluator,
        opponents,
        prompts.request,
        held_out=held_out,
        on_event=on_event,
    )
    return Run(config, store, red_queen, evaluator, backends)
