"""``arena battle``: play warriors against each other with pMARS's flags and output.

    arena battle [flags] FILE1 FILE2 [FILE3 ...]
    arena battle --batch FILE|-

The flags are pMARS 0.9.4's, parsed the way pMARS parses them (single letters that may be
clustered, ``-bk``; a value flag takes the next word): ``-r`` rounds, ``-s`` core size,
``-c`` cycles, ``-p`` processes, ``-l`` length, ``-d`` distance, ``-S`` P-space size,
``-R``/``-W`` read/write limits, ``-F`` fixed position (seed), ``-f`` checksum seed,
``-P`` all permutations, ``-k`` KotH output, ``-b`` brief, ``-o`` sort by score,
``-=`` score formula. Ours: ``--json`` (per-round records), ``--drq`` (Digital Red Queen
metrics), ``--seed N`` (seed₀ without -F/-f), ``--threads N``.

``-k`` prints exactly what pMARS prints; without it a table. ``--batch`` reads one JSON
object per line, ``{"args": [...]}`` with the arguments of one ``arena battle`` call, and
writes one JSON line per input line (``args``, ``wins``, ``ties``, ``losses``,
``instructions``, ``seconds``, or ``error``). Bad flags or files: one line on stderr and
exit status 2.
"""

from __future__ import annotations

import io
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import click

from arena.battle import BattleResult, PlacementError, play
from arena.commands import fail
from arena.errors import UsageError
from arena.mars.engine import available_threads
from arena.redcode.files import load_warrior_file
from arena.redcode.model import Warrior
from arena.scoring import (
    DEFAULT_FORMULA,
    ScoreFormulaError,
    drq_fitness,
    k_output,
    pmars_scores,
    score_points,
    wlt,
)
from arena.settings import (
    FIELDS,
    MAX_WARRIORS,
    Settings,
    build_settings,
    check_memory,
    pmars_flag,
    preset,
)

USAGE_ERROR = 2


class BattleUsageError(UsageError):
    """A bad flag, value or file: reported as one line, exit status 2."""


# letter -> field, from the one table of settings (pMARS's letters and ranges)
_VALUE_FLAGS: dict[str, str] = {f.letter: name for name, f in FIELDS.items()}
_BOOL_FLAGS = {"k": "koth", "b": "brief", "f": "checksum", "P": "permutate", "o": "sort"}


@dataclass
class BattleArgs:
    """One ``arena battle`` invocation, parsed."""

    files: list[str] = field(default_factory=list)
    values: dict[str, int] = field(default_factory=dict)
    koth: bool = False
    brief: bool = False
    checksum: bool = False
    permutate: bool = False
    sort: bool = False
    fixed: str | None = None
    formula: str = DEFAULT_FORMULA
    json: bool = False
    drq: bool = False
    seed: int | None = None
    threads: int | None = None
    batch: str | None = None
    hill: str | None = None  # a settings preset; single flags override it


def _digits(text: str) -> bool:
    """Plain ASCII digits, short enough to be a number of ours (no 5000-digit strings)."""
    return bool(text) and text.isascii() and text.isdigit() and len(text.lstrip("0")) <= 24


def _number(text: str, letter: str, low: int, high: int) -> int:
    if not _digits(text):
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise BattleUsageError(f"bad argument for -{letter}: {shown!r} (a number is expected)")
    value = int(text)
    if not low <= value <= high:
        raise BattleUsageError(f"-{letter} must be in the range {low} - {high}")
    return value


def parse_args(argv: list[str]) -> BattleArgs:
    """pMARS-style parsing of one battle's arguments (our ``--`` options too)."""
    args = BattleArgs()
    words = list(argv)
    i = 0

    def take(flag: str) -> str:
        nonlocal i
        i += 1
        if i >= len(words):
            raise BattleUsageError(f"{flag} needs a value")
        return words[i]

    while i < len(words):
        word = words[i]
        if word.startswith("--") and len(word) > 2:
            name, eq, inline = word[2:].partition("=")
            if name in ("json", "drq"):
                if eq:
                    raise BattleUsageError(f"--{name} takes no value")
                setattr(args, name, True)
            elif name in ("seed", "threads", "batch", "hill"):
                value = inline if eq else take(f"--{name}")
                if name == "batch":
                    args.batch = value
                elif name == "hill":
                    args.hill = preset(value).name
                else:
                    low = 1 if name == "threads" else 0
                    setattr(args, name, _number(value, f"-{name}", low, 2**31 - 1))
            else:
                raise BattleUsageError(f"unknown option --{name}")
        elif word.startswith("-") and len(word) > 1:
            letters = word[1:]
            for j, letter in enumerate(letters):
                last = j == len(letters) - 1
                if letter in _BOOL_FLAGS:
                    key = _BOOL_FLAGS[letter]
                    setattr(args, key, not getattr(args, key))  # pMARS toggles
                elif letter in _VALUE_FLAGS or letter in "F=":
                    if not last:
                        raise BattleUsageError(f"-{letter} needs a value (use -{letter} N)")
                    value = take(f"-{letter}")
                    if letter == "F":
                        args.fixed = value
                    elif letter == "=":
                        args.formula = value
                    else:
                        key = _VALUE_FLAGS[letter]
                        f = FIELDS[key]
                        args.values[key] = _number(value, letter, f.low, f.high)
                else:
                    raise BattleUsageError(f"unknown option -{letter}")
        else:
            args.files.append(word)
        i += 1
    return args


