"""``arena assemble``: print load files exactly as ``pmars -A`` does.

Several files are assembled each on its own; a ``;file <path>`` line before each one's
output (stdout) or messages (stderr) tells them apart, so a whole hill can be checked in
one process. Exit status: 0 if every file assembles, 3 (pMARS's code) if any does not,
2 for bad flags.
"""

from __future__ import annotations

import sys

import click

from arena.commands.flags import hill_option, settings_for, settings_options
from arena.redcode.assembler import pmars_report
from arena.redcode.files import assemble_file
from arena.redcode.printer import load_file

ASSEMBLY_FAILED = 3


@click.command()
@hill_option
@settings_options
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def assemble(files: tuple[str, ...], hill: str | None, **flags: int | None) -> None:
    """Assemble Redcode FILES and print their ICWS'94 load files (like pmars -A)."""
    settings = settings_for(hill, len(files), battle=False, **flags)
    failed = False
    several = len(files) > 1
    for path in files:
        result = assemble_file(path, settings)
        report = pmars_report(result)
        if several:
            click.echo(f";file {path}", err=not result.ok)
        if result.ok:
            assert result.warrior is not None
            sys.stdout.write(load_file(result.warrior))
            sys.stdout.flush()
        else:
            failed = True
        if report:
            if several and result.ok:
                click.echo(f";file {path}", err=True)
            sys.stderr.write(report)
            sys.stderr.flush()
    if failed:
        sys.exit(ASSEMBLY_FAILED)
