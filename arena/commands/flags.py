"""The click side of hill settings: pMARS's flags and ``--hill NAME`` on any command.

The letters, ranges and meanings come from ``arena.settings.FIELDS``, so a pMARS command
line works here and is checked by the same rules as a config file; the settings are
built by ``arena.settings.build_settings`` (errors name the flag).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

from arena.settings import DEFAULT_HILL, FIELDS, PRESETS, Settings, build_settings, pmars_flag

F = TypeVar("F", bound=Callable[..., Any])

_DEFAULTS = {
    "core_size": "8000",
    "max_cycles": "80000",
    "max_processes": "8000",
    "max_length": "100",
    "min_distance": "= -l",
    "pspace_size": "1/16 of the core size",
    "rounds": "1",
    "read_limit": "core size",
    "write_limit": "core size",
}


def settings_options(function: F | None = None, *, without: Iterable[str] = ()) -> Any:
    """Add pMARS's settings flags (-s -c -p -l -d -S -r -R -W) to a click command.

    The keywords are the ``Settings`` field names; ``without`` leaves some out (``arena
    evolve`` has its own ``--rounds``).
    """
    skip = set(without)

    def decorate(fn: F) -> F:
        for name, f in reversed(FIELDS.items()):
            if name in skip:
                continue
            fn = click.option(
                f"-{f.letter}",
                name,
                type=click.IntRange(f.low, f.high),
                default=None,
                help=f"{f.meaning} [{_DEFAULTS[name]}]",
            )(fn)
        return fn

    return decorate(function) if function is not None else decorate


def hill_option(function: F) -> F:
    """Add ``--hill NAME`` (a named hill; the single pMARS flags override its values)."""
    return click.option(
        "--hill",
        "hill",
        type=click.Choice(list(PRESETS), case_sensitive=False),
        default=None,
        help=f"hill settings (e.g. {DEFAULT_HILL}): " + ", ".join(PRESETS),
    )(function)


def settings_for(
    hill: str | None, warriors: int = 2, *, battle: bool = True, threads: int = 1, **flags: Any
) -> Settings:
    """The settings of ``--hill`` and the pMARS flags (None: not given), errors by flag."""
    return build_settings(
        hill.lower() if hill else None,
        flags,
        warriors=warriors,
        battle=battle,
        threads=threads,
        label=pmars_flag,
    )
