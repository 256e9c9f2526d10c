"""Evolution throughput: candidates per minute, and what pipelining buys with a slow model.

Usage:
  python bench/evolve_throughput.py offline [--candidates 200]
      candidates per minute with the offline backend on all cores (standard '94 hill)
  python bench/evolve_throughput.py latency [--latency 1.0] [--candidates 24]
      a stub model that answers after --latency seconds: the pipelined loop
      (concurrency 8) against a strictly sequential one (concurrency 1)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from arena.backends import create_backend
from arena.evolve.config import RunConfig
from arena.evolve.evaluator import LocalEvaluator
from arena.evolve.events import CandidateEvent
from arena.evolve.redqueen import Opponent, RedQueen
from arena.evolve.store import RunStore
from arena.paths import data_dir
from arena.prompts import Prompts


class SlowModel:
    """The offline backend behind a fixed delay, standing in for a remote model."""

    def __init__(self, latency: float) -> None:
        self.inner = create_backend("offline")
        self.name, self.model = "slow-stub", "offline+latency"
        self.latency = latency

    async def complete(self, request, n=1):
        await asyncio.sleep(self.latency)
        return await self.inner.complete(request, n)

    async def aclose(self):
        await self.inner.aclose()


async def run_once(config: RunConfig, backend) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = RunStore(Path(tmp))
        store.create(config.to_toml())
        imp = data_dir("warriors") / "imp.red"
        opponents = [Opponent("imp", imp.read_text())]
        evaluator = LocalEvaluator()
        red_queen = RedQueen(config, store, [backend], evaluator, opponents, Prompts().request)
        start = time.perf_counter()
        await red_queen.run()
        elapsed = time.perf_counter() - start
        evaluator.close()
        count = sum(1 for e in store.events() if isinstance(e, CandidateEvent))
        return count, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("mode", choices=["offline", "latency"])
    parser.add_argument("--candidates", type=int, default=0)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--placements", type=int, default=20)
    args = parser.parse_args()
    if args.mode == "offline":
        total = args.candidates or 200
        config = RunConfig(rounds=1, n_init=8, iterations=total - 8, placements=args.placements,
                           concurrency=os.cpu_count() or 2, seed=1).validate()  # fmt: skip
        count, elapsed = asyncio.run(run_once(config, create_backend("offline")))
        print(f"offline backend, {os.cpu_count()} cores, {args.placements} placements: "
              f"{count} candidates in {elapsed:.1f} s = {count / elapsed * 60:.0f} per minute")  # fmt: skip
    else:
        total = args.candidates or 24
        for concurrency in (1, 8):
            config = RunConfig(rounds=1, n_init=8, iterations=total - 8, placements=args.placements,
                               concurrency=concurrency, seed=1).validate()  # fmt: skip
            count, elapsed = asyncio.run(run_once(config, SlowModel(args.latency)))
            print(f"stub model {args.latency:.1f} s latency, concurrency {concurrency}: "
                  f"{count} candidates in {elapsed:.1f} s = {count / elapsed * 60:.1f} per minute")  # fmt: skip


if __name__ == "__main__":
    main()
