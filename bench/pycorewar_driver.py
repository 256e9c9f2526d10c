"""PyCorewar's C core as a contender for bench/mips.py (its ``--external`` protocol).

    VENV_PYTHON bench/pycorewar_driver.py [--coresize 8000] [--cycles 80000]
        [--processes 8000] [--maxlength 100] [--distance 100]
        --rounds R -F F A.load B.load

Run it with the Python of a venv that has PyCorewar installed (it imports nothing of
arena): PyCorewar 0.2.0 at GitHub progval/PyCorewar commit 72e496ef8128d5515335c7273787b66b3b95ffe6,
``CFLAGS=-fcommon pip install <its source>`` (so its C modules get Python's own compiler
flags plus ``-fcommon``). bench/mips.py's docstring has the whole recipe.

A and B are pMARS 0.9.4 load images (``pmars -A`` output), not Redcode sources:
PyCorewar's own parser refuses a file without a ``;redcode`` line and does not
preprocess like pMARS, so it could not be given the same warriors otherwise. The image is
read with PyCorewar's ``Parser`` ('94nop standard) after a ``;redcode-94nop`` line, then
checked instruction by instruction (and its start) against the image's text, so the code
PyCorewar runs is exactly the code pMARS runs. Parsing and the check are outside the timer.

The timer covers one call, ``MARS_94nop.run((A, B), R, F)``: PyCorewar's C core plays all
R rounds. Its placement is pMARS's ``-F F``: B is at F in round 1, and each later round
draws the next position with pMARS's generator from seed F - distance (PyCorewar's
``run_94nop``: ``pos = distance + seed % (coresize - 2*distance + 1); seed = rng(seed)``);
A moves first in odd rounds and B in even ones, as in pMARS. So its wins, losses and ties
must equal pMARS's, and bench/mips.py checks that they do.

Prints one line: ``wins losses ties - seconds`` (A's wins and losses). PyCorewar does not
count executed instructions, so that field is ``-``; bench/mips.py then takes pMARS's
count for the fight (the same rules end a round at the same instruction: at the first
death, or a tie after 2 x cycles instructions).
"""

from __future__ import annotations

import argparse
import re
import sys
import time

import Corewar
import Corewar.Redcode as R
from Corewar.Benchmarking import MARS_94nop

_LINE = re.compile(r"^\s*([A-Z]{3})\.([A-Z]{1,2})\s+(\S)\s*(-?\d+)\s*,\s*(\S)\s*(-?\d+)\s*$")
_ORG = re.compile(r"^\s*ORG\s+(-?\d+)\s*$")
_MODES = {
    "#": R.MODE_IMMEDIATE,
    "$": R.MODE_DIRECT,
    "@": R.MODE_B_INDIRECT,
    "<": R.MODE_B_PREDECREMENT,
    ">": R.MODE_B_POSTINCREMENT,
    "*": R.MODE_A_INDIRECT,
    "{": R.MODE_A_PREDECREMENT,
    "}": R.MODE_A_POSTINCREMENT,
}


def _image(text: str, coresize: int) -> tuple[int, list[tuple[int, ...]]]:
    """(start, [(opcode, modifier, amode, a, bmode, b)]) as the load image says."""
    start, insns = 0, []
    for line in text.splitlines():
        if m := _ORG.match(line):
            start = int(m.group(1)) % coresize
        elif m := _LINE.match(line):
            op, mod, am, a, bm, b = m.groups()
            insns.append(
                (
                    getattr(R, "OPCODE_" + op),
                    getattr(R, "MODIFIER_" + mod),
                    _MODES[am],
                    int(a) % coresize,
                    _MODES[bm],
                    int(b) % coresize,
                )
            )
        elif line.strip() and line.strip() != "END":
            raise SystemExit(f"not a pMARS load-image line: {line!r}")
    return start, insns


def load(path: str, parser: Corewar.Parser, coresize: int) -> Corewar.Warrior:
    """PyCorewar's warrior for a pMARS load image, checked against the image."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    warrior = parser.parse(";redcode-94nop\n" + text)
    got = [
        (i.opcode, i.modifier, i.amode, i.afield % coresize, i.bmode, i.bfield % coresize)
        for i in warrior.instructions
    ]
    start, want = _image(text, coresize)
    if got != want or warrior.start % coresize != start:
        raise SystemExit(f"{path}: PyCorewar's parser does not give pMARS's load image")
    return warrior


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--coresize", type=int, default=8000)
    ap.add_argument("--cycles", type=int, default=80000)
    ap.add_argument("--processes", type=int, default=8000)
    ap.add_argument("--maxlength", type=int, default=100)
    ap.add_argument("--distance", type=int, default=100)
    ap.add_argument("--rounds", type=int, required=True)
    ap.add_argument("-F", dest="position", type=int, required=True)
    ap.add_argument("a")
    ap.add_argument("b")
    args = ap.parse_args(argv)
    settings = {
        "coresize": args.coresize,
        "maxprocesses": args.processes,
        "maxcycles": args.cycles,
        "mindistance": args.distance,
        "maxlength": args.maxlength,
    }
    parser = Corewar.Parser(standard=Corewar.STANDARD_94_NOP, **settings)
    warriors = (load(args.a, parser, args.coresize), load(args.b, parser, args.coresize))
    mars = MARS_94nop(**settings)
    t0 = time.perf_counter()
    result = mars.run(warriors, args.rounds, args.position)
    seconds = time.perf_counter() - t0
    wins, losses, ties = result[0]
    print(f"{wins} {losses} {ties} - {seconds:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