def settings_for(args: BattleArgs) -> Settings:
    """The Settings of parsed arguments, checked as pMARS checks them (errors by flag)."""
    n = len(args.files)
    values: dict[str, int | None] = dict(args.values)
    if args.permutate and "rounds" not in values:
        values["rounds"] = 0  # resolved below: every (position, first mover)
    if args.permutate and n != 2:
        raise BattleUsageError("-P works with exactly 2 warriors")
    threads = args.threads or available_threads()
    settings = build_settings(
        args.hill, values, warriors=n, battle=n > 0, threads=threads, label=pmars_flag
    )
    if args.permutate and "rounds" not in args.values:
        rounds = 2 * settings.core_size - 4 * settings.min_distance + 2
        settings = settings.with_(rounds=rounds)
        check_memory(settings, threads=threads, label=pmars_flag)
    return settings


def load_warrior(path: str, settings: Settings) -> tuple[Warrior, list[str]]:
    """Assemble one file (Redcode or a pMARS load file); returns it and its warnings."""
    loaded = load_warrior_file(path, settings)
    return loaded.warrior, ([loaded.report.rstrip("\n")] if loaded.report else [])


def _fixed_position(text: str, settings: Settings) -> int:
    if not _digits(text):
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise BattleUsageError(f"-F {shown!r}: only numeric positions are supported")
    value = int(text)
    if value < settings.min_distance:
        raise BattleUsageError("-F (position of warrior 2) must not be less than -d (distance)")
    if value >= 2**31:
        raise BattleUsageError("-F is too large")
    return value


@dataclass
class Prepared:
    args: BattleArgs
    settings: Settings
    warriors: list[Warrior]
    warnings: list[str]
    fixed: int | None


def prepare(argv: list[str]) -> Prepared:
    """Parse, check and load everything one battle needs (no simulation yet)."""
    args = parse_args(argv)
    if args.batch is not None:
        raise BattleUsageError("--batch cannot be combined with a battle's arguments")
    if not args.files:
        raise BattleUsageError("no warrior files given")
    if len(args.files) > MAX_WARRIORS:
        raise BattleUsageError(f"at most {MAX_WARRIORS} warriors")
    if args.checksum and args.fixed is not None:
        raise BattleUsageError("-f and -F are mutually exclusive")
    settings = settings_for(args)
    try:
        score_points(len(args.files), args.formula)
    except ScoreFormulaError:
        raise BattleUsageError(f"bad score formula: {args.formula!r}") from None
    fixed = _fixed_position(args.fixed, settings) if args.fixed is not None else None
    warriors: list[Warrior] = []
    warnings: list[str] = []
    for path in args.files:
        w, warn = load_warrior(path, settings)
        warriors.append(w)
        warnings.extend(warn)
    return Prepared(args, settings, warriors, warnings, fixed)


def run(prep: Prepared) -> BattleResult:
    args = prep.args
    threads = args.threads or available_threads()
    try:
        return play(
            prep.warriors,
            prep.settings,
            fixed_position=prep.fixed,
            checksum_seed=args.checksum,
            seed=args.seed,
            permutate=args.permutate,
            drq=args.drq,
            threads=threads,
        )
    except (PlacementError, ValueError) as exc:
        raise BattleUsageError(str(exc)) from None


def _display_names(prep: Prepared) -> list[str]:
    return [w.name or Path(f).stem for w, f in zip(prep.warriors, prep.args.files, strict=True)]


