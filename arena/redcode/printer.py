"""Writes instructions and warriors in pMARS's canonical text (the ``pmars -A`` load file)."""

from __future__ import annotations

from arena.redcode.model import MODES, MODIFIERS, OPCODES, Warrior

INDENT = " " * 7


def signed_value(value: int, core_size: int) -> int:
    """The value pMARS prints for a stored field: v if v <= s/2, else v - s."""
    value %= core_size
    return value if value <= core_size // 2 else value - core_size


def format_instruction(
    opcode: int,
    modifier: int,
    a_mode: int,
    a_value: int,
    b_mode: int,
    b_value: int,
    core_size: int,
    *,
    compact: bool = False,
) -> str:
    """One instruction as pMARS prints it: ``MOV.I  $     2, $     2``.

    ``compact`` drops the number padding (``MOV.I  $2, $2``) for narrow displays.
    """
    a = signed_value(a_value, core_size)
    b = signed_value(b_value, core_size)
    head = f"{OPCODES[opcode]:>3}.{MODIFIERS[modifier]:<2} "
    if compact:
        return f"{head}{MODES[a_mode]}{a}, {MODES[b_mode]}{b}"
    return f"{head}{MODES[a_mode]}{a:6d}, {MODES[b_mode]}{b:6d}"


def load_file(warrior: Warrior) -> str:
    """The whole load file, byte for byte as ``pmars -A`` writes it (ends with a newline)."""
    lines = [f"{INDENT}ORG     {warrior.start:6d}"]
    for i in range(len(warrior)):
        op, mod, am, av, bm, bv = warrior.instruction(i)
        text = format_instruction(op, mod, am, av, bm, bv, warrior.core_size)
        lines.append(f"{INDENT}{text}     ")
    if warrior.pin is not None:
        lines.append(f"{INDENT}PIN     {warrior.pin:6d}")
    lines.append(f"{INDENT}END")
    return "\n".join(lines) + "\n"
