"""Do champions get more general over rounds? An offline run, measured as in the paper.

Runs Red Queen evolution on the offline backend (standard '94 hill), then scores each
round's champion against a held-out set (default: ../shared/corpus/human): the share of
the set it beats or ties 1-on-1, and its KotH score.

Usage: python bench/evolve_generality.py [--rounds 10] [--iterations 60] [--placements 10]
           [--eval-placements 10] [--seed 1] [--run-dir DIR] [--against DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from pathlib import Path

from arena.bench import evaluate
from arena.evolve.config import RunConfig
from arena.evolve.session import open_run
from arena.redcode import assemble

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--placements", type=int, default=10)
    parser.add_argument("--eval-placements", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--run-dir", type=Path, default=None)
    parser.add_argument("--against", type=Path, default=SHARED / "corpus" / "human")
    args = parser.parse_args()
    config = RunConfig(rounds=args.rounds, iterations=args.iterations, placements=args.placements,
                       seed=args.seed).validate()  # fmt: skip
    run_dir = args.run_dir or Path(f"/tmp/arena-generality-seed{args.seed}-{int(time.time())}")
    run = open_run(config, run_dir)

    async def go():
        try:
            return await run.red_queen.run()
        finally:
            await run.close()

    start = time.perf_counter()
    rounds = asyncio.run(go()).rounds
    print(
        f"evolution: {len(rounds)} rounds in {time.perf_counter() - start:.0f} s, run dir {run_dir}"
    )
    settings = config.settings
    champions = [assemble(o.code, settings).warrior for o in rounds]
    start = time.perf_counter()
    results = evaluate(champions, args.against, settings, placements=args.eval_placements, seed=7)
    print(f"generality against {args.against} ({args.eval_placements} placements per pair), "
          f"{time.perf_counter() - start:.0f} s")  # fmt: skip
    print(f"{'round':>5} {'fitness':>8} {'generality':>10} {'koth':>7}")
    for outcome, result in zip(rounds, results, strict=True):
        print(
            f"{outcome.round:>5} {outcome.fitness:>8.3f} {result.generality:>10.3f} {result.score:>7.1f}"
        )


if __name__ == "__main__":
    main()