def json_record(prep: Prepared, res: BattleResult) -> dict:
    """The ``--json`` document: totals and one record per round."""
    n = res.n
    wins, ties, losses = wlt(res.slots)
    names = _display_names(prep)
    rounds = []
    for r in range(res.rounds):
        survivors = res.survivors(r)
        record = {
            "round": r + 1,
            "first": int(res.placement.starters[r]),
            "pos": [int(x) for x in res.placement.positions[r]],
            "start": [int(x) for x in res.starts[r]],
            "steps": int(res.steps[r]),
            "survivors": survivors,
            "tasks_end": [int(x) for x in res.tasks[r]],
            "winner": survivors[0] if len(survivors) == 1 else None,
        }
        if n == 2:
            record["result"] = "T" if len(survivors) == 2 else "AB"[survivors[0]]
        if n > 2:
            record["placement"] = "npos" if res.placement.npos[r] else "posit"
        if res.drq_score is not None:
            record["drq"] = {
                "score": [float(x) for x in res.drq_score[r]],
                "spawned": [int(x) for x in res.drq_spawned[r]],
                "coverage": [int(x) for x in res.drq_coverage[r]],
            }
        rounds.append(record)
    s = prep.settings
    doc = {
        "warriors": [
            {"file": f, "name": name, "author": w.author}
            for f, name, w in zip(prep.args.files, names, prep.warriors, strict=True)
        ],
        "settings": {
            "core_size": s.core_size,
            "max_cycles": s.max_cycles,
            "max_processes": s.max_processes,
            "max_length": s.max_length,
            "min_distance": s.min_distance,
            "pspace_size": s.pspace,
            "read_limit": s.read,
            "write_limit": s.write,
        },
        "rounds": res.rounds,
        "wins": wins,
        "ties": ties,
        "losses": losses,
        "score": pmars_scores(res.slots, prep.args.formula),
        "slots": [[int(x) for x in row] for row in res.slots],
        "k_output": k_output(res.slots, prep.args.formula).splitlines(),
        "instructions": res.instructions,
        "seconds": round(res.seconds, 6),
        "per_round": rounds,
    }
    if res.drq_score is not None:
        fit = drq_fitness(res)
        doc["drq"] = {"score": fit.score, "spawned": fit.spawned, "coverage": fit.coverage}
    return doc


def table(prep: Prepared, res: BattleResult) -> str:
    """A readable results table."""
    n = res.n
    wins, ties, losses = wlt(res.slots)
    scores = pmars_scores(res.slots, prep.args.formula)
    names = _display_names(prep)
    order = list(range(n))
    if prep.args.sort:
        order.sort(key=lambda i: -scores[i])
    fit = drq_fitness(res) if res.drq_score is not None else None
    name_w = max(8, *(len(x) for x in names))
    author_w = max(6, *(len(w.author or "") for w in prep.warriors))
    head = f"{'#':>3}  {'warrior':<{name_w}}  {'author':<{author_w}}  {'wins':>6} {'ties':>6} {'losses':>6} {'score':>7}"
    if fit:
        head += f" {'drq':>7} {'spawned':>9} {'coverage':>9}"
    lines = [head]
    for i in order:
        line = (
            f"{i + 1:>3}  {names[i]:<{name_w}}  {(prep.warriors[i].author or ''):<{author_w}}  "
            f"{wins[i]:>6} {ties[i]:>6} {losses[i]:>6} {scores[i]:>7}"
        )
        if fit:
            line += f" {fit.score[i]:>7.3f} {fit.spawned[i]:>9.1f} {fit.coverage[i]:>9.1f}"
        lines.append(line)
    s = prep.settings
    lines.append(
        f"{res.rounds} rounds, core {s.core_size}, {s.max_cycles} cycles, "
        f"{res.instructions} instructions in {res.seconds:.3f} s"
    )
    return "\n".join(lines) + "\n"


