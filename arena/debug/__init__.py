"""Debugging a battle the way Core War players know it: pMARS's cdb and breakpoints.

Nothing here draws anything: the TUI's battle screen renders what these modules say, and
tests drive them headless.
"""

from arena.debug.breakpoints import Breakpoint, Breakpoints, Hit
from arena.debug.cdb import Cdb, CdbTarget, parse_command

__all__ = ["Breakpoint", "Breakpoints", "Cdb", "CdbTarget", "Hit", "parse_command"]
