"""What can two cores give on this machine, whatever the engine? Two processes at once.

    python bench/parallel_ceiling.py [--dir DIR] [--pairs 10] [--rounds 20] [--runs 3]
                                     [--seed 1]

``bench/mips.py`` reports arena's speed on all cores over one core. On a virtual machine
the cores may share a physical core or a memory bus with each other or with other tenants,
and then no engine reaches 2x. This measures that ceiling: it plays the same fights
(``--pairs`` random pairs of DIR drawn as ``bench/engine_ab.py`` draws them, ``--rounds``
rounds each, every instruction run, one thread) in one process alone, then in two separate processes started together, which
share nothing; ``--runs`` times, alternately. Prints each run's MIPS, then the medians
and the two processes' summed speed over one alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from engine_ab import REPO, draw  # the same draw of fights as the engine A/B


def worker(fights: list[list], rounds: int) -> None:
    """Load and warm up, say ``ready``, wait for ``go``, play, print MIPS."""
    from arena.battle import play
    from arena.redcode import assemble_file
    from arena.settings import Settings

    settings = Settings()
    pairs = [([assemble_file(p, settings).warrior for p in paths], f) for paths, f in fights]
    play(pairs[0][0], settings, rounds=1, fixed_position=pairs[0][1])
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.perf_counter()
    executed = 0
    for pair, f in pairs:
        kw = dict(rounds=rounds, fixed_position=f, threads=1, stop_certain_ties=False)
        executed += play(pair, settings, **kw).instructions
    print(executed / (time.perf_counter() - start) / 1e6, flush=True)


def together(count: int, args: list[str]) -> list[float]:
    """Start ``count`` workers, let them go at once, return their MIPS."""
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, *args],
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
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # the fights, as JSON
    args = parser.parse_args(argv)
    if args.worker:
        worker(json.loads(args.worker), args.rounds)
        return 0
    if not args.dir.is_dir():
        raise SystemExit(f"--dir {args.dir}: no such folder")
    fights = [([str(p) for p in paths], f) for paths, f in draw(args.dir, args.pairs, args.seed, 2)]
    worker_args = ["--rounds", str(args.rounds), "--worker", json.dumps(fights)]
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
