"""The instructions the round loop runs through specialised, decode-free code.

An interpreter spends much of its time deciding what an instruction is: its addressing
modes, then its opcode and modifier, each a hard-to-predict jump. For the instructions
below, the round loop instead jumps once, on a handler number stored in the cell (see
``arena.mars.layout``), straight to code compiled for that exact opcode, modifier and
pair of modes. Every other instruction takes the generic path. Both paths run the same
functions of ``arena.mars.semantics``, so results never depend on which one ran.

A handler serves a *shape*: every instruction word that executes the same code, by the
rules of ICWS'94 as pMARS runs them (``canonical``). SPL and JMP ignore their modifier
and use only their B operand's side effects, DAT and NOP use only their operands' side
effects, SEQ is CMP, and JMZ/JMN/DJN, the arithmetic opcodes, SLT, LDP and STP treat
some modifiers alike. So ``SPL.A #0, @3`` and ``SPL.B #0, $0`` share a handler, and a
warrior written in an unusual style still takes the specialised path. Numbers each
instruction does not read are not loaded at all (LLVM drops the dead loads).

The list is the most executed shapes in one-round battles between 600 random pairs of
../shared/corpus and of the tune half of a set of Koenigstuhl '94nop hill warriors
(``python bench/hot_instructions.py`` measures it); the report half of that hill is what
the speed figures of README are measured on. These 96 cover 96% of executed
instructions on the tune warriors and 95% on the report half (64 would cover 92% and 91%,
and ran the tune half 4% slower; each shape adds about 0.2 s to compiling the kernel,
once per machine). Its order is the handler number minus one; the ladder of
``arena.mars.kernel.run_instruction`` must hold one branch per entry, in this order.
"""

from __future__ import annotations

import numpy as np

from arena.mars.layout import EMPTY_INS, MODE_SHIFT_A, MODE_SHIFT_B
from arena.redcode.model import (
    ADD,
    CMP,
    DAT,
    DIV,
    DJN,
    JMN,
    JMP,
    JMZ,
    LDP,
    M_A,
    M_AB,
    M_B,
    M_BA,
    M_F,
    M_I,
    M_X,
    MOD,
    MODES,
    MODIFIER_NUMBER,
    MUL,
    NOP,
    OPCODE_NUMBER,
    SEQ,
    SLT,
    SPL,
    STP,
    SUB,
)

HOT_TEXT: tuple[str, ...] = (
    "SPL.B $ #", "MOV.I $ $", "JMP.B $ #", "DAT.F # #",
    "SPL.B # #", "MOV.I $ >", "MOV.I # $", "MOV.I $ <",
    "MOV.I # *", "MOV.I # }", "ADD.AB # $", "MOV.I # {",
    "SPL.B # <", "MOV.I @ >", "JMP.B $ <", "MOV.I $ }",
    "DJN.F $ >", "SPL.B # >", "ADD.F $ $", "SPL.B $ <",
    "JMP.B # <", "MOV.I * >", "DJN.B $ $", "MOV.I } >",
    "MOV.I $ {", "MOV.I $ @", "MOV.I @ <", "DJN.B $ {",
    "DJN.B $ <", "SPL.B @ #", "SPL.B # }", "DAT.F < #",
    "DJN.B $ #", "SPL.B # {", "DJN.F $ <", "MOV.I < <",
    "DJN.B # $", "ADD.B # $", "DAT.F < <", "DJN.F $ {",
    "MOV.I # >", "JMP.B $ >", "JMZ.B $ $", "MOV.AB # $",
    "MOV.I # <", "DAT.F > #", "JMZ.B $ @", "MOV.AB # }",
    "JMN.B $ *", "MOV.I # @", "JMN.B $ $", "SUB.AB # $",
    "DAT.F > >", "SUB.F $ $", "SPL.B @ }", "DJN.F $ }",
    "CMP.I $ $", "MOV.I > }", "MOV.I > {", "JMP.B @ #",
    "SPL.B @ <", "MOV.I { <", "MOV.AB # @", "DJN.A $ <",
    "JMZ.F # {", "MOV.I < $", "ADD.F # $", "CMP.AB # <",
    "DAT.F } }", "DJN.F # <", "DJN.F # {", "MOV.I @ }",
    "ADD.AB # #", "SPL.B @ {", "MOV.I @ {", "ADD.B $ $",
    "JMP.B $ {", "MOV.I } }", "MOV.I > $", "MOV.B $ >",
    "JMZ.F $ @", "ADD.A # $", "MOV.I { {", "MOV.I @ @",
    "CMP.I $ @", "MOV.I $ *", "ADD.A $ $", "MOV.I * <",
    "JMZ.B $ <", "JMP.B @ >", "ADD.F $ @", "SPL.B $ {",
    "MOV.F $ >", "SUB.F $ @", "SPL.B @ >", "JMZ.A $ {",
)  # fmt: skip

WORD_MASK = (1 << 14) - 1  # key and both modes of an instruction word
# Operand modes whose evaluation changes nothing (no increment or decrement): when the
# instruction does not use the operand's address or numbers, they all act as ``#``.
_NO_SIDE_EFFECT = frozenset({0, 1, 2, 5})  # # $ @ *
_TEST_MODIFIER = {M_A: M_A, M_BA: M_A, M_B: M_B, M_AB: M_B}  # JMZ/JMN/DJN; else F


