"""Differential test against a pMARS binary: random battles, every result compared.

    python bench/against_pmars.py --pmars PATH [--battles 200] [--seed 1]
                                  [--kind corpus|random|both] [--shared PATH]

The golden data fixes what the test suite checks; this script goes past it. It draws
battles pMARS and arena must agree on and plays each both ways:

* ``corpus``: 2 to 6 warriors of ../shared/corpus (human and LLM), hill sizes from
  nano to 55440-cell cores, ``-F``, ``-f`` (checksum seed) and ``-P`` (permutations);
* ``random``: small random programs over every opcode, modifier and mode, LDP and STP
  among the commonest opcodes and half of the programs with a ``PIN``, so P-space
  (shared and private, over several rounds), odd modes and quick deaths get exercised.

Each battle runs as ``pmars -b -k ...`` and as one line of a single
``arena battle --batch -``; every third one (and every melee) also through
``arena battle -b -k``, whose output must equal pMARS's byte for byte, and through
``arena battle --json``, whose ``k_output`` must too (and whose wins and ties must be
those of the batch line). Two-warrior batch lines are checked against pMARS's wins and
ties directly. A battle pMARS
refuses must be refused by arena too. Differences are printed with the command line
that reproduces them; the exit status is 1 if there was any.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ARENA = [sys.executable, "-m", "arena.cli", "battle"]

HILLS = (
    [],
    ["-p", "64"],
    ["-c", "20000"],
    ["-s", "800", "-c", "8000", "-p", "800", "-l", "20", "-d", "20"],
    ["-s", "8192", "-c", "100000", "-p", "8192", "-l", "300", "-d", "300"],
    ["-s", "55440", "-c", "500000", "-p", "10000", "-l", "200", "-d", "200"],
    ["-s", "80", "-c", "800", "-p", "80", "-l", "5", "-d", "5"],
    ["-S", "16"],
    ["-S", "1"],
)
OPCODES = [
    "MOV",
    "ADD",
    "SUB",
    "MUL",
    "DIV",
    "MOD",
    "JMP",
    "JMZ",
    "JMN",
    "DJN",
    "SPL",
    "SLT",
    "CMP",
    "SEQ",
    "SNE",
    "NOP",
    "LDP",
    "STP",
    "DAT",
]
WEIGHTS = (8, 3, 2, 1, 1, 1, 3, 2, 2, 3, 3, 1, 1, 1, 1, 1, 3, 3, 1)
MODIFIERS = ["A", "B", "AB", "BA", "F", "X", "I"]
MODES = "#$@<>*{}"


def _flag(flags: list[str], name: str, default: int) -> int:
    return int(flags[flags.index(name) + 1]) if name in flags else default


def _seed_flags(rnd: random.Random, flags: list[str], warriors: int) -> list[str]:
    size, distance = _flag(flags, "-s", 8000), _flag(flags, "-d", 100)
    choice = rnd.choice(("F", "F", "f", "P") if warriors == 2 else ("F", "f"))
    if choice == "f":
        return ["-f"]
    fixed = ["-F", str(rnd.randint(distance, max(distance, size - distance)))]
    return ["-P", *fixed] if choice == "P" else fixed


def corpus_battles(rnd: random.Random, shared: Path, count: int) -> list[list[str]]:
    pool = sorted((shared / "corpus" / "human").glob("*.red"))
    pool += sorted((shared / "corpus" / "llm").glob("*.red"))
    battles = []
    for _ in range(count):
        warriors = rnd.choice((2, 2, 2, 3, 4, 6))
        flags = list(rnd.choice(HILLS))
        flags += _seed_flags(rnd, flags, warriors)
        rounds = ["-r", str(rnd.choice((5, 10, 20)))]
        battles.append(rounds + flags + [str(p) for p in rnd.sample(pool, warriors)])
    return battles


def random_program(rnd: random.Random, path: Path) -> Path:
    lines = [";redcode-94", f";name {path.stem}"]
    if rnd.random() < 0.5:
        lines.append(f"PIN {rnd.randint(0, 3)}")
    for _ in range(rnd.randint(3, 14)):
        op = rnd.choices(OPCODES, WEIGHTS)[0]
        a, b = (rnd.choice((rnd.randint(-20, 20), rnd.randint(-8000, 8000), 0, 1)) for _ in "ab")
        mod = rnd.choice(MODIFIERS)
        lines.append(f"{op}.{mod} {rnd.choice(MODES)}{a}, {rnd.choice(MODES)}{b}")
    path.write_text("\n".join(lines) + "\n")
    return path


def random_battles(rnd: random.Random, folder: Path, count: int) -> list[list[str]]:
    battles = []
    for k in range(count):
        warriors = rnd.choice((2, 2, 3, 4))
        files = [random_program(rnd, folder / f"r{k}_{j}.red") for j in range(warriors)]
        flags = list(rnd.choice((*HILLS[:4], ["-p", "1"], ["-S", "4"])))
        flags += _seed_flags(rnd, flags, warriors)
        rounds = ["-r", str(rnd.choice((3, 7, 12)))]
        battles.append(rounds + flags + [str(p) for p in files])
    return battles


def pmars_output(pmars: str, battle: list[str]) -> str | None:
    """pMARS's ``-k`` output, or None if it refused the battle."""
    out = subprocess.run(
        [pmars, "-b", "-k", *battle], capture_output=True, text=True, errors="replace"
    )
    return out.stdout if out.returncode == 0 and out.stdout.strip() else None


