"""The instructions the round loop runs through specialised, decode-free code.

An interpreter spends much of its time deciding what an instruction is: its addressing
modes, then its opcode and modifier, each a hard-to-predict jump. For the instructions
below, the round loop instead jumps once, on a handler number stored in the cell (see
``arena.mars.layout``), straight to code compiled for that exact opcode, modifier and
pair of modes. Every other instruction takes the generic path. Both paths run the same
functions of ``arena.mars.semantics``, so results never depend on which one ran.

The list is the most executed instruction shapes in battles between random pairs of the
community's and an LLM's warriors (``python bench/hot_instructions.py`` measures it; the
first 48 cover about 93% of executed instructions). Its order is the handler number
minus one; the round loop's ladder must hold one branch per entry, in this order.
"""

from __future__ import annotations

import numpy as np

from arena.mars.layout import EMPTY_INS, MODE_SHIFT_A, MODE_SHIFT_B
from arena.redcode.model import MODES, MODIFIER_NUMBER, OPCODE_NUMBER

HOT_TEXT: tuple[str, ...] = (
    "MOV.I $ $", "SPL.B $ $", "JMP.B $ $", "MOV.I $ >", "DAT.F $ $", "ADD.AB # $",
    "MOV.I # {", "MOV.I $ <", "DJN.B $ $", "DAT.F # #", "MOV.I $ @", "MOV.I $ }",
    "MOV.I # }", "MOV.I $ {", "DJN.B $ <", "ADD.F $ $", "JMP.F # <", "JMP.B $ <",
    "SPL.B $ #", "SPL.B $ <", "MOV.I @ <", "JMP.B $ #", "SPL.B # {", "JMZ.B $ @",
    "MOV.AB # $", "SUB.AB # $", "DJN.B $ #", "ADD.B # $", "SPL.B # }", "JMN.B $ *",
    "MOV.I < <", "MOV.I } >", "MOV.AB # }", "DJN.B # $", "JMZ.B $ $", "MOV.I # @",
    "JMZ.F # {", "DAT.F } }", "JMP.F $ >", "MOV.I # >", "DAT.F < <", "SPL.B @ $",
    "MOV.AB # @", "JMN.B $ $", "JMP.B @ $", "DAT.F < #", "CMP.I < <", "ADD.A $ $",
)  # fmt: skip

WORD_MASK = (1 << 14) - 1  # key and both modes of an instruction word


def _parse(text: str) -> tuple[int, int, int]:
    opmod, a_mode, b_mode = text.split()
    op, mod = opmod.split(".")
    key = OPCODE_NUMBER[op] * 8 + MODIFIER_NUMBER[mod]
    return key, MODES.index(a_mode), MODES.index(b_mode)


# (key, a mode, b mode) of handler i + 1; a global tuple, so numba folds HOT[i] to constants
HOT: tuple[tuple[int, int, int], ...] = tuple(_parse(t) for t in HOT_TEXT)


def _handler_table() -> np.ndarray:
    table = np.zeros(WORD_MASK + 1, dtype=np.int32)
    for number, (key, a_mode, b_mode) in enumerate(HOT, start=1):
        word = key | a_mode << MODE_SHIFT_A | b_mode << MODE_SHIFT_B
        if table[word]:
            raise ValueError(f"{HOT_TEXT[number - 1]} is listed twice")
        table[word] = number
    return table


HANDLER_OF_WORD = _handler_table()
EMPTY_HANDLER = int(HANDLER_OF_WORD[EMPTY_INS & WORD_MASK])


def handlers(words: np.ndarray) -> np.ndarray:
    """The handler number (0 = generic) of each instruction word."""
    return HANDLER_OF_WORD[np.asarray(words, dtype=np.int64) & WORD_MASK]
