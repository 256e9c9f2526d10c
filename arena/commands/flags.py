"""pMARS's settings flags (-s -c -p -l -d -S -r -R -W), shared by every command.

The letters, ranges and defaults are pMARS 0.9.4's, so a pMARS command line works here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from arena.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])

MAX_CORE_SIZE = 2**30
MAX_WARRIOR_LENGTH = 1000  # pMARS's MAXINSTR

_FLAGS: tuple[tuple[str, str, str, int, int], ...] = (
    # letter, keyword, help, minimum, maximum
    ("-s", "core_size", "core size [8000]", 1, MAX_CORE_SIZE),
    ("-c", "max_cycles", "cycles until a tie [80000]", 1, 2**62),
    ("-p", "max_processes", "maximum processes per warrior [8000]", 1, 2**31 - 1),
    ("-l", "max_length", "maximum warrior length [100]", 1, MAX_WARRIOR_LENGTH),
    ("-d", "min_distance", "minimum distance between warriors [= -l]", 1, MAX_CORE_SIZE),
    ("-S", "pspace_size", "P-space size [1/16 of the core size]", 1, MAX_CORE_SIZE),
    ("-r", "rounds", "rounds to play [1]", 0, 2**31 - 1),
    ("-R", "read_limit", "read limit [core size]", 1, MAX_CORE_SIZE),
    ("-W", "write_limit", "write limit [core size]", 1, MAX_CORE_SIZE),
)


def settings_options(function: F) -> F:
    """Add pMARS's settings flags to a click command (keywords as in ``Settings``)."""
    for letter, keyword, help_text, low, high in reversed(_FLAGS):
        function = click.option(
            letter,
            keyword,
            type=click.IntRange(low, high),
            default=None,
            help=help_text,
        )(function)
    return function


def settings_from_flags(warriors: int, *, battle: bool = True, **flags: int | None) -> Settings:
    """Settings from the flag values, checked the way pMARS checks them.

    ``battle=False`` skips the check that all warriors fit in the core (assembling
    only). Raises click.UsageError (exit status 2) with pMARS's reason when they don't fit.
    """
    values = {k: v for k, v in flags.items() if v is not None and k in Settings.__slots__}
    settings = Settings(warriors=max(warriors, 1), **values)
    if flags.get("min_distance") is None:
        settings = settings.with_(min_distance=settings.max_length)
    elif settings.min_distance < settings.max_length:
        raise click.UsageError("-d (minimum distance) must not be less than -l (maximum length)")
    if battle and settings.core_size < warriors * settings.min_distance:
        raise click.UsageError(
            f"core size {settings.core_size} is too small for {warriors} warriors "
            f"at distance {settings.min_distance}"
        )
    if settings.pspace > settings.core_size:
        raise click.UsageError("-S (P-space size) must not exceed the core size")
    for limit, letter in ((settings.read, "-R"), (settings.write, "-W")):
        if settings.core_size % limit:
            raise click.UsageError(f"{letter} must divide the core size")
    return settings
