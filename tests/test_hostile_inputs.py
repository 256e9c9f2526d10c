"""Hostile input for every subcommand: malformed, extreme or absurd flags, files and configs.

Every case drives ``arena`` the way a user does (a subprocess of ``python -m arena.cli``;
the full-disk case, which patches the event log, and the cheaper half of the evolve cases,
which would each pay ~1.5 s of imports, run in process with CliRunner) and checks the error
convention of ``arena.errors``: the documented exit status, never a traceback nor the
"internal error ... this is a bug" catch-all, and one line on stderr that names what is
wrong (``warning:`` and ``skipped`` lines aside).

Each subprocess is watched: a case that grows past ``MAX_RSS`` or runs past its time limit
is killed and fails, so a missing memory check cannot take the machine down.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
WARRIORS = REPO / "warriors"
IMP = str(WARRIORS / "imp.red")
DWARF = str(WARRIORS / "dwarf.red")
CHAMELEON = str(WARRIORS / "chameleon.red")  # uses P-space (LDP/STP)

MAX_RSS = 1536 * 1024 * 1024  # bytes: no hostile input may make arena grow past this
FORBIDDEN = ("Traceback", "internal error", "Task exception was never retrieved", "MemoryError")

# a fast hill for the runs that do start (as in test_evolve_run.py)
TINY = (
    "core_size = 800\nmax_cycles = 3000\nmax_processes = 64\nmax_length = 20\n"
    "min_distance = 20\nn_init = 3\n"
)
FAST = ["--seed", "3", "--placements", "2", "--concurrency", "2"]

# --------------------------------------------------------------------------- helpers


@dataclass
class Outcome:
    status: int | None
    stdout: str
    stderr: str
    seconds: float
    peak_rss: int
    killed: str | None = None  # why the watchdog stopped it

    def describe(self) -> str:
        return (
            f"status {self.status} after {self.seconds:.1f} s (peak RSS "
            f"{self.peak_rss >> 20} MiB){' KILLED: ' + self.killed if self.killed else ''}\n"
            f"--- stderr ---\n{self.stderr[-3000:]}\n--- stdout ---\n{self.stdout[-1500:]}"
        )


def rss_of(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def arena(
    *args: str,
    cwd: Path,
    stdin: bytes | str | None = None,
    timeout: float = 30.0,
    env: dict[str, str] | None = None,
    max_rss: int = MAX_RSS,
) -> Outcome:
    """Run ``python -m arena.cli ARGS`` in ``cwd``, watched for time and memory."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.TemporaryFile() as inp,
    ):
        if stdin is not None:
            inp.write(stdin.encode("utf-8") if isinstance(stdin, str) else stdin)
            inp.seek(0)
        start = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "arena.cli", *args],
            cwd=cwd,
            stdin=inp,
            stdout=out,
            stderr=err,
            env=env,
            start_new_session=True,
        )
        peak, killed = 0, None
        while True:
            try:
                process.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                pass
            peak = max(peak, rss_of(process.pid))
            elapsed = time.monotonic() - start
            if peak > max_rss:
                killed = f"RSS {peak >> 20} MiB exceeded {max_rss >> 20} MiB"
            elif elapsed > timeout:
                killed = f"still running after {timeout:.0f} s"
            if killed:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                break
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        return Outcome(
            None if killed else process.returncode,
            out.read().decode("utf-8", errors="replace"),
            err.read().decode("utf-8", errors="replace"),
            seconds,
            peak,
            killed,
        )


def in_process(argv: list[str], *, cwd: Path, stdin: str | None = None) -> Outcome:
    """``arena ARGV`` through click's CliRunner in ``cwd``: for the many cheap cases."""
    import traceback

    from arena.cli import main

    here = os.getcwd()
    os.chdir(cwd)
    try:
        start = time.monotonic()
        result = CliRunner().invoke(main, argv, input=stdin)
        seconds = time.monotonic() - start
    finally:
        os.chdir(here)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # it escaped arena's handler: a user would see this traceback
        stderr += "Traceback (escaped the CLI):\n" + "".join(
            traceback.format_exception(*result.exc_info)
        )
    return Outcome(result.exit_code, result.stdout, stderr, seconds, 0)


def is_noise(line: str) -> bool:
    """Lines a failing command may print besides its one error line."""
    text = line.strip()
    return (
        not text
        or ": warning: " in text
        or text.startswith(("arena hill: skipped", "arena bench: skipped", "arena evolve: skipped"))
    )


def assert_clean(o: Outcome) -> None:
    assert o.killed is None, o.describe()
    for bad in FORBIDDEN:
        assert bad not in o.stdout and bad not in o.stderr, f"{bad!r} printed\n{o.describe()}"


def error_line(o: Outcome, command: str) -> str:
    """The one error line of a failure (asserts there is exactly one, in the convention)."""
    lines = [line for line in o.stderr.splitlines() if not is_noise(line)]
    assert len(lines) == 1, f"expected one error line on stderr\n{o.describe()}"
    line = lines[0]
    prefix = f"arena {command}: error: "
    assert line.startswith(prefix), f"the error line does not start with {prefix!r}\n{o.describe()}"
    return line


def assert_names(text: str, names: tuple[str, ...], o: Outcome) -> None:
    if names:
        assert any(n in text for n in names), (
            f"the message does not name the culprit (any of {names!r})\n{o.describe()}"
        )