def _parse_batch_line(line: str, number: int) -> list[str]:
    """The ``args`` of one ``--batch`` line; BattleUsageError says what is wrong with it."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BattleUsageError(f"line {number}: not JSON: {exc.msg}") from None
    except RecursionError:
        raise BattleUsageError(f"line {number}: not JSON: nested too deeply") from None
    except ValueError:  # a number of thousands of digits
        raise BattleUsageError(f"line {number}: not usable JSON (a number too long)") from None
    args = obj.get("args") if isinstance(obj, dict) else None
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise BattleUsageError(f'line {number}: expected {{"args": [strings]}}')
    return args


def _batch_line(line: str, number: int) -> dict:
    """The answer to one ``--batch`` line: results, or the error."""
    args = None
    try:
        args = _parse_batch_line(line, number)
        t0 = time.perf_counter()
        prep = prepare(args)
        res = run(prep)
    except UsageError as exc:
        return {"args": args, "error": str(exc)}
    except MemoryError:
        return {"args": args, "error": "out of memory: use smaller settings"}
    wins, ties, losses = wlt(res.slots)
    out: dict = {
        "args": args,
        "wins": wins,
        "ties": ties,
        "losses": losses,
        "instructions": res.instructions,
        "seconds": round(time.perf_counter() - t0, 6),
    }
    if prep.args.koth:
        out["k_output"] = k_output(res.slots, prep.args.formula).splitlines()
    if res.drq_score is not None:
        fit = drq_fitness(res)
        out["drq"] = {"score": fit.score, "spawned": fit.spawned, "coverage": fit.coverage}
    return out


MAX_BATCH_LINE = 1 << 20  # characters; a longer "line" (e.g. /dev/zero) is an error


def _batch_lines(stream) -> Iterator[tuple[int, str]]:
    """(number, text) of each line, a line longer than MAX_BATCH_LINE cut to "" + skipped."""
    number = 0
    while True:
        line = stream.readline(MAX_BATCH_LINE + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_BATCH_LINE and not line.endswith("\n"):
            while True:  # drop the rest of the line, a bounded piece at a time
                rest = stream.readline(MAX_BATCH_LINE)
                if not rest or rest.endswith("\n"):
                    break
            yield number, "\0"  # answered as an error below
            continue
        yield number, line


def _batch(source: str) -> int:
    # bytes that are not UTF-8 become U+FFFD: that line is answered with an error, and
    # the stream goes on
    if source == "-":
        raw = getattr(sys.stdin, "buffer", None)
        stream = io.TextIOWrapper(raw, encoding="utf-8", errors="replace") if raw else sys.stdin
    else:
        if Path(source).exists() and not Path(source).is_file():
            _fail(f"cannot read {source}: not a regular file")
        try:
            stream = open(source, encoding="utf-8", errors="replace")  # noqa: SIM115
        except OSError as exc:
            _fail(f"cannot read {source}: {exc.strerror or exc}")
    try:
        for number, line in _batch_lines(stream):
            if not line.strip():
                continue
            if line == "\0":
                out = {
                    "args": None,
                    "error": f"line {number}: longer than {MAX_BATCH_LINE} characters",
                }
            else:
                out = _batch_line(line, number)
            sys.stdout.write(json.dumps(out) + "\n")
            sys.stdout.flush()
    finally:
        if source != "-":
            stream.close()
        elif stream is not sys.stdin:
            stream.detach()  # leave the process's stdin open
    return 0


def _fail(message: str) -> None:
    fail("battle", message, USAGE_ERROR)


@click.command(
    context_settings={
        "ignore_unknown_options": True,
        "allow_extra_args": True,
        "allow_interspersed_args": False,
        "help_option_names": ["-h", "--help"],
    },
    add_help_option=True,
)
@click.argument("argv", nargs=-1, type=click.UNPROCESSED)
def battle(argv: tuple[str, ...]) -> None:
    """Battle Redcode warriors with pMARS's flags (-r -s -c -p -l -d -S -F -f -P -k -b -= -R -W).

    \b
    Examples:
      arena battle -r 100 -F 4000 dwarf.red imp.red
      arena battle -b -k -r 200 -f a.red b.red c.red
      arena battle --json -r 10 a.red b.red
      arena battle --batch jobs.jsonl      (one {"args": [...]} per line; - for stdin)
    """
    words = list(argv)
    try:
        args = parse_args(words)
        if args.batch is not None:
            if words not in (["--batch", args.batch], [f"--batch={args.batch}"]):
                raise BattleUsageError("--batch takes no other arguments")
            sys.exit(_batch(args.batch))
        prep = prepare(words)
    except UsageError as exc:
        _fail(str(exc))
        return
    for warning in prep.warnings:
        click.echo(warning, err=True)
    try:
        res = run(prep)
    except UsageError as exc:
        _fail(str(exc))
        return
    if prep.args.json:
        sys.stdout.write(json.dumps(json_record(prep, res)) + "\n")
    elif prep.args.koth:
        if res.rounds:  # pMARS prints nothing at all for -r 0
            sys.stdout.write(k_output(res.slots, prep.args.formula))
    else:
        sys.stdout.write(table(prep, res))
    sys.stdout.flush()
