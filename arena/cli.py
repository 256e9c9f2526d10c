"""The ``arena`` command line: subcommands are registered here, each in its own module.

Bare ``arena`` opens the TUI; the TUI and each subcommand's module are imported only
when used, so ``arena assemble`` does not load numba or Textual.
"""

from __future__ import annotations

import click

from arena import __version__
from arena.commands import LazyGroup


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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


if __name__ == "__main__":
    main()
