"""The errors arena reports to a user, and the exit status each one means.

Every command ends a failure with one line on stderr (what went wrong, where, what to
do) and a documented exit status, never a traceback:

* 2: a usage or configuration error (a bad flag, config file, warrior file, run dir or
  missing API key): nothing was done, and the same command will fail the same way;
* 1: a failure while working (a full disk, an unreachable cluster, every model call
  failing): what was done so far is kept, and the run can be resumed;
* 3: ``arena assemble`` only, a file that does not assemble (pMARS's own status);
* 130: interrupted (Ctrl-C).

Domain code raises these; only ``arena.cli`` turns them into a message and a status.
"""

from __future__ import annotations

USAGE = 2
FAILURE = 1
INTERRUPTED = 130


class ArenaError(Exception):
    """An error meant for the user: one line, and the exit status it means."""

    exit_status = FAILURE


class UsageError(ArenaError):
    """The input cannot be used (flags, config, files): exit status 2."""

    exit_status = USAGE


class RunFailure(ArenaError):
    """Work started but could not go on (disk, network, cluster): exit status 1."""

    exit_status = FAILURE
