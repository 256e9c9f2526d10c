"""MIPS benchmark: plays golden/bench_fights.json, checks every result, reports speed.

    python bench/mips.py [--runs 5] [--threads N] [--shared PATH] [--pmars PATH]...
                         [--external LABEL=COMMAND]... [--drq]

Each of the 30 fights is 200 rounds of two human warriors at the standard '94 settings,
with pMARS's exact instruction count. A run plays all fights; it fails loudly if any
fight's wins, losses, ties or instruction count differ from pMARS. MIPS is the total
instruction count (406,759,365) divided by the wall time of a run, in millions; the
median of several runs is printed, first on one core, then on all cores (fights spread
over a pool of threads; the kernels release the GIL). Each is measured twice: running
every instruction, and (arena's default) stopping a round once only imps are left, a
certain tie whose remaining instructions are then counted, not run.

``--pmars PATH`` (repeatable) times a pMARS binary on the same fights, interleaved fight
by fight with ours (so all see the same load on a shared machine). Each pMARS result line
must match the golden data. pMARS is timed per fight as a process (``-b -r 200 -F pos``);
its start-up and parsing, measured with ``-r 1 -c 1``, is taken off, which only flatters
pMARS. The reference is the build the golden data came from: pMARS 0.9.4's ``make server``
(``-O2 -DEXT94 -DPERMUTATE -DRWLIMIT -DSERVER``). Its read/write limits fold every operand
address with a ``%`` even when the limits equal the core size, so a build without
``-DRWLIMIT`` (or pMARS 0.9.2, which has no limits) runs nearly twice as fast and is not
the pMARS the speed goal is stated against.

``--external LABEL=COMMAND`` (repeatable) times any other simulator the same way, through
a driver you build for it. COMMAND is split like a shell line, then ``{a}``, ``{b}`` (the
warriors' file stems, e.g. ``acidrain``), ``{F}`` and ``{rounds}`` are filled in. It must
play the fight as pMARS ``-F {F} -r {rounds}`` does and print one line
``wins losses ties instructions seconds`` (the seconds of its own fight loop). Its
results and instruction count must match the golden data.

``--drq`` also times the same fights under the Digital Red Queen rules (``drq=True``:
every round runs its full cycles unless a warrior dies, and books the fitness and the
behaviour descriptors every cycle). pMARS has no such mode, so there is nothing to
check those rounds against; their MIPS uses the instruction count the engine reports.

Besides the median over runs, "best of N per fight" sums each fight's fastest time: on a
host whose other tenants come and go, that is the steadiest comparison.
"""

from __future__ import annotations

import argparse
import json
import shlex
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


def play_drq_fight(settings, fight) -> int:
    a, b, f = fight
    res = play([a, b], settings, rounds=f["rounds"], fixed_position=f["F"], drq=True)
    return res.instructions


def _pmars_command(exe: str, settings, fight: dict, rounds: int, cycles: int) -> list[str]:
    return [
        exe, "-b", "-r", str(rounds), "-F", str(fight["F"]),
        "-s", str(settings.core_size), "-c", str(cycles), "-p", str(settings.max_processes),
        "-l", str(settings.max_length), "-d", str(settings.min_distance),
        fight["a"], fight["b"],
    ]  # fmt: skip


def pmars_fight(exe: str, settings, fight: dict, corpus: Path) -> float:
    """Seconds pMARS takes for one fight, less its start-up and parsing (``-r 1 -c 1``)."""
    times = []
    for rounds, cycles in ((fight["rounds"], settings.max_cycles), (1, 1)):
        cmd = _pmars_command(exe, settings, fight, rounds, cycles)
        t0 = time.perf_counter()
        out = subprocess.run(cmd, cwd=corpus, capture_output=True, text=True).stdout
        times.append(time.perf_counter() - t0)
        if rounds > 1:
            want = f"Results: {fight['A_wins']} {fight['B_wins']} {fight['ties']}"
            got = out.strip().splitlines()[-1] if out.strip() else "(no output)"
            if got != want:
                raise SystemExit(f"pMARS {fight['a']} vs {fight['b']}: {got!r}, golden {want!r}")
    return max(times[0] - times[1], 1e-9)


def external_fight(template: str, fight: dict) -> float:
    """Seconds another simulator's driver reports for one fight, after checking its result."""
    fields = {"a": Path(fight["a"]).stem, "b": Path(fight["b"]).stem}
    fields |= {"F": str(fight["F"]), "rounds": str(fight["rounds"])}
    cmd = [part.format(**fields) for part in shlex.split(template)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True).stdout.split()
    except OSError as e:
        raise SystemExit(f"--external: cannot run {cmd[0]}: {e.strerror}") from None
    want = [fight["A_wins"], fight["B_wins"], fight["ties"], fight["instructions"]]
    try:
        got = [int(x) for x in out[:4]]
        seconds = float(out[4])
    except (ValueError, IndexError):
        got, seconds = None, 0.0
    if got != want:
        raise SystemExit(f"{cmd[0]} {fight['a']} vs {fight['b']}: {out}, golden {want}")
    return seconds


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


DRQ_NAME = "Digital Red Queen rules"