def canonical(op: int, mod: int, a_mode: int, b_mode: int) -> tuple[int, int, int, int]:
    """The shape of an instruction: words of one shape execute exactly the same code.

    The rules follow ``arena.mars.semantics.execute``: an undefined opcode or modifier is
    DAT; DAT, NOP, SPL and JMP ignore the modifier; an operand whose only effect would be
    an increment or decrement and that has none is ``#``.
    """
    quiet_a = 0 if a_mode in _NO_SIDE_EFFECT else a_mode
    quiet_b = 0 if b_mode in _NO_SIDE_EFFECT else b_mode
    if mod == 7 or op > STP or op == DAT:
        return DAT, M_F, quiet_a, quiet_b
    if op == NOP:
        return NOP, M_F, quiet_a, quiet_b
    if op == SPL or op == JMP:
        return op, M_B, a_mode, quiet_b
    if op == SEQ:
        op = CMP
    if op in (JMZ, JMN, DJN):
        mod = _TEST_MODIFIER.get(mod, M_F)
    elif op in (ADD, SUB, MUL, DIV, MOD, SLT) and mod == M_I:
        mod = M_F
    elif op in (LDP, STP) and mod in (M_F, M_X, M_I):
        mod = M_B
    return op, mod, a_mode, b_mode


def _parse(text: str) -> tuple[int, int, int]:
    opmod, a_mode, b_mode = text.split()
    op, mod = opmod.split(".")
    key = OPCODE_NUMBER[op] * 8 + MODIFIER_NUMBER[mod]
    return key, MODES.index(a_mode), MODES.index(b_mode)


# (key, a mode, b mode) of handler i + 1; a global tuple, so numba folds HOT[i] to constants
HOT: tuple[tuple[int, int, int], ...] = tuple(_parse(t) for t in HOT_TEXT)


def _handler_table() -> np.ndarray:
    number_of_shape: dict[tuple[int, int, int, int], int] = {}
    for number, (key, a_mode, b_mode) in enumerate(HOT, start=1):
        shape = (key >> 3, key & 7, a_mode, b_mode)
        if canonical(*shape) != shape:
            raise ValueError(f"{HOT_TEXT[number - 1]} is not a canonical shape")
        if shape in number_of_shape:
            raise ValueError(f"{HOT_TEXT[number - 1]} is listed twice")
        number_of_shape[shape] = number
    table = np.zeros(WORD_MASK + 1, dtype=np.int32)
    for word in range(WORD_MASK + 1):
        key = word & 0xFF
        shape = canonical(key >> 3, key & 7, (word >> MODE_SHIFT_A) & 7, (word >> MODE_SHIFT_B) & 7)
        table[word] = number_of_shape.get(shape, 0)
    return table


HANDLER_OF_WORD = _handler_table()
EMPTY_HANDLER = int(HANDLER_OF_WORD[EMPTY_INS & WORD_MASK])


def handlers(words: np.ndarray) -> np.ndarray:
    """The handler number (0 = generic) of each instruction word."""
    return HANDLER_OF_WORD[np.asarray(words, dtype=np.int64) & WORD_MASK]


# The generic path's second jump. Its operands are evaluated with one jump on the pair of
# modes; then, for the opcode and modifier pairs below, one jump on the canonical pair runs
# the ``execute_*`` function of ``arena.mars.semantics`` compiled for that constant pair,
# instead of deciding the opcode and then the modifier at run time (the rest are still
# decided at run time). The list is the most executed pairs on the generic path in the
# tune material that chose ``HOT_TEXT``, most executed first: these 40 were 99.9% of it.
GENERIC_TEXT: tuple[str, ...] = (
    "JMP.B", "DAT.F", "MOV.I", "SPL.B", "JMZ.F", "MOV.B", "SNE.I", "DJN.F",
    "SUB.X", "ADD.AB", "JMN.F", "JMZ.B", "ADD.X", "SNE.F", "SLT.AB", "SLT.B",
    "CMP.I", "DJN.A", "MOV.X", "JMN.B", "SUB.F", "ADD.F", "SNE.X", "MUL.A",
    "MOV.F", "CMP.AB", "JMZ.A", "DJN.B", "MOV.AB", "SUB.A", "CMP.B", "CMP.F",
    "NOP.F", "JMN.A", "SUB.AB", "SLT.A", "MUL.X", "MOV.A", "SUB.B", "CMP.X",
)  # fmt: skip


def _generic_keys() -> tuple[int, ...]:
    keys = []
    for text in GENERIC_TEXT:
        op, mod = text.split(".")
        key = OPCODE_NUMBER[op] * 8 + MODIFIER_NUMBER[mod]
        shape = (key >> 3, key & 7)
        if canonical(*shape, 0, 0)[:2] != shape or key in keys:
            raise ValueError(f"{text} is listed twice or not a canonical opcode and modifier")
        keys.append(key)
    return tuple(keys)


# opcode * 8 + modifier of each pair; a global tuple, so numba folds GENERIC_KEYS[i]
GENERIC_KEYS: tuple[int, ...] = _generic_keys()


def _canonical_keys() -> np.ndarray:
    table = np.zeros(256, dtype=np.uint8)
    for key in range(256):
        op, mod = canonical(key >> 3, key & 7, 0, 0)[:2]
        table[key] = op * 8 + mod
    return table


# the canonical pair (as a key) of every key an instruction word's low byte can hold
CANONICAL_KEY = _canonical_keys()
