"""Subcommands of ``arena``, one module each, imported only when used.

``COMMANDS`` maps each name to ``module:attribute``, so ``arena assemble`` never pays for
importing numba, and ``arena --help`` still lists everything.
"""

from __future__ import annotations

import importlib

import click

COMMANDS: dict[str, str] = {
    "assemble": "arena.commands.assemble:assemble",
    "battle": "arena.commands.battle:battle",
    "hill": "arena.commands.hill:hill",
    "bench": "arena.commands.bench:bench",
    "evolve": "arena.commands.evolve:evolve",
}


# Commands that only play battles: they skip numba's scipy BLAS probe (see fast_start).
BATTLE_ONLY = frozenset({"battle", "hill", "bench"})


def load_command(name: str) -> click.Command:
    module, _, attribute = COMMANDS[name].partition(":")
    if name in BATTLE_ONLY:
        from arena.commands.fast_start import skip_numba_blas_probe

        skip_numba_blas_probe()
    return getattr(importlib.import_module(module), attribute)


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            return load_command(cmd_name)
        return super().get_command(ctx, cmd_name)
