"""MIPS benchmark: arena against pMARS 0.9.4 and PyCorewar, on fixed and drawn fight sets.

    python bench/mips.py [--set NAME]... [--pairs 30] [--rounds 100] [--seed 1]
                         [--runs 5] [--threads N] [--single-only] [--shared PATH]
                         [--pmars PATH]... [--pmars-count PATH] [--pycorewar VENV_PYTHON]
                         [--external LABEL=COMMAND]... [--drq] [--per-fight]

Sets (``--set``, repeatable, in order; ``golden`` when none is given):

* ``golden``: ../shared/golden/bench_fights.json, 30 fights x 200 rounds of human
  warriors at the standard '94 settings, with pMARS's results and exact instruction
  count (406,759,365). Arena plays the golden load images (golden/asm). This is the set
  arena's speed was tuned on.
* ``llm``: random ordered pairs of ../shared/corpus/llm.
* ``human``: random ordered pairs of ../shared/corpus/human, leaving out every warrior
  that appears in bench_fights.
* ``dir:PATH``: random ordered pairs of the warrior files (``.red``, ``.rc``, ``.war``)
  in a folder, e.g. hill warriors that are in no corpus here.

A drawn set (every set but ``golden``) is ``--pairs`` fights of ``--rounds`` rounds at
the standard '94 hill: core 8000, 80000 cycles, 8000 processes, length 100, distance 100
(pMARS ``-s 8000 -c 80000 -p 8000 -l 100 -d 100``). The draw uses Python's
``random.Random`` seeded with ``"NAME:SEED"``: each draw is an ordered pair of distinct
files and a position F uniform in [d, s - d] (pMARS ``-F F``: B at F in round 1, later
rounds from pMARS's generator). A draw is skipped when a warrior does not assemble with
pMARS (``pmars -A`` with the fight's settings, rounds and two warriors) or with arena's
assembler, when it uses P-space (LDP, STP or PIN: PyCorewar is '94nop), or when the pair
was drawn before. The printout says how many pairs were drawn and why any were skipped.
Skipping depends only on the files, pMARS and arena, never on which contenders run, so
a seed always names the same fights. Every warrior is assembled by arena's own assembler
(as ``arena battle`` loads a ``.red`` file), and its image must equal pMARS's load image.

Expected results of a drawn set come from pMARS 0.9.4 itself, before any timing: each
fight is played by the first ``--pmars`` binary (the pristine build) for its wins,
losses and ties, and by ``--pmars-count`` (the same source with an instruction counter)
for its instruction count; the counter's ``Results:`` line must equal the pristine
build's. Then arena (both ways below) and every pMARS must give exactly those results
(and that count), in every timed run, or the script stops with MISMATCH. PyCorewar and
external simulators are other programs' rules: one that plays a fight to other results
is listed under the set's table as disagreeing with pMARS on that fight (its time there
still counts, with pMARS's instruction count); one that prints no result stops the
script.

Contenders, interleaved fight by fight (so all see the same load on a shared machine):

* arena on one core, twice: running every instruction, and (its default) stopping a
  round once it is a certain tie (only imps left, or no word left in the core that can
  end a process, start one or write P-space), whose remaining instructions are then
  counted, not run. ``--drq`` adds the Digital Red Queen rules (``drq=True``: every round
  runs its full cycles unless a warrior dies and books the fitness and the behaviour
  descriptors every cycle); pMARS has no such mode, so its MIPS uses the count the
  engine reports. Warriors are assembled before the timer; a fight's time is one
  ``arena.battle.play`` call.
* ``--pmars PATH`` (repeatable): a pMARS binary, timed per fight as a process
  (``-b -r R -F F``) whose start-up and parsing, measured with ``-r 1 -c 1``, is taken
  off (which only flatters pMARS). Its ``Results:`` line must match.
* ``--pycorewar VENV_PYTHON``: PyCorewar's C core through bench/pycorewar_driver.py, run
  with that Python. The driver parses pMARS's load images of the fight (checked
  instruction by instruction) outside its timer and times one ``MARS_94nop.run`` call,
  which plays the rounds with pMARS's ``-F`` placement and first-mover order, so its
  wins, losses and ties are checked against pMARS (see above). It counts no instructions:
  its MIPS uses pMARS's count.
* ``--external LABEL=COMMAND`` (repeatable): any other simulator through a driver you
  build. COMMAND is split like a shell line, then ``{a}`` and ``{b}`` (file stems),
  ``{a_path}`` and ``{b_path}`` (the source files), ``{a_load}`` and ``{b_load}`` (pMARS's
  load images of the fight), ``{F}`` and ``{rounds}`` are filled in. It must play the
  fight as pMARS ``-F {F} -r {rounds}`` does and print one line
  ``wins losses ties instructions seconds`` (the seconds of its own fight loop;
  ``instructions`` may be ``-`` when it does not count them).

Each set prints one table: per contender the median MIPS over ``--runs`` runs (a run
plays all fights; MIPS = the set's instruction count / the summed fight times / 10^6),
"best of N per fight" (each fight's fastest time summed; on a host whose other tenants
come and go, the steadiest comparison) and arena's ratio to each anchor. Then arena on
all cores (``--threads``; the set's fights spread over a pool of threads, longest
first; the kernels release the GIL), both ways, and its speed-up over one core.

The anchors are built outside this repository (never commit their code or binaries):

* pMARS 0.9.4, exactly: GitHub CodeClash-ai/CoreWar at commit
  f2a1d84d9205ff1a8d1144d401cc808d162882b8 (a pristine import of 0.9.4), folder src/.
  0.9.4 has no ``server`` make target; build the server binary with the flags the golden
  data's came from::

      for f in pmars asm eval disasm cdb sim pos clparse global token str_eng; do
          gcc -O2 -DEXT94 -DPERMUTATE -DRWLIMIT -DSERVER -c $f.c; done
      gcc -o pmars-0.9.4 pmars.o asm.o eval.o disasm.o cdb.o sim.o pos.o \\
          clparse.o global.o token.o str_eng.o

  It reproduces ../shared/golden (every bench fight's ``-k`` output, pairs.jsonl,
  multiround.jsonl). Its read/write limits fold every operand address with a ``%`` even
  when the limits equal the core size, so a build without ``-DRWLIMIT`` (or pMARS 0.9.2)
  runs nearly twice as fast and is not the pMARS the speed goal is stated against.
* pmars-count: the same source and commands, plus two lines: in sim.c, after the
  instruction fetch at the top of the simulator's loop (``IR = memory[...]``), a global
  ``pmars_count_executed++``; in pmars.c's ``Exit``, before ``exit``, an
  ``fprintf(stderr, "instructions executed: %llu\\n", pmars_count_executed)``. It counts
  every executed instruction including the fatal one (golden README section 1.8) and
  gives every bench fight's ``instructions`` exactly. It is used only for counts, never
  timed.
* PyCorewar 0.2.0: GitHub progval/PyCorewar at commit
  72e496ef8128d5515335c7273787b66b3b95ffe6, in its own venv::

      python -m venv pycorewar-venv
      CFLAGS=-fcommon pycorewar-venv/bin/pip install PATH/TO/PyCorewar

  (its C modules get Python's own flags, ``-O3 -fwrapv`` with CPython 3.11, plus
  ``-fcommon``, the old default for C's tentative definitions; with gcc 12 it also builds
  without it), then ``--pycorewar pycorewar-venv/bin/python``.

Example (every set and anchor; measure on a quiet machine)::

    python bench/mips.py --set golden --set llm --set human --set dir:HELDOUT \\
        --pairs 30 --rounds 100 --seed 1 --runs 5 \\
        --pmars pmars-0.9.4 --pmars-count pmars-count \\
        --pycorewar pycorewar-venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from arena.battle import play  # noqa: E402
from arena.mars.engine import available_threads  # noqa: E402
from arena.redcode.files import (  # noqa: E402
    WarriorFileError,
    read_warrior_text,
    warrior_files_in,
    warrior_from_text,
)
from arena.redcode.loadfile import parse_load_file  # noqa: E402
from arena.redcode.printer import load_file  # noqa: E402
from arena.settings import Settings  # noqa: E402

EVERY = "every instruction run"
STOPPED = "certain ties stopped"
DRQ_NAME = "Digital Red Queen rules"
PYCOREWAR = "PyCorewar 0.2.0 C core (MARS_94nop.run)"
DRIVER = REPO / "bench" / "pycorewar_driver.py"


@dataclass
class FightSet:
    """One set's fights: (arena warrior A, arena warrior B, fight dict) each, with the
    expected results (``A_wins``, ``B_wins``, ``ties``, ``instructions``), ``F``,
    ``rounds``, the names ``a``/``b`` and the files ``a_path``/``b_path``/``a_load``/``b_load``."""

    name: str
    settings: Settings
    fights: list
    summary: list[str] = field(default_factory=list)

    @property
    def instructions(self) -> int:
        return sum(f[2]["instructions"] for f in self.fights)


# ----------------------------------------------------------------------------- sets


def golden_set(shared: Path) -> FightSet:
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

    def files(f: dict) -> dict:
        out = {}
        for side in ("a", "b"):
            out[f"{side}_path"] = str(shared / "corpus" / "human" / f[side])
            out[f"{side}_load"] = str(shared / "golden" / "asm" / f"{Path(f[side]).stem}.load")
        return out

    fights = [(warrior(f["a"]), warrior(f["b"]), {**f, **files(f)}) for f in data["fights"]]
    out = FightSet("golden", settings, fights)
    assert out.instructions == data["total_instructions"]
    out.summary.append(
        f"bench_fights.json: {len(fights)} fights x {fights[0][2]['rounds']} rounds, "
        f"{data['tie_rounds']} tie rounds; expected results and counts are pMARS's (golden)"
    )
    return out


def hill_settings(rounds: int) -> Settings:
    """The standard '94 hill, as pMARS assembles a two-warrior fight of ``rounds`` rounds."""
    return Settings(rounds=rounds, warriors=2, pspace_allowed=False)


