"""Round-robin timing: how long a hill of the human corpus takes, measured or extrapolated.

    python bench/hill_timing.py [--n 40] [--rounds 100] [--threads N] [--seed 1] [--shared PATH]

Plays a full round robin (every pair, ``--rounds`` rounds per pair, half in each order)
of ``--n`` warriors drawn at random (``--seed``) from ``corpus/human`` (all of them with
``--n 0``), with no cache, on ``--threads`` threads (default: all cores). Prints the wall
time, the battles and rounds per second, and the time a full round robin of every
corpus warrior would take at the same rate per pair (an extrapolation unless ``--n 0``).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from arena.hill import load_warriors, run_hill  # noqa: E402
from arena.mars.engine import available_threads  # noqa: E402
from arena.settings import hill_settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40, help="warriors in the subset (0 = all)")
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--seed", type=int, default=1, help="which random subset")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = ap.parse_args()

    settings = hill_settings("94nop")
    skipped: list[str] = []
    everyone = load_warriors([args.shared / "corpus" / "human"], settings, skipped=skipped)
    total_n = len(everyone)
    if args.n and args.n < total_n:
        entries = random.Random(args.seed).sample(everyone, args.n)
    else:
        entries = everyone
    n = len(entries)
    threads = args.threads or available_threads()
    pairs = n * (n - 1) // 2
    print(f"{n} of {total_n} warriors ({len(skipped)} skipped), {pairs} pairs, "
          f"{args.rounds} rounds per pair, {threads} threads")  # fmt: skip
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 10 or done == total:
            last[0] = now
            print(f"  {done}/{total} battles", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    result = run_hill(entries, settings, rounds=args.rounds, threads=threads, progress=progress)
    seconds = time.perf_counter() - t0
    battles = result.stats.played
    full_pairs = total_n * (total_n - 1) // 2
    estimate = seconds / pairs * full_pairs
    print(f"wall {seconds:.1f} s: {battles / seconds:.1f} battles/s, "
          f"{pairs * args.rounds / seconds:.0f} rounds/s")  # fmt: skip
    kind = "measured" if n == total_n else f"extrapolated from {pairs} pairs"
    print(f"full {total_n}-warrior round robin ({full_pairs} pairs): "
          f"{estimate:.0f} s = {estimate / 3600:.2f} h ({kind})")  # fmt: skip
    top = result.standings()[:5]
    print("top of the subset:", ", ".join(f"{s.entry.key} {s.score:.1f}" for s in top))


if __name__ == "__main__":
    main()
