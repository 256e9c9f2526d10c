"""Why is a fight slow? Instruction counts of the round loop's dispatch, fight by fight.

    python bench/mips.py --set dir:DIR --pairs 100 --single-only --per-fight ... > OUT
    python bench/dispatch_profile.py OUT --dir DIR [--rounds 3] [--cap 400000]

Reads the fights that a ``bench/mips.py --per-fight`` printout lists (arena's MIPS,
pMARS's MIPS, their ratio, the instructions, the two warriors' names) and replays each
with the Debugger, ``--rounds`` rounds (seeds 1, 2, ...; at most ``--cap`` instructions a
round), counting of the instructions executed:

* generic: the share that takes the generic path (no handler of ``arena.mars.hot``);
* changes: the share whose handler differs from the one the same warrior ran on its
  previous turn, which is what a jump predictor that remembers the last target misses;
* processes: the moving warrior's mean number of processes.

Prints one line per fight, then the means (weighted by each fight's instructions) of the
fights below 3x pMARS, from 3x to 4x, and from 4x up, and each measure's correlation with
the ratio over all fights. The replays use the Debugger's placements, not the printout's,
so they describe the warriors' styles, not those exact rounds.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from arena.battle import debugger as battle_debugger  # noqa: E402
from arena.mars.hot import WORD_MASK, handlers  # noqa: E402
from arena.mars.kernel import TR_INS, TR_NPROCS, TR_W  # noqa: E402
from arena.redcode import assemble_file  # noqa: E402
from arena.settings import Settings  # noqa: E402

# arena's MIPS | pMARS's MIPS (ratio) [| another simulator's MIPS (ratio)] instructions names
FIGHT = re.compile(
    r"\s+([\d.]+) \|\s+([\d.]+) \(([\d.]+)x\)(?:\s+\|\s+[\d.]+ \([\d.]+x\))*"
    r"\s+([\d.]+) M\s+(\S+) vs (\S+)\s*$"
)


def listed_fights(text: str) -> list[tuple[float, float, str, str]]:
    """(ratio, millions of instructions, first, second) of each per-fight line."""
    return [
        (float(m[3]), float(m[4]), m[5], m[6])
        for m in (FIGHT.match(line) for line in text.splitlines())
        if m
    ]


def profile(pair, settings: Settings, rounds: int, cap: int) -> tuple[float, float, float]:
    """(generic share, change share, mean processes) over ``rounds`` traced rounds."""
    total = generic = changes = 0
    processes = 0.0
    for seed in range(1, rounds + 1):
        dbg = battle_debugger(pair, settings, rounds=1, seed=seed, track_events=False)
        ran = 0
        while not dbg.round_over and ran < cap:
            rows = dbg.step_rows(min(100_000, cap - ran))
            handler = handlers(rows[:, TR_INS] & WORD_MASK)
            mover = rows[:, TR_W]
            for w in np.unique(mover):
                own = handler[mover == w]
                changes += int(np.count_nonzero(own[1:] != own[:-1]))
            total += len(rows)
            ran += len(rows)
            generic += int(np.count_nonzero(handler == 0))
            processes += float(rows[:, TR_NPROCS].sum())
    if total == 0:
        return 0.0, 0.0, 0.0
    return generic / total, changes / total, processes / total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("printout", type=Path, help="a bench/mips.py --per-fight output")
    parser.add_argument("--dir", type=Path, required=True, help="the set's warrior folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cap", type=int, default=400_000)
    args = parser.parse_args(argv)
    try:
        fights = listed_fights(args.printout.read_text())
    except OSError as exc:
        raise SystemExit(f"dispatch_profile: cannot read {args.printout}: {exc.strerror}") from None
    if not fights:
        raise SystemExit(f"dispatch_profile: {args.printout} lists no fights (use --per-fight)")
    settings = Settings()
    rows = []
    print("ratio  generic  changes  processes  fight")
    for ratio, millions, a, b in fights:
        pair = []
        for warrior in (a, b):
            result = assemble_file(args.dir / f"{warrior}.red", settings)
            if not result.ok:
                raise SystemExit(f"dispatch_profile: {result.messages[0].text}")
            pair.append(result.warrior)
        generic, changes, procs = profile(pair, settings, args.rounds, args.cap)
        rows.append((ratio, millions, generic, changes, procs))
        print(f"{ratio:5.2f}x {generic:7.1%} {changes:8.1%} {procs:10.1f}  {a} vs {b}", flush=True)
    data = np.array(rows)
    for label, keep in (
        ("below 3x", data[:, 0] < 3),
        ("3x to 4x", (data[:, 0] >= 3) & (data[:, 0] < 4)),
        ("4x and up", data[:, 0] >= 4),
    ):
        if keep.any():
            part, weight = data[keep], data[keep, 1]
            mean = [np.average(part[:, j], weights=weight) for j in (2, 3, 4)]
            print(
                f"{label}: {int(keep.sum())} fights, {weight.sum():.0f} M instructions; "
                f"generic {mean[0]:.1%}, changes {mean[1]:.1%}, processes {mean[2]:.0f}"
            )
    if len(data) > 2:
        for j, what in ((2, "generic"), (3, "changes"), (4, "processes")):
            r = np.corrcoef(data[:, j], data[:, 0])[0, 1]
            print(f"correlation of {what} with the ratio: {r:+.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