def pmars_flags(settings: Settings) -> list[str]:
    return [
        "-s", str(settings.core_size), "-c", str(settings.max_cycles),
        "-p", str(settings.max_processes), "-l", str(settings.max_length),
        "-d", str(settings.min_distance),
    ]  # fmt: skip


class Warriors:
    """Which files a drawn set may use: each assembled once by pMARS (``-A`` in a
    two-warrior fight's context: the file against itself) and by arena; the load image is
    kept in ``tmp`` for PyCorewar and external drivers."""

    def __init__(self, pmars: str, settings: Settings, tmp: Path):
        self.pmars, self.settings, self.tmp = pmars, settings, tmp
        self.cache: dict[Path, tuple] = {}  # path -> (warrior, load path) or (None, reason)

    def get(self, path: Path):
        if path not in self.cache:
            self.cache[path] = self._load(path)
        return self.cache[path]

    def _load(self, path: Path):
        cmd = [self.pmars, "-A", "-r", str(self.settings.rounds), *pmars_flags(self.settings)]
        out = subprocess.run(
            [*cmd, str(path), str(path)], capture_output=True, text=True, errors="replace"
        )
        images = out.stdout.split("       END\n")
        if out.returncode != 0 or len(images) != 3 or images[2] or images[0] != images[1]:
            return None, "pMARS 0.9.4 does not assemble it"
        image = images[0] + "       END\n"
        if any(word in image for word in ("LDP.", "STP.", "PIN ")):
            return None, "uses P-space (LDP, STP or PIN)"
        try:
            warrior, _ = warrior_from_text(read_warrior_text(path), self.settings, str(path))
        except WarriorFileError as exc:
            return None, f"arena does not assemble it ({exc})"
        if load_file(warrior) != image:
            raise SystemExit(f"MISMATCH {path}: arena's assembly differs from pMARS's load image")
        load = self.tmp / f"{len(self.cache):04d}_{path.stem}.load"
        load.write_text(image)
        return warrior, str(load)


