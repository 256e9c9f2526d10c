"""Genotype distance without any model: normalised compression distance over load images.

Two warriors are compared by what they are, not how they were written: each is
assembled and printed canonically (one line per instruction, ``MOV.I $2, @-1``, and the
start offset), so labels, comments, EQUs, spacing and names make no difference. Then

    NCD(x, y) = (C(xy) - min(C(x), C(y))) / max(C(x), C(y))

with C the compressed size (raw deflate at level 9, or lzma). Identical texts are 0 by
definition; unrelated ones come near 1. Short texts share opcode spellings, so two
unrelated small warriors land somewhat below 1: compare NCDs with each other, not
with 1.
"""

from __future__ import annotations

import lzma
import zlib
from collections.abc import Callable

from arena.redcode.model import Warrior
from arena.redcode.printer import format_instruction

COMPRESSORS = ("zlib", "lzma")


def canonical_text(warrior: Warrior) -> str:
    """The load image as text: start offset, then each instruction in compact form."""
    lines = [f"ORG {warrior.start}"]
    for i in range(len(warrior)):
        op, mod, am, av, bm, bv = warrior.instruction(i)
        lines.append(format_instruction(op, mod, am, av, bm, bv, warrior.core_size, compact=True))
    if warrior.pin is not None:
        lines.append(f"PIN {warrior.pin}")
    return "\n".join(lines) + "\n"


def _deflate(data: bytes) -> int:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: no header to blur sizes
    return len(packer.compress(data) + packer.flush())


def _lzma(data: bytes) -> int:
    return len(
        lzma.compress(
            data, format=lzma.FORMAT_RAW, filters=[{"id": lzma.FILTER_LZMA2, "preset": 9}]
        )
    )


_SIZE: dict[str, Callable[[bytes], int]] = {"zlib": _deflate, "lzma": _lzma}


def ncd(x: str, y: str, compressor: str = "zlib") -> float:
    """Normalised compression distance of two texts (0 when they are equal)."""
    if x == y:
        return 0.0
    size = _SIZE[compressor]
    a, b = x.encode(), y.encode()
    ca, cb = size(a), size(b)
    cab = size(a + b)
    return max(0.0, (cab - min(ca, cb)) / max(ca, cb))


def warrior_ncd(a: Warrior, b: Warrior, compressor: str = "zlib") -> float:
    """NCD of two warriors' canonical load images."""
    return ncd(canonical_text(a), canonical_text(b), compressor)
