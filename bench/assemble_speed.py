"""How long assembling the whole human corpus takes, after import (median of runs).

Usage: python bench/assemble_speed.py [--runs 7]
Also times the pathological inputs the assembler must cut short.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from arena.redcode import assemble
from arena.settings import Settings

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"

PATHOLOGICAL = {
    "FOR 100000000": "for 100000000\n dat 0\n rof",
    "5 MB of text": "mov 0, 1 ; " + "x" * 5_000_000,
    "10,000 nested parentheses": " dat " + "(" * 10_000 + "1" + ")" * 10_000,
    "EQU that refers to itself": "x equ x\n dat x",
    "nested FOR of nothing": "for 60000\nfor 60000\n;assert 1\nrof\nrof\n dat 0",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    texts = [
        p.read_text(errors="replace") for p in sorted((SHARED / "corpus" / "human").glob("*.red"))
    ]
    settings = Settings(warriors=1)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        ok = sum(assemble(text, settings).ok for text in texts)
        times.append(time.perf_counter() - start)
    print(f"human corpus: {len(texts)} files, {ok} assemble")
    print(f"  median {statistics.median(times) * 1000:.0f} ms over {args.runs} runs "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")  # fmt: skip
    for name, text in PATHOLOGICAL.items():
        start = time.perf_counter()
        result = assemble(text)
        elapsed = time.perf_counter() - start
        first = result.errors[0].message if result.errors else "(assembled)"
        print(f"  {name}: {elapsed * 1000:.0f} ms -> {first[:70]}")


if __name__ == "__main__":
    main()
