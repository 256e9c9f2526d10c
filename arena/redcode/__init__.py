"""Redcode: assembling ICWS'94 text (with pMARS's extensions) into Warriors, and back."""

from arena.redcode.assembler import AssemblyResult, assemble, pmars_report
from arena.redcode.extract import extract, extract_redcode
from arena.redcode.files import assemble_file
from arena.redcode.model import AssemblyError, Diagnostic, Warrior
from arena.redcode.printer import format_instruction, load_file

__all__ = [
    "AssemblyError",
    "AssemblyResult",
    "Diagnostic",
    "Warrior",
    "assemble",
    "assemble_file",
    "extract",
    "extract_redcode",
    "format_instruction",
    "load_file",
    "pmars_report",
]
