"""Which instruction shapes do battles execute most? The data behind arena.mars.hot.

    python bench/hot_instructions.py [--pairs 600] [--top 64] [--seed 1] [DIR ...]

Plays one round of each of ``--pairs`` random pairs of warriors from the given
directories (default: ../shared/corpus/human and ../shared/corpus/llm) at the standard
'94 settings, traces every executed instruction, and prints the most frequent shapes
(``arena.mars.hot.canonical``: words that execute the same code count as one) with their
share and cumulative share, then the first ``--top`` as the ``HOT_TEXT`` tuple of
``arena/mars/hot.py``, and how much of the measured execution the current list covers.
The list in arena/mars/hot.py came from
``python bench/hot_instructions.py ../shared/corpus/human ../shared/corpus/llm TUNE``,
where TUNE is the even-numbered half (in name order) of the Koenigstuhl '94nop hill
warriors that bench/mips.py's docstring names; the odd half is held out for reporting.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from arena.battle import debugger as battle_debugger  # noqa: E402
from arena.mars.hot import HOT_TEXT, WORD_MASK, canonical, handlers  # noqa: E402
from arena.mars.kernel import TR_INS  # noqa: E402
from arena.mars.layout import unpack_ins  # noqa: E402
from arena.redcode import assemble_file  # noqa: E402
from arena.redcode.model import MODES, MODIFIERS, OPCODES  # noqa: E402
from arena.settings import Settings  # noqa: E402


def shape(word: int) -> str:
    """The canonical shape of an instruction word, as HOT_TEXT spells it."""
    op, mod, a_mode, b_mode = canonical(*unpack_ins(word))
    return f"{OPCODES[op]}.{MODIFIERS[mod]} {MODES[a_mode]} {MODES[b_mode]}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--pairs", type=int, default=600)
    parser.add_argument("--top", type=int, default=64)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    shared = REPO.parent / "shared" / "corpus"
    dirs = args.dirs or [shared / "human", shared / "llm"]
    settings = Settings()
    warriors = []
    for d in dirs:
        for path in sorted(d.glob("*.red")):
            result = assemble_file(path, settings)
            if result.ok:
                warriors.append(result.warrior)
    if len(warriors) < 2:
        raise SystemExit("need at least two warriors that assemble")
    rng = random.Random(args.seed)
    counts: collections.Counter[str] = collections.Counter()
    covered = 0
    for k in range(args.pairs):
        pair = rng.sample(warriors, 2)
        dbg = battle_debugger(pair, settings, rounds=1, seed=k + 1, track_events=False)
        while not dbg.round_over:
            words = dbg.step_rows(200_000)[:, TR_INS] & WORD_MASK
            covered += int(np.count_nonzero(handlers(words)))
            for word, n in zip(*np.unique(words, return_counts=True), strict=True):
                counts[shape(int(word))] += int(n)
    total = sum(counts.values())
    print(f"{len(warriors)} warriors, {args.pairs} pairs, {total} instructions executed")
    running = 0
    ranked = counts.most_common()
    for i, (name, n) in enumerate(ranked[: max(args.top, 64)]):
        running += n
        print(f"{i + 1:3d} {name:16s} {n / total:6.2%}  cumulative {running / total:6.2%}")
    print("HOT_TEXT = (")
    print("".join(f'    "{name}",\n' for name, _ in ranked[: args.top]), end="")
    print(")")
    print(f"the current list ({len(HOT_TEXT)} shapes) covers {covered / total:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