def contenders(
    settings, pmars: list[str], external: list[str], corpus: Path, drq: dict | None
) -> dict:
    """{name: fight -> seconds}: arena both ways (and under DRQ rules, recording each
    fight's instruction count in ``drq``), then each pMARS and external driver."""
    timers = {
        "every instruction run": lambda f: timed(lambda: play_fight(settings, f, False)),
        "certain ties stopped": lambda f: timed(lambda: play_fight(settings, f, True)),
    }
    if drq is not None:

        def drq_timer(fight) -> float:
            t0 = time.perf_counter()
            drq[id(fight)] = play_drq_fight(settings, fight)
            return time.perf_counter() - t0

        timers[DRQ_NAME] = drq_timer
    for exe in pmars:
        timers[f"pMARS ({exe}, start-up taken off)"] = lambda f, exe=exe: pmars_fight(
            exe, settings, f[2], corpus
        )
    for spec in external:
        label, sep, template = spec.partition("=")
        if not sep or not template.strip():
            raise SystemExit(f"--external wants LABEL=COMMAND, got {spec!r}")
        timers[label] = lambda f, template=template: external_fight(template, f[2])
    return timers


def paired_runs(fights, runs: int, timers: dict) -> dict:
    """Fight by fight, every contender in turn. Returns {name: [runs][fights] seconds}."""
    seconds = {name: [[0.0] * len(fights) for _ in range(runs)] for name in timers}
    for r in range(runs):
        for i, fight in enumerate(fights):
            for name, timer in timers.items():
                seconds[name][r][i] = timer(fight)
    return seconds


def run_once(settings, fights, threads: int, stop: bool) -> tuple[float, int]:
    """(wall seconds, instructions) of one pass over every fight on ``threads`` threads."""
    t0 = time.perf_counter()
    if threads == 1:
        total = sum(play_fight(settings, f, stop) for f in fights)
    else:
        # longest fights first, so the pool ends evenly
        order = sorted(fights, key=lambda f: -f[2]["instructions"])
        with ThreadPoolExecutor(max_workers=threads) as pool:
            total = sum(pool.map(lambda f: play_fight(settings, f, stop), order))
    return time.perf_counter() - t0, total


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per mode (median)")
    parser.add_argument("--threads", type=int, default=available_threads())
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--single-only", action="store_true")
    parser.add_argument(
        "--pmars", action="append", default=[], help="a pMARS binary to time on the same fights"
    )
    parser.add_argument("--drq", action="store_true", help="also time DRQ-rule rounds")
    parser.add_argument(
        "--external",
        action="append",
        default=[],
        metavar="LABEL=COMMAND",
        help="another simulator's driver to time on the same fights (see above)",
    )
    args = parser.parse_args(argv)

    settings, fights, expected = load_fights(args.shared)
    t0 = time.perf_counter()
    play_fight(settings, (fights[0][0], fights[0][1], {**fights[0][2]}))  # compile / warm up
    print(f"warm-up (compile or load cache): {time.perf_counter() - t0:.2f} s")

    corpus = args.shared / "corpus" / "human"
    drq_instructions: dict[int, int] | None = {} if args.drq else None
    timers = contenders(settings, args.pmars, args.external, corpus, drq_instructions)
    seconds = paired_runs(fights, args.runs, timers)
    ours = [n for n in timers if n in ("every instruction run", "certain ties stopped")]
    totals = {name: expected for name in timers}
    if args.drq:
        totals[DRQ_NAME] = sum(drq_instructions.values())
    mips: dict[str, tuple[float, float]] = {}
    for name, per_run in seconds.items():
        rates = [totals[name] / sum(run) / 1e6 for run in per_run]
        best = totals[name] / sum(min(col) for col in zip(*per_run, strict=True)) / 1e6
        mips[name] = (statistics.median(rates), best)
        label = f"arena, 1 core, {name}" if name in [*ours, DRQ_NAME] else name
        print(
            f"{label}: median {mips[name][0]:.1f} MIPS (runs: "
            f"{', '.join(f'{x:.1f}' for x in rates)}); best of {args.runs} per fight "
            f"{best:.1f} MIPS"
        )
    for other in [n for n in timers if n not in ours and n != DRQ_NAME]:
        for name in ours:
            print(
                f"  {name}: {mips[name][0] / mips[other][0]:.2f}x {other} (medians), "
                f"{mips[name][1] / mips[other][1]:.2f}x (best of {args.runs} per fight)"
            )
    if not args.single_only and args.threads > 1:
        for name, stop in (("every instruction run", False), ("certain ties stopped", True)):
            rates = []
            for _ in range(args.runs):
                wall, total = run_once(settings, fights, args.threads, stop)
                if total != expected:
                    raise SystemExit(f"total instructions {total} != {expected}")
                rates.append(total / wall / 1e6)
            print(
                f"arena, {args.threads} cores, {name}: median {statistics.median(rates):.1f} "
                f"MIPS (runs: {', '.join(f'{x:.1f}' for x in rates)})"
            )
    print(f"{expected} instructions, 30 fights x 200 rounds, every result exact")
    if args.drq:
        print(f"{totals[DRQ_NAME]} instructions under DRQ rules")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
