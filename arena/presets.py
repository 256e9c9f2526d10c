"""Hill settings by name (``--hill NAME``), as the Core War hills run them.

| name    | core  | cycles | processes | length | distance | P-space |
|---------|-------|--------|-----------|--------|----------|---------|
| 94nop   | 8000  | 80000  | 8000      | 100    | 100      | no      |
| 94      | 8000  | 80000  | 8000      | 100    | 100      | yes     |
| nano    | 80    | 800    | 80        | 5      | 5        | yes     |
| tiny    | 800   | 8000   | 800       | 20     | 20       | yes     |
| 94x     | 55440 | 500000 | 10000     | 200    | 200      | yes     |
| lp      | 8000  | 80000  | 8         | 200    | 200      | yes     |

``lp`` is the "limited process" hill: a standard core where a warrior may own at most 8
processes, so wide spl carpets and big imp spirals are impossible.

A preset is a ``Settings`` plus one fact ``Settings`` cannot say: whether P-space
instructions (LDP, STP, PIN) are allowed. ``94nop`` is the '94 hill without them.

``hill_option`` adds ``--hill NAME`` to any click command; ``settings_for`` merges the
preset with the single pMARS flags (a flag given on the command line wins) and checks the
result the way ``arena.commands.flags.settings_from_flags`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from arena.redcode.model import LDP, STP, Warrior
from arena.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Preset:
    """A named hill: its settings and whether P-space is allowed on it."""

    name: str
    settings: Settings
    pspace: bool
    description: str


def _settings(core: int, cycles: int, processes: int, length: int, distance: int) -> Settings:
    return Settings(
        core_size=core,
        max_cycles=cycles,
        max_processes=processes,
        max_length=length,
        min_distance=distance,
    )


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("94nop", _settings(8000, 80000, 8000, 100, 100), False, "ICWS'94 without P-space"),
        Preset("94", _settings(8000, 80000, 8000, 100, 100), True, "ICWS'94 with P-space"),
        Preset("nano", _settings(80, 800, 80, 5, 5), True, "nano: 80 cells, 5 instructions"),
        Preset("tiny", _settings(800, 8000, 800, 20, 20), True, "tiny: 800 cells, 20 instructions"),
        Preset("94x", _settings(55440, 500000, 10000, 200, 200), True, "'94 experimental (big)"),
        Preset("lp", _settings(8000, 80000, 8, 200, 200), True, "limited process: 8 processes"),
    )
}

DEFAULT_HILL = "94nop"


class PresetError(ValueError):
    """An unknown hill name, or a warrior the hill does not admit."""


def preset(name: str) -> Preset:
    """The preset called ``name`` (case-insensitive)."""
    key = name.strip().lower()
    if key not in PRESETS:
        raise PresetError(f"unknown hill '{name}' (known: {', '.join(PRESETS)})")
    return PRESETS[key]


def hill_settings(name: str) -> Settings:
    """The ``Settings`` of hill ``name``."""
    return preset(name).settings


def uses_pspace(warrior: Warrior) -> bool:
    """True when the warrior has LDP or STP instructions or declares PIN."""
    if warrior.pin is not None:
        return True
    ops = warrior.opcode
    return bool(((ops == LDP) | (ops == STP)).any())


def admits(name: str, warrior: Warrior) -> str | None:
    """None if hill ``name`` admits the warrior, else the reason it does not."""
    p = preset(name)
    if not p.pspace and uses_pspace(warrior):
        return f"uses P-space (LDP/STP/PIN), which the {p.name} hill does not allow"
    return None


def hill_option(function: F) -> F:
    """Add ``--hill NAME`` (a preset; the single pMARS flags override its values)."""
    return click.option(
        "--hill",
        "hill",
        type=click.Choice(list(PRESETS), case_sensitive=False),
        default=None,
        help=f"hill settings preset [{DEFAULT_HILL}]: " + ", ".join(PRESETS),
    )(function)


_FIELDS = (
    "core_size",
    "max_cycles",
    "max_processes",
    "max_length",
    "min_distance",
    "pspace_size",
    "read_limit",
    "write_limit",
)


def settings_for(
    hill: str | None, warriors: int = 2, *, battle: bool = True, **flags: Any
) -> Settings:
    """Settings of preset ``hill`` with the given pMARS flags applied (no preset: pMARS's
    defaults, which are the 94nop hill).

    ``flags`` are the keywords of ``arena.commands.flags.settings_options``; None means
    "not given". Raises click.UsageError (exit status 2) when they do not fit together.
    """
    from arena.commands.flags import settings_from_flags

    if hill is None:  # no preset: pMARS's own defaults (-d follows -l, as in pMARS)
        return settings_from_flags(warriors, battle=battle, **flags)
    try:
        base = preset(hill or DEFAULT_HILL).settings
    except PresetError as exc:
        raise click.UsageError(str(exc)) from None
    merged: dict[str, Any] = {}
    for key in _FIELDS:
        value = flags.get(key)
        merged[key] = getattr(base, key) if value is None else value
    if flags.get("max_length") is not None and flags.get("min_distance") is None:
        # pMARS: -d defaults to -l; keep the preset's distance unless -l outgrows it
        merged["min_distance"] = max(base.min_distance, merged["max_length"])
    if flags.get("rounds") is not None:
        merged["rounds"] = flags["rounds"]
    return settings_from_flags(warriors, battle=battle, **merged)
