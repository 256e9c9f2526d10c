"""How the engine lays out a core cell and a battle's warriors in flat arrays.

A core cell is four consecutive unsigned slots of one flat array ``core`` (16-bit or
32-bit, see ``core_dtype``):

* ``core[4*i + INS]``: the instruction word ``key | a_mode << 8 | b_mode << 11``, where
  ``key = opcode * 8 + modifier`` is the number the execute ladder dispatches on (pMARS
  numbers opcodes and modifiers the same way), and the modes are 0..7 in the order
  ``# $ @ < > * { }``;
* ``core[4*i + AV]`` and ``core[4*i + BV]``: the A and B numbers, always in 0..s-1;
* ``core[4*i + HANDLER]``: which specialised handler of ``arena.mars.hot`` executes the
  instruction word (0: the generic path). It is a function of the word, so it is set when
  a warrior is loaded and copied along with the word by ``MOV.I``. A cell is 8 or 16
  bytes, so an index is a shift.

Two instruction words are equal exactly when pMARS's (opcode byte, A mode, B mode) are,
which is what ``.I`` comparisons test.
"""

from __future__ import annotations

import numpy as np

from arena.redcode.model import DAT, DIRECT, M_F, MODES, MODIFIERS, OPCODES

CELL = 4  # slots per core cell
# Every value the engine stores is non-negative (numbers are kept in 0..s-1), so the core
# and the queues are unsigned: widening an unsigned load is free (int32 loads must be
# sign-extended; unsigned measured ~15% faster). A core of at most 65536 cells uses
# uint16 slots: 8-byte cells, half the cache footprint (2-10% faster again on battles
# with many processes); larger cores use uint32. numba compiles each layout separately.
SMALL_CORE = 1 << 16
PROGRAM_DTYPE = np.uint32  # warrior images (``Program``), copied into the core per round
QUEUE_DTYPE = np.uint32
INS, AV, BV, HANDLER = 0, 1, 2, 3
MODE_SHIFT_A = 8
MODE_SHIFT_B = 11
KEY_MASK = 0xFF

EMPTY_INS = (DAT * 8 + M_F) | (DIRECT << MODE_SHIFT_A) | (DIRECT << MODE_SHIFT_B)


def core_dtype(core_size: int) -> type[np.unsignedinteger]:
    """The slot type of a core of ``core_size`` cells (see ``CELL``)."""
    return np.uint16 if core_size <= SMALL_CORE else np.uint32


def new_core(core_size: int, dtype: type[np.unsignedinteger] | None = None) -> np.ndarray:
    """An empty (all zero) core array; ``dtype`` overrides the layout (tests compare both)."""
    return np.zeros(core_size * CELL, dtype=dtype or core_dtype(core_size))


def pack_ins(opcode: int, modifier: int, a_mode: int, b_mode: int) -> int:
    """The instruction word of one cell."""
    return (opcode * 8 + modifier) | (a_mode << MODE_SHIFT_A) | (b_mode << MODE_SHIFT_B)


def unpack_ins(word: int) -> tuple[int, int, int, int]:
    """(opcode, modifier, a_mode, b_mode) of an instruction word."""
    key = word & KEY_MASK
    return key >> 3, key & 7, (word >> MODE_SHIFT_A) & 7, (word >> MODE_SHIFT_B) & 7


def format_cell(word: int, a: int, b: int) -> str:
    """``OP.MOD <mode><a> <mode><b>`` with raw values, as the golden traces print a cell."""
    op, mod, am, bm = unpack_ins(word)
    return f"{OPCODES[op]}.{MODIFIERS[mod]} {MODES[am]}{a} {MODES[bm]}{b}"
