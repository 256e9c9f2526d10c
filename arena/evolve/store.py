"""The run directory: what a run writes, written so that a crash never loses a record.

```
run/
  config.toml              the resolved settings of the run (TOML)
  events.jsonl             one JSON line per candidate and per finished round, in order
  events.quarantine.jsonl  lines of events.jsonl that were not valid events, set aside
  champions/round_NNN.red  each round's champion (rebuilt from the events if deleted)
  summary.json             per-round results and how the run ended, after every round
  best.red                 the run's strongest evolved warrior (see arena.evolve.best)
  run.lock                 locked by the process writing the run (its pid inside)
```

Guarantees after a crash or ``kill -9`` at any moment:

* every event whose line was written in full is kept: lines are appended with one
  ``write`` and fsync'd before the run goes on;
* a line that is not a valid event (corrupted by hand, a disk error, a newer writer's
  garbage) is moved, with its line number and the reason, to
  ``events.quarantine.jsonl``, and every other line stays; a line cut short by the
  crash (the last one, without its newline) is set aside the same way: nothing is
  deleted. ``repair`` says what it did, so the user is told;
* whole files (config, champions, summary) are replaced atomically (``arena.io``).

One writer at a time: the process that plays a run holds an OS lock on ``run.lock``
(``RunLock``) while it writes, so a second writer is refused and anyone can ask whether
a run is being written (``writer_of``). The OS drops the lock when the process ends,
even on ``kill -9``, so a crashed run never looks alive.

Secrets never reach the disk: every string of an event goes through the run's
redactor (the values of the API-key variables) before it is written.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from arena.errors import RunFailure, UsageError
from arena.evolve.events import (
    Event,
    EventError,
    RoundEvent,
    dumps,
    parse_line,
)
from arena.io import append_durably, write_atomic

try:
    import fcntl
except ImportError:  # not on Windows: there runs are not locked, and never look alive
    fcntl = None  # type: ignore[assignment]

CONFIG = "config.toml"
EVENTS = "events.jsonl"
QUARANTINE = "events.quarantine.jsonl"
SUMMARY = "summary.json"
BEST = "best.red"
CHAMPIONS = "champions"
LOCK = "run.lock"
OLD_CHECKPOINT = "checkpoint.json"  # written by version 1, never read: removed on resume


class RunDirError(UsageError):
    """A run directory that cannot be used as asked (missing, occupied, not a run)."""


class RunWriteError(RunFailure):
    """The run directory could not be written (full disk, permissions)."""


@dataclass(frozen=True)
class BadLine:
    """A line of events.jsonl that is not a valid event."""

    number: int  # 1-based
    raw: bytes
    reason: str
    torn: bool = False  # the last line, cut short (no newline)


@dataclass
class EventLog:
    """What events.jsonl holds: the valid events in file order, and the bad lines."""

    events: list[Event] = field(default_factory=list)
    bad: list[BadLine] = field(default_factory=list)


@dataclass(frozen=True)
class Repair:
    """What ``repair`` did, in words a user can act on (empty when nothing was wrong)."""

    quarantined: tuple[int, ...] = ()  # line numbers set aside
    torn: bool = False  # the last line was cut short
    kept: int = 0

    def messages(self, root: Path) -> list[str]:
        out = []
        middle = [n for n in self.quarantined if not (self.torn and n == self.quarantined[-1])]
        if middle:
            lines = ", ".join(map(str, middle[:10])) + (" ..." if len(middle) > 10 else "")
            out.append(
                f"{root / EVENTS}: {len(middle)} corrupt line(s) ({lines}) moved to "
                f"{root / QUARANTINE}; the {self.kept} valid lines are kept, and the candidates "
                "of the corrupt lines of an unfinished round are asked for again"
            )
        if self.torn:
            out.append(
                f"{root / EVENTS}: the last line was cut short by a crash; it is kept in "
                f"{root / QUARANTINE} and that candidate is asked for again"
            )
        return out


Redactor = Callable[[str], str]


def _identity(text: str) -> str:
    return text


def _redacted(value: Any, redact: Redactor) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redacted(v, redact) for v in value]
    if isinstance(value, dict):
        return {redact(str(k)): _redacted(v, redact) for k, v in value.items()}
    return value


def redact_event(event: Event, redact: Redactor) -> Event:
    """A copy of ``event`` with every string passed through ``redact``."""
    changes = {}
    for name, value in vars(event).items():
        cleaned = _redacted(value, redact)
        if cleaned != value:
            changes[name] = cleaned
    return replace(event, **changes) if changes else event


class RunStore:
    """Reads and writes one run directory."""

    def __init__(self, root: Path, *, redact: Redactor | None = None) -> None:
        self.root = Path(root)
        self.redact = redact or _identity

    # -- paths -------------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG

    @property
    def events_path(self) -> Path:
        return self.root / EVENTS

    def champion_path(self, round_number: int) -> Path:
        return self.root / CHAMPIONS / f"round_{round_number:03d}.red"

    # -- writing ---------------------------------------------------------------

    def _writing(self, what: str, action: Callable[[], Any]) -> Any:
        try:
            return action()
        except OSError as exc:
            raise RunWriteError(
                f"cannot write {what} in {self.root} ({exc.strerror or exc}); nothing recorded "
                "is lost: free space or fix permissions, then continue with "
                f"arena evolve --resume --run-dir {self.root}"
            ) from None

    def create(self, config_toml: str) -> None:
        """Make the run dir with its config; a dir this call made is removed if it fails."""
        existed = self.root.exists()
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            (self.root / CHAMPIONS).mkdir(exist_ok=True)
            write_atomic(self.config_path, config_toml)
        except OSError as exc:
            if not existed:
                shutil.rmtree(self.root, ignore_errors=True)
            raise RunDirError(
                f"cannot create the run directory {self.root} ({exc.strerror or exc}): "
                "choose another --run-dir"
            ) from None

    def write_config(self, config_toml: str) -> None:
        self._writing(CONFIG, lambda: write_atomic(self.config_path, config_toml))

    def append(self, event: Event) -> None:
        """Append one event, redacted, in one write, fsync'd."""
        line = dumps(redact_event(event, self.redact)).encode("utf-8")
        self._writing(EVENTS, lambda: append_durably(self.events_path, line))

    def write_champion(self, round_number: int, code: str) -> Path:
        path = self.champion_path(round_number)
        text = self.redact(code if code.endswith("\n") else code + "\n")
        self._writing(path.name, lambda: write_atomic(path, text))
        return path

    def write_best(self, text: str) -> None:
        self._writing(BEST, lambda: write_atomic(self.root / BEST, self.redact(text)))

    def write_summary(self, data: dict[str, Any]) -> None:
        text = self.redact(json.dumps(data, indent=1))
        self._writing(SUMMARY, lambda: write_atomic(self.root / SUMMARY, text))

    # -- reading ---------------------------------------------------------------

    def exists(self) -> bool:
        return self.config_path.exists()

    def has_events(self) -> bool:
        try:
            return self.events_path.stat().st_size > 0
        except OSError:
            return False

    def read(self) -> EventLog:
        """Every valid event in file order, and every line that is not one."""
        log = EventLog()
        try:
            data = self.events_path.read_bytes()
        except FileNotFoundError:
            return log
        except OSError as exc:
            raise RunDirError(f"cannot read {self.events_path} ({exc.strerror or exc})") from None
        lines = data.split(b"\n")
        last = len(lines) - 1  # the part after the final newline ("" if the file ends well)
        for number, raw in enumerate(lines, start=1):
            if number - 1 == last and not raw:
                break
            if not raw.strip():
                continue
            try:
                log.events.append(parse_line(raw))
            except EventError as exc:
                torn = number - 1 == last  # no newline after it: the write was cut short
                reason = "cut short by a crash" if torn else str(exc)
                log.bad.append(BadLine(number, raw, reason, torn))
        return log

    def events(self) -> list[Event]:
        return self.read().events

    def repair(self) -> Repair:
        """Set every bad line aside in the quarantine file and keep all the valid ones."""
        log = self.read()
        try:
            size = self.events_path.stat().st_size
            ends_well = size == 0 or _last_byte(self.events_path) == b"\n"
        except OSError:
            return Repair(kept=len(log.events))
        if not log.bad and ends_well:
            return Repair(kept=len(log.events))
        if log.bad:
            self._quarantine(log.bad)
        text = "".join(dumps(e) for e in log.events)
        self._writing(EVENTS, lambda: write_atomic(self.events_path, text))
        return Repair(
            tuple(b.number for b in log.bad), any(b.torn for b in log.bad), len(log.events)
        )

    def _quarantine(self, bad: Iterable[BadLine]) -> None:
        path = self.root / QUARANTINE
        seen = set()
        if path.exists():
            for raw in path.read_bytes().splitlines():
                try:
                    old = json.loads(raw)
                    seen.add((old.get("line"), old.get("base64")))
                except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
                    continue
        when = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        records = []
        for b in bad:
            encoded = base64.b64encode(b.raw).decode("ascii")
            if (b.number, encoded) in seen:
                continue
            record = {
                "line": b.number,
                "reason": b.reason,
                "torn": b.torn,
                "quarantined": when,
                "text": self.redact(b.raw.decode("utf-8", errors="replace")),
                "base64": encoded,
            }
            records.append(json.dumps(record, ensure_ascii=False) + "\n")
        if records:
            data = "".join(records).encode("utf-8")
            self._writing(QUARANTINE, lambda: append_durably(path, data))

    def rebuild_champions(self, rounds: Iterable[RoundEvent]) -> list[Path]:
        """Write back any champion file that is missing; returns the files written."""
        written = []
        for event in rounds:
            if event.code is not None and not self.champion_path(event.round).exists():
                written.append(self.write_champion(event.round, event.code))
        return written

    def remove_old_checkpoint(self) -> None:
        (self.root / OLD_CHECKPOINT).unlink(missing_ok=True)

    def summary(self) -> dict[str, Any] | None:
        path = self.root / SUMMARY
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None


