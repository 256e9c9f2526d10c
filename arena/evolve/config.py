"""The settings of a Digital Red Queen run: defaults, presets, TOML files and flags.

Precedence, lowest to highest: defaults, ``--preset``, ``--config FILE``, command-line
flags. The resolved config is written to the run directory as ``config.toml`` so a run
can be read, repeated and resumed. Config files are parsed with ``tomllib`` and checked
field by field; nothing in them is ever executed.

The hill a run plays on is one ``arena.settings.Settings``, built by
``arena.settings.build_settings`` like everywhere else: ``hill = "94nop"`` names a hill,
a ``[hill]`` table may name one (``name``) and set any of its fields, and the flat keys
``core_size``... of earlier run dirs still work. ``[backend_options]`` holds options of
the backend (``temperature``, ``max_tokens``, or whatever a plugin declares).

Every error is a ``SettingsError`` that says where the bad value came from.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import tomli_w

from arena.paths import data_dir
from arena.scoring import DESCRIPTOR_EDGES
from arena.settings import (
    DEFAULT_SETTINGS,
    HILL_FIELDS,
    Settings,
    SettingsError,
    build_settings,
    pmars_flag,
    preset,
)

CONFIG_VERSION = 2  # 1: flat hill keys, no [hill] table, no selection_lag
AXES = tuple(DESCRIPTOR_EDGES)
COMMAND_LINE = "command line"

# A config file of this many bytes is not a config file (it is read whole).
MAX_CONFIG_BYTES = 1 << 20


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines a run. Field names are the TOML keys."""

    rounds: int = 10
    iterations: int = 100  # mutation/new-warrior steps per round, after the initial ones
    history: int = 20  # K: champions of the last K rounds join the opponents
    placements: int = 20  # rounds (random placements) per fitness evaluation
    confirm_placements: int = 0  # >0: the best elites are played again this much
    confirm_elites: int = 4  # how many elites a round's champion is confirmed among
    seed: int = 0
    backend: str = "offline"
    model: str = ""
    base_url: str = ""
    api_key_env: str = ""  # name of the environment variable holding the key
    backend_options: dict[str, Any] = field(default_factory=dict)  # temperature, max_tokens...
    opponents: tuple[str, ...] = ()  # files or directories; empty means our imp
    eval_against: str = ""  # directory of held-out warriors for generality
    eval_placements: int = 20
    prompts_dir: str = ""  # user copy of the prompt templates; empty means ours
    n_init: int = 8  # fresh warriors from the model at the start of a round
    new_probability: float = 0.1  # chance an iteration asks for a fresh warrior
    warm_start: bool = False  # seed each round's archive with opponents and champions
    fitness: str = "melee"  # "melee" (DRQ share) or "koth" (1-on-1 hill score, 0-300)
    axes: tuple[str, str] = ("spawned", "coverage")
    # One cell instead of the axes' grid: each round keeps one elite (the single-cell
    # baseline); descriptors are still measured and recorded.
    single_cell: bool = False
    early_stop: float = 0.0  # >0: end a round once its best fitness reaches this
    feedback: bool = False  # battle results of the parent in the mutation prompt
    crossover_probability: float = 0.0
    extra_models: tuple[str, ...] = ()  # "backend:model" pairs used in turn with the main one
    concurrency: int = 4  # candidates in flight (model calls and evaluations)
    # Candidate i is decided (fresh or which parent) from the archive holding the first
    # i - selection_lag + 1 results: part of the run's identity, so a run resumed with
    # another concurrency is still the same run. 0 in a file means "= concurrency".
    selection_lag: int = 4
    time_limit: float = 0.0  # seconds of run time over all sessions; 0 means none
    # Caps on model spending over all sessions (0 means none): no new model call once
    # reached. max_total_tokens counts prompt and reply tokens; backend_options'
    # max_tokens is the length limit of one reply.
    max_cost: float = 0.0  # USD, priced by the pricing table
    max_total_tokens: int = 0
    pricing: dict[str, dict[str, float]] = field(default_factory=dict)  # model -> USD/1M
    timeout: float = 120.0
    max_retries: int = 2
    dask: str = ""  # scheduler address, or "local" for a local cluster
    dask_workers: int = 2
    hill: str = ""  # the named hill the settings start from ("" = pMARS's defaults)
    settings: Settings = DEFAULT_SETTINGS  # the hill the run plays on

    def validate(self, origin_of: Callable[[str], str | None] | None = None) -> RunConfig:
        """This config, or a SettingsError naming the key (and ``origin_of(key)``)."""
        checks = [
            (self.rounds >= 1, "rounds", "must be at least 1"),
            (self.iterations >= 0, "iterations", "must not be negative"),
            (self.history >= 0, "history", "(K) must not be negative"),
            (1 <= self.placements <= 1_000_000, "placements", "must be within 1..1000000"),
            (
                0 <= self.confirm_placements <= 1_000_000,
                "confirm_placements",
                "must be within 0..1000000 (0: off)",
            ),
            (1 <= self.confirm_elites <= 1000, "confirm_elites", "must be within 1..1000"),
            (
                1 <= self.eval_placements <= 1_000_000,
                "eval_placements",
                "must be within 1..1000000",
            ),
            (self.n_init >= 1, "n_init", "must be at least 1"),
            (0.0 <= self.new_probability <= 1.0, "new_probability", "must be within 0..1"),
            (
                0.0 <= self.crossover_probability <= 1.0,
                "crossover_probability",
                "must be within 0..1",
            ),
            (self.fitness in ("melee", "koth"), "fitness", "must be 'melee' or 'koth'"),
            (all(a in AXES for a in self.axes), "axes", f"must be two of {', '.join(AXES)}"),
            (
                len(self.axes) == 2 and self.axes[0] != self.axes[1],
                "axes",
                "must be two different axes",
            ),
            (1 <= self.concurrency <= 1024, "concurrency", "must be within 1..1024"),
            (1 <= self.selection_lag <= 1024, "selection_lag", "must be within 1..1024"),
            (self.timeout > 0, "timeout", "must be more than 0 seconds"),
            (self.time_limit >= 0, "time_limit", "must not be negative (0 means none)"),
            (self.max_cost >= 0, "max_cost", "must not be negative (USD; 0 means none)"),
            (
                self.max_total_tokens >= 0,
                "max_total_tokens",
                "must not be negative (0 means none)",
            ),
            (0 <= self.max_retries <= 100, "max_retries", "must be within 0..100"),
            (1 <= self.dask_workers <= 1024, "dask_workers", "must be within 1..1024"),
            (self.early_stop >= 0, "early_stop", "must not be negative"),
            (bool(self.backend.strip()), "backend", "must name a backend"),
        ]
        for ok, key, message in checks:
            if not ok:
                origin = origin_of(key) if origin_of else None
                where = f"{origin}: " if origin and origin != COMMAND_LINE else ""
                raise SettingsError(f"{where}{key} {message}")
        for extra in self.extra_models:
            if ":" not in extra or not extra.partition(":")[0].strip():
                raise SettingsError(f"extra_models: {extra!r} is not BACKEND:MODEL")
        return self

    def grid_edges(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """The archive's bin edges: the axes' own (``arena.scoring``), none for one cell."""
        if self.single_cell:
            return ((), ())
        return (tuple(DESCRIPTOR_EDGES[self.axes[0]]), tuple(DESCRIPTOR_EDGES[self.axes[1]]))

    def to_toml(self) -> str:
        data: dict[str, Any] = {"version": CONFIG_VERSION}
        for f in fields(self):
            if f.name in ("settings", "hill", "backend_options", "pricing"):
                continue
            value = getattr(self, f.name)
            data[f.name] = list(value) if isinstance(value, tuple) else value
        data["backend_options"] = dict(self.backend_options)
        data["pricing"] = {name: dict(price) for name, price in self.pricing.items()}
        data["hill"] = {"name": self.hill, **self.settings.hill_fields()}
        return tomli_w.dumps(data)


def planned_candidates(config: RunConfig, opponents: int) -> int:
    """Candidates the run makes if no round stops early (arithmetic: no per-round list)."""
    rounds, k = config.rounds, config.history
    total = rounds * (config.n_init + config.iterations)
    if config.warm_start:
        # round r is seeded with the opponents and min(r, K) champions
        full = max(0, rounds - k)
        ramp = min(rounds, k)
        total += rounds * opponents + ramp * (ramp - 1) // 2 + full * k
    return total


# Named run configurations (``--preset``); the paper's published command: 20 rounds x
# 250 iterations, K=20, 20 placements, warm-ups.
RUN_PRESETS: dict[str, dict[str, Any]] = {
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
    # Not the paper's algorithm: hill strength. Fitness is the 1-on-1 KotH score against
    # a fixed, varied hill (our own warriors, also the warm-start seeds) plus only the
    # last 5 champions, so the Red Queen history cannot pull the run away from general
    # strength; each round's champion is confirmed among its 4 best elites with 4x the
    # placements. Meant to run under --time-limit.
    "strong": {
        "rounds": 200,
        "iterations": 150,
        "history": 5,
        "placements": 10,
        "n_init": 8,
        "warm_start": True,
        "fitness": "koth",
        "opponents": [str(data_dir("warriors"))],
        "confirm_placements": 40,
        "confirm_elites": 4,
        "crossover_probability": 0.1,
    },
}

# Baselines the literature compares Digital Red Queen with: the paper's preset with one
# thing changed, so rounds, iterations and placements stay the paper's.
RUN_PRESETS["independent"] = {**RUN_PRESETS["paper"], "new_probability": 1.0}
RUN_PRESETS["single-cell"] = {**RUN_PRESETS["paper"], "single_cell": True}
RUN_PRESETS["no-history"] = {**RUN_PRESETS["paper"], "history": 0}

_RUN_FIELDS = {f.name for f in fields(RunConfig)} - {"settings", "hill"}
_DEFAULTS = RunConfig()
KNOWN_KEYS = sorted(_RUN_FIELDS | {"hill", "version", *HILL_FIELDS})


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """Seconds of a duration like ``90``, ``90s``, ``30m``, ``1h``, ``1h30m`` or ``2d``."""
    parts = re.fullmatch(r"\s*((?:\d+(?:\.\d+)?[smhd]?\s*)+)", text or "")
    if not parts or len(text) > 40:
        raise SettingsError(f"--time-limit {text!r}: expected a duration such as 90s, 30m or 1h")
    total = 0.0
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)([smhd]?)", text):
        total += float(number) * _UNITS[unit or "s"]
    return total


