"""Is an engine change faster? Two arena checkouts' engines, interleaved fight by fight.

    python bench/engine_ab.py OLD_CHECKOUT NEW_CHECKOUT --dir DIR
                              [--pairs 150] [--rounds 20] [--runs 5] [--seed 7] [--top K]
                              [--warriors 2] [--drq]

A shared machine's speed drifts by several percent within minutes, so two benchmark runs
made one after the other cannot show a 2% change. Here each checkout runs in its own
long-lived process (its own ``arena`` package, its own numba cache), and every fight is
played by both within a second of each other, in alternating order, one thread. The fights
are ``--pairs`` random draws of ``--warriors`` distinct warriors of DIR
(``random.Random(--seed)``), played ``--rounds`` rounds each at the standard '94
settings: two warriors at a ``-F`` position uniform in [100, 7900], more at positions
drawn from the same number as the battle's seed. Every instruction is run
(``stop_certain_ties=False``), or with ``--drq`` the Digital Red Queen rules are played (a
late-round evaluation is a melee: ``--warriors 22 --drq``). Both engines must report the
same instruction count for every fight. Prints, per run over all fights, NEW's speed over
OLD's, their median, and each engine's median MIPS; with ``--top K``, also the K fights
that take OLD longest, each with both engines' median MIPS (where a change gains or
loses).
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

# Runs inside one checkout: plays the fights it is sent, one JSON line
# [[PATH, ...], F, ROUNDS, DRQ] each, and answers "SECONDS INSTRUCTIONS".
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
    paths, f, rounds, drq = json.loads(line)
    fighters = [warrior(p) for p in paths]
    kw = dict(fixed_position=f) if len(fighters) == 2 else dict(seed=f)
    kw.update(rounds=rounds, threads=1)
    if drq:
        kw.update(drq=True)
    else:
        kw.update(stop_certain_ties=False)
    t0 = time.perf_counter()
    result = play(fighters, settings, **kw)
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

    def play(self, paths: tuple[Path, ...], f: int, rounds: int, drq: bool) -> tuple[float, int]:
        self.proc.stdin.write(json.dumps([[str(p) for p in paths], f, rounds, drq]) + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline().split()
        if len(reply) != 2:
            raise SystemExit(f"engine_ab: the engine of {self.name} stopped on {name(paths)}")
        return float(reply[0]), int(reply[1])

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def draw(folder: Path, pairs: int, seed: int, warriors: int) -> list[tuple[tuple[Path, ...], int]]:
    """Draws of distinct usable warriors (assembled here, at most 100 long), each with F."""
    settings = Settings()
    usable = []
    for path in sorted(folder.glob("*.red")):
        result = assemble_file(path, settings)
        if result.ok and 0 < len(result.warrior) <= settings.max_length:
            usable.append(path)
    if len(usable) < max(2, warriors):
        raise SystemExit(f"engine_ab: fewer than {max(2, warriors)} usable warriors in {folder}")
    rng = random.Random(seed)
    return [(tuple(rng.sample(usable, warriors)), rng.randint(100, 7900)) for _ in range(pairs)]


def name(paths: tuple[Path, ...]) -> str:
    """How a fight is printed: ``a vs b``, or the first of a melee and how many more."""
    if len(paths) == 2:
        return f"{paths[0].stem} vs {paths[1].stem}"
    return f"{paths[0].stem} and {len(paths) - 1} more"


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
    parser.add_argument("--warriors", type=int, default=2, help="warriors per fight")
    parser.add_argument("--drq", action="store_true", help="play the Digital Red Queen rules")
    args = parser.parse_args(argv)
    if args.warriors < 2:
        raise SystemExit("engine_ab: --warriors wants 2 or more")
    fights = draw(args.dir, args.pairs, args.seed, args.warriors)
    old, new = Player(args.old.resolve()), Player(args.new.resolve())
    old.play(*fights[0], 1, args.drq)  # load or compile each kernel before timing
    new.play(*fights[0], 1, args.drq)
    seconds = {old: [], new: []}
    per_fight = {old: [[] for _ in fights], new: [[] for _ in fights]}
    counted = [0] * len(fights)
    for run in range(args.runs):
        totals = {old: 0.0, new: 0.0}
        for i, (paths, f) in enumerate(fights):
            order = (old, new) if (i + run) % 2 == 0 else (new, old)
            counts = set()
            for player in order:
                took, count = player.play(paths, f, args.rounds, args.drq)
                totals[player] += took
                per_fight[player][i].append(took)
                counts.add(count)
            if len(counts) != 1:
                raise SystemExit(f"MISMATCH {name(paths)} -F {f}: counts {sorted(counts)}")
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
            paths, f = fights[i]
            m_old = counted[i] / median[old][i] / 1e6
            m_new = counted[i] / median[new][i] / 1e6
            share = median[old][i] / total_old
            print(
                f"    {name(paths)} -F {f}: {share:.1%} of {old.name}'s time, "
                f"{m_old:.0f} -> {m_new:.0f} ({m_new / m_old:.3f})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
