"""Subcommands of ``arena``, one module each; ``COMMANDS`` lists them for the CLI group."""

from __future__ import annotations

import click


def COMMANDS() -> list[click.Command]:
    """Every subcommand, imported here so the group stays a one-line loop."""
    from arena.commands.assemble import assemble
    from arena.commands.battle import battle
    from arena.commands.bench import bench
    from arena.commands.evolve import evolve
    from arena.commands.hill import hill

    return [assemble, battle, hill, bench, evolve]
