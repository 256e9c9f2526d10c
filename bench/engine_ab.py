"""Is an engine change faster? Two arena checkouts' engines, interleaved fight by fight.

    python bench/engine_ab.py OLD_CHECKOUT NEW_CHECKOUT --dir DIR
                              [--pairs 150] [--rounds 20] [--runs 5] [--seed 7] [--top K]

A shared machine's speed drifts by several percent within minutes, so two benchmark runs
made one after the other cannot show a 2% change. Here each checkout runs in its own
long-lived process (its own ``arena`` package, its own numba cache), and every fight is
played by both within a second of each other, in alternating order, every instruction run
(``stop_certain_ties=False``, one thread). The fights are ``--pairs`` random ordered
pairs of distinct warriors of DIR (``random.Random(--seed)``, a ``-F`` position uniform
in [100, 7900], the standard '94 settings), played ``--rounds`` rounds each; both engines
must report the same instruction count for every fight. Prints, per run over all fights,
NEW's speed over OLD's, their median, and each engine's median MIPS; with ``--top K``, also
the K fights that take OLD longest, each with both engines' median MIPS (where a change
gains or loses).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from arena.redcode import assemble_file  # noqa: E402
from arena.settings import Settings  # noqa: E402

# Runs inside one checkout: plays the fights it is sent, one JSON line [A, B, F, ROUNDS]
# each, and answers "SECONDS INSTRUCTIONS".
PLAYER = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from arena.battle import play
from arena.redcode import assemble_file
from arena.settings import Settings
settings = Settings()
cache = {}
def warrior(path):
    if path not in cache:
        cache[path] = assemble_file(path, settings).warrior
    return cache[path]
print("ready", flush=True)
for line in sys.stdin:
    a, b, f, rounds = json.loads(line)
    pair = [warrior(a), warrior(b)]
    kw = dict(rounds=rounds, fixed_position=f, threads=1, stop_certain_ties=False)
    t0 = time.perf_counter()
    result = play(pair, settings, **kw)
    print(time.perf_counter() - t0, result.instructions, flush=True)
"""


class Player:
    """One checkout's engine in its own process."""

    def __init__(self, checkout: Path) -> None:
        self.name = checkout.name
        self.proc = subprocess.Popen(
            [sys.executable, "-c", PLAYER, str(checkout)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self.proc.stdout.readline().strip() != "ready":
            raise SystemExit(f"engine_ab: the engine of {checkout} did not start")

    def play(self, a: Path, b: Path, f: int, rounds: int) -> tuple[float, int]:
        self.proc.stdin.write(json.dumps([str(a), str(b), f, rounds]) + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline().split()
        if len(reply) != 2:
            raise SystemExit(
                f"engine_ab: the engine of {self.name} stopped on {a.name} vs {b.name}"
            )
        return float(reply[0]), int(reply[1])

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def draw(folder: Path, pairs: int, seed: int) -> list[tuple[Path, Path, int]]:
    """Ordered pairs of distinct usable warriors (assembled here, at most 100 long)."""
    settings = Settings()
    usable = []
    for path in sorted(folder.glob("*.red")):
        result = assemble_file(path, settings)
        if result.ok and 0 < len(result.warrior) <= settings.max_length:
            usable.append(path)
    if len(usable) < 2:
        raise SystemExit(f"engine_ab: fewer than two usable warriors in {folder}")
    rng = random.Random(seed)
    return [(*rng.sample(usable, 2), rng.randint(100, 7900)) for _ in range(pairs)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--pairs", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--top", type=int, default=0, metavar="K")
    args = parser.parse_args(argv)
    fights = draw(args.dir, args.pairs, args.seed)
    old, new = Player(args.old.resolve()), Player(args.new.resolve())
    old.play(*fights[0], 1)  # load or compile each kernel before timing
    new.play(*fights[0], 1)
    seconds = {old: [], new: []}
    per_fight = {old: [[] for _ in fights], new: [[] for _ in fights]}
    counted = [0] * len(fights)
    for run in range(args.runs):
        totals = {old: 0.0, new: 0.0}
        for i, (a, b, f) in enumerate(fights):
            order = (old, new) if (i + run) % 2 == 0 else (new, old)
            counts = set()
            for player in order:
                took, count = player.play(a, b, f, args.rounds)
                totals[player] += took
                per_fight[player][i].append(took)
                counts.add(count)
            if len(counts) != 1:
                raise SystemExit(f"MISMATCH {a.name} vs {b.name} -F {f}: counts {sorted(counts)}")
            counted[i] = counts.pop()
        for player in (old, new):
            seconds[player].append(totals[player])
    old.close()
    new.close()
    instructions = sum(counted)
    ratios = [o / n for o, n in zip(seconds[old], seconds[new], strict=True)]
    print(f"{len(fights)} fights x {args.rounds} rounds of {args.dir}, {instructions} instructions")
    for player in (old, new):
        mips = instructions / statistics.median(seconds[player]) / 1e6
        print(f"  {player.name}: median {mips:.1f} MIPS")
    runs = ", ".join(f"{r:.3f}" for r in ratios)
    print(f"  {new.name} / {old.name} speed: median {statistics.median(ratios):.3f} (runs {runs})")
    if args.top > 0:
        median = {p: [statistics.median(t) for t in per_fight[p]] for p in (old, new)}
        total_old = sum(median[old])
        slowest = sorted(range(len(fights)), key=lambda i: -median[old][i])[: args.top]
        print(f"  the {len(slowest)} fights that take {old.name} longest (median MIPS):")
        for i in slowest:
            a, b, f = fights[i]
            m_old = counted[i] / median[old][i] / 1e6
            m_new = counted[i] / median[new][i] / 1e6
            share = median[old][i] / total_old
            print(
                f"    {a.stem} vs {b.stem} -F {f}: {share:.1%} of {old.name}'s time, "
                f"{m_old:.0f} -> {m_new:.0f} ({m_new / m_old:.3f})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
