"""Subcommands of ``arena``, one module each, imported only when used; and how they fail.

``COMMANDS`` maps each name to ``module:attribute``, so ``arena assemble`` never pays for
importing numba, and ``arena --help`` still lists everything.

``LazyGroup.invoke`` is the one place where a failure becomes what the user sees: one
line on stderr, ``arena <command>: error: <what>``, and the exit status of
``arena.errors`` (2 usage or config, 1 a failure while working, 130 interrupted). No
traceback reaches a user; ``ARENA_DEBUG=1`` shows one for an unexpected error.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from typing import Any, NoReturn

import click

from arena.errors import FAILURE, INTERRUPTED, USAGE, ArenaError

COMMANDS: dict[str, str] = {
    "assemble": "arena.commands.assemble:assemble",
    "battle": "arena.commands.battle:battle",
    "hill": "arena.commands.hill:hill",
    "bench": "arena.commands.bench:bench",
    "evolve": "arena.commands.evolve:evolve",
    "experiment": "arena.commands.experiment:experiment",
    "optimize": "arena.commands.optimize:optimize",
    "analyze": "arena.commands.analyze:analyze_command",
}


# Commands that only play battles: they skip numba's scipy BLAS probe (see fast_start).
BATTLE_ONLY = frozenset({"battle", "hill", "bench", "optimize"})


def load_command(name: str) -> click.Command:
    module, _, attribute = COMMANDS[name].partition(":")
    if name in BATTLE_ONLY:
        from arena.commands.fast_start import skip_numba_blas_probe

        skip_numba_blas_probe()
    return getattr(importlib.import_module(module), attribute)


def fail(command: str | None, message: str, status: int) -> NoReturn:
    """Print the one line of a failure and exit with ``status``."""
    prefix = f"arena {command}" if command else "arena"
    line = " ".join(str(message).split()) or "unknown error"
    click.echo(f"{prefix}: error: {line}", err=True)
    sys.exit(status)


def _os_error(exc: OSError) -> str:
    where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
    return f"cannot use{where}: {exc.strerror or exc}"


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use, and fail in one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            return load_command(cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.Exit:
            raise
        except click.Abort:
            fail(ctx.invoked_subcommand, "interrupted", INTERRUPTED)
        except click.ClickException as exc:
            fail(ctx.invoked_subcommand, exc.format_message(), exc.exit_code)
        except ArenaError as exc:
            fail(ctx.invoked_subcommand, str(exc), exc.exit_status)
        except KeyboardInterrupt:
            fail(ctx.invoked_subcommand, "interrupted", INTERRUPTED)
        except MemoryError:
            fail(ctx.invoked_subcommand, "out of memory: use smaller settings", FAILURE)
        except OSError as exc:
            fail(ctx.invoked_subcommand, _os_error(exc), FAILURE)
        except RecursionError:
            fail(ctx.invoked_subcommand, "input nested too deeply", USAGE)
        except Exception as exc:
            if os.environ.get("ARENA_DEBUG"):
                traceback.print_exc()
            fail(
                ctx.invoked_subcommand,
                f"internal error ({type(exc).__name__}: {exc}); this is a bug in arena: "
                "please report it with the command line (ARENA_DEBUG=1 shows the details)",
                FAILURE,
            )
