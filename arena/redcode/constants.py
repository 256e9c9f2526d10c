"""A warrior's tunable constants: its numeric EQU lines, found and replaced in the text.

Players tune the step and offsets of a warrior by editing lines such as ``step equ 3364``;
``arena optimize`` does the same. Only EQUs whose value is a plain integer are tunable
(``size equ (last - start + 1)`` is left alone); the rest of the text, comments and
layout included, is kept exactly, so a tuned warrior differs from the original only in
those numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EQU = re.compile(
    r"^(?P<lead>\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:?\s+equ\s+)(?P<value>[-+]?\d{1,18})"
    r"(?P<rest>\s*(?:;.*)?)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Constant:
    """One numeric EQU: its name, value, and the (0-based) line it is on."""

    name: str
    value: int
    line: int


def numeric_constants(text: str) -> list[Constant]:
    """Every ``NAME EQU <integer>`` of a warrior, in order (the first of a repeated name)."""
    found: list[Constant] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines()):
        match = _EQU.match(line)
        if match is None:
            continue
        name = match["name"]
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        found.append(Constant(name, int(match["value"]), number))
    return found


def with_constants(text: str, values: dict[str, int]) -> str:
    """``text`` with the given constants' EQU values replaced (names as ``numeric_constants``
    gives them); every other character is kept."""
    wanted = {name.lower(): int(value) for name, value in values.items()}
    lines = text.splitlines(keepends=True)
    done: set[str] = set()
    for number, line in enumerate(lines):
        body = line.rstrip("\r\n")
        match = _EQU.match(body)
        if match is None:
            continue
        key = match["name"].lower()
        if key not in wanted or key in done:
            continue
        done.add(key)
        lines[number] = f"{match['lead']}{wanted[key]}{match['rest']}" + line[len(body) :]
    missing = set(wanted) - done
    if missing:
        raise KeyError(f"no numeric EQU named {sorted(missing)[0]!r}")
    return "".join(lines)
