"""Editing Redcode without a model: the operators behind the ``offline`` backend.

Programs are handled in their assembled form (a list of instructions with signed field
values and a start offset), so every edit yields a valid program by construction and
the text we print always assembles; the backend still assembles each candidate to be
sure. The operators are those of classic Core War evolvers, with the biases that make
them productive:

* numbers change mostly by small steps, or jump to a "good" bomb/scan step for the core
  size (steps whose first bombs spread evenly, see :func:`good_steps`);
* opcodes, modifiers and modes are drawn with weights that favour the useful ones
  (MOV/ADD/SPL/JMP/DJN/SEQ/SNE/DAT, .I/.B/.AB/.F, $ # @ > } <);
* inserting, deleting or duplicating a line re-links the relative references that
  cross it, as an assembler would after re-assembling labels, so an edit in the
  middle of a loop does not break every pointer around it;
* crossover splices two parents, replaces a block of one with a block of the other,
  or runs both in parallel behind an SPL launcher;
* fresh warriors come from a small grammar of proven building blocks (stones, imps,
  papers, scanners, core clears and their combinations) with constants drawn for the
  hill at hand.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from arena.redcode import assemble, extract_redcode
from arena.redcode.model import (
    ADD,
    DAT,
    DJN,
    JMN,
    JMP,
    JMZ,
    MODES,
    MODIFIERS,
    MOV,
    OPCODES,
    SEQ,
    SNE,
    SPL,
    SUB,
    default_modifier,
)
from arena.redcode.printer import signed_value
from arena.settings import Settings

Instr = tuple[int, int, int, int, int, int]  # opcode, modifier, a_mode, a, b_mode, b

IMM, DIR, BIND, BPRE, BPOST, AIND, APRE, APOST = range(8)

# Weights: what classic evolvers (and human warriors) use most.
OPCODE_WEIGHTS: dict[int, float] = {
    MOV: 22, ADD: 9, SUB: 4, SPL: 12, JMP: 9, DJN: 9, SEQ: 6, SNE: 5, JMZ: 5, JMN: 4,
    DAT: 7, OPCODES.index("SLT"): 2, OPCODES.index("MUL"): 1, OPCODES.index("DIV"): 0.5,
    OPCODES.index("MOD"): 0.5, OPCODES.index("NOP"): 1,
}  # fmt: skip
MODIFIER_WEIGHTS: dict[int, float] = {
    6: 26,
    1: 20,
    2: 15,
    4: 12,
    0: 9,
    5: 9,
    3: 5,
}  # I B AB F A X BA
MODE_WEIGHTS: dict[int, float] = {
    DIR: 26, IMM: 18, BIND: 14, BPOST: 12, APOST: 9, BPRE: 9, APRE: 6, AIND: 6,
}  # fmt: skip

UNUSED_VALUE_OPCODES = frozenset({JMP, SPL})  # B-field is free storage for these


@dataclass(frozen=True, slots=True)
class Program:
    """A warrior as editable data: instructions with signed values, and the start offset."""

    code: tuple[Instr, ...]
    start: int = 0

    def __len__(self) -> int:
        return len(self.code)


# --------------------------------------------------------------------------- numbers


@lru_cache(maxsize=64)
def good_steps(core_size: int, count: int = 48) -> tuple[int, ...]:
    """Bomb/scan steps whose first bombs spread most evenly over the core.

    For a step s the bombs land on k*s (mod C). A good step leaves no big hole after
    any number of bombs k: we score the largest gap after each of the first bombs
    against the ideal C/k and keep the steps with the lowest total. Steps sharing a
    factor of 2, 4 or 5 with the core are welcome (a stone with a step of 4k cannot
    hit its own 3-line body), larger common factors are not.
    """
    c = core_size
    if c < 8:
        return tuple(range(1, c))
    bombs = min(40, c // 2)
    scored: list[tuple[float, int]] = []
    candidates = range(2, c // 2 + 1)
    if c > 4000:  # sample: every step is not needed to find good ones
        candidates = range(2, c // 2 + 1, max(1, c // 4000))
    for s in candidates:
        g = math.gcd(s, c)
        if g > 5 or g == 3:
            continue
        ring = c // g
        positions = [0]
        score = 0.0
        for k in range(1, min(bombs, ring)):
            positions.append((k * s) % c)
            ordered = sorted(positions)
            gap = max(
                max(b - a for a, b in pairwise(ordered)),
                ordered[0] + c - ordered[-1],
            )
            score += gap * (k + 1) / c
        score /= max(1, min(bombs, ring) - 1)
        scored.append((score + 0.05 * (g == 1), s))
    scored.sort()
    chosen = tuple(s for _, s in scored[:count])
    return chosen or (1,)


def step_for(rng: random.Random, core_size: int, multiple_of: int = 1) -> int:
    """A good step for this core, optionally a multiple of ``multiple_of`` (and signed)."""
    steps = [s for s in good_steps(core_size) if s % multiple_of == 0]
    if not steps:
        base = max(multiple_of, 1)
        steps = [base * k for k in range(1, max(2, core_size // (2 * base)))] or [1]
    step = rng.choice(steps[: max(6, len(steps) // 2)] if rng.random() < 0.7 else steps)
    return step if rng.random() < 0.6 else signed_value(core_size - step, core_size)


def _weighted(rng: random.Random, weights: dict[int, float]) -> int:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def new_value(rng: random.Random, old: int, program: Program, core_size: int) -> int:
    """A changed field value: mostly a nudge, sometimes a jump to a good step."""
    n = len(program)
    big = abs(old) > n + 8
    roll = rng.random()
    if roll < (0.30 if big else 0.45):
        value = old + rng.choice((-1, 1)) * rng.choice((1, 1, 1, 2, 2, 3))
    elif roll < 0.62:
        value = rng.randint(-n - 3, n + 3)  # somewhere in or next to the program
    elif roll < 0.82:
        value = step_for(rng, core_size)
    elif roll < 0.88:
        value = -old
    elif roll < 0.93:
        value = old * 2 if rng.random() < 0.5 else old // 2
    elif roll < 0.97:
        other = rng.choice(program.code)
        value = rng.choice((other[3], other[5]))
    else:
        value = rng.randrange(core_size)
    value = signed_value(value, core_size)
    return value if value != old else signed_value(old + rng.choice((-1, 1)), core_size)


# --------------------------------------------------------------------------- re-linking


def _relink(program: Program, mapping: dict[int, int], new_length: int) -> list[list[int]]:
    """Instructions with relative references updated after lines moved.

    ``mapping`` maps each old index that survives to its new index. A field is a
    reference if its mode is not immediate and it points inside the old program (or
    one past its end); references to deleted lines point where the line was.
    """
    old_n = len(program)
    result: list[list[int]] = []
    for i, ins in enumerate(program.code):
        if i not in mapping:
            continue
        new_i = mapping[i]
        fields = list(ins)
        for mode_at, value_at in ((2, 3), (4, 5)):
            if fields[mode_at] == IMM:
                continue
            target = i + fields[value_at]
            if not 0 <= target <= old_n:
                continue
            if target in mapping:
                new_target = mapping[target]
            elif target == old_n:
                new_target = new_length
            else:  # deleted line: the next surviving line takes its place
                later = [mapping[t] for t in range(target, old_n) if t in mapping]
                new_target = later[0] if later else new_length
            fields[value_at] = new_target - new_i
        result.append(fields)
    return result


def insert_lines(program: Program, at: int, lines: list[Instr], relink: bool = True) -> Program:
    n = len(program)
    mapping = {i: (i if i < at else i + len(lines)) for i in range(n)}
    body = _relink(program, mapping, n + len(lines)) if relink else [list(x) for x in program.code]
    code = [tuple(x) for x in body[:at]] + list(lines) + [tuple(x) for x in body[at:]]
    start = mapping.get(program.start, program.start)
    return Program(tuple(code), start)  # type: ignore[arg-type]


def delete_lines(program: Program, at: int, count: int = 1, relink: bool = True) -> Program:
    n = len(program)
    count = max(0, min(count, n - at, n - 1))
    if count == 0:
        return program
    mapping = {i: (i if i < at else i - count) for i in range(n) if not at <= i < at + count}
    if relink:
        body = _relink(program, mapping, n - count)
    else:
        body = [list(x) for i, x in enumerate(program.code) if i in mapping]
    start = program.start
    if start >= at + count:
        start -= count
    elif start >= at:
        start = min(at, n - count - 1)
    return Program(tuple(tuple(x) for x in body), start)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- building blocks


def _block_instruction(rng: random.Random, program: Program, core_size: int) -> Instr:
    """A plausible new line: a common idiom or a varied copy of an existing line."""
    n = len(program)
    if n and rng.random() < 0.35:
        op, mod, am, av, bm, bv = rng.choice(program.code)
        return (op, mod, am, signed_value(av + rng.randint(-2, 2), core_size), bm, bv)
    near = rng.randint(-n - 2, n + 2) if n else rng.randint(-3, 3)
    step = step_for(rng, core_size)
    idioms: list[Instr] = [
        (SPL, 1, DIR, 1, DIR, 0),  # SPL.B $1, $0: one more process
        (SPL, 1, IMM, 0, BPRE, near),  # SPL.B #0, <x: spl-carpet with decrement
        (MOV, 6, DIR, near, BIND, near),  # MOV.I x, @y: bomb through a pointer
        (MOV, 6, DIR, near, BPOST, near),  # MOV.I x, >y: streaming copy / clear
        (MOV, 6, APOST, near, BPOST, near),  # MOV.I }x, >y: paper copy step
        (ADD, 2, IMM, step, DIR, near),  # ADD.AB #step, x: advance a pointer
        (ADD, 4, DIR, near, DIR, near),  # ADD.F x, y: advance a scan pair
        (DJN, 1, DIR, -rng.randint(1, 3), BPRE, near),  # DJN.B loop, <x
        (JMP, 1, DIR, -rng.randint(1, 3), DIR, 0),  # JMP back
        (DAT, 4, IMM, 0, IMM, 0),  # DAT bomb
        (DAT, 4, BPRE, 1, IMM, rng.randint(1, 9)),  # decrementing DAT
        (SEQ, 6, DIR, near, DIR, near + rng.randint(1, 10)),  # compare two cells
        (SNE, 6, DIR, near, DIR, near + rng.randint(1, 10)),
        (JMZ, 5, DIR, -rng.randint(1, 3), BIND, near),  # JMZ.F back, @x
        (MOV, 6, DIR, 0, DIR, 1),  # imp
    ]
    return rng.choice(idioms)


# --------------------------------------------------------------------------- mutation


def _set(ins: Instr, index: int, value: int) -> Instr:
    fields = list(ins)
    fields[index] = value
    return tuple(fields)  # type: ignore[return-value]


def mutate_once(rng: random.Random, program: Program, settings: Settings) -> Program:
    """One random edit of the kinds classic evolvers make."""
    c, limit = settings.core_size, settings.max_length
    n = len(program)
    code = list(program.code)
    choice = rng.choices(
        ("value", "opcode", "modifier", "mode", "insert", "delete", "duplicate", "swap",
         "start", "step", "launcher", "block"),
        weights=(34, 9, 8, 10, 8, 7, 5, 4, 2, 7, 3, 3),
    )[0]  # fmt: skip
    i = rng.randrange(n)
    op, mod, am, av, bm, bv = code[i]
    if choice == "value":
        if rng.random() < 0.5 or (op in UNUSED_VALUE_OPCODES and rng.random() < 0.7):
            code[i] = _set(code[i], 3, new_value(rng, av, program, c))
        else:
            code[i] = _set(code[i], 5, new_value(rng, bv, program, c))
    elif choice == "opcode":
        new = _weighted(rng, {k: w for k, w in OPCODE_WEIGHTS.items() if k != op})
        code[i] = _set(code[i], 0, new)
        if rng.random() < 0.5:
            code[i] = _set(code[i], 1, default_modifier(new, am, bm))
    elif choice == "modifier":
        code[i] = _set(code[i], 1, _weighted(rng, {k: w for k, w in MODIFIER_WEIGHTS.items()
                                                   if k != mod}))  # fmt: skip
    elif choice == "mode":
        field = 2 if rng.random() < 0.5 else 4
        old = code[i][field]
        code[i] = _set(code[i], field, _weighted(rng, {k: w for k, w in MODE_WEIGHTS.items()
                                                       if k != old}))  # fmt: skip
    elif choice == "insert" and n < limit:
        at = rng.randint(0, n)
        return insert_lines(program, at, [_block_instruction(rng, program, c)], rng.random() < 0.85)
    elif choice == "delete" and n > 1:
        count = 1 if rng.random() < 0.8 else rng.randint(1, max(1, min(3, n - 1)))
        return delete_lines(program, rng.randrange(n), count, rng.random() < 0.85)
    elif choice == "duplicate" and n < limit:
        return insert_lines(program, i + 1, [code[i]], rng.random() < 0.85)
    elif choice == "swap" and n > 1:
        j = min(n - 1, i + 1) if i + 1 < n else i - 1
        code[i], code[j] = code[j], code[i]
    elif choice == "start" and n > 1:
        return Program(tuple(code), rng.choice([k for k in range(n) if k != program.start]))
    elif choice == "step":
        return _retune_step(rng, program, c)
    elif choice == "launcher" and n < limit:
        # SPL $1 at the start doubles the processes running the warrior
        at = program.start
        launched = insert_lines(program, at, [(SPL, 1, DIR, 1, DIR, 0)], True)
        return Program(launched.code, at)
    else:
        return mutate_once(rng, program, settings) if rng.random() < 0.9 else program
    return Program(tuple(code), program.start)


def _retune_step(rng: random.Random, program: Program, core_size: int) -> Program:
    """Replace a large constant (a step) by a good step everywhere it occurs, signs kept."""
    n = len(program)
    values = sorted({abs(v) for ins in program.code for v in (ins[3], ins[5]) if abs(v) > n + 4})
    if not values:
        i = rng.randrange(n)
        return Program(_set_code(program, i, 3, step_for(rng, core_size)), program.start)
    old = rng.choice(values)
    new = abs(step_for(rng, core_size))
    code = []
    for op, mod, am, av, bm, bv in program.code:
        if abs(av) == old:
            av = new if av > 0 else -new
        if abs(bv) == old:
            bv = new if bv > 0 else -new
        code.append((op, mod, am, signed_value(av, core_size), bm, signed_value(bv, core_size)))
    return Program(tuple(code), program.start)


def _set_code(program: Program, i: int, field: int, value: int) -> tuple[Instr, ...]:
    code = list(program.code)
    code[i] = _set(code[i], field, value)
    return tuple(code)


def mutate(rng: random.Random, program: Program, settings: Settings) -> Program:
    """One to a few edits (fewer is likelier); never the same program when avoidable."""
    edits = 1
    while edits < 4 and rng.random() < 0.4:
        edits += 1
    child = program
    for _ in range(edits):
        child = normalize(mutate_once(rng, child, settings), settings)
    return child


# --------------------------------------------------------------------------- crossover


def crossover(rng: random.Random, first: Program, second: Program, settings: Settings) -> Program:
    """A child holding code of both parents."""
    limit = settings.max_length
    a, b = first, second
    how = rng.choices(("splice", "block", "parallel", "interleave"), weights=(4, 3, 3, 1))[0]
    if how == "parallel" and len(a) + len(b) + 1 <= limit:
        # SPL to b's start, then fall into a (re-targeted to a's start)
        jump_a = [] if a.start == 0 else [(JMP, 1, DIR, a.start + 1, DIR, 0)]
        head = len(jump_a) + 1
        if len(a) + len(b) + head <= limit:
            spl = (SPL, 1, DIR, head + len(a) + b.start, DIR, 0)
            code = (spl, *jump_a, *a.code, *b.code)
            return Program(code, 0)
    if how == "interleave" and len(a) == len(b) and len(a) > 1:
        code = tuple(x if rng.random() < 0.5 else y for x, y in zip(a.code, b.code, strict=True))
        if code != a.code and code != b.code:
            return Program(code, a.start)
    if how == "block" and len(a) > 1 and len(b) > 1:
        # replace a block of a by a block of b of similar length
        size = rng.randint(1, max(1, min(len(b) - 1, len(a) - 1, 6)))
        at_a = rng.randint(0, len(a) - size)
        at_b = rng.randint(0, len(b) - size)
        code = a.code[:at_a] + b.code[at_b : at_b + size] + a.code[at_a + size :]
        return Program(code[:limit], min(a.start, min(len(code), limit) - 1))
    # one-point splice: head of a, tail of b
    cut_a = rng.randint(1, len(a)) if len(a) > 1 else 1
    cut_b = rng.randint(0, len(b) - 1)
    code = (a.code[:cut_a] + b.code[cut_b:])[:limit]
    if len(code) <= cut_a:  # no room for b's tail: keep room for at least one line
        code = a.code[: max(1, limit - 1)] + b.code[cut_b : cut_b + 1]
        code = code[:limit]
    start = a.start if a.start < min(cut_a, len(code)) else 0
    return Program(code, start)


# --------------------------------------------------------------------------- text


def normalize(program: Program, settings: Settings) -> Program:
    """Values reduced to the signed range, length cut to the limit, start inside."""
    c = settings.core_size
    code = tuple(
        (op % len(OPCODES), mod % len(MODIFIERS), am % len(MODES), signed_value(av, c),
         bm % len(MODES), signed_value(bv, c))
        for op, mod, am, av, bm, bv in program.code[: settings.max_length]
    )  # fmt: skip
    if not code:
        code = ((MOV, 6, DIR, 0, DIR, 1),)
    start = program.start if 0 <= program.start < len(code) else 0
    return Program(code, start)


def format_line(ins: Instr, label: str = "") -> str:
    op, mod, am, av, bm, bv = ins
    head = f"{OPCODES[op]}.{MODIFIERS[mod]}"
    return f"{label:<8}{head:<7} {MODES[am]}{av}, {MODES[bm]}{bv}".rstrip()


def to_text(program: Program, settings: Settings, name: str, strategy: str = "") -> str:
    """Redcode text of a program (pMARS syntax, one label: ``start``)."""
    lines = [
        ";redcode-94",
        f";name {name}",
        ";author offline",
    ]
    if strategy:
        lines.append(f";strategy {strategy}")
    lines.append(f";assert CORESIZE == {settings.core_size}")
    lines.append(f"{'':<8}ORG     start")
    for i, ins in enumerate(program.code):
        lines.append(format_line(ins, "start" if i == program.start else ""))
    lines.append(f"{'':<8}END")
    return "\n".join(lines) + "\n"


def parse(text: str, settings: Settings) -> Program | None:
    """A parent's code as a Program, under the hill's core size, cut to the length limit.

    ``;assert`` lines are ignored (a parent written for another core must still be
    usable as material), and a parent too long for the hill is cut to a window that
    keeps its start.
    """
    code = extract_redcode(text) if "```" in text else text
    lines = [
        ";" if line.lstrip().lower().startswith(";assert") else line for line in code.splitlines()
    ]
    relaxed = settings.with_(max_length=1000)
    result = assemble("\n".join(lines) + "\n", relaxed)
    if not result.ok or result.warrior is None or len(result.warrior) == 0:
        return None
    w = result.warrior
    c = settings.core_size
    code_rows = []
    for k in range(len(w)):
        op, mod, am, av, bm, bv = w.instruction(k)
        code_rows.append((op, mod, am, signed_value(av, c), bm, signed_value(bv, c)))
    start = w.start if 0 <= w.start < len(code_rows) else 0
    limit = settings.max_length
    if len(code_rows) > limit:
        lo = max(0, min(start, len(code_rows) - limit))
        code_rows = code_rows[lo : lo + limit]
        start -= lo
    return Program(tuple(code_rows), start)
