"""``arena assemble``: print load files exactly as ``pmars -A`` does (filled in by the assembler work)."""

from __future__ import annotations

import click


@click.command()
@click.argument("files", nargs=-1, required=True)
def assemble(files: tuple[str, ...]) -> None:
    """Assemble Redcode FILES and print their ICWS'94 load files."""
    raise click.ClickException("the assembler is not wired in yet")
