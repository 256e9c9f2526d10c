"""The settings of a Digital Red Queen run: defaults, presets, TOML files and flags.

Precedence, lowest to highest: defaults, ``--preset``, ``--config FILE``, command-line
flags. The resolved config is written to the run directory as ``config.toml`` so a run
can be read, repeated and resumed. Config files are parsed with ``tomllib`` and checked
field by field; nothing in them is ever executed.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from arena.settings import Settings

# The paper's MAP-Elites bins: edges between the 6 cells of each axis.
SPAWNED_EDGES = (1, 10, 100, 1000, 10000)
COVERAGE_EDGES = (10, 100, 500, 1000, 4000)
AXES = ("spawned", "coverage", "opcodes", "length")
DEFAULT_EDGES = {
    "spawned": SPAWNED_EDGES,
    "coverage": COVERAGE_EDGES,
    "opcodes": (2, 3, 4, 6, 8),
    "length": (3, 6, 10, 20, 40),
}


class ConfigError(ValueError):
    """A config file or flag value that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines a run. Field names are the TOML keys."""

    rounds: int = 10
    iterations: int = 100  # mutation/new-warrior steps per round, after the initial ones
    history: int = 20  # K: champions of the last K rounds join the opponents
    placements: int = 20  # rounds (random placements) per fitness evaluation
    seed: int = 0
    backend: str = "offline"
    model: str = ""
    base_url: str = ""
    api_key_env: str = ""  # name of the environment variable holding the key
    opponents: tuple[str, ...] = ()  # files or directories; empty means our imp
    eval_against: str = ""  # directory of held-out warriors for generality
    eval_placements: int = 20
    prompts_dir: str = ""  # user copy of the prompt templates; empty means ours
    n_init: int = 8  # fresh warriors from the model at the start of a round
    new_probability: float = 0.1  # chance an iteration asks for a fresh warrior
    warm_start: bool = False  # seed each round's archive with opponents and champions
    fitness: str = "melee"  # "melee" (DRQ share) or "koth" (1-on-1 hill score)
    axes: tuple[str, str] = ("spawned", "coverage")
    early_stop: float = 0.0  # >0: end a round once its best fitness reaches this
    feedback: bool = False  # battle results of the parent in the mutation prompt
    crossover_probability: float = 0.0
    extra_models: tuple[str, ...] = ()  # "backend:model" pairs used in turn with the main one
    concurrency: int = 4  # candidates in flight (model calls and evaluations)
    timeout: float = 120.0
    max_retries: int = 2
    dask: str = ""  # scheduler address, or "local" for a local cluster
    dask_workers: int = 2
    # hill settings
    core_size: int = 8000
    max_cycles: int = 80000
    max_processes: int = 8000
    max_length: int = 100
    min_distance: int = 100
    settings_extra: dict[str, Any] = field(default_factory=dict)

    @property
    def settings(self) -> Settings:
        return Settings(
            core_size=self.core_size,
            max_cycles=self.max_cycles,
            max_processes=self.max_processes,
            max_length=self.max_length,
            min_distance=self.min_distance,
        )

    def validate(self) -> RunConfig:
        checks = [
            (self.rounds >= 1, "rounds must be at least 1"),
            (self.iterations >= 0, "iterations must not be negative"),
            (self.history >= 0, "history (K) must not be negative"),
            (self.placements >= 1, "placements must be at least 1"),
            (self.n_init >= 1, "n_init must be at least 1"),
            (0.0 <= self.new_probability <= 1.0, "new_probability must be within 0..1"),
            (0.0 <= self.crossover_probability <= 1.0, "crossover_probability must be within 0..1"),
            (self.fitness in ("melee", "koth"), "fitness must be 'melee' or 'koth'"),
            (all(a in AXES for a in self.axes), f"axes must be two of {', '.join(AXES)}"),
            (
                len(self.axes) == 2 and self.axes[0] != self.axes[1],
                "axes must be two different axes",
            ),
            (self.concurrency >= 1, "concurrency must be at least 1"),
            (self.core_size >= 2, "core_size must be at least 2"),
            (1 <= self.max_length <= 1000, "max_length must be within 1..1000"),
            (self.min_distance >= self.max_length, "min_distance must be at least max_length"),
        ]
        for ok, message in checks:
            if not ok:
                raise ConfigError(message)
        return self

    def to_toml(self) -> str:
        data = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items()}
        if not data["settings_extra"]:
            del data["settings_extra"]
        return tomli_w.dumps(data)


# The paper's published command: 20 rounds x 250 iterations, K=20, 20 placements, warm-ups.
PRESETS: dict[str, dict[str, Any]] = {
    "paper": {
        "rounds": 20,
        "iterations": 250,
        "history": 20,
        "placements": 20,
        "n_init": 8,
        "new_probability": 0.1,
        "warm_start": True,
        "fitness": "melee",
    },
    "quick": {"rounds": 3, "iterations": 20, "placements": 4, "n_init": 4},
}

_FIELD_TYPES = {f.name: f.type for f in fields(RunConfig)}


def _coerce(name: str, value: Any) -> Any:
    """Check one TOML/flag value against the field's type; tuples from lists."""
    default = getattr(RunConfig(), name)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"'{name}' must be true or false, not {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"'{name}' must be an integer, not {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"'{name}' must be a number, not {value!r}")
        return float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"'{name}' must be a string, not {value!r}")
        return value
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"'{name}' must be a list of strings, not {value!r}")
        return tuple(value)
    if isinstance(default, dict):
        if not isinstance(value, dict):
            raise ConfigError(f"'{name}' must be a table")
        return dict(value)
    raise ConfigError(f"'{name}' has an unsupported value {value!r}")


def merge(base: RunConfig, values: dict[str, Any], origin: str) -> RunConfig:
    """``base`` with ``values`` applied; unknown keys and wrong types name their origin."""
    changes = {}
    for key, value in values.items():
        if key not in _FIELD_TYPES:
            known = ", ".join(sorted(_FIELD_TYPES))
            raise ConfigError(f"{origin}: unknown setting '{key}' (known: {known})")
        try:
            changes[key] = _coerce(key, value)
        except ConfigError as exc:
            raise ConfigError(f"{origin}: {exc}") from None
    return replace(base, **changes)


def read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc.strerror})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def resolve(
    *,
    preset: str | None = None,
    config_file: Path | None = None,
    flags: dict[str, Any] | None = None,
) -> RunConfig:
    """Defaults < preset < config file < flags (flags given as None are ignored)."""
    config = RunConfig()
    if preset:
        if preset not in PRESETS:
            raise ConfigError(f"unknown preset '{preset}' (known: {', '.join(sorted(PRESETS))})")
        config = merge(config, PRESETS[preset], f"preset {preset}")
    if config_file is not None:
        config = merge(config, read_toml(config_file), str(config_file))
    if flags:
        config = merge(config, {k: v for k, v in flags.items() if v is not None}, "command line")
    return config.validate()