def _last_byte(path: Path) -> bytes:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1)


class EventFollower:
    """Reads the complete lines appended to a run's ``events.jsonl`` since last time.

    For watching a run another process writes: only lines ended by a newline are read;
    lines that are not valid events are counted in ``bad`` and skipped.
    """

    def __init__(self, run_dir: Path) -> None:
        self.path = Path(run_dir) / EVENTS
        self.offset = 0
        self.bad = 0

    def poll(self) -> list[Event]:
        try:
            with self.path.open("rb") as handle:
                if handle.seek(0, os.SEEK_END) < self.offset:
                    self.offset = 0  # rewritten by a repair: read it again from the start
                handle.seek(self.offset)
                data = handle.read()
        except FileNotFoundError:
            return []
        end = data.rfind(b"\n")
        if end < 0:
            return []
        events: list[Event] = []
        for raw in data[: end + 1].splitlines():
            if not raw.strip():
                continue
            try:
                events.append(parse_line(raw))
            except EventError:
                self.bad += 1
        self.offset += end + 1
        return events


class RunLock:
    """The lock the process writing a run holds on its ``run.lock`` (see the docstring).

    An ``flock``: it belongs to the open file, so it goes when the process does, however
    it ends. The file stays (with the last writer's pid, for people); it is never removed,
    because removing a lock file while another process waits on it would let two in.
    """

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / LOCK
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait: float = 2.0) -> None:
        """Take the lock (waiting up to ``wait`` seconds for a passing look to end)."""
        if self._fd is not None or fcntl is None:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise RunDirError(f"cannot lock {self.path} ({exc.strerror or exc})") from None
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    pid = _read_pid(fd)
                    os.close(fd)
                    who = f"process {pid}" if pid else "another process"
                    raise RunDirError(
                        f"{self.path.parent}: {who} is writing this run; attach to it "
                        "instead, or stop it first"
                    ) from None
                time.sleep(0.05)
        with contextlib.suppress(OSError):  # the pid is for people: the lock is what counts
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _read_pid(fd: int) -> int:
    try:
        return int(os.pread(fd, 32, 0).split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def writer_of(root: Path) -> int | None:
    """The pid of the process writing the run in ``root`` (0 if it cannot be read), or
    None when no process is writing it."""
    if fcntl is None:
        return None
    try:
        fd = os.open(Path(root) / LOCK, os.O_RDONLY)
    except OSError:
        return None  # never locked, or unreadable: nobody we can see
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_pid(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
