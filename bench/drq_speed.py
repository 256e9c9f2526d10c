"""Digital Red Queen evaluation speed: candidates per minute in a late round.

    python bench/drq_speed.py [--opponents DIR] [--candidates DIR] [--n-opponents 21]
                              [--n-candidates 24] [--placements 20] [--seed 1] [--runs 3]
                              [--threads N]

A late round of a Red Queen run scores each candidate in one melee against every earlier
champion and the initial opponent: here 21 opponents, 20 placements (rounds), the DRQ
rules (every round runs its full cycles unless one warrior is left, and the fitness and
both behaviour descriptors are booked every cycle), exactly as the evolver's
``arena.evolve.evaluator.evaluate_job`` does it. Opponents and candidates are drawn, by
``--seed``, from two folders of warriors (default: ../shared/corpus/human and
../shared/corpus/llm; pass held-out warriors to measure on fights nothing was tuned on).

For each candidate the script times ``evaluate_job`` (the DRQ path) and, interleaved, the
same melee under pMARS's rules (``arena.battle.play`` running every instruction, no DRQ
bookkeeping), so the cost of the DRQ bookkeeping is measured against the pMARS path on
the same machine at the same moment. It prints candidates per minute on one core and on
``--threads`` cores (a thread pool, as the evolver's local evaluator uses), and each
path's MIPS (its own instruction count over its time), medians over ``--runs``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from arena.battle import play  # noqa: E402
from arena.evolve.evaluator import EvalJob, evaluate_job  # noqa: E402
from arena.mars.engine import available_threads  # noqa: E402
from arena.redcode import assemble  # noqa: E402
from arena.settings import Settings  # noqa: E402


def _warriors(folder: Path, settings: Settings) -> list[tuple[str, str]]:
    """(name, text) of every warrior in the folder that assembles and uses no P-space."""
    found = []
    for path in sorted(folder.glob("*.red")):
        text = path.read_text(errors="replace")
        result = assemble(text, settings)
        if result.ok and len(result.warrior) > 0 and result.warrior.pin is None:
            found.append((path.stem, text))
    return found


def _jobs(args, settings: Settings) -> list[EvalJob]:
    rng = random.Random(f"drq:{args.seed}")
    opponents = rng.sample(_warriors(args.opponents, settings), args.n_opponents)
    taken = {text for _, text in opponents}
    pool = [w for w in _warriors(args.candidates, settings) if w[1] not in taken]
    candidates = rng.sample(pool, args.n_candidates)
    return [
        EvalJob(
            code=text,
            opponents=tuple(t for _, t in opponents),
            opponent_names=tuple(n for n, _ in opponents),
            settings=asdict(settings),
            placements=args.placements,
            seed=rng.randrange(1, 1 << 30),
            fitness="melee",
        )
        for _, text in candidates
    ]


def _melee(job: EvalJob, settings: Settings) -> list:
    """The job's warriors, candidate first, assembled (outside every timer)."""
    return [assemble(text, settings).warrior for text in (job.code, *job.opponents)]


def _pmars_path(job: EvalJob, warriors: list, settings: Settings) -> int:
    """The same melee under pMARS's rules, every instruction run (the DRQ rules stop no
    certain tie, so neither does this); returns its instruction count."""
    return play(
        warriors, settings, rounds=job.placements, seed=job.seed, stop_certain_ties=False
    ).instructions


def _timed(fn) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = fn()
    return time.perf_counter() - t0, n


def one_core(
    jobs: list[EvalJob], melees: list[list], settings: Settings
) -> dict[str, tuple[float, int]]:
    """{path: (seconds, instructions)} over every job, the two paths interleaved."""
    totals = {"DRQ": [0.0, 0], "pMARS": [0.0, 0]}
    for job, warriors in zip(jobs, melees, strict=True):
        for name, fn in (
            ("DRQ", lambda job=job: _checked(evaluate_job(job))),
            ("pMARS", lambda job=job, warriors=warriors: _pmars_path(job, warriors, settings)),
        ):
            seconds, n = _timed(fn)
            totals[name][0] += seconds
            totals[name][1] += n
    return {k: (v[0], v[1]) for k, v in totals.items()}


def _checked(result) -> int:
    if result.error:
        raise SystemExit(f"evaluation failed: {result.error}")
    return result.instructions


def all_cores(jobs: list[EvalJob], threads: int) -> float:
    """Wall seconds for every job's DRQ evaluation on a pool of ``threads`` threads."""
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for result in pool.map(evaluate_job, jobs):
            _checked(result)
    return time.perf_counter() - t0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    shared = REPO.parent / "shared" / "corpus"
    parser.add_argument("--opponents", type=Path, default=shared / "human")
    parser.add_argument("--candidates", type=Path, default=shared / "llm")
    parser.add_argument("--n-opponents", type=int, default=21)
    parser.add_argument("--n-candidates", type=int, default=24)
    parser.add_argument("--placements", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=available_threads())
    args = parser.parse_args(argv)
    settings = Settings()
    jobs = _jobs(args, settings)
    melees = [_melee(job, settings) for job in jobs]
    t0 = time.perf_counter()
    for job in jobs:  # compiles or loads the kernels, and fills the evaluator's assembly cache
        _checked(evaluate_job(replace(job, placements=1)))
    _pmars_path(replace(jobs[0], placements=1), melees[0], settings)
    print(f"warm-up (compile or load cache, assemble): {time.perf_counter() - t0:.2f} s")
    print(
        f"{len(jobs)} candidates from {args.candidates}, each in one melee with "
        f"{args.n_opponents} opponents from {args.opponents}, {args.placements} placements"
    )
    per_minute, mips = {"DRQ": [], "pMARS": []}, {"DRQ": [], "pMARS": []}
    wide = []
    for _ in range(args.runs):
        for name, (seconds, n) in one_core(jobs, melees, settings).items():
            per_minute[name].append(len(jobs) / seconds * 60)
            mips[name].append(n / seconds / 1e6)
        if args.threads > 1:
            wide.append(len(jobs) / all_cores(jobs, args.threads) * 60)
    for name, label in (("DRQ", "DRQ rules (the evolver's)"), ("pMARS", "pMARS rules")):
        print(
            f"one core, {label}: {statistics.median(per_minute[name]):.0f} candidates/min, "
            f"{statistics.median(mips[name]):.0f} MIPS (runs: "
            f"{', '.join(f'{x:.0f}' for x in mips[name])})"
        )
    ratio = statistics.median(mips["DRQ"]) / statistics.median(mips["pMARS"])
    print(f"DRQ path at {ratio:.2f}x the pMARS path's MIPS")
    if wide:
        print(
            f"{args.threads} cores, DRQ rules: {statistics.median(wide):.0f} candidates/min "
            f"(runs: {', '.join(f'{x:.0f}' for x in wide)})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
