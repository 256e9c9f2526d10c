"""How strong are the warriors a configuration evolves? Several seeds, one benchmark set.

    python bench/evolve_quality.py [--seeds 1 2 3] [--time-limit 1h] [--placements 100]
                                   [--half report|tune|all] [-- EVOLVE FLAGS...]
    python bench/evolve_quality.py --score-runs RUN_DIR... [--half tune]

For each seed it runs ``arena evolve --seed S --time-limit T`` (offline backend unless the
flags after ``--`` say otherwise) into its own run dir, then plays every round's champion
and the run's ``best.red`` 1-on-1 against the strong benchmark set
(``bench/sets/strong94nop.txt``: the 100 strongest warriors of ../shared/corpus/human by
a full 94nop round robin, see that file) with ``arena.bench``, ``--placements`` rounds a
pair (half with each warrior first). It prints KotH (0-300) and generality (share of the
set beaten or tied) per round and seed, the linear trend of KotH over rounds across all
seeds with a 95% confidence interval, and the best champion.

``--half``: ``report`` (default) scores against the 50 warriors of even rank, ``tune``
against the 50 of odd rank, ``all`` against all 100. Tune the evolver against one half
and report on the other.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from arena.analysis.stats import linear_trend  # noqa: E402
from arena.bench import evaluate  # noqa: E402
from arena.paths import shared_dir  # noqa: E402
from arena.redcode.files import load_warrior_file  # noqa: E402
from arena.settings import hill_settings  # noqa: E402

SET_FILE = REPO / "bench" / "sets" / "strong94nop.txt"


def benchmark_set(half: str) -> list[Path]:
    """The set's files (rank order), or one half of it."""
    names = [
        line.split()[1]
        for line in SET_FILE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    folder = shared_dir() / "corpus" / "human"
    files = [folder / name for name in names]
    if half == "tune":
        return files[0::2]
    if half == "report":
        return files[1::2]
    return files


def trend(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """(slope, low, high, p): least-squares slope, its 95% interval and p-value."""
    fit = linear_trend([x for x, _ in points], [y for _, y in points])
    if fit is None:
        return math.nan, math.nan, math.nan, math.nan
    return fit.slope, fit.low, fit.high, fit.p_value


def _label(seed: int | str) -> str:
    """'seed 3' for a seed this script ran, the run dir's name for a scored run."""
    return f"seed {seed}" if isinstance(seed, int) else str(seed)


def summarize(seeds: dict, buckets: int) -> None:
    """The across-seed view: each seed's best.red, and the champions by spans of rounds."""
    print("\nbest.red of each seed (the run's own pick):")
    picks = []
    for seed, data in seeds.items():
        for row in data["warriors"]:
            if row["warrior"] == "best":
                picks.append(row["koth"])
                print(
                    f"  {_label(seed)}: KotH {row['koth']:.1f}, generality {row['generality']:.2f}"
                )
    if picks:
        print(f"  mean {sum(picks) / len(picks):.1f}, lowest {min(picks):.1f}")
    by_round: dict[int, list[dict]] = {}
    for data in seeds.values():
        for row in data["warriors"]:
            if row["warrior"].startswith("round_"):
                by_round.setdefault(int(row["warrior"].removeprefix("round_")), []).append(row)
    if not by_round:
        return
    last = max(by_round) + 1
    size = max(1, math.ceil(last / buckets))
    print(f"\nchampions by rounds, all seeds: {'rounds':>9} {'n':>4} {'koth':>6} "
          f"{'min':>6} {'max':>6} {'generality':>10}")  # fmt: skip
    for start in range(0, last, size):
        rows = [r for i in range(start, min(last, start + size)) for r in by_round.get(i, [])]
        if not rows:
            continue
        koth = [r["koth"] for r in rows]
        generality = sum(r["generality"] for r in rows) / len(rows)
        span = f"{start}-{min(last, start + size) - 1}"
        print(f"{'':31}{span:>9} {len(rows):>4} {sum(koth) / len(koth):6.1f} "
              f"{min(koth):6.1f} {max(koth):6.1f} {generality:10.2f}")  # fmt: skip


def main() -> None:
    argv = sys.argv[1:]
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--time-limit", default="1h")
    parser.add_argument("--placements", type=int, default=100)
    parser.add_argument("--half", choices=["report", "tune", "all"], default="report")
    parser.add_argument("--runs", type=Path, default=Path("/tmp/arena-quality"),
                        help="run dirs go here as seedN; an existing one is resumed (its "
                             "best.red judged again); battle results are cached in cache/")  # fmt: skip
    parser.add_argument("--buckets", type=int, default=10,
                        help="spans of rounds in the across-seed table")  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write every number here")
    parser.add_argument("--score-runs", type=Path, nargs="+", default=None,
                        help="score these existing run dirs instead of evolving new ones")  # fmt: skip
    args = parser.parse_args(argv)
    settings = hill_settings("94nop")
    against = [load_warrior_file(p, settings).warrior for p in benchmark_set(args.half)]
    if args.score_runs:
        print(f"scoring {len(args.score_runs)} existing run(s)")
    else:
        label = " ".join(extra) or "(defaults)"
        print(f"configuration: arena evolve {label}; time limit {args.time_limit} per seed")
    print(f"benchmark: {len(against)} warriors ({args.half} half of {SET_FILE.name}), "
          f"{args.placements} placements a pair")  # fmt: skip
    report: dict = {"configuration": extra, "time_limit": args.time_limit, "seeds": {}}
    points: list[tuple[float, float]] = []
    best_overall = None
    runs = args.score_runs or [None] * len(args.seeds)
    for seed, given in zip(args.score_runs or args.seeds, runs, strict=True):
        minutes = 0.0
        if given is not None:
            run, seed = given, given.name
        else:
            run = args.runs / f"seed{seed}"
            command = [sys.executable, "-m", "arena.cli", "evolve", "--seed", str(seed),
                       "--time-limit", args.time_limit, "--run-dir", str(run), *extra]  # fmt: skip
            if (run / "config.toml").exists():
                # An interrupted measurement: the time limit counts over sessions.
                command = [sys.executable, "-m", "arena.cli", "evolve", "--resume",
                           "--run-dir", str(run), "--time-limit", args.time_limit]  # fmt: skip
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                print(f"seed {seed}: arena evolve failed: {done.stderr.strip()[-400:]}")
                continue
            minutes = (time.perf_counter() - started) / 60
        # The run's own clock, which counts every session of a resumed run.
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            minutes = json.loads((run / "summary.json").read_text())["seconds"] / 60
        champions = sorted((run / "champions").glob("round_*.red"))
        files = [*champions, *([run / "best.red"] if (run / "best.red").exists() else [])]
        warriors = [load_warrior_file(f, settings, admit=False).warrior for f in files]
        results = evaluate(warriors, against, settings, placements=args.placements, seed=7,
                           cache_dir=args.runs / "cache")  # fmt: skip
        rows = []
        print(f"\n{_label(seed)}: {len(champions)} rounds in {minutes:.1f} min ({run})")
        print(f"{'round':>5} {'koth':>7} {'generality':>10}")
        for path, result in zip(files, results, strict=True):
            name = path.stem
            print(f"{name.replace('round_', ''):>5} {result.score:7.1f} {result.generality:10.2f}")
            rows.append({"warrior": name, "koth": result.score, "generality": result.generality})
            if name.startswith("round_"):
                points.append((float(name.removeprefix("round_")), result.score))
            if best_overall is None or result.score > best_overall[0]:
                best_overall = (result.score, result.generality, seed, name, str(path))
        report["seeds"][seed] = {"run": str(run), "minutes": minutes, "warriors": rows}
    summarize(report["seeds"], args.buckets)
    slope, low, high, p_value = trend(points)
    print(f"\nKotH trend over rounds, all seeds: {slope:+.3f} per round "
          f"(95% CI {low:+.3f} .. {high:+.3f}, p = {p_value:.3g})")  # fmt: skip
    generality_points = [
        (float(r["warrior"].removeprefix("round_")), r["generality"])
        for seed in report["seeds"].values()
        for r in seed["warriors"]
        if r["warrior"].startswith("round_")
    ]
    g_slope, g_low, g_high, g_p = trend(generality_points)
    print(f"generality trend over rounds, all seeds: {g_slope:+.5f} per round "
          f"(95% CI {g_low:+.5f} .. {g_high:+.5f}, p = {g_p:.3g})")  # fmt: skip
    report["generality_trend"] = {"slope": g_slope, "low": g_low, "high": g_high, "p": g_p}
    if best_overall:
        score, generality, seed, name, path = best_overall
        print(
            f"best: {name} of {_label(seed)}: KotH {score:.1f}, generality {generality:.2f} ({path})"
        )
    report["trend"] = {"slope": slope, "low": low, "high": high, "p": p_value}
    report["best"] = best_overall
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