# --------------------------------------------------------------------------- hostile files


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Bad files, made once: binary, empty, not assembling, 20 MB, a directory..."""
    d = tmp_path_factory.mktemp("hostile")
    noise = bytes((i * 7919 + 13) % 251 for i in range(4000))  # binary, no ';' comments
    (d / "bin.red").write_bytes(b"\x89PNG\r\n\x1a\n" + noise.replace(b";", b"\xff"))
    (d / "empty.red").write_bytes(b"")
    (d / "noasm.red").write_text(";redcode-94\nstart mov 0, 1\n jmp nowhere\n end start\n")
    with open(d / "big.red", "wb") as handle:
        line = b"        mov.i  $0, $1\n"
        handle.write(line * (20_000_000 // len(line) + 1))
    (d / "dir.red").mkdir()
    (d / "emptydir").mkdir()
    (d / "afile").write_text("not a directory\n")
    (d / "huge.toml").write_bytes(b"# padding\n" * 2_100_000)
    (d / "bin.toml").write_bytes(bytes(range(256)) * 4)
    return d


def expand(words: list[str], hostile: Path, tmp: Path) -> list[str]:
    return [
        w.format(H=hostile, T=tmp, IMP=IMP, DWARF=DWARF, CHAMELEON=CHAMELEON, W=WARRIORS)
        for w in words
    ]


@dataclass(frozen=True)
class Case:
    id: str
    argv: list[str]  # after "arena"; {H} hostile files, {T} tmp_path, {IMP} {DWARF} ...
    status: int | tuple[int, ...]
    names: tuple[str, ...] = ()  # the message names at least one of these
    files: dict[str, bytes | str] = field(default_factory=dict)  # written under tmp_path
    absent: str | None = None  # a path under tmp_path that must not exist afterwards
    stdin: str | None = None
    timeout: float = 30.0
    inprocess: bool = False  # through CliRunner (cheap); the default is a real subprocess

    def param(self):
        return pytest.param(self, id=self.id)


def run_case(case: Case, hostile: Path, tmp_path: Path) -> Outcome:
    for name, content in case.files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    argv = expand(case.argv, hostile, tmp_path)
    if case.inprocess:
        o = in_process(argv, cwd=tmp_path, stdin=case.stdin)
    else:
        o = arena(*argv, cwd=tmp_path, stdin=case.stdin, timeout=case.timeout)
    assert_clean(o)
    command = case.argv[0]
    wanted = case.status if isinstance(case.status, tuple) else (case.status,)
    assert o.status in wanted, f"expected exit status {case.status}\n{o.describe()}"
    if o.status not in (0, 3):
        assert_names(error_line(o, command), case.names, o)
    elif o.status == 3:  # pMARS's own report (several lines), with ;file for each file
        assert_names(o.stderr, case.names, o)
    if case.absent is not None:
        left = tmp_path / case.absent
        assert not left.exists(), f"{left} was left behind\n{o.describe()}"
    return o


# --------------------------------------------------------------------------- assemble

# fmt: off
ASSEMBLE = [
    Case("assemble-unknown-flag", ["assemble", "--bogus", "{IMP}"], 2, ("--bogus",)),
    Case("assemble-missing-value", ["assemble", "-s"], 2, ("-s",)),
    Case("assemble-no-files", ["assemble"], 2, ("FILES",)),
    Case("assemble-core-zero", ["assemble", "-s", "0", "{IMP}"], 2, ("-s",)),
    Case("assemble-core-negative", ["assemble", "-s", "-5", "{IMP}"], 2, ("-s",)),
    Case("assemble-core-not-a-number", ["assemble", "-s", "lots", "{IMP}"], 2, ("-s",)),
    Case("assemble-core-huge", ["assemble", "-s", str(2**70), "{IMP}"], 2, ("-s",)),
    Case("assemble-length-huge", ["assemble", "-l", "5000", "{IMP}"], 2, ("-l",)),
    Case("assemble-pspace-zero", ["assemble", "-S", "0", "{IMP}"], 2, ("-S",)),
    Case("assemble-pspace-over-core", ["assemble", "-S", "9000", "{IMP}"], 2, ("-S",)),
    Case("assemble-distance-below-length", ["assemble", "-d", "5", "-l", "50", "{IMP}"], 2,
         ("-d",)),
    Case("assemble-read-limit-not-dividing", ["assemble", "-R", "3", "{IMP}"], 2, ("-R",)),
    Case("assemble-write-limit-not-dividing", ["assemble", "-W", "7", "{IMP}"], 2, ("-W",)),
    Case("assemble-unknown-hill", ["assemble", "--hill", "nope", "{IMP}"], 2, ("--hill",)),
    Case("assemble-nonexistent-file", ["assemble", "{T}/nonexistent.red"], 3,
         ("nonexistent.red",)),
    Case("assemble-directory", ["assemble", "{H}/dir.red"], 2, ("dir.red",)),
    Case("assemble-binary-file", ["assemble", "{IMP}", "{H}/bin.red"], 3, ("bin.red",)),
    Case("assemble-does-not-assemble", ["assemble", "{IMP}", "{H}/noasm.red"], 3,
         ("noasm.red",)),
    Case("assemble-20MB-file", ["assemble", "{IMP}", "{H}/big.red"], 3, ("big.red",)),
    Case("assemble-dev-zero", ["assemble", "{IMP}", "/dev/zero"], 3, ("/dev/zero",),
         timeout=10),
    Case("assemble-empty-file", ["assemble", "{H}/empty.red"], (0, 3)),
]

# --------------------------------------------------------------------------- battle

N5000 = "9" * 5000  # past Python's 4300-digit limit for int(str)
B = ["{IMP}", "{DWARF}"]
BATTLE = [
    Case("battle-unknown-letter", ["battle", "-x", *B], 2, ("-x",)),
    Case("battle-unknown-long-flag", ["battle", "--bogus", *B], 2, ("--bogus",)),
    Case("battle-csv-with-json", ["battle", "--json", "--csv", *B], 2, ("--csv",)),
    Case("battle-missing-value-at-end", ["battle", *B, "-r"], 2, ("-r",)),
    Case("battle-missing-seed-value", ["battle", *B, "--seed"], 2, ("--seed",)),
    Case("battle-value-flag-clustered", ["battle", "-rk", "5", *B], 2, ("-r",)),
    Case("battle-rounds-negative", ["battle", "-r", "-1", *B], 2, ("-r",)),
    Case("battle-rounds-not-a-number", ["battle", "-r", "ten", *B], 2, ("-r",)),
    Case("battle-core-zero", ["battle", "-s", "0", *B], 2, ("-s",)),
    Case("battle-core-over-max", ["battle", "-s", "99999999999", *B], 2, ("-s",)),
    Case("battle-cycles-zero", ["battle", "-c", "0", *B], 2, ("-c",)),
    Case("battle-cycles-2**70", ["battle", "-c", str(2**70), *B], 2, ("-c",)),
    Case("battle-processes-zero", ["battle", "-p", "0", *B], 2, ("-p",)),
    Case("battle-length-zero", ["battle", "-l", "0", *B], 2, ("-l",)),
    Case("battle-distance-zero", ["battle", "-d", "0", *B], 2, ("-d",)),
    Case("battle-pspace-zero", ["battle", "-S", "0", *B], 2, ("-S",)),
    Case("battle-processes-max-memory", ["battle", "-p", "2147483647", *B], 2, ("-p",),
         timeout=10),
    Case("battle-core-max-memory", ["battle", "-s", "1073741824", *B], 2, ("-s",), timeout=10),
    Case("battle-rounds-max-memory", ["battle", "-r", "2147483647", *B], 2, ("-r",),
         timeout=10),
    Case("battle-distance-below-length", ["battle", "-d", "10", "-l", "50", *B], 2, ("-d",)),
    Case("battle-core-too-small", ["battle", "-s", "100", *B], 2, ("-s", "-d")),
    Case("battle-core-too-small-melee", ["battle", "-s", "250", "-l", "5", "-d", "100", *B,
                                         "{IMP}"], 2, ("-s", "-d")),
    Case("battle-read-limit-not-dividing", ["battle", "-R", "3", *B], 2, ("-R",)),
    Case("battle-write-limit-not-dividing", ["battle", "-W", "7", *B], 2, ("-W",)),
    Case("battle-read-limit-over-core", ["battle", "-R", "16000", *B], 2, ("-R",)),
    Case("battle-F-not-a-number", ["battle", "-F", "abc", *B], 2, ("-F",)),
    Case("battle-F-negative", ["battle", "-F", "-5", *B], 2, ("-F",)),
    Case("battle-F-empty", ["battle", "-F", "", *B], 2, ("-F",)),
    Case("battle-F-huge", ["battle", "-F", "99999999999", *B], 2, ("-F",)),
    Case("battle-F-below-distance", ["battle", "-F", "50", *B], 2, ("-F",)),
    Case("battle-F-with-f", ["battle", "-f", "-F", "200", *B], 2, ("-F",)),
    Case("battle-formula-junk", ["battle", "-=", "junk", *B], 2, ("formula",)),
    Case("battle-formula-division-by-zero", ["battle", "-=", "W/0", *B], 2, ("formula",)),
    Case("battle-formula-unbalanced", ["battle", "-=", "((((", *B], 2, ("formula",)),
    Case("battle-formula-nested-3000", ["battle", "-=", "(" * 3000 + "W" + ")" * 3000, *B], 2,
         ("formula",)),
    Case("battle-formula-empty", ["battle", "-=", "", *B], 2, ("formula",)),
    Case("battle-rounds-5000-digits", ["battle", "-r", N5000, *B], 2, ("-r",)),
    Case("battle-seed-5000-digits", ["battle", "--seed", N5000, *B], 2, ("--seed",)),
    Case("battle-F-5000-digits", ["battle", "-F", N5000, *B], 2, ("-F",)),
    Case("battle-unknown-hill", ["battle", "--hill", "nope", *B], 2, ("--hill",)),
    Case("battle-threads-zero", ["battle", "--threads", "0", *B], 2, ("--threads",)),
    Case("battle-seed-negative", ["battle", "--seed", "-1", *B], 2, ("--seed",)),
    Case("battle-json-with-value", ["battle", "--json=yes", *B], 2, ("--json",)),
    Case("battle-P-with-three", ["battle", "-P", *B, "{IMP}"], 2, ("-P",)),
    Case("battle-no-files", ["battle", "-r", "1"], 2, ("warrior",)),
    Case("battle-101-warriors", ["battle", *(["{IMP}"] * 101)], 2, ("100 warriors",)),
    Case("battle-nonexistent-file", ["battle", "{T}/nonexistent.red", "{DWARF}"], 2,
         ("nonexistent.red",)),
    Case("battle-directory", ["battle", "{H}/dir.red", "{DWARF}"], 2, ("dir.red",)),
    Case("battle-binary-file", ["battle", "{H}/bin.red", "{DWARF}"], 2, ("bin.red",)),
    Case("battle-empty-file", ["battle", "{H}/empty.red", "{DWARF}"], 2, ("empty.red",)),
    Case("battle-does-not-assemble", ["battle", "{H}/noasm.red", "{DWARF}"], 2,
         ("noasm.red",)),
    Case("battle-20MB-file", ["battle", "{H}/big.red", "{DWARF}"], 2, ("big.red",)),
    Case("battle-batch-with-other-args", ["battle", "--batch", "-", "-r", "1"], 2,
         ("--batch",)),
    Case("battle-batch-nonexistent", ["battle", "--batch", "{T}/jobs.jsonl"], 2,
         ("jobs.jsonl",)),
    Case("battle-batch-directory", ["battle", "--batch", "{H}/dir.red"], 2, ("dir.red",)),
]

# --------------------------------------------------------------------------- hill

H2 = ["{IMP}", "{DWARF}", "--no-cache", "-q"]
HILL = [
    Case("hill-one-warrior", ["hill", "{IMP}", "--no-cache", "-q"], 2, ("two warriors",)),
    Case("hill-no-warriors", ["hill", "--no-cache", "-q"], 2, ("warriors",)),
    Case("hill-empty-directory", ["hill", "{H}/emptydir", "{IMP}", "--no-cache", "-q"], 2,
         ("emptydir",)),
    Case("hill-json-and-csv", ["hill", *H2, "--json", "--csv"], 2, ("--json", "--csv")),
    Case("hill-unknown-flag", ["hill", *H2, "--bogus"], 2, ("--bogus",)),
    Case("hill-missing-value", ["hill", *H2, "--rounds"], 2, ("--rounds",)),
    Case("hill-rounds-zero", ["hill", *H2, "--rounds", "0"], 2, ("--rounds",)),
    Case("hill-rounds-negative", ["hill", *H2, "--rounds", "-4"], 2, ("--rounds",)),
    Case("hill-rounds-2**70", ["hill", *H2, "--rounds", str(2**70)], 2, ("--rounds",)),
    Case("hill-rounds-max", ["hill", *H2, "--rounds", "2147483647"], 2, ("--rounds", "-r"),
         timeout=15),
    Case("hill-rounds-twice", ["hill", *H2, "--rounds", "2", "-r", "2"], 2, ("--rounds",)),
    Case("hill-threads-zero", ["hill", *H2, "-j", "0"], 2, ("-j",)),
    Case("hill-threads-huge", ["hill", *H2, "-j", "5000"], 2, ("-j",)),
    Case("hill-seed-5000-digits", ["hill", *H2, "--seed", N5000], 2, ("--seed",)),
    Case("hill-seed-not-a-number", ["hill", *H2, "--seed", "x"], 2, ("--seed",)),
    Case("hill-processes-max-memory", ["hill", *H2, "-p", "2147483647"], 2, ("-p",),
         timeout=10),
    Case("hill-core-too-small", ["hill", *H2, "-s", "80"], 2, ("-s", "-d")),
    Case("hill-distance-below-length", ["hill", *H2, "-d", "5", "-l", "50"], 2, ("-d",)),
    Case("hill-read-limit-not-dividing", ["hill", *H2, "-R", "3"], 2, ("-R",)),
    Case("hill-F-not-supported", ["hill", *H2, "-F", "5"], 2, ("-F",)),
    Case("hill-unknown-hill", ["hill", *H2, "--hill", "nope"], 2, ("--hill",)),
    Case("hill-nonexistent-file", ["hill", "{IMP}", "{T}/nonexistent.red", "--no-cache", "-q"],
         2, ("nonexistent.red",)),
    Case("hill-add-nonexistent", ["hill", *H2, "--add", "{T}/nonexistent.red"], 2,
         ("nonexistent.red",)),
    Case("hill-binary-file", ["hill", "{IMP}", "{H}/bin.red", "--no-cache", "-q"], 2,
         ("bin.red",)),
    Case("hill-empty-file", ["hill", "{IMP}", "{DWARF}", "{H}/empty.red", "--no-cache", "-q"],
         2, ("empty.red",)),
    Case("hill-does-not-assemble", ["hill", "{IMP}", "{H}/noasm.red", "--no-cache", "-q"], 2,
         ("noasm.red",)),
    Case("hill-20MB-file", ["hill", "{IMP}", "{H}/big.red", "--no-cache", "-q"], 2,
         ("big.red",)),
    Case("hill-cache-dir-is-a-file", ["hill", "{IMP}", "{DWARF}", "-q", "--cache-dir",
                                      "{H}/afile"], 2, ("--cache-dir", "afile")),
]

# --------------------------------------------------------------------------- bench

BENCH = [
    Case("bench-empty-against", ["bench", "{IMP}", "--against", "{H}/emptydir", "--no-cache",
                                 "-q"], 2, ("--against", "emptydir")),
    Case("bench-nonexistent-against", ["bench", "{IMP}", "--against", "{T}/nowhere",
                                       "--no-cache", "-q"], 2, ("nowhere",)),
    Case("bench-no-warriors", ["bench", "--no-cache", "-q"], 2, ("WARRIORS",)),
    Case("bench-empty-directory", ["bench", "{H}/emptydir", "--against", "{DWARF}",
                                   "--no-cache", "-q"], 2, ("emptydir",)),
    Case("bench-unknown-flag", ["bench", "{IMP}", "--bogus"], 2, ("--bogus",)),
    Case("bench-json-and-csv", ["bench", "{IMP}", "--json", "--csv"], 2, ("--csv",)),
    Case("bench-missing-value", ["bench", "{IMP}", "--placements"], 2, ("--placements",)),
    Case("bench-placements-zero", ["bench", "{IMP}", "--placements", "0"], 2,
         ("--placements",)),
    Case("bench-placements-2**70", ["bench", "{IMP}", "--placements", str(2**70)], 2,
         ("--placements",)),
    Case("bench-placements-max", ["bench", "{IMP}", "--against", "{DWARF}", "--no-cache", "-q",
                                  "--placements", "2147483647"], 2, ("--placements",),
         timeout=15),
    Case("bench-rounds-flag", ["bench", "{IMP}", "-r", "3"], 2, ("--placements",)),
    Case("bench-core-too-small", ["bench", "{IMP}", "-s", "80", "--no-cache"], 2, ("-s", "-d")),
    Case("bench-write-limit-not-dividing", ["bench", "{IMP}", "-W", "7", "--no-cache"], 2,
         ("-W",)),
    Case("bench-unknown-hill", ["bench", "{IMP}", "--hill", "nope"], 2, ("--hill",)),
    Case("bench-threads-zero", ["bench", "{IMP}", "-j", "0"], 2, ("-j",)),
    Case("bench-binary-file", ["bench", "{H}/bin.red", "--no-cache", "-q"], 2, ("bin.red",)),
    Case("bench-empty-file", ["bench", "{H}/empty.red", "--no-cache", "-q"], 2,
         ("empty.red",)),
    Case("bench-does-not-assemble", ["bench", "{H}/noasm.red", "--no-cache", "-q"], 2,
         ("noasm.red",)),
    Case("bench-20MB-file", ["bench", "{H}/big.red", "--no-cache", "-q"], 2, ("big.red",)),
    Case("bench-nonexistent-file", ["bench", "{T}/nonexistent.red", "--no-cache", "-q"], 2,
         ("nonexistent.red",)),
]

# --------------------------------------------------------------------------- evolve

R = "{T}/run"
E = ["evolve", "--run-dir", R, "--rounds", "1", "--iterations", "0"]


def cfg(case_id: str, text: str | bytes, names: tuple[str, ...], status: int = 2) -> Case:
    """An evolve run with a hostile config file: refused, and no run dir left behind."""
    return Case(case_id, [*E, "--config", "{T}/c.toml"], status, names,
                files={"c.toml": text}, absent="run")


EVOLVE = [
    Case("evolve-unknown-flag", [*E, "--bogus"], 2, ("--bogus",), absent="run"),
    Case("evolve-missing-value", [*E, "--seed"], 2, ("--seed",), absent="run"),
    Case("evolve-rounds-zero", ["evolve", "--run-dir", R, "--rounds", "0"], 2, ("--rounds",),
         absent="run"),
    Case("evolve-rounds-negative", ["evolve", "--run-dir", R, "--rounds", "-3"], 2,
         ("--rounds",), absent="run"),
    Case("evolve-rounds-not-a-number", ["evolve", "--run-dir", R, "--rounds", "many"], 2,
         ("--rounds",), absent="run"),
    Case("evolve-iterations-negative", [*E, "--iterations", "-1"], 2, ("--iterations",),
         absent="run"),
    Case("evolve-placements-zero", [*E, "--placements", "0"], 2, ("--placements",),
         absent="run"),
    Case("evolve-placements-2**70", [*E, "--placements", str(2**70)], 2, ("placements",),
         absent="run"),
    Case("evolve-seed-2**70", [*E, "--seed", str(2**70)], 2, ("seed",), absent="run"),
    Case("evolve-concurrency-zero", [*E, "--concurrency", "0"], 2, ("--concurrency",),
         absent="run"),
    Case("evolve-concurrency-huge", [*E, "--concurrency", "5000"], 2, ("--concurrency",),
         absent="run"),
    Case("evolve-early-stop-nan", [*E, "--early-stop", "nan"], 2, ("early_stop", "--early-stop"),
         absent="run"),
    Case("evolve-early-stop-negative", [*E, "--early-stop", "-1"], 2,
         ("early_stop", "--early-stop"), absent="run"),
    Case("evolve-max-tokens-zero", [*E, "--max-tokens", "0"], 2, ("--max-tokens",),
         absent="run"),
    Case("evolve-core-zero", [*E, "-s", "0"], 2, ("-s",), absent="run"),
    Case("evolve-distance-below-length", [*E, "-d", "5", "-l", "50"], 2, ("-d",), absent="run"),
    Case("evolve-core-too-small", [*E, "-s", "100"], 2, ("-s", "core_size"), absent="run"),
    Case("evolve-read-limit-not-dividing", [*E, "-R", "3"], 2, ("-R",), absent="run"),
    Case("evolve-processes-max-memory", [*E, "-p", "2147483647"], 2, ("-p", "max_processes"),
         absent="run", timeout=15),
    Case("evolve-unknown-hill", [*E, "--hill", "nope"], 2, ("--hill",), absent="run"),
    Case("evolve-hill-94nop-pspace-opponent", [*E, "--hill", "94nop", "--opponents",
                                               "{CHAMELEON}"], 2, ("chameleon.red",),
         absent="run"),
    Case("evolve-opponents-nonexistent", [*E, "--opponents", "{T}/nonexistent.red"], 2,
         ("nonexistent.red",), absent="run"),
    Case("evolve-opponents-empty-directory", [*E, "--opponents", "{H}/emptydir"], 2,
         ("emptydir",), absent="run"),
    Case("evolve-opponents-binary", [*E, "--opponents", "{H}/bin.red"], 2, ("bin.red",),
         absent="run"),
    Case("evolve-opponents-empty-file", [*E, "--opponents", "{H}/empty.red"], 2,
         ("empty.red",), absent="run"),
    Case("evolve-opponents-does-not-assemble", [*E, "--opponents", "{H}/noasm.red"], 2,
         ("noasm.red",), absent="run"),
    Case("evolve-opponents-20MB", [*E, "--opponents", "{H}/big.red"], 2, ("big.red",),
         absent="run"),
    Case("evolve-eval-against-nonexistent", [*E, "--eval-against", "{T}/held"], 2, ("held",),
         absent="run"),
    Case("evolve-config-directory", [*E, "--config", "{H}/dir.red"], 2, ("dir.red",),
         absent="run"),
    Case("evolve-config-nonexistent", [*E, "--config", "{T}/none.toml"], 2, ("none.toml",),
         absent="run"),
    Case("evolve-config-2MB", [*E, "--config", "{H}/huge.toml"], 2, ("huge.toml",),
         absent="run"),
    Case("evolve-config-dev-zero", [*E, "--config", "/dev/zero"], 2, ("/dev/zero",),
         absent="run", timeout=10),
    Case("evolve-config-binary", [*E, "--config", "{H}/bin.toml"], 2, ("bin.toml",),
         absent="run"),
    Case("evolve-unknown-backend", [*E, "--backend", "nope"], 2, ("nope",), absent="run"),
    Case("evolve-backend-option-not-key-value", [*E, "--backend-option", "junk"], 2,
         ("--backend-option",), absent="run"),
    Case("evolve-backend-option-unknown", [*E, "--backend-option", "zzz=1"], 2, ("zzz",),
         absent="run"),
    Case("evolve-backend-option-5000-digits", [*E, "--backend-option", f"temperature={N5000}"],
         2, ("temperature", "--backend-option"), absent="run"),
    Case("evolve-extra-model-malformed", [*E, "--extra-model", "nocolon"], 2, ("nocolon",),
         absent="run"),
    Case("evolve-prompts-dir-nonexistent", [*E, "--prompts-dir", "{T}/prompts"], 2,
         ("prompts",), absent="run"),
    Case("evolve-fitness-unknown", [*E, "--fitness", "x"], 2, ("--fitness",), absent="run"),
    Case("evolve-run-dir-in-proc", ["evolve", "--run-dir", "/proc/x", "--rounds", "1",
                                    "--iterations", "0"], 2, ("/proc/x",)),
    Case("evolve-run-dir-is-a-file", ["evolve", "--run-dir", "{H}/afile", "--rounds", "1",
                                      "--iterations", "0"], 2, ("afile",)),
    Case("evolve-run-dir-under-a-file", ["evolve", "--run-dir", "{H}/afile/run", "--rounds",
                                         "1", "--iterations", "0"], 2, ("afile",)),
    Case("evolve-resume-nothing-there", ["evolve", "--resume", "--run-dir", R], 2, ("run",),
         absent="run"),
    Case("evolve-resume-empty-config", ["evolve", "--resume", "--run-dir", R], 2,
         ("config.toml",), files={"run/config.toml": ""}),
    Case("evolve-resume-binary-config", ["evolve", "--resume", "--run-dir", R], 2,
         ("config.toml",), files={"run/config.toml": b"rounds = 3\n\xff\xfe"}),
    Case("evolve-resume-partial-config", ["evolve", "--resume", "--run-dir", R], 2,
         ("config.toml",), files={"run/config.toml": "rounds = 3\n"}),
    Case("evolve-run-dir-occupied", [*E], 2, ("--resume",),
         files={"run/events.jsonl": "garbage\n"}),
    # config files
    cfg("evolve-config-min-distance-9000", "min_distance = 9000\n", ("min_distance",)),
    cfg("evolve-config-max-processes-zero", "max_processes = 0\n", ("max_processes",)),
    cfg("evolve-config-not-utf8", b"rounds = 3\n\xff\xfe", ("c.toml",)),
    cfg("evolve-config-not-toml", "rounds = = 3\n[[[\n", ("c.toml",)),
    cfg("evolve-config-unknown-key", "bogus = 1\n", ("bogus",)),
    cfg("evolve-config-wrong-type", "rounds = 'many'\n", ("rounds",)),
    cfg("evolve-config-wrong-type-bool", "warm_start = 'yes'\n", ("warm_start",)),
    cfg("evolve-config-wrong-type-list", "opponents = 5\n", ("opponents",)),
    cfg("evolve-config-hill-table-unknown-key", "[hill]\nbogus = 1\n", ("bogus",)),
    cfg("evolve-config-hill-unknown-name", 'hill = "nope"\n', ("nope", "hill")),
    cfg("evolve-config-hill-wrong-type", "hill = 5\n", ("hill",)),
    cfg("evolve-config-hill-table-name-unknown", '[hill]\nname = "nope"\n', ("nope",)),
    cfg("evolve-config-huge-integer", f"rounds = {2**70}\n", ("rounds",)),
    cfg("evolve-config-5000-digits", f"rounds = {N5000}\n", ("rounds",)),
    cfg("evolve-config-huge-core", f"core_size = {2**70}\n", ("core_size",)),
    cfg("evolve-config-nan", "early_stop = nan\n", ("early_stop",)),
    cfg("evolve-config-inf-timeout", "timeout = inf\n", ("timeout",)),
    cfg("evolve-config-probability-over-one", "new_probability = 2.5\n", ("new_probability",)),
    cfg("evolve-config-axes-unknown", 'axes = ["x", "y"]\n', ("axes",)),
    cfg("evolve-config-backend-options-nested", "[backend_options]\na = {b = 1}\n",
        ("backend_options",)),
    cfg("evolve-config-nested-arrays", "opponents = " + "[" * 2000 + "]" * 2000 + "\n",
        ("opponents", "c.toml")),
    cfg("evolve-config-nul-in-string", 'model = "a\\u0000b"\n', ("model",)),
    cfg("evolve-config-version-99", "version = 99\n", ("version",)),
    # cost control and replay
    Case("evolve-max-cost-negative", [*E, "--max-cost", "-1"], 2, ("max_cost",), absent="run"),
    Case("evolve-max-cost-nan", [*E, "--max-cost", "nan"], 2, ("max_cost",), absent="run"),
    Case("evolve-max-total-tokens-negative", [*E, "--max-total-tokens", "-5"], 2,
         ("max_total_tokens",), absent="run"),
    Case("evolve-max-cost-unpriced-model", [*E, "--backend", "openai", "--model", "mystery",
                                            "--base-url", "http://127.0.0.1:9/v1",
                                            "--max-cost", "1"], 2, ("mystery",), absent="run"),
    Case("evolve-replay-from-missing", [*E, "--backend", "replay", "--replay-from",
                                        "{T}/nowhere"], 2, ("nowhere",), absent="run"),
    Case("evolve-replay-from-empty-dir", [*E, "--replay-from", "{H}/emptydir"], 2,
         ("emptydir",), absent="run"),
    Case("evolve-replay-from-a-file", [*E, "--replay-from", "{H}/afile"], 2, ("afile",),
         absent="run"),
    Case("evolve-replay-from-with-openai", [*E, "--backend", "openai", "--replay-from",
                                            "{H}/emptydir"], 2, ("--replay-from",),
         absent="run"),
    Case("evolve-replay-without-replay-from", [*E, "--backend", "replay"], 2,
         ("--replay-from",), absent="run"),
    Case("evolve-dry-run-resume-nothing-there", ["evolve", "--resume", "--dry-run",
                                                 "--run-dir", R], 2, ("run",), absent="run"),
    cfg("evolve-config-pricing-not-a-table", "pricing = 3\n", ("pricing",)),
    cfg("evolve-config-pricing-missing-output", '[pricing]\n"m" = {input = 1.0}\n',
        ("pricing",)),
    cfg("evolve-config-pricing-negative", '[pricing]\n"m" = {input = -1, output = 1}\n',
        ("pricing",)),
    cfg("evolve-config-pricing-unknown-key", '[pricing]\n"m" = {input = 1, output = 1, x = 2}\n',
        ("pricing",)),
    cfg("evolve-config-max-cost-string", 'max_cost = "ten"\n', ("max_cost",)),
]

# What users reported, memory cases and click's own checks run as real subprocesses; the
# rest of the evolve cases (each pays ~1.5 s of imports in a subprocess) run in process.
EVOLVE_SUBPROCESS = {
    "evolve-unknown-flag", "evolve-missing-value", "evolve-rounds-zero",
    "evolve-rounds-negative", "evolve-rounds-not-a-number", "evolve-iterations-negative",
    "evolve-placements-zero", "evolve-concurrency-zero", "evolve-concurrency-huge",
    "evolve-max-tokens-zero", "evolve-core-zero", "evolve-unknown-hill",
    "evolve-fitness-unknown", "evolve-config-directory", "evolve-processes-max-memory",
    "evolve-hill-94nop-pspace-opponent", "evolve-run-dir-in-proc", "evolve-resume-empty-config",
    "evolve-config-max-processes-zero", "evolve-config-not-utf8", "evolve-config-unknown-key",
    "evolve-config-wrong-type", "evolve-config-hill-table-unknown-key",
    "evolve-config-hill-unknown-name", "evolve-config-huge-integer", "evolve-config-nan",
    "evolve-config-dev-zero", "evolve-max-cost-negative", "evolve-replay-from-missing",
}
# fmt: on
EVOLVE = [c if c.id in EVOLVE_SUBPROCESS else replace(c, inprocess=True) for c in EVOLVE]

ALL = [*ASSEMBLE, *BATTLE, *HILL, *BENCH, *EVOLVE]


@pytest.mark.parametrize("case", [c.param() for c in ALL])
def test_hostile_input(case: Case, hostile: Path, tmp_path: Path) -> None:
    run_case(case, hostile, tmp_path)


# --------------------------------------------------------------------------- evolve, users' reports


@pytest.mark.parametrize(
    ("backend", "variable"),
    [("openai", "OPENAI_API_KEY"), ("anthropic", "ANTHROPIC_API_KEY")],
    ids=["openai-key-unset", "anthropic-key-unset"],
)
def test_evolve_missing_api_key(backend: str, variable: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != variable}
    run = tmp_path / "run"
    o = arena(
        "evolve",
        "--backend",
        backend,
        "--model",
        "x",
        "--rounds",
        "1",
        "--iterations",
        "2",
        "--run-dir",
        str(run),
        cwd=tmp_path,
        env=env,
    )
    assert_clean(o)
    assert o.status == 2, o.describe()
    assert_names(error_line(o, "evolve"), (variable,), o)
    assert not run.exists(), o.describe()


def test_evolve_min_distance_9000_then_resume(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("min_distance = 9000\n")
    run = tmp_path / "run"
    o = arena(
        "evolve",
        "--config",
        str(config),
        "--run-dir",
        str(run),
        "--rounds",
        "1",
        "--iterations",
        "2",
        cwd=tmp_path,
    )
    assert_clean(o)
    assert o.status == 2, o.describe()
    assert_names(error_line(o, "evolve"), ("min_distance",), o)
    assert not run.exists(), o.describe()
    again = arena("evolve", "--resume", "--run-dir", str(run), cwd=tmp_path)
    assert_clean(again)
    assert again.status == 2, again.describe()
    assert_names(error_line(again, "evolve"), (str(run), "run"), again)


def test_evolve_resume_with_other_settings(tmp_path: Path) -> None:
    from arena.evolve.config import RunConfig

    run = tmp_path / "run"
    run.mkdir()
    (run / "config.toml").write_text(RunConfig().to_toml())
    o = arena(
        "evolve",
        "--resume",
        "--run-dir",
        str(run),
        "--seed",
        "5",
        "--placements",
        "3",
        cwd=tmp_path,
    )
    assert_clean(o)
    assert o.status == 2, o.describe()
    assert_names(error_line(o, "evolve"), ("seed",), o)


def test_evolve_unreachable_dask_cluster(tmp_path: Path) -> None:
    run = tmp_path / "run"
    o = arena(
        "evolve",
        "--dask",
        "tcp://127.0.0.1:1",
        "--rounds",
        "1",
        "--iterations",
        "0",
        "--run-dir",
        str(run),
        cwd=tmp_path,
        timeout=25,
    )
    assert_clean(o)
    assert o.status == 1, o.describe()
    assert o.seconds < 20, o.describe()
    assert_names(error_line(o, "evolve"), ("--dask", "tcp://127.0.0.1:1"), o)
    assert not run.exists(), o.describe()


def test_evolve_ten_billion_rounds_starts_at_once(tmp_path: Path) -> None:
    """No per-round list: the run starts at once and stays small."""
    run = tmp_path / "run"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "arena.cli",
            "evolve",
            "--rounds",
            "10000000000",
            "--iterations",
            "0",
            "--run-dir",
            str(run),
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        start = time.monotonic()
        assert process.stderr is not None
        os.set_blocking(process.stderr.fileno(), False)
        seen, peak = b"", 0
        while time.monotonic() - start < 10 and b"\n" not in seen:
            chunk = process.stderr.read()
            if chunk:
                seen += chunk
            elif process.poll() is not None:
                break
            peak = max(peak, rss_of(process.pid))
            assert peak < 600 << 20, f"RSS {peak >> 20} MiB before starting; stderr: {seen!r}"
            time.sleep(0.05)
        first = seen.split(b"\n")[0].decode("utf-8", errors="replace")
        assert first.startswith("run directory:"), f"within 10 s: {seen[-2000:]!r}"
        for _ in range(20):  # a second after it started
            peak = max(peak, rss_of(process.pid))
            time.sleep(0.05)
        assert process.poll() is None, f"it ended (status {process.returncode}): {seen!r}"
        assert peak < 600 << 20, f"RSS {peak >> 20} MiB"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        process.stderr.close()


# --------------------------------------------------------------------------- full disk


@pytest.mark.parametrize(
    "good", [0, 5, 9], ids=["disk-full-at-once", "disk-full-mid-round", "disk-full-after-a-round"]
)
def test_evolve_disk_full_then_resume(
    good: int, tmp_path: Path, monkeypatch, capfd, caplog
) -> None:
    """Appends fail with ENOSPC after ``good`` of them (round 0 writes 8 + 1 lines)."""
    import arena.evolve.store as store
    from arena.cli import main
    from arena.evolve.store import RunStore

    config = tmp_path / "tiny.toml"
    config.write_text(TINY)
    run = tmp_path / "run"
    args = [
        "evolve",
        "--rounds",
        "2",
        "--iterations",
        "5",
        "--run-dir",
        str(run),
        "--config",
        str(config),
        *FAST,
    ]
    original = store.append_durably
    calls = {"n": 0}

    def full_after_n(path, data):
        calls["n"] += 1
        if calls["n"] > good:
            raise OSError(errno.ENOSPC, "No space left on device")
        original(path, data)

    monkeypatch.setattr(store, "append_durably", full_after_n)
    failed = CliRunner().invoke(main, args)
    gc.collect()  # an unretrieved task's exception is logged when the task is collected
    monkeypatch.setattr(store, "append_durably", original)
    real = capfd.readouterr()
    # asyncio logs "Task exception was never retrieved": pytest's log capture may take it
    text = failed.output + failed.stderr + real.out + real.err + caplog.text
    o = Outcome(failed.exit_code, failed.stdout, failed.stderr + real.err, 0.0, 0)
    for bad in FORBIDDEN:
        assert bad not in text, f"{bad!r} printed\n{o.describe()}\n{failed.exc_info}"
    assert failed.exit_code == 1, f"{o.describe()}\n{failed.exc_info}"
    errors = [line for line in failed.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, o.describe()
    assert errors[0].startswith("arena evolve: error: "), o.describe()
    assert "space" in errors[0] and "--resume" in errors[0], o.describe()

    log = run / "events.jsonl"
    written = (
        [line for line in log.read_text().splitlines() if line.strip()] if log.exists() else []
    )
    assert len(written) == good, written
    resumed = CliRunner().invoke(main, ["evolve", "--resume", "--run-dir", str(run)])
    gc.collect()
    real = capfd.readouterr()
    for bad in FORBIDDEN:
        assert bad not in resumed.output + real.err + caplog.text, resumed.output
    assert resumed.exit_code == 0, resumed.output
    after = (run / "events.jsonl").read_text().splitlines()
    for line in written:
        assert line in after, f"lost after resume: {line[:200]}"
    events = RunStore(run).events()
    assert sum(type(e).__name__ == "CandidateEvent" for e in events) == 2 * (3 + 5)
    assert sum(type(e).__name__ == "RoundEvent" for e in events) == 2


# --------------------------------------------------------------------------- battle --batch

VALID_JOB = json.dumps({"args": ["-r", "1", IMP, DWARF]})
BAD_JOBS = {
    "nested-3000": "[" * 3000 + "]" * 3000,
    "nested-args-3000": '{"args": ' + "[" * 3000 + "]" * 3000 + "}",
    "not-json": "this is not json",
    "not-an-object": "[1, 2, 3]",
    "args-not-strings": '{"args": [1, 2]}',
    "not-utf8": "\udcff",  # replaced by raw bytes below
    "bad-flag": json.dumps({"args": ["-s", "0", IMP, DWARF]}),
    "memory": json.dumps({"args": ["-r", "2147483647", IMP, DWARF]}),
    "nested-batch": json.dumps({"args": ["--batch", "-"]}),
    "nonexistent-file": json.dumps({"args": ["nowhere.red", DWARF]}),
    "huge-number": json.dumps({"args": ["-r", "9" * 5000, IMP, DWARF]}),
    "huge-json-number": '{"args": ["-r", "1"], "x": ' + "9" * 5000 + "}",
}


@pytest.mark.parametrize("bad", list(BAD_JOBS), ids=[f"batch-{k}" for k in BAD_JOBS])
def test_battle_batch_goes_on_after_a_bad_line(bad: str, tmp_path: Path) -> None:
    line = BAD_JOBS[bad].encode("utf-8") if bad != "not-utf8" else b'{"args": ["\xff\xfe"]}'
    o = arena(
        "battle",
        "--batch",
        "-",
        cwd=tmp_path,
        stdin=line + b"\n" + VALID_JOB.encode() + b"\n",
        timeout=20,
    )
    assert_clean(o)
    assert o.status == 0, o.describe()
    answers = [json.loads(x) for x in o.stdout.splitlines() if x.strip()]
    assert len(answers) == 2, o.describe()
    assert "error" in answers[0], o.describe()
    assert "error" not in answers[1] and answers[1]["wins"] is not None, o.describe()


# --------------------------------------------------------------------------- hill cache


def cache_file(cache_dir: Path) -> Path:
    from arena.hill import settings_key
    from arena.settings import build_settings

    key = settings_key(build_settings(None, {}))
    return cache_dir / f"hill-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"


def real_keys() -> list[str]:
    """The cache keys ``arena hill IMP DWARF --rounds 2`` looks up (1 round each order)."""
    from arena.hill import ResultCache, load_warriors
    from arena.settings import build_settings

    x, y = (e.digest for e in load_warriors([IMP, DWARF], build_settings(None, {})))
    return [ResultCache.key(x, y, 1, None), ResultCache.key(y, x, 1, None)]


def _skey() -> str:
    from arena.hill import settings_key
    from arena.settings import build_settings

    return settings_key(build_settings(None, {}))


def _with_results(value: object) -> str:
    return json.dumps(
        {"version": 1, "settings": _skey(), "results": {k: value for k in real_keys()}}
    )


GARBAGE_CACHES = {
    "list": lambda: "[1,2,3]",
    "null": lambda: "null",
    "string": lambda: '"cache"',
    "not-json": lambda: "{{{ not json",
    "not-utf8": lambda: "\udcff",
    "nested-5000": lambda: "[" * 5000 + "]" * 5000,
    "results-wrong-values": lambda: json.dumps(
        {"version": 1, "settings": _skey(), "results": {"a": "x"}}
    ),
    "results-a-list": lambda: json.dumps({"version": 1, "settings": _skey(), "results": [1]}),
    "results-null": lambda: json.dumps({"version": 1, "settings": _skey(), "results": None}),
    "version-string": lambda: json.dumps({"version": "1", "settings": _skey(), "results": {}}),
    "real-keys-short-lists": lambda: _with_results([1, 2]),
    "real-keys-strings": lambda: _with_results(["1", "2", "3"]),
    "real-keys-floats": lambda: _with_results([0.5, 1e400, 2]),
    "real-keys-negative": lambda: _with_results([-1, 0, 1]),
    "real-keys-2**70": lambda: _with_results([2**70, 0, 0]),
    "real-keys-2**63": lambda: _with_results([2**63, 2**63, 2**63]),
}


@pytest.mark.parametrize("kind", list(GARBAGE_CACHES), ids=[f"cache-{k}" for k in GARBAGE_CACHES])
def test_hill_survives_a_garbage_cache(kind: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    text = GARBAGE_CACHES[kind]()
    path = cache_file(cache)
    if kind == "not-utf8":
        path.write_bytes(b'{"version": 1, "settings": "\xff\xfe"}')
    else:
        path.write_text(text)
    o = arena(
        "hill",
        IMP,
        DWARF,
        "--rounds",
        "2",
        "--cache-dir",
        str(cache),
        "-q",
        cwd=tmp_path,
        timeout=20,
    )
    assert_clean(o)
    assert o.status == 0, o.describe()
    assert "rank" in o.stdout and "Imp" in o.stdout and "Dwarf" in o.stdout, o.describe()
    assert "error" not in o.stderr, o.describe()


@pytest.mark.parametrize("command", ["hill", "bench"])
def test_unwritable_cache_dir_is_one_warning(command: str, hostile: Path, tmp_path: Path) -> None:
    where = str(hostile / "afile" / "cache")  # under a regular file
    if command == "hill":
        args = ["hill", IMP, DWARF, "--rounds", "2"]
    else:
        args = ["bench", IMP, "--against", DWARF, "--placements", "2"]
    o = arena(*args, "--cache-dir", where, "-q", cwd=tmp_path, timeout=20)
    assert_clean(o)
    assert o.status == 0, o.describe()
    assert "Imp" in o.stdout, o.describe()
    lines = [line for line in o.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, o.describe()
    assert lines[0].startswith(f"arena {command}: warning: ") and "cache" in lines[0], o.describe()