def pool_for(name: str, shared: Path) -> list[Path]:
    if name == "llm":
        return warrior_files_in(shared / "corpus" / "llm")
    if name == "human":
        bench = json.loads((shared / "golden" / "bench_fights.json").read_text())["fights"]
        used = {f[side] for f in bench for side in ("a", "b")}
        return [p for p in warrior_files_in(shared / "corpus" / "human") if p.name not in used]
    if name.startswith("dir:"):
        folder = Path(name[4:])
        if not folder.is_dir():
            raise SystemExit(f"--set {name}: no such folder")
        return warrior_files_in(folder)
    raise SystemExit(f"--set {name!r}: want golden, llm, human or dir:PATH")


def drawn_set(name: str, args, tmp: Path) -> FightSet:
    if not args.pmars or not args.pmars_count:
        raise SystemExit(
            f"--set {name}: a drawn set needs --pmars (the pristine pMARS 0.9.4, first) and "
            "--pmars-count for its expected results and instruction counts"
        )
    settings = hill_settings(args.rounds)
    pool = pool_for(name, args.shared)
    if len(pool) < 2:
        raise SystemExit(f"--set {name}: fewer than two warrior files")
    warriors = Warriors(args.pmars[0], settings, tmp / f"set{len(list(tmp.iterdir())):02d}")
    warriors.tmp.mkdir()
    rng = random.Random(f"{name}:{args.seed}")
    d, s = settings.min_distance, settings.core_size
    fights, drawn, skipped, seen = [], 0, Counter(), set()
    bad: dict[str, set[str]] = {}
    while len(fights) < args.pairs:
        if drawn >= 50 * args.pairs + 100:
            raise SystemExit(
                f"--set {name}: only {len(fights)} usable distinct pairs in {drawn} draws"
            )
        a, b = rng.sample(pool, 2)
        position = rng.randint(d, s - d)
        drawn += 1
        if (a, b) in seen:
            skipped["the pair was drawn before"] += 1
            continue
        seen.add((a, b))
        (wa, la), (wb, lb) = warriors.get(a), warriors.get(b)
        if wa is None or wb is None:
            for path, reason in ((a, la), (b, lb)):
                if warriors.get(path)[0] is None:
                    kind = reason.split(" (")[0]
                    bad.setdefault(kind, set()).add(path.name)
            skipped["a warrior is unusable"] += 1
            continue
        f = {
            "a": a.name, "b": b.name, "rounds": args.rounds, "F": position,
            "a_path": str(a), "b_path": str(b), "a_load": la, "b_load": lb,
        }  # fmt: skip
        f |= pmars_expected(args.pmars[0], args.pmars_count, settings, f)
        fights.append((wa, wb, f))
    out = FightSet(name, settings, fights)
    ties = sum(f[2]["ties"] for f in fights)
    out.summary.append(
        f"{len(pool)} files; seed {args.seed}: drew {drawn} pairs, {len(fights)} fights x "
        f"{args.rounds} rounds, {drawn - len(fights)} draws skipped"
        + (f" ({', '.join(f'{n}: {why}' for why, n in skipped.items())})" if skipped else "")
    )
    for kind, names in sorted(bad.items()):
        out.summary.append(f"  unusable, {kind}: {', '.join(sorted(names))}")
    out.summary.append(
        f"{ties} of {len(fights) * args.rounds} rounds tied; expected results from "
        f"{args.pmars[0]}, counts from {args.pmars_count} (its Results lines equal)"
    )
    return out


