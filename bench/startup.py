"""Start-up time of ``arena battle`` on a warm cache: the median of several whole runs.

    python bench/startup.py [--runs 10]

Each run is a fresh process playing one round of warriors/dwarf.red against
warriors/imp.red (``arena battle -r 1 -F 4000``), so it measures Python, NumPy and numba
start-up plus loading the cached kernels. One warm-up run comes first (it may compile).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    cmd = [sys.executable, "-m", "arena.cli", "battle", "-r", "1", "-F", "4000",
           str(REPO / "warriors" / "dwarf.red"), str(REPO / "warriors" / "imp.red")]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True)
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    print(
        f"arena battle start-up: median {statistics.median(times):.2f} s over {args.runs} runs "
        f"(min {min(times):.2f}, max {max(times):.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
