"""The ``arena`` command line: subcommands are registered here, each in its own module.

Bare ``arena`` opens the TUI; the TUI is imported only then, so the other commands
start fast.
"""

from __future__ import annotations

import click

from arena import __version__
from arena.commands import COMMANDS


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="arena")
@click.pass_context
def main(ctx: click.Context) -> None:
    """A Core War laboratory: assemble, battle, evolve and watch warriors."""
    if ctx.invoked_subcommand is None:
        try:
            from tui.app import run_app
        except ImportError as exc:  # the TUI is optional until it lands
            raise click.ClickException(f"the TUI is not available: {exc}") from None
        run_app()


for _command in COMMANDS():
    main.add_command(_command)


if __name__ == "__main__":
    main()