def pmars_command(exe: str, settings: Settings, f: dict, rounds: int, cycles: int) -> list[str]:
    flags = pmars_flags(settings.with_(max_cycles=cycles))
    return [exe, "-b", "-r", str(rounds), "-F", str(f["F"]), *flags, f["a_path"], f["b_path"]]


def results_line(out: str) -> str:
    lines = out.strip().splitlines()
    return lines[-1] if lines else "(no output)"


def pmars_expected(exe: str, counter: str, settings: Settings, f: dict) -> dict:
    """A fight's wins, losses, ties (pristine pMARS) and instruction count (pmars-count)."""
    cmd = pmars_command(exe, settings, f, f["rounds"], settings.max_cycles)
    pristine = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    counted = subprocess.run([counter, *cmd[1:]], capture_output=True, text=True, errors="replace")
    line = results_line(pristine.stdout)
    words = line.split()
    if pristine.returncode != 0 or len(words) != 4 or words[0] != "Results:":
        raise SystemExit(f"{shlex.join(cmd)}: no Results line ({line!r})")
    if results_line(counted.stdout) != line:
        raise SystemExit(f"{counter} and {exe} differ on {shlex.join(cmd[1:])}")
    tail = results_line(counted.stderr).split()
    if tail[:2] != ["instructions", "executed:"]:
        raise SystemExit(f"{counter}: no 'instructions executed: N' on stderr")
    wins, losses, ties = (int(x) for x in words[1:])
    return {"A_wins": wins, "B_wins": losses, "ties": ties, "instructions": int(tail[2])}


