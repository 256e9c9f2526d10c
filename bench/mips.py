"""MIPS benchmark: plays golden/bench_fights.json, checks every result, reports speed.

    python bench/mips.py [--runs 5] [--threads N] [--shared PATH] [--pmars PATH]

Each of the 30 fights is 200 rounds of two human warriors at the standard '94 settings,
with pMARS's exact instruction count. A run plays all fights; it fails loudly if any
fight's wins, losses, ties or instruction count differ from pMARS. MIPS is the total
instruction count (406,759,365) divided by the wall time of a run, in millions; the
median of several runs is printed, first on one core, then on all cores (fights spread
over a pool of threads; the kernels release the GIL). Each is measured twice: running
every instruction, and (arena's default) stopping a round once only imps are left, a
certain tie whose remaining instructions are then counted, not run.

``--pmars PATH`` times a pMARS binary on the same fights in the same process, run for run
(ours on one core, then pMARS, so both see the same load on a shared machine). Each
pMARS result line must match the golden data. pMARS is timed per fight as a process
(``-b -r 200 -F pos``); its start-up and parsing, measured with ``-r 1 -c 1``, is taken
off, which only flatters pMARS. The anchor of the issue is the ratio of the two medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from arena.battle import play  # noqa: E402
from arena.mars.engine import available_threads  # noqa: E402
from arena.redcode.loadfile import parse_load_file  # noqa: E402
from arena.settings import Settings  # noqa: E402


def load_fights(shared: Path):
    data = json.loads((shared / "golden" / "bench_fights.json").read_text())
    s = data["settings"]
    settings = Settings(
        core_size=s["coresize"],
        max_cycles=s["cycles"],
        max_processes=s["processes"],
        max_length=s["maxlength"],
        min_distance=s["mindistance"],
    )
    cache = {}

    def warrior(name):
        if name not in cache:
            text = (shared / "golden" / "asm" / f"{Path(name).stem}.load").read_text()
            cache[name] = parse_load_file(text, core_size=settings.core_size, name=name)
        return cache[name]

    fights = [(warrior(f["a"]), warrior(f["b"]), f) for f in data["fights"]]
    return settings, fights, data["total_instructions"]


def play_fight(settings, fight, stop_certain_ties: bool = True):
    a, b, f = fight
    res = play(
        [a, b],
        settings,
        rounds=f["rounds"],
        fixed_position=f["F"],
        threads=1,
        stop_certain_ties=stop_certain_ties,
    )
    got = (res.wins()[0], res.wins()[1], res.ties()[0], res.instructions)
    want = (f["A_wins"], f["B_wins"], f["ties"], f["instructions"])
    if got != want:
        raise SystemExit(f"MISMATCH {f['a']} vs {f['b']}: got {got}, pMARS {want}")
    return res.instructions


def _pmars_command(exe: str, settings, fight: dict, rounds: int, cycles: int) -> list[str]:
    return [
        exe, "-b", "-r", str(rounds), "-F", str(fight["F"]),
        "-s", str(settings.core_size), "-c", str(cycles), "-p", str(settings.max_processes),
        "-l", str(settings.max_length), "-d", str(settings.min_distance),
        fight["a"], fight["b"],
    ]  # fmt: skip


def pmars_once(exe: str, settings, fights, corpus: Path) -> tuple[float, float]:
    """(seconds for all fights, seconds of start-up and parsing) of one pMARS pass."""
    total = startup = 0.0
    for _, _, f in fights:
        for rounds, cycles, check in ((f["rounds"], settings.max_cycles, True), (1, 1, False)):
            cmd = _pmars_command(exe, settings, f, rounds, cycles)
            t0 = time.perf_counter()
            out = subprocess.run(cmd, cwd=corpus, capture_output=True, text=True).stdout
            seconds = time.perf_counter() - t0
            if check:
                total += seconds
                want = f"Results: {f['A_wins']} {f['B_wins']} {f['ties']}"
                got = out.strip().splitlines()[-1] if out.strip() else "(no output)"
                if got != want:
                    raise SystemExit(f"pMARS {f['a']} vs {f['b']}: {got!r}, golden {want!r}")
            else:
                startup += seconds
    return total, startup


def run_once(settings, fights, threads: int, stop: bool) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    c0 = time.process_time()
    if threads == 1:
        total = sum(play_fight(settings, f, stop) for f in fights)
    else:
        # longest fights first, so the pool ends evenly
        order = sorted(fights, key=lambda f: -f[2]["instructions"])
        with ThreadPoolExecutor(max_workers=threads) as pool:
            total = sum(pool.map(lambda f: play_fight(settings, f, stop), order))
    return time.perf_counter() - t0, time.process_time() - c0, total


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per mode (median)")
    parser.add_argument("--threads", type=int, default=available_threads())
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--single-only", action="store_true")
    parser.add_argument("--pmars", help="a pMARS binary to time on the same fights")
    args = parser.parse_args(argv)

    settings, fights, expected = load_fights(args.shared)
    t0 = time.perf_counter()
    play_fight(settings, (fights[0][0], fights[0][1], {**fights[0][2]}))  # compile / warm up
    print(f"warm-up (compile or load cache): {time.perf_counter() - t0:.2f} s")

    modes = [("1 core", 1)]
    if not args.single_only and args.threads > 1:
        modes.append((f"{args.threads} cores", args.threads))
    # every instruction interpreted, then with rounds stopped once only imps are left
    variants = [("every instruction run", False), ("certain ties stopped", True)]
    corpus = args.shared / "corpus" / "human"
    for label, threads in modes:
        rates: dict[bool, list[float]] = {False: [], True: []}
        cpu_rates: dict[bool, list[float]] = {False: [], True: []}
        pmars_rates: list[float] = []
        for _ in range(args.runs):
            for _, stop in variants:
                seconds, cpu, total = run_once(settings, fights, threads, stop)
                if total != expected:
                    raise SystemExit(f"total instructions {total} != {expected}")
                rates[stop].append(total / seconds / 1e6)
                cpu_rates[stop].append(total / cpu / 1e6 * threads)
            if args.pmars and threads == 1:
                pm_seconds, pm_startup = pmars_once(args.pmars, settings, fights, corpus)
                pmars_rates.append(expected / (pm_seconds - pm_startup) / 1e6)
        for name, stop in variants:
            print(
                f"{label}, {name}: median {statistics.median(rates[stop]):.1f} MIPS "
                f"wall-clock (runs: {', '.join(f'{r:.1f}' for r in rates[stop])}); "
                f"{statistics.median(cpu_rates[stop]):.1f} MIPS by CPU time x threads"
            )
        if pmars_rates:
            theirs = statistics.median(pmars_rates)
            print(
                f"pMARS ({args.pmars}), same runs: median {theirs:.1f} MIPS "
                f"(runs: {', '.join(f'{r:.1f}' for r in pmars_rates)}; start-up taken off)"
            )
            for name, stop in variants:
                per_run = [a / b for a, b in zip(rates[stop], pmars_rates, strict=True)]
                print(
                    f"  arena on 1 core, {name} = "
                    f"{statistics.median(rates[stop]) / theirs:.2f}x pMARS "
                    f"(per run: {', '.join(f'{r:.2f}' for r in per_run)})"
                )
    print(f"{expected} instructions, 30 fights x 200 rounds, every result exact")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
