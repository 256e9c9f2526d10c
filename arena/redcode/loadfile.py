"""Reads a pMARS load file (the ``pmars -A`` output format) back into a Warrior.

Used to check our assembler and engine against pMARS's own load images, and to run
warriors that exist only as load files.
"""

from __future__ import annotations

import re

from arena.redcode.model import (
    MODE_NUMBER,
    MODIFIER_NUMBER,
    OPCODE_NUMBER,
    AssemblyError,
    Diagnostic,
    Warrior,
)

_INSTRUCTION = re.compile(
    r"^\s*([A-Za-z]{3})\.([A-Za-z]{1,2})\s+([#$@<>*{}])\s*(-?\d+)\s*,\s*([#$@<>*{}])\s*(-?\d+)\s*$"
)
_ORG = re.compile(r"^\s*ORG\s+(-?\d+)\s*$", re.IGNORECASE)
_PIN = re.compile(r"^\s*PIN\s+(-?\d+)\s*$", re.IGNORECASE)
_END = re.compile(r"^\s*END\s*$", re.IGNORECASE)


def parse_load_file(
    text: str, *, core_size: int, name: str = "", file: str | None = None
) -> Warrior:
    """Parse load-file text; raises AssemblyError with the line on anything unexpected."""
    start = 0
    pin: int | None = None
    instructions: list[tuple[int, int, int, int, int, int]] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith(";"):
            continue
        if m := _INSTRUCTION.match(line):
            op, mod, am, av, bm, bv = m.groups()
            if op.upper() not in OPCODE_NUMBER or mod.upper() not in MODIFIER_NUMBER:
                raise AssemblyError([Diagnostic("error", "unknown opcode", file, number, 1, line)])
            instructions.append(
                (
                    OPCODE_NUMBER[op.upper()],
                    MODIFIER_NUMBER[mod.upper()],
                    MODE_NUMBER[am],
                    int(av),
                    MODE_NUMBER[bm],
                    int(bv),
                )
            )
            lines.append(number)
        elif m := _ORG.match(line):
            start = int(m.group(1))
        elif m := _PIN.match(line):
            pin = int(m.group(1))
        elif _END.match(line):
            break
        else:
            raise AssemblyError(
                [Diagnostic("error", "not a load-file line", file, number, 1, line)]
            )
    return Warrior.from_fields(
        name=name,
        start=start,
        pin=pin,
        instructions=instructions,
        source_lines=lines,
        core_size=core_size,
        file=file,
    )
