"""Redcode: assembling ICWS'94 text (with pMARS's extensions) into Warriors, and back."""

from arena.redcode.model import AssemblyError, Diagnostic, Warrior
from arena.redcode.printer import format_instruction, load_file

__all__ = ["AssemblyError", "Diagnostic", "Warrior", "format_instruction", "load_file"]
