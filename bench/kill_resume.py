"""Kill a run with SIGKILL again and again, resume it each time, compare with one uninterrupted run.

    python bench/kill_resume.py [--kills 8] [--rounds 3] [--iterations 60]
                                [--concurrency 4] [--seed 1] [--hill 94nop]

Both runs use the offline backend and the same seed. Kill moments are drawn by
``--kill-seed`` among the candidates of the run (a kill waits until that many candidates
are recorded). Prints how many candidates and rounds of the resumed run differ from the
uninterrupted one (field for field, timings aside), and whether the champions agree.
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from arena.evolve.events import CandidateEvent, RoundEvent, comparable
from arena.evolve.store import RunStore


def recorded(run: Path) -> int:
    try:
        return (run / "events.jsonl").read_bytes().count(b'"type":"candidate"')
    except FileNotFoundError:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kill-seed", type=int, default=2026)
    parser.add_argument("--hill", default="94nop")
    args = parser.parse_args()
    common = ["--rounds", str(args.rounds), "--iterations", str(args.iterations),
              "--concurrency", str(args.concurrency), "--seed", str(args.seed),
              "--hill", args.hill]  # fmt: skip
    evolve = [sys.executable, "-m", "arena.cli", "evolve"]
    with tempfile.TemporaryDirectory() as tmp:
        reference, run = Path(tmp) / "reference", Path(tmp) / "run"
        start = time.perf_counter()
        subprocess.run([*evolve, *common, "--run-dir", str(reference)], check=True,
                       capture_output=True)  # fmt: skip
        print(f"uninterrupted run: {time.perf_counter() - start:.0f} s")
        expected = RunStore(reference).events()
        total = sum(isinstance(e, CandidateEvent) for e in expected)
        moments = sorted(random.Random(args.kill_seed).sample(range(1, total), args.kills))
        kills = 0
        for number, moment in enumerate(moments):
            extra = common if number == 0 else ["--resume"]
            process = subprocess.Popen([*evolve, *extra, "--run-dir", str(run)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            while recorded(run) < moment and process.poll() is None:
                time.sleep(0.005)
            kills += process.poll() is None
            process.send_signal(signal.SIGKILL)
            process.wait()
            print(f"kill {number + 1}: at {recorded(run)} of {total} candidates")
        subprocess.run([*evolve, "--resume", "--run-dir", str(run)], check=True,
                       capture_output=True)  # fmt: skip
        got = RunStore(run).events()
        pairs = list(zip(expected, got, strict=False))
        differ = sum(comparable(a) != comparable(b) for a, b in pairs) + abs(
            len(got) - len(expected)
        )
        champions = [e.code for e in expected if isinstance(e, RoundEvent)] == [
            e.code for e in got if isinstance(e, RoundEvent)
        ]
        print(
            f"{kills} SIGKILLs while running, at concurrency {args.concurrency}: "
            f"{differ} of {len(expected)} events differ from the uninterrupted run "
            f"({total} candidates, {args.rounds} rounds); champions "
            f"{'identical' if champions else 'DIFFERENT'}"
        )


if __name__ == "__main__":
    main()
