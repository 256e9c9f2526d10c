"""The data an assembled warrior is made of, and the numeric encodings the engine uses.

Encodings follow pMARS 0.9.4 so that checksums (``-f``) and traces match it:
opcode numbers are pMARS's (MOV=0 ... STP=18), modifiers A=0 ... I=6. Addressing
modes are numbered 0..7 in the order ``# $ @ < > * { }``; ``MODE_PMARS_CODE`` gives
the byte pMARS itself stores for each (used only by the checksum).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

OPCODES: tuple[str, ...] = (
    "MOV", "ADD", "SUB", "MUL", "DIV", "MOD", "JMZ", "JMN", "DJN", "CMP",
    "SLT", "SPL", "DAT", "JMP", "SEQ", "SNE", "NOP", "LDP", "STP",
)  # fmt: skip
OPCODE_NUMBER: dict[str, int] = {name: i for i, name in enumerate(OPCODES)}

MODIFIERS: tuple[str, ...] = ("A", "B", "AB", "BA", "F", "X", "I")
MODIFIER_NUMBER: dict[str, int] = {name: i for i, name in enumerate(MODIFIERS)}

MODES: tuple[str, ...] = ("#", "$", "@", "<", ">", "*", "{", "}")
MODE_NUMBER: dict[str, int] = {sym: i for i, sym in enumerate(MODES)}
MODE_PMARS_CODE: tuple[int, ...] = (0, 1, 2, 3, 4, 130, 131, 132)

# Named constants so kernels and tests never spell magic numbers.
(MOV, ADD, SUB, MUL, DIV, MOD, JMZ, JMN, DJN, CMP,
 SLT, SPL, DAT, JMP, SEQ, SNE, NOP, LDP, STP) = range(19)  # fmt: skip
M_A, M_B, M_AB, M_BA, M_F, M_X, M_I = range(7)
IMMEDIATE, DIRECT, B_INDIRECT, B_PREDEC, B_POSTINC, A_INDIRECT, A_PREDEC, A_POSTINC = range(8)


def default_modifier(opcode: int, a_mode: int, b_mode: int) -> int:
    """The ICWS'94 default modifier for an instruction written without one."""
    name = OPCODES[opcode]
    if name in ("DAT", "NOP"):
        return M_F
    if name in ("MOV", "CMP", "SEQ", "SNE"):
        if a_mode == IMMEDIATE:
            return M_AB
        return M_B if b_mode == IMMEDIATE else M_I
    if name in ("ADD", "SUB", "MUL", "DIV", "MOD"):
        if a_mode == IMMEDIATE:
            return M_AB
        return M_B if b_mode == IMMEDIATE else M_F
    if name in ("SLT", "LDP", "STP"):
        return M_AB if a_mode == IMMEDIATE else M_B
    return M_B


Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class EquOrigin:
    """An EQU whose text an error lies in: the name used and the line defining it."""

    name: str
    line: int  # 1-based line of the EQU definition
    source: str  # that line, verbatim


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One assembler message, pointing at the user's own text."""

    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None  # 1-based line in the source file
    column: int | None = None  # 1-based column, when known
    source: str | None = None  # the offending source line, verbatim
    hint: str | None = None  # what to do about it, in plain words
    # EQUs substituted into the offending text: the fault may be in their definition
    # (``step equ 5+`` is only reported where ``step`` is used, as pMARS does)
    equs: tuple[EquOrigin, ...] = ()

    def at_definitions(self) -> tuple[Diagnostic, ...]:
        """The same message at the line of each EQU it involves (for editors)."""
        out = []
        for equ in self.equs:
            where = f" at line {self.line}" if self.line is not None else ""
            index = equ.source.find(equ.name)
            out.append(
                Diagnostic(
                    self.severity,
                    f"{self.message} (where EQU '{equ.name}' is used{where})",
                    self.file,
                    equ.line,
                    index + 1 if index >= 0 else 1,
                    equ.source,
                    self.hint,
                )
            )
        return tuple(out)

    def location(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.severity}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


