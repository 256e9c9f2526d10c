"""Putting a run together: config, run directory, backends, evaluator, opponents.

The CLI (``arena evolve``) and the TUI's evolve screen both call ``open_run``, so a
run started in either is the same run, in the same kind of run directory.

Everything that can be checked is checked before the run directory is touched (the
config, the opponents and held-out warriors under the hill's admission rule, whether the
largest battle of the run fits the core and the memory, the prompt templates, the
backends and their keys, the Dask cluster), so a run that cannot start leaves nothing
behind. Resuming repairs the event log (nothing valid is dropped; see
``arena.evolve.store``) and reports what it did in ``Run.notices``.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from arena.errors import RunFailure
from arena.evolve.config import RunConfig, load_run_config
from arena.evolve.economics import Estimate, check_priced, estimate, model_names
from arena.evolve.evaluator import DaskEvaluator, Evaluator, LocalEvaluator
from arena.evolve.redqueen import Opponent, RedQueen
from arena.evolve.store import RunDirError, RunLock, RunStore
from arena.paths import data_dir
from arena.redcode.files import WarriorFileError, load_warrior_files
from arena.secrets import environment_redactor
from arena.settings import FIELDS, HILL_FIELDS, Settings, SettingsError, check_fits, check_memory

if TYPE_CHECKING:
    from arena.prompts import Prompts

# Settings a resumed run may change; everything else must match the original run.
RESUMABLE_CHANGES = {
    "rounds",
    "concurrency",
    "time_limit",
    "max_cost",
    "max_total_tokens",
    "pricing",
    "timeout",
    "max_retries",
    "dask",
    "dask_workers",
}


@dataclass
class Run:
    """A ready-to-run evolution and the things it owns (closed by ``close``)."""

    config: RunConfig
    store: RunStore
    red_queen: RedQueen
    evaluator: Evaluator
    backends: list
    notices: list[str] = field(default_factory=list)  # what resuming repaired, for the user
    lock: RunLock | None = None  # held while the run may write its directory

    async def close(self) -> None:
        try:
            for backend in self.backends:
                await backend.aclose()
            self.evaluator.close()
        finally:
            if self.lock is not None:
                self.lock.release()


def load_warriors(
    paths: tuple[str, ...] | list[str],
    settings: Settings,
    what: str,
    skipped: list[str] | None = None,
) -> list[Opponent]:
    """Warriors from files and directories for a run, as every command loads them: a file
    named must load and be admitted; one found in a directory that is not is skipped."""
    left_out: list[str] = []
    try:
        loaded = load_warrior_files(list(paths), settings, skipped=left_out)
    except WarriorFileError as exc:
        raise WarriorFileError(f"{what}: {exc}") from None
    if skipped is not None:
        skipped.extend(f"{what}: skipped {line}" for line in left_out)
    if not loaded and paths:
        raise WarriorFileError(
            f"{what}: no warriors (*.red, *.rc, *.war) in {', '.join(map(str, paths))}"
        )
    return [Opponent(w.stem, w.text) for w in loaded]


def default_run_dir(config: RunConfig) -> Path:
    return Path("runs") / f"{time.strftime('%Y%m%d-%H%M%S')}-seed{config.seed}"


def check_resume(stored: RunConfig, wanted: RunConfig, explicit: set[str]) -> RunConfig:
    """The stored config with the ``explicit`` keys of ``wanted`` a resume may change;
    a SettingsError names any other explicit key that differs."""
    changed = {
        key
        for key in explicit
        if key not in RESUMABLE_CHANGES
        and hasattr(stored, key)
        and getattr(stored, key) != getattr(wanted, key)
    }
    hill_given = explicit & {"hill", *HILL_FIELDS}
    if hill_given and stored.settings != wanted.settings:
        changed.add("hill settings")
    if changed:
        raise SettingsError(
            "--resume keeps the run's own settings; these differ from config.toml: "
            + ", ".join(sorted(changed))
        )
    return replace(stored, **{k: getattr(wanted, k) for k in explicit & RESUMABLE_CHANGES})


def largest_battle(config: RunConfig, opponents: int) -> int:
    """Warriors in the run's biggest battle: the candidate, the opponents, K champions."""
    return 1 + opponents + min(config.history, max(config.rounds - 1, 0))


def _check_battles(config: RunConfig, opponents: int) -> None:
    """Refuse a run whose battles could not be placed or would not fit in memory."""
    n = largest_battle(config, opponents)

    def label(name: str) -> str:  # the key, and the flag that sets it
        if name == "rounds":
            return "placements (--placements)"
        return f"{name} (-{FIELDS[name].letter})" if name in FIELDS else name

    check_fits(config.settings, n, label=label)
    rounds = max(config.placements, config.confirm_placements, config.eval_placements)
    check_memory(
        config.settings.with_(warriors=n, rounds=rounds), threads=os.cpu_count() or 1, label=label
    )