def arena_batch(battles: list[list[str]]) -> list[dict]:
    lines = "\n".join(json.dumps({"args": ["-b", "-k", *b]}) for b in battles)
    out = subprocess.run(
        [*ARENA, "--batch", "-"], input=lines, capture_output=True, text=True, cwd=REPO
    )
    records = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    if len(records) != len(battles):
        raise SystemExit(f"arena battle --batch gave {len(records)} lines for {len(battles)}")
    return records


def pair_scores(text: str) -> list[tuple[int, int]]:
    """(wins, ties) of both warriors from a two-warrior battle's ``-k`` output."""
    return [(int(w), int(t)) for w, t in (line.split() for line in text.strip().splitlines())]


def json_record(battle: list[str]) -> dict | None:
    out = subprocess.run([*ARENA, "--json", *battle], capture_output=True, text=True, cwd=REPO)
    return json.loads(out.stdout) if out.returncode == 0 else None


def compare(pmars: str, battles: list[list[str]]) -> tuple[int, int, int]:
    """(same, different, refused by both) over the battles; prints each difference."""
    same = different = refused = 0
    for i, (battle, record) in enumerate(zip(battles, arena_batch(battles), strict=True)):
        want = pmars_output(pmars, battle)
        problems = []
        if want is None or "error" in record:
            if (want is None) != ("error" in record):
                problems.append(f"pMARS refused: {want is None}, arena: {record.get('error')}")
            else:
                refused += 1
                continue
        else:
            batch = list(zip(record["wins"], record["ties"], strict=True))
            melee = len(batch) > 2
            if not melee and batch != pair_scores(want):
                problems.append(f"--batch {batch} vs pMARS {pair_scores(want)}")
            if i % 3 == 0 or melee:
                k = subprocess.run(
                    [*ARENA, "-b", "-k", *battle], capture_output=True, text=True, cwd=REPO
                )
                if k.stdout != want:
                    problems.append(f"-k printed {k.stdout!r}, pMARS {want!r}")
                full = json_record(battle)
                if full is None or "".join(f"{line}\n" for line in full["k_output"]) != want:
                    problems.append("--json's k_output differs from pMARS's -k output")
                elif list(zip(full["wins"], full["ties"], strict=True)) != batch:
                    problems.append("--json and --batch disagree")
        if problems:
            different += 1
            print("DIFFERENT: pmars -b -k " + " ".join(battle), *problems, sep="\n  ")
        else:
            same += 1
    return same, different, refused


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pmars", required=True, help="the pMARS binary to compare with")
    parser.add_argument("--battles", type=int, default=200, help="battles per kind")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kind", choices=("corpus", "random", "both"), default="both")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args(argv)
    rnd = random.Random(args.seed)
    failed = False
    folder = Path(tempfile.mkdtemp(prefix="against-pmars-"))  # the random programs
    kinds = ("corpus", "random") if args.kind == "both" else (args.kind,)
    for kind in kinds:
        if kind == "corpus":
            battles = corpus_battles(rnd, args.shared, args.battles)
        else:
            battles = random_battles(rnd, folder, args.battles)
        same, different, refused = compare(args.pmars, battles)
        print(f"{kind}: {same} the same, {different} different, {refused} refused by both")
        failed = failed or different > 0
    if failed and "random" in kinds:
        print(f"the random programs are kept in {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