def _coerce(name: str, value: Any) -> Any:
    """Check one TOML/flag value against the field's type; tuples from lists."""
    default = getattr(_DEFAULTS, name)
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise SettingsError(f"'{name}' must be true or false, not {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"'{name}' must be a whole number, not {value!r}")
        if abs(value) >= 2**63:
            raise SettingsError(f"'{name}' is too large: {value}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SettingsError(f"'{name}' must be a number, not {value!r}")
        value = float(value)
        if value != value or value in (float("inf"), float("-inf")):
            raise SettingsError(f"'{name}' must be a finite number")
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise SettingsError(f"'{name}' must be a string, not {value!r}")
        if "\x00" in value:
            raise SettingsError(f"'{name}' must not contain a NUL character")
        return value
    if isinstance(default, tuple):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"'{name}' must be a list of strings, not {value!r}")
        return tuple(value)
    if name == "pricing":
        return _pricing(value)
    if isinstance(default, dict):  # backend_options: plain scalars by name
        if not isinstance(value, dict):
            raise SettingsError(f"'{name}' must be a table")
        for key, item in value.items():
            if not isinstance(item, str | int | float | bool):
                raise SettingsError(f"'{name}.{key}' must be a string, number or boolean")
        return dict(value)
    raise SettingsError(f"'{name}' has an unsupported value {value!r}")


def _pricing(value: Any) -> dict[str, dict[str, float]]:
    """A ``[pricing]`` table: model name -> {input, output} USD per million tokens."""
    shape = 'a table of models, e.g. "gpt-4.1" = {input = 2.0, output = 8.0} (USD per 1M tokens)'
    if not isinstance(value, dict):
        raise SettingsError(f"'pricing' must be {shape}")
    table: dict[str, dict[str, float]] = {}
    for model, price in value.items():
        where = f"'pricing.\"{model}\"'"
        if not model.strip() or not isinstance(price, dict):
            raise SettingsError(f"{where} must be {{input = USD, output = USD}}: {shape}")
        if set(price) != {"input", "output"}:
            raise SettingsError(
                f"{where} must have exactly the keys input and output (USD per 1M tokens), "
                f"not {', '.join(sorted(price)) or 'none'}"
            )
        for side, amount in price.items():
            if isinstance(amount, bool) or not isinstance(amount, int | float):
                raise SettingsError(f"{where}.{side} must be a number, not {amount!r}")
            if not 0 <= amount < float("inf"):
                raise SettingsError(f"{where}.{side} must be a finite number, at least 0")
        table[model] = {"input": float(price["input"]), "output": float(price["output"])}
    return table


def read_toml(path: Path) -> dict[str, Any]:
    """A config file's table; unreadable, non-UTF-8 or non-TOML files are a SettingsError."""
    try:
        if not Path(path).is_file():
            raise SettingsError(f"{path}: not a config file (no such file, or not a regular file)")
        if os.path.getsize(path) > MAX_CONFIG_BYTES:
            raise SettingsError(f"{path}: too large for a config file")
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SettingsError(
            f"{path}: cannot read the config file ({exc.strerror or exc})"
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SettingsError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the config file as UTF-8"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML ({exc})") from None
    except ValueError:  # an integer of thousands of digits
        where = ""
        for number, line in enumerate(text.splitlines(), start=1):
            if re.search(r"\d{1000}", line):
                where = f" line {number} ({line.split('=')[0].strip()[:40]}):"
                break
        raise SettingsError(f"{path}:{where} a number far too long to be a setting") from None
    except RecursionError:
        raise SettingsError(f"{path}: not valid TOML (nested too deeply)") from None


def from_layers(layers: Iterable[tuple[str, dict[str, Any]]]) -> RunConfig:
    """A checked RunConfig from (origin, values) layers, lowest precedence first.

    Values given as None are ignored. The hill is built from the last hill name given and
    every hill field given, in order; an error names the layer it came from.
    """
    run: dict[str, Any] = {}
    options: dict[str, Any] = {}
    pricing: dict[str, dict[str, float]] = {}
    hill_name = ""
    hill_values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    for origin, values in layers:
        if not isinstance(values, dict):
            raise SettingsError(f"{origin}: expected a table of settings")
        for key, value in values.items():
            if value is None:
                continue
            where = f"{origin}: " if origin != COMMAND_LINE else ""
            if key == "version":
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    raise SettingsError(f"{where}'version' must be a positive whole number")
                if value > CONFIG_VERSION:
                    raise SettingsError(
                        f"{where}written by a newer arena (config version {value}); upgrade arena"
                    )
            elif key == "hill":
                table = {"name": value} if isinstance(value, str) else value
                if not isinstance(table, dict):
                    raise SettingsError(f"{where}'hill' must be a hill name or a [hill] table")
                for sub, item in table.items():
                    if sub == "name":
                        if not isinstance(item, str):
                            raise SettingsError(f"{where}'hill.name' must be a string")
                        hill_name = preset(item, key=f"{where}hill").name if item else ""
                    elif sub in HILL_FIELDS:
                        hill_values[sub] = item
                        origins[sub] = origin
                    else:
                        known = ", ".join(("name", *HILL_FIELDS))
                        raise SettingsError(f"{where}unknown key 'hill.{sub}' (known: {known})")
            elif key in HILL_FIELDS:
                hill_values[key] = value
                origins[key] = origin
            elif key == "backend_options":
                options.update(_coerce_in(where, key, value))
            elif key == "pricing":
                pricing.update(_coerce_in(where, key, value))
            elif key in _RUN_FIELDS:
                run[key] = _coerce_in(where, key, value)
                origins[key] = origin
            else:
                raise SettingsError(
                    f"{where}unknown setting '{key}' (known: {', '.join(KNOWN_KEYS)})"
                )

    def label(name: str) -> str:
        origin = origins.get(name)
        if origin == COMMAND_LINE:
            return pmars_flag(name)
        return f"{name} (in {origin})" if origin else name

    settings = build_settings(hill_name or None, hill_values, warriors=2, battle=False, label=label)
    if not run.get("selection_lag"):  # not given (or 0): candidates decided as in flight
        run["selection_lag"] = run.get("concurrency", _DEFAULTS.concurrency)
    config = RunConfig(
        **run, backend_options=options, pricing=pricing, hill=hill_name, settings=settings
    )
    return config.validate(origins.get)


def _coerce_in(where: str, key: str, value: Any) -> Any:
    try:
        return _coerce(key, value)
    except SettingsError as exc:
        raise SettingsError(f"{where}{exc}") from None


def resolve(
    *,
    preset: str | None = None,
    config_file: Path | None = None,
    flags: dict[str, Any] | None = None,
) -> RunConfig:
    """Defaults < preset < config file < flags (flags given as None are ignored)."""
    layers: list[tuple[str, dict[str, Any]]] = []
    if preset:
        if preset not in RUN_PRESETS:
            known = ", ".join(sorted(RUN_PRESETS))
            raise SettingsError(f"unknown preset '{preset}' (known: {known})")
        layers.append((f"preset {preset}", RUN_PRESETS[preset]))
    if config_file is not None:
        layers.append((str(config_file), read_toml(config_file)))
    if flags:
        layers.append((COMMAND_LINE, flags))
    return from_layers(layers)


# Keys a config.toml written by any version of arena has; one without them is not a run's.
_STORED_KEYS = ("rounds", "iterations", "seed", "backend")


def load_run_config(path: Path) -> RunConfig:
    """The config.toml of a run dir; an empty, partial or invalid one is a SettingsError."""
    data = read_toml(path)
    missing = [k for k in _STORED_KEYS if k not in data]
    if not data:
        raise SettingsError(f"{path} is empty: this run dir cannot be resumed as it is")
    if missing:
        raise SettingsError(
            f"{path} is not a run's config (missing {', '.join(missing)}): "
            "it cannot be resumed as it is"
        )
    config = from_layers([(str(path), data)])
    if data.get("version", 1) == 1 and config.fitness == "koth":
        raise SettingsError(
            f"{path}: this run was written by an earlier arena whose KotH fitness was on a "
            "0-3 scale (now 0-300, as everywhere else); start a new run"
        )
    return config
