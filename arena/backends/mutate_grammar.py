"""Fresh warriors for the ``offline`` backend: a grammar of proven building blocks.

Each block is a few lines of Redcode written with labels and constants drawn for the
hill (bomb steps from :func:`arena.backends.mutate.good_steps`, distances that keep the
warrior clear of its own bombs). A block may be launched in parallel with a second one
behind an SPL, the way human hybrids are built (a stone with an imp, a paper with a
scanner). The result is assembled under the hill's settings; blocks that do not fit the
length limit are not chosen.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from arena.backends.mutate import Program, parse, step_for
from arena.redcode.printer import signed_value
from arena.settings import Settings

Block = Callable[[random.Random, Settings, str], tuple[list[str], str]]
# A block returns its lines (labels prefixed with the given tag so two blocks can share
# a program) and a short description; its entry label is f"{tag}go".


def _bomb(rng: random.Random) -> str:
    return rng.choice(("DAT.F  #0, #0", "DAT.F  #0, #0", "DAT.F  >1, #1", "SPL.B  #0, #0"))


def stone(rng: random.Random, settings: Settings, t: str) -> tuple[list[str], str]:
    """A dwarf-like stone: add a step to a pointer, bomb through it, loop."""
    c = settings.core_size
    step = abs(step_for(rng, c, multiple_of=4 if c % 4 == 0 else 1))
    mode = rng.choice(("@", "@", "*")) if rng.random() < 0.8 else ">"
    field = "AB" if mode != "*" else "A"
    lines = [
        f"{t}go     ADD.{field:<3}#{step}, {t}bomb",
        f"         MOV.I  {t}bomb, {mode}{t}bomb",
        f"         JMP.A  {t}go",
        f"{t}bomb   {_bomb(rng)}",
    ]
    return lines, f"stone, step {step}"


def spl_stone(rng: random.Random, settings: Settings, t: str) -> tuple[list[str], str]:
    """A stone that drops SPL bombs and DAT bombs in turn, run by two processes."""
    c = settings.core_size
    step = abs(step_for(rng, c, multiple_of=4 if c % 4 == 0 else 1))
    lines = [
        f"{t}go     SPL.B  $1, $0",
        f"{t}loop   MOV.I  {t}sbomb, @{t}ptr",
        f"         MOV.I  {t}dbomb, *{t}ptr",
        f"         ADD.F  {t}inc, {t}ptr",
        f"         JMP.A  {t}loop",
        f"{t}ptr    DAT.F  #{2 * step}, #{step}",
        f"{t}inc    DAT.F  #{2 * step}, #{2 * step}",
        f"{t}sbomb  SPL.B  #0, #0",
        f"{t}dbomb  DAT.F  #0, #0",
    ]
    return lines, f"spl/dat stone, step {step}"


def imp(rng: random.Random, settings: Settings, t: str) -> tuple[list[str], str]:
    return [f"{t}go     MOV.I  $0, $1"], "imp"


def imp_ring(rng: random.Random, settings: Settings, t: str) -> tuple[list[str], str]:
    """An imp ring: processes jump, in order, to imp copies spaced (k*C+1)/n apart."""
    c = settings.core_size
    points, distance = _ring(c)
    if points == 0:
        return imp(rng, settings, t)
    splits = 2 if points <= 4 else 3
    lines = [f"{t}go     SPL.B  $1, $0"] + ["         SPL.B  $1, $0"] * (splits - 1)
    lines += [
        f"         JMP.B  @{t}tab, >{t}tab",
        f"{t}tab    DAT.F  #0, #1",
    ]
    lines += [f"         JMP.B  {t}imp+{k * distance}" for k in range(2**splits)]
    lines += [f"{t}imp    MOV.I  #0, {distance}"]
    return lines, f"{points}-point imp ring"


def _ring(core_size: int) -> tuple[int, int]:
    """(points, distance) of the smallest imp ring for this core, or (0, 0)."""
    for points in (3, 5, 7):
        for k in range(1, points):
            if (k * core_size + 1) % points == 0:
                return points, (k * core_size + 1) // points
    return 0, 0


def paper(rng: random.Random, settings: Settings, t: str) -> tuple[list[str], str]:
    """A replicator: copy the body far away, start a process there, move on, repeat."""
    c = settings.core_size
    step = abs(step_for(rng, c))
    distance = abs(step_for(rng, c))
    lines = [
        f"{t}ptr    DAT.F  #0, #0",
        f"{t}go     MOV.AB #7, {t}ptr",
        f"{t}copy   MOV.I  @{t}ptr, <{t}dest",
        f"         DJN.B  {t}copy, {t}ptr",
        f"         SPL.B  @{t}dest, #0",
        f"         ADD.AB #{step}, {t}dest",
        f"         JMZ.B  {t}go, {t}ptr",
        f"{t}dest   DAT.F  #0, #{distance}",
    ]
    return lines, f"paper, step {step}"


def scanner(rng: random.Random, settings: Settings, t: str) -> tuple[list[str], str]:
    """Compare two cells a fixed gap apart; where they differ, bomb both."""
    c = settings.core_size
    step = abs(step_for(rng, c, multiple_of=2 if c % 2 == 0 else 1))
    gap = max(1, step // 2)
    first = step + 10
    lines = [
        f"{t}inc    DAT.F  #{step}, #{step}",
        f"{t}go     ADD.F  {t}inc, {t}scan",
        f"{t}scan   SEQ.I  ${signed_value(first, c)}, ${signed_value(first + gap, c)}",
        f"         JMP.B  {t}hit",
        f"         JMP.A  {t}go",
        f"{t}hit    MOV.I  {t}bomb, @{t}scan",
        f"         MOV.I  {t}bomb, *{t}scan",
        f"         JMP.A  {t}go",
        f"{t}bomb   {rng.choice(('SPL.B  #0, #0', 'DAT.F  #0, #0'))}",
    ]
    return lines, f"scanner, step {step}"


def clear(rng: random.Random, settings: Settings, t: str) -> tuple[list[str], str]:
    """A core clear: SPL then DAT bombs streamed forward through the core."""
    gap = rng.randint(4, 12)
    lines = [
        f"{t}ptr    DAT.F  #0, #{gap}",
        f"{t}go     SPL.B  #0, <{t}ptr",
        f"         MOV.I  {t}bomb, >{t}ptr",
        f"         DJN.F  -1, <{t}ptr",
        f"{t}bomb   DAT.F  <{-gap}, #{gap}",
    ]
    return lines, "core clear"


# Weights follow a quick measurement (mean 1-on-1 score of six instances of each block
# against imp, dwarf and 13 human warriors on the 8000-cell hill): paper 0.58, imp ring
# 0.48, spl/dat stone 0.37, clear 0.29, stone 0.29, imp 0.26, scanner 0.21.
BLOCKS: dict[str, tuple[Block, float]] = {
    "paper": (paper, 5),
    "spl_stone": (spl_stone, 4),
    "imp_ring": (imp_ring, 3),
    "stone": (stone, 3),
    "scanner": (scanner, 1.5),
    "clear": (clear, 1),
    "imp": (imp, 1),
}
PARTNERS: dict[str, float] = {"imp": 3, "imp_ring": 2, "stone": 2, "paper": 1, "clear": 1}


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    names = list(weights)
    return rng.choices(names, weights=[weights[n] for n in names])[0]


def new_warrior(rng: random.Random, settings: Settings) -> tuple[Program, str]:
    """A fresh warrior (program and a strategy line) that fits the hill."""
    for _ in range(20):
        main = _pick(rng, {k: w for k, (_, w) in BLOCKS.items()})
        lines, description = BLOCKS[main][0](rng, settings, "a")
        if rng.random() < 0.35:
            partner = _pick(rng, PARTNERS)
            more, other = BLOCKS[partner][0](rng, settings, "b")
            both = ["start   SPL.B  bgo, $0", "        JMP.A  ago", *lines, *more]
            program = _assemble(both, settings)
            if program is not None:
                return program, f"{description}, launched with {other}"
        program = _assemble(["start   JMP.A  ago", *lines], settings, skip_first=True)
        if program is not None:
            return program, description
    return Program(((0, 6, 1, 0, 1, 1),), 0), "imp"  # MOV.I $0, $1 fits any hill


def _assemble(lines: list[str], settings: Settings, skip_first: bool = False) -> Program | None:
    """Assemble block lines (``start`` is the entry) into a Program, or None if too long."""
    if skip_first:
        # enter the block directly: ORG on its entry label, no jump line
        text = "\n".join(["        ORG ago", *lines[1:], "        END"])
    else:
        text = "\n".join(["        ORG start", *lines, "        END"])
    program = parse(text, settings.with_(max_length=1000))
    if program is None or len(program) > settings.max_length:
        return None
    return program