# ------------------------------------------------------------------------ contenders


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
        raise SystemExit(
            f"MISMATCH arena {f['a']} vs {f['b']} -F {f['F']}: got {got}, pMARS {want}"
        )
    return res.instructions


def play_drq_fight(settings, fight) -> int:
    a, b, f = fight
    res = play([a, b], settings, rounds=f["rounds"], fixed_position=f["F"], drq=True)
    return res.instructions


def pmars_fight(exe: str, settings, f: dict) -> float:
    """Seconds pMARS takes for one fight, less its start-up and parsing (``-r 1 -c 1``)."""
    times = []
    for rounds, cycles in ((f["rounds"], settings.max_cycles), (1, 1)):
        cmd = pmars_command(exe, settings, f, rounds, cycles)
        t0 = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, errors="replace").stdout
        times.append(time.perf_counter() - t0)
        if rounds == f["rounds"]:
            want = f"Results: {f['A_wins']} {f['B_wins']} {f['ties']}"
            got = results_line(out)
            if got != want:
                raise SystemExit(f"MISMATCH {shlex.join(cmd)}: {got!r}, expected {want!r}")
    return max(times[0] - times[1], 1e-9)


def external_fight(label: str, cmd: list[str], f: dict, uncounted: set, disagree: dict) -> float:
    """Seconds another simulator's driver reports for one fight; other results than pMARS's
    are booked in ``disagree[label]`` (fight -> its and pMARS's results), not fatal."""
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    except OSError as e:
        raise SystemExit(f"cannot run {cmd[0]}: {e.strerror}") from None
    words = out.stdout.split()
    want = [f["A_wins"], f["B_wins"], f["ties"], f["instructions"]]
    try:
        got = [int(x) for x in words[:3]]
        got.append(f["instructions"] if words[3] == "-" else int(words[3]))
        seconds = float(words[4])
    except (ValueError, IndexError):
        got, seconds = None, 0.0
    if got is None:
        err = out.stderr.strip().splitlines()[-1:] if out.stderr.strip() else []
        raise SystemExit(f"MISMATCH {shlex.join(cmd)}: {words} {err}, expected {want}")
    if got != want:
        fight = f"{Path(f['a']).stem} vs {Path(f['b']).stem} -F {f['F']}"
        disagree.setdefault(label, {})[fight] = (tuple(got), tuple(want))
    if words[3] == "-":
        uncounted.add(label)
    return seconds


def fill(template: list[str], f: dict) -> list[str]:
    fields = {"a": Path(f["a"]).stem, "b": Path(f["b"]).stem, "F": str(f["F"])}
    fields |= {"rounds": str(f["rounds"])}
    fields |= {k: f[k] for k in ("a_path", "b_path", "a_load", "b_load")}
    return [part.format(**fields) for part in template]


def pycorewar_template(python: str, settings: Settings) -> list[str]:
    return [
        python, str(DRIVER),
        "--coresize", str(settings.core_size), "--cycles", str(settings.max_cycles),
        "--processes", str(settings.max_processes), "--maxlength", str(settings.max_length),
        "--distance", str(settings.min_distance),
        "--rounds", "{rounds}", "-F", "{F}", "{a_load}", "{b_load}",
    ]  # fmt: skip


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


@dataclass
class Contenders:
    timers: dict[str, Callable]  # name -> fight -> seconds
    arena: list[str]  # arena's one-core names
    uncounted: set = field(default_factory=set)  # drivers that printed '-' as the count
    disagree: dict = field(default_factory=dict)  # label -> {fight: (its, pMARS's results)}
    drq: dict | None = None  # id(fight) -> instructions under DRQ rules


