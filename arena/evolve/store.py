"""The run directory: what a run writes, written so that a crash never corrupts it.

```
run/
  config.toml          the resolved settings of the run (TOML)
  events.jsonl         one JSON line per candidate and per finished round, in order
  champions/round_NNN.red
  checkpoint.json      a snapshot (rounds done, current archive) to resume from
  summary.json         per-round results, rewritten after every round
```

Every whole-file write goes to a temporary file that is renamed over the old one, so a
reader sees the old or the new file, never half of one. Events are appended one line
per ``write`` call; a line cut short by ``kill -9`` is dropped when the run resumes. API
keys are never written: the config stores only the *name* of the key's variable.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CONFIG = "config.toml"
EVENTS = "events.jsonl"
CHECKPOINT = "checkpoint.json"
SUMMARY = "summary.json"
CHAMPIONS = "champions"


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one rename (temp file in the same folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class RunStore:
    """Reads and writes one run directory."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # -- writing ---------------------------------------------------------------

    def create(self, config_toml: str) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / CHAMPIONS).mkdir(exist_ok=True)
        write_atomic(self.root / CONFIG, config_toml)

    def append_event(self, event: dict[str, Any]) -> None:
        line = json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n"
        data = line.encode("utf-8")
        fd = os.open(self.root / EVENTS, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            written = os.write(fd, data)
            while written < len(data):  # a short write continues where it stopped
                written += os.write(fd, data[written:])
            os.fsync(fd)
        finally:
            os.close(fd)

    def write_champion(self, round_number: int, code: str) -> Path:
        path = self.root / CHAMPIONS / f"round_{round_number:03d}.red"
        write_atomic(path, code if code.endswith("\n") else code + "\n")
        return path

    def write_checkpoint(self, data: dict[str, Any]) -> None:
        write_atomic(self.root / CHECKPOINT, json.dumps(data, indent=1))

    def write_summary(self, data: dict[str, Any]) -> None:
        write_atomic(self.root / SUMMARY, json.dumps(data, indent=1))

    # -- reading ---------------------------------------------------------------

    def exists(self) -> bool:
        return (self.root / CONFIG).exists()

    def config_text(self) -> str:
        return (self.root / CONFIG).read_text(encoding="utf-8")

    def events(self) -> Iterator[dict[str, Any]]:
        """Complete events in order; a truncated or garbled last line is skipped."""
        path = self.root / EVENTS
        if not path.exists():
            return
        with path.open("rb") as handle:
            for raw in handle:
                if not raw.endswith(b"\n"):
                    return  # cut short by a crash
                try:
                    yield json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    return

    def repair_events(self) -> int:
        """Drop a partial last line left by a crash; returns the number of good lines."""
        path = self.root / EVENTS
        if not path.exists():
            return 0
        good = 0
        offset = 0
        with path.open("rb") as handle:
            for raw in handle:
                if not raw.endswith(b"\n"):
                    break
                try:
                    json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    break
                good += 1
                offset += len(raw)
        if offset != path.stat().st_size:
            with path.open("r+b") as handle:
                handle.truncate(offset)
        return good

    def checkpoint(self) -> dict[str, Any] | None:
        path = self.root / CHECKPOINT
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None

    def summary(self) -> dict[str, Any] | None:
        path = self.root / SUMMARY
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None
