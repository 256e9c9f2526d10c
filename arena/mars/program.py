"""A battle's warriors as the flat arrays the kernels read (``Program``).

Built from ``arena.mars.layout``'s encoding and ``arena.mars.hot``'s handler numbers; a
module of its own so the layout does not depend on the hot list that builds on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from arena.mars.hot import handlers
from arena.mars.layout import MODE_SHIFT_A, MODE_SHIFT_B, PROGRAM_DTYPE
from arena.redcode.model import LDP, STP, Warrior


@dataclass(frozen=True, slots=True, eq=False)
class Program:
    """Every warrior of one battle, concatenated into flat arrays the kernels read.

    Warrior ``i`` occupies ``ins[offsets[i]:offsets[i+1]]`` (and the same of ``a``, ``b``);
    ``starts[i]`` is its ORG offset. Values are reduced modulo ``core_size``.
    """

    ins: np.ndarray  # PROGRAM_DTYPE
    handler: np.ndarray  # PROGRAM_DTYPE, see arena.mars.hot
    a: np.ndarray  # PROGRAM_DTYPE
    b: np.ndarray  # PROGRAM_DTYPE
    offsets: np.ndarray  # int64, length n+1
    starts: np.ndarray  # int64
    core_size: int
    uses_pspace: bool  # a warrior has LDP or STP

    @property
    def n(self) -> int:
        return int(self.starts.shape[0])

    @classmethod
    def from_warriors(cls, warriors: Sequence[Warrior], core_size: int) -> Program:
        ins: list[np.ndarray] = []
        avs: list[np.ndarray] = []
        bvs: list[np.ndarray] = []
        offsets = [0]
        starts = []
        uses_pspace = False
        for w in warriors:
            op = w.opcode.astype(np.int32)
            word = (
                op * 8
                + w.modifier.astype(np.int32)
                + (w.a_mode.astype(np.int32) << MODE_SHIFT_A)
                + (w.b_mode.astype(np.int32) << MODE_SHIFT_B)
            )
            ins.append(word.astype(PROGRAM_DTYPE))
            avs.append(np.mod(w.a_value.astype(np.int64), core_size).astype(PROGRAM_DTYPE))
            bvs.append(np.mod(w.b_value.astype(np.int64), core_size).astype(PROGRAM_DTYPE))
            offsets.append(offsets[-1] + len(w))
            starts.append(int(w.start))
            uses_pspace = uses_pspace or bool(np.any((op == LDP) | (op == STP)))
        empty = np.zeros(0, dtype=PROGRAM_DTYPE)
        words = np.concatenate(ins) if ins else empty
        return cls(
            ins=words,
            handler=handlers(words).astype(PROGRAM_DTYPE),
            a=np.concatenate(avs) if avs else empty,
            b=np.concatenate(bvs) if bvs else empty,
            offsets=np.array(offsets, dtype=np.int64),
            starts=np.array(starts, dtype=np.int64),
            core_size=core_size,
            uses_pspace=uses_pspace,
        )
