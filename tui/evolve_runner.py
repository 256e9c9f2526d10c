"""Runs a Red Queen evolution in a child process, steered by lines of text (no Textual).

Why a process: the evolution's Python work (mutation, assembly, the archive) would
otherwise share the interpreter lock with the UI thread, and the UI would answer keys
late. The child calls ``arena.evolve.session.open_run`` exactly as ``arena evolve``
does and writes the same run directory; the screen follows its ``events.jsonl``.

    python -m tui.evolve_runner CONFIG.toml RUN_DIR

Protocol: the parent writes ``pause``, ``resume`` or ``stop`` lines to the child's
stdin (end of input means stop); the child prints ``started``, then ``done 0|1`` (1 when
stopped early) or ``error MESSAGE``, one per line on stdout.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from arena.evolve.config import RunConfig, merge, read_toml


def _say(line: str) -> None:
    sys.stdout.write(line.replace("\n", " ") + "\n")
    sys.stdout.flush()


CHILD_NICENESS = 10  # the run is batch work: the terminal UI comes first


def child_main(config_path: str, run_dir: str) -> int:
    from arena.evolve.session import open_run

    with contextlib.suppress(AttributeError, OSError):  # not on every platform
        os.nice(CHILD_NICENESS)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        config = merge(RunConfig(), read_toml(Path(config_path)), config_path).validate()
        run = open_run(config, Path(run_dir))
    except Exception as exc:  # reported to the screen
        _say(f"error {type(exc).__name__}: {exc}")
        return 1
    _say("started")
    red_queen = run.red_queen

    def listen() -> None:
        for raw in sys.stdin:
            command = raw.strip()
            if command in ("pause", "resume", "stop"):
                loop.call_soon_threadsafe(getattr(red_queen, command))
            if command == "stop":
                return
        loop.call_soon_threadsafe(red_queen.stop)  # the parent went away

    threading.Thread(target=listen, daemon=True).start()

    async def main() -> None:
        try:
            await red_queen.run()
        finally:
            await run.close()

    try:
        loop.run_until_complete(main())
    except Exception as exc:  # reported to the screen
        _say(f"error {type(exc).__name__}: {exc}")
        return 1
    finally:
        loop.close()
    _say(f"done {int(bool(getattr(red_queen, '_stopping', False)))}")
    return 0


class ChildRun:
    """The parent's handle on one child run."""

    def __init__(self, config: RunConfig, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        self.config = config
        self.process: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()
        self._config_file: str | None = None

    def start(self) -> None:
        fd, self._config_file = tempfile.mkstemp(prefix="arena-run-", suffix=".toml")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(self.config.to_toml())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tui.evolve_runner", self._config_file, str(self.run_dir)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def send(self, command: str) -> bool:
        with self._lock:
            if self.process is None or self.process.stdin is None:
                return False
            try:
                self.process.stdin.write(command + "\n")
                self.process.stdin.flush()
            except (OSError, ValueError):
                return False
        return True

    def poll(self, timeout: float) -> tuple[str, str] | None:
        """The next status line as (word, rest), or None after ``timeout`` seconds."""
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            return None
        if line is None:
            self._lines.put(None)  # stay at end of output
            return ("gone", self._stderr_tail())
        word, _, rest = line.partition(" ")
        return (word, rest)

    def _stderr_tail(self) -> str:
        if self.process is None:
            return ""
        try:
            self.process.wait(2.0)
            err = self.process.stderr.read() if self.process.stderr else ""
        except (OSError, ValueError, subprocess.TimeoutExpired):
            err = ""
        tail = err.strip().splitlines()[-1:] if err else []
        return f"exit code {self.process.returncode}" + (f": {tail[0]}" if tail else "")

    def wait(self, grace: float = 5.0) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            self.process.terminate()
            self.process.wait(2.0)
        finally:
            if self._config_file:
                Path(self._config_file).unlink(missing_ok=True)

    def close(self, grace: float = 5.0) -> None:
        self.send("stop")
        self.wait(grace)


if __name__ == "__main__":
    raise SystemExit(child_main(sys.argv[1], sys.argv[2]))
