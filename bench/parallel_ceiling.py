"""What can two cores give on this machine, whatever the engine? Two processes at once.

    python bench/parallel_ceiling.py [--dir DIR] [--pairs 10] [--rounds 20] [--runs 3]
                                     [--seed 1]

``bench/mips.py`` reports arena's speed on all cores over one core. On a virtual machine
the cores may share a physical core or a memory bus with each other or with other tenants,
and then no engine reaches 2x. This measures that ceiling: it plays the same fights
(``--pairs`` random pairs of distinct warriors of DIR, ``random.Random(--seed)``, a ``-F``
position uniform in [100, 7900], ``--rounds`` rounds each, every instruction run, one
thread) in one process alone, then in two separate processes started together, which
share nothing; ``--runs`` times, alternately. Prints each run's MIPS, then the medians
and the two processes' summed speed over one alone.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def worker(paths: list[str], positions: list[int], rounds: int) -> None:
    """Load and warm up, say ``ready``, wait for ``go``, play, print MIPS."""
    from arena.battle import play
    from arena.redcode import assemble_file
    from arena.settings import Settings

    settings = Settings()
    warriors = [assemble_file(p, settings).warrior for p in paths]
    fights = list(zip(warriors[0::2], warriors[1::2], positions, strict=True))
    play([fights[0][0], fights[0][1]], settings, rounds=1, fixed_position=fights[0][2])
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.perf_counter()
    executed = 0
    for a, b, f in fights:
        kw = dict(rounds=rounds, fixed_position=f, threads=1, stop_certain_ties=False)
        executed += play([a, b], settings, **kw).instructions
    print(executed / (time.perf_counter() - start) / 1e6, flush=True)


def draw(directory: Path, pairs: int, seed: int) -> tuple[list[str], list[int]]:
    from arena.redcode import assemble_file
    from arena.settings import Settings

    settings = Settings()
    usable = [str(p) for p in sorted(directory.glob("*.red")) if assemble_file(p, settings).ok]
    if len(usable) < 2:
        raise SystemExit(f"{directory}: fewer than two warriors that assemble")
    rng = random.Random(seed)
    paths, positions = [], []
    for _ in range(pairs):
        paths += rng.sample(usable, 2)
        positions.append(rng.randint(100, 7900))
    return paths, positions


def together(count: int, args: list[str]) -> list[float]:
    """Start ``count`` workers, let them go at once, return their MIPS."""
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    for p in procs:
        if p.stdout.readline().strip() != "ready":
            raise SystemExit("a worker failed before the start (see its error above)")
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    speeds = [float(p.stdout.readline()) for p in procs]
    for p in procs:
        p.wait()
    return speeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=REPO.parent / "shared" / "corpus" / "llm")
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        rounds, *rest = args.worker
        half = len(rest) // 3 * 2
        worker(rest[:half], [int(f) for f in rest[half:]], int(rounds))
        return 0
    if not args.dir.is_dir():
        raise SystemExit(f"--dir {args.dir}: no such folder")
    paths, positions = draw(args.dir, args.pairs, args.seed)
    worker_args = [str(args.rounds), *paths, *map(str, positions)]
    alone, pair = [], []
    for run in range(args.runs):
        (one,) = together(1, worker_args)
        two = together(2, worker_args)
        alone.append(one)
        pair.append(two)
        print(f"run {run + 1}: alone {one:.1f} MIPS; together {two[0]:.1f} and {two[1]:.1f}")
    base = statistics.median(alone)
    each = [statistics.median(p[i] for p in pair) for i in range(2)]
    print(
        f"median: alone {base:.1f} MIPS; together {each[0]:.1f} ({each[0] / base:.2f}x) and "
        f"{each[1]:.1f} ({each[1] / base:.2f}x): two processes give {sum(each) / base:.2f}x one"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