def contenders(settings, args, with_drq: bool) -> Contenders:
    """Arena both ways (and under DRQ rules), then each pMARS, PyCorewar and external."""
    out = Contenders({}, [f"arena, 1 core, {EVERY}", f"arena, 1 core, {STOPPED}"])
    out.timers[out.arena[0]] = lambda f: timed(lambda: play_fight(settings, f, False))
    out.timers[out.arena[1]] = lambda f: timed(lambda: play_fight(settings, f, True))
    if with_drq:
        out.drq = {}

        def drq_timer(fight) -> float:
            t0 = time.perf_counter()
            out.drq[id(fight)] = play_drq_fight(settings, fight)
            return time.perf_counter() - t0

        out.timers[f"arena, 1 core, {DRQ_NAME}"] = drq_timer
    for exe in args.pmars:
        out.timers[f"pMARS ({exe}, start-up taken off)"] = lambda f, exe=exe: pmars_fight(
            exe, settings, f[2]
        )
    externals = []
    if args.pycorewar:
        externals.append((PYCOREWAR, pycorewar_template(args.pycorewar, settings)))
    for spec in args.external:
        label, sep, command = spec.partition("=")
        if not sep or not command.strip():
            raise SystemExit(f"--external wants LABEL=COMMAND, got {spec!r}")
        externals.append((label, shlex.split(command)))
    for label, template in externals:
        out.timers[label] = lambda f, label=label, t=template: external_fight(
            label, fill(t, f[2]), f[2], out.uncounted, out.disagree
        )
    return out


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


# --------------------------------------------------------------------------- report


def measure(fs: FightSet, args) -> None:
    c = contenders(fs.settings, args, args.drq)
    seconds = paired_runs(fs.fights, args.runs, c.timers)
    expected = fs.instructions
    totals = {name: expected for name in c.timers}
    if c.drq is not None:
        totals[f"arena, 1 core, {DRQ_NAME}"] = sum(c.drq.values())
    rows: dict[str, tuple[float, float, list[float]]] = {}
    for name, per_run in seconds.items():
        rates = [totals[name] / sum(run) / 1e6 for run in per_run]
        best = totals[name] / sum(min(col) for col in zip(*per_run, strict=True)) / 1e6
        rows[name] = (statistics.median(rates), best, rates)
    multi: dict[str, tuple[float, list[float]]] = {}
    if not args.single_only and args.threads > 1:
        for mode, stop in ((EVERY, False), (STOPPED, True)):
            rates = []
            for _ in range(args.runs):
                wall, total = run_once(fs.settings, fs.fights, args.threads, stop)
                if total != expected:
                    raise SystemExit(f"MISMATCH total instructions {total} != {expected}")
                rates.append(total / wall / 1e6)
            multi[f"arena, {args.threads} cores, {mode}"] = (statistics.median(rates), rates)

    print(f"\n== set {fs.name}")
    for line in fs.summary:
        print(f"  {line}")
    width = max(len(n) for n in [*rows, *multi]) + 2
    best_head = f"best of {args.runs}/fight"
    print(f"  {'engine':<{width}}{'median MIPS':>12}{best_head:>20}   runs")
    for name, (median, best, rates) in rows.items():
        shown = ", ".join(f"{x:.1f}" for x in rates)
        print(f"  {name:<{width}}{median:>12.1f}{best:>20.1f}   {shown}")
    for name, (median, rates) in multi.items():
        shown = ", ".join(f"{x:.1f}" for x in rates)
        print(f"  {name:<{width}}{median:>12.1f}{'':>20}   {shown}")
    anchors = [n for n in rows if not n.startswith("arena, ")]
    for anchor in anchors:
        print(f"  arena / {anchor} (median; best of {args.runs} per fight):")
        for name in [*c.arena, *multi]:
            ratio = (rows.get(name) or multi[name])[0] / rows[anchor][0]
            best = f"; {rows[name][1] / rows[anchor][1]:.2f}x" if name in rows else ""
            print(f"    {name}: {ratio:.2f}x{best}")
    for mode in (EVERY, STOPPED):
        name = f"arena, {args.threads} cores, {mode}"
        if name in multi:
            one = rows[f"arena, 1 core, {mode}"][0]
            print(f"  {args.threads} cores / 1 core, {mode}: {multi[name][0] / one:.2f}x (medians)")
    exact = "every result and instruction count exact against pMARS 0.9.4 in every run"
    if c.disagree:
        exact = "arena's and every pMARS's results and instruction counts exact in every run"
    print(f"  {expected} instructions; {exact}")
    for label, fights in sorted(c.disagree.items()):
        listed = "; ".join(
            f"{fight}: {' '.join(map(str, its))}, pMARS {' '.join(map(str, want))}"
            for fight, (its, want) in sorted(fights.items())
        )
        print(f"  ({label} disagrees with pMARS 0.9.4 on {len(fights)} of {len(fs.fights)} "
              f"fights (wins losses ties instructions): {listed}; its time there still counts)")  # fmt: skip
    for label in sorted(c.uncounted):
        print(f"  ({label} reports no instruction count: its results were checked, its MIPS "
              "uses pMARS's count)")  # fmt: skip
    if c.drq is not None:
        print(f"  {totals[f'arena, 1 core, {DRQ_NAME}']} instructions under DRQ rules")
    if args.per_fight:
        per_fight(fs, seconds, anchors)