def _backends(config: RunConfig) -> list:
    from arena.backends.registry import UnknownOptionError, create_backend

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
    backends: list = []
    for name, model in specs:
        try:
            backends.append(
                create_backend(
                    name,
                    model=model or None,
                    seed=config.seed,
                    **options,
                    **config.backend_options,
                )
            )
        except UnknownOptionError as exc:
            raise SettingsError(f"backend_options: {exc}") from None
        except Exception as exc:  # a plugin may raise anything while it starts
            raise SettingsError(f"backend {name}: {exc}") from None
    return backends


def _evaluator(config: RunConfig, threads: int | None = None) -> Evaluator:
    if not config.dask:
        return LocalEvaluator(threads)
    try:
        return DaskEvaluator(config.dask, config.dask_workers)
    except Exception as exc:
        raise RunFailure(
            f"cannot use the Dask cluster {config.dask!r} ({type(exc).__name__}: {exc}); "
            "check --dask (a scheduler address such as tcp://host:8786, or 'local')"
        ) from None


def _stored_config(store: RunStore) -> RunConfig:
    if not store.exists():
        raise RunDirError(f"{store.root}: no run to resume (config.toml is missing)")
    return load_run_config(store.config_path)


def _inputs(
    config: RunConfig, skipped: list[str]
) -> tuple[list[Opponent], list[Opponent], Prompts]:
    """Opponents, held-out warriors and prompt templates, all checked against the config
    (battles that fit, a price for every model under a cost cap); nothing is written."""
    from arena.prompts import PromptError, Prompts

    settings = config.settings
    opponent_paths = config.opponents or (str(data_dir("warriors") / "imp.red"),)
    opponents = load_warriors(opponent_paths, settings, "opponents", skipped)
    held_out = (
        load_warriors((config.eval_against,), settings, "eval_against", skipped)
        if config.eval_against
        else []
    )
    _check_battles(config, len(opponents))
    try:
        prompts = Prompts(config.prompts_dir or None)
    except PromptError as exc:
        raise SettingsError(f"prompt templates: {exc}") from None
    check_priced(config, model_names(config))
    return opponents, held_out, prompts


def dry_run(
    config: RunConfig,
    run_dir: Path | None,
    *,
    resume: bool = False,
    explicit: set[str] | None = None,
) -> tuple[RunConfig, Estimate, list[str]]:
    """What a run would do and cost (``--dry-run``): every check ``open_run`` makes
    before it writes, then the estimate. No model is called, no backend is built and
    nothing is written; resuming, the calls already recorded are left out.

    Returns the config the run would have, the estimate, and warnings (skipped files).
    """
    recorded: list = []
    if resume:
        store = RunStore(Path(run_dir) if run_dir else default_run_dir(config))
        config = check_resume(_stored_config(store), config, explicit or set())
        recorded = store.events()
    skipped: list[str] = []
    opponents, _, prompts = _inputs(config, skipped)
    battle = largest_battle(config, len(opponents))
    return config, estimate(config, prompts, battle, recorded=recorded), skipped


def open_run(
    config: RunConfig,
    run_dir: Path | None,
    *,
    resume: bool = False,
    explicit: set[str] | None = None,
    on_event=None,
    threads: int | None = None,
) -> Run:
    """Create (or reopen with ``resume``) a run directory and everything the run needs.

    ``threads``: battle threads of a local evaluator (default: every core); runs played
    side by side share the cores this way.
    """
    run_dir = Path(run_dir) if run_dir else default_run_dir(config)
    store = RunStore(run_dir, redact=environment_redactor([config.api_key_env]))
    if resume:
        stored = _stored_config(store)
        config = check_resume(stored, config, explicit or set())
        store.redact = environment_redactor([config.api_key_env])
    elif store.has_events():
        raise RunDirError(f"{run_dir}: a run is already there; use --resume or another --run-dir")

    skipped: list[str] = []
    opponents, held_out, prompts = _inputs(config, skipped)
    backends = _backends(config)
    evaluator = _evaluator(config, threads)
    notices: list[str] = list(skipped)
    lock = RunLock(store.root)  # one writer at a time (see arena.evolve.store)
    try:
        if resume or store.root.exists():
            lock.acquire()
        if resume:
            notices += store.repair().messages(store.root)
            store.remove_old_checkpoint()
            if config != stored:  # e.g. more rounds: the run dir says what the run is
                store.write_config(config.to_toml())
        else:
            store.create(config.to_toml())
            lock.acquire()
    except BaseException:
        lock.release()
        evaluator.close()
        raise
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
    return Run(config, store, red_queen, evaluator, backends, notices, lock)