def _frozen(values: list[int] | np.ndarray, dtype: type) -> np.ndarray:
    array = np.array(values, dtype=dtype)
    array.flags.writeable = False
    return array


@dataclass(frozen=True, slots=True, eq=False)
class Warrior:
    """An assembled warrior: immutable, with its code as numpy arrays for the kernels.

    Field values ``a`` and ``b`` are already reduced into ``0 .. core_size-1``.
    ``source_lines[i]`` is the 1-based source line that produced instruction ``i``.
    """

    name: str
    author: str
    strategy: str
    start: int  # ORG offset: index of the first instruction to run
    pin: int | None
    opcode: np.ndarray  # uint8, pMARS opcode numbers
    modifier: np.ndarray  # uint8
    a_mode: np.ndarray  # uint8, index into MODES
    b_mode: np.ndarray  # uint8
    a_value: np.ndarray  # int32, 0 .. core_size-1
    b_value: np.ndarray  # int32, 0 .. core_size-1
    source_lines: tuple[int, ...]
    core_size: int
    file: str | None = None
    warnings: tuple[Diagnostic, ...] = field(default=())

    @property
    def uses_pspace(self) -> bool:
        """True when the warrior has LDP or STP instructions or declares PIN."""
        if self.pin is not None:
            return True
        return bool(((self.opcode == LDP) | (self.opcode == STP)).any())

    @classmethod
    def from_fields(
        cls,
        *,
        name: str,
        author: str = "Anonymous",
        strategy: str = "",
        start: int = 0,
        pin: int | None = None,
        instructions: list[tuple[int, int, int, int, int, int]],
        source_lines: list[int] | tuple[int, ...] | None = None,
        core_size: int,
        file: str | None = None,
        warnings: tuple[Diagnostic, ...] = (),
    ) -> Warrior:
        """Build a warrior from (opcode, modifier, a_mode, a_value, b_mode, b_value) tuples."""
        columns = list(zip(*instructions, strict=True)) if instructions else [()] * 6
        op, mod, am, av, bm, bv = columns
        return cls(
            name=name,
            author=author,
            strategy=strategy,
            start=start,
            pin=pin,
            opcode=_frozen(list(op), np.uint8),
            modifier=_frozen(list(mod), np.uint8),
            a_mode=_frozen(list(am), np.uint8),
            b_mode=_frozen(list(bm), np.uint8),
            a_value=_frozen([v % core_size for v in av], np.int32),
            b_value=_frozen([v % core_size for v in bv], np.int32),
            source_lines=tuple(source_lines or [0] * len(instructions)),
            core_size=core_size,
            file=file,
            warnings=warnings,
        )

    def __len__(self) -> int:
        return int(self.opcode.shape[0])

    def instruction(self, index: int) -> tuple[int, int, int, int, int, int]:
        """(opcode, modifier, a_mode, a_value, b_mode, b_value) of one instruction."""
        return (
            int(self.opcode[index]),
            int(self.modifier[index]),
            int(self.a_mode[index]),
            int(self.a_value[index]),
            int(self.b_mode[index]),
            int(self.b_value[index]),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Warrior):
            return NotImplemented
        return (
            self.start == other.start
            and self.pin == other.pin
            and self.core_size == other.core_size
            and all(
                np.array_equal(getattr(self, f), getattr(other, f))
                for f in ("opcode", "modifier", "a_mode", "b_mode", "a_value", "b_value")
            )
        )

    __hash__ = None  # type: ignore[assignment]


class AssemblyError(Exception):
    """Raised by ``assemble_or_raise`` when the text does not assemble; carries every message."""

    def __init__(self, diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]):
        self.diagnostics = tuple(diagnostics)
        errors = [d for d in self.diagnostics if d.severity == "error"]
        super().__init__("\n".join(str(d) for d in errors) or "assembly failed")