def per_fight(fs: FightSet, seconds: dict, anchors: list[str]) -> None:
    """Each fight's best-of-runs MIPS, arena running every instruction against each
    anchor, sorted by arena's ratio to the first anchor: which fights limit the ratio."""
    ours = f"arena, 1 core, {EVERY}"

    def mips(name: str, i: int, n: int) -> float:
        return n / min(run[i] for run in seconds[name]) / 1e6

    table = []
    for i, (_, _, f) in enumerate(fs.fights):
        n = f["instructions"]
        rates = [mips(ours, i, n), *(mips(a, i, n) for a in anchors)]
        table.append((rates, f"{Path(f['a']).stem} vs {Path(f['b']).stem}", n))
    if anchors:
        table.sort(key=lambda row: row[0][0] / row[0][1])
    heads = "".join(f" | {a.split(' (')[0]} (arena's ratio)" for a in anchors)
    print(f"  per fight, best of runs, MIPS: arena (every instruction){heads}")
    for rates, label, n in table:
        cells = "".join(f" | {r:6.1f} ({rates[0] / r:4.2f}x)" for r in rates[1:])
        print(f"    {rates[0]:6.1f}{cells}  {n / 1e6:6.1f} M  {label}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="NAME",
        help="golden, llm, human or dir:PATH (repeatable; default golden)",
    )
    parser.add_argument("--pairs", type=int, default=30, help="fights in a drawn set")
    parser.add_argument("--rounds", type=int, default=100, help="rounds of a drawn fight")
    parser.add_argument("--seed", type=int, default=1, help="seed of the draws")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per mode (median)")
    parser.add_argument("--threads", type=int, default=available_threads())
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--single-only", action="store_true")
    parser.add_argument(
        "--pmars",
        action="append",
        default=[],
        help="a pMARS binary to time (the first also gives drawn sets' expected results)",
    )
    parser.add_argument(
        "--pmars-count", help="pMARS 0.9.4 with an instruction counter (drawn sets' counts)"
    )
    parser.add_argument("--pycorewar", metavar="VENV_PYTHON", help="time PyCorewar's C core")
    parser.add_argument("--drq", action="store_true", help="also time DRQ-rule rounds")
    parser.add_argument(
        "--per-fight", action="store_true", help="also each fight's MIPS and ratio to anchors"
    )
    parser.add_argument(
        "--external",
        action="append",
        default=[],
        metavar="LABEL=COMMAND",
        help="another simulator's driver to time on the same fights (see above)",
    )
    args = parser.parse_args(argv)
    if args.pairs < 1 or args.rounds < 1 or args.runs < 1:
        parser.error("--pairs, --rounds and --runs must be at least 1")

    with tempfile.TemporaryDirectory(prefix="mips-") as tmp:
        sets = []
        for name in args.sets or ["golden"]:
            t0 = time.perf_counter()
            sets.append(
                golden_set(args.shared) if name == "golden" else drawn_set(name, args, Path(tmp))
            )
            print(f"set {name}: ready in {time.perf_counter() - t0:.1f} s (not timed)")
        first = sets[0]
        t0 = time.perf_counter()
        play_fight(first.settings, first.fights[0])  # compile / warm up
        if args.drq:
            play_drq_fight(first.settings, first.fights[0])  # its kernel too
        print(f"warm-up (compile or load cache): {time.perf_counter() - t0:.2f} s")
        for fs in sets:
            measure(fs, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
