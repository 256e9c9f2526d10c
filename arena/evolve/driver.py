"""The run driver: start, follow, stop and resume a run, for the CLI and the TUI alike.

* ``run_to_end(run, stop_when)`` plays an opened run (``arena.evolve.session.open_run``)
  in this process until it finishes or is stopped (by ``stop_when``, asked a few times
  a second); ``arena evolve`` and each run of ``arena experiment`` use it.
* ``ChildRun`` plays one in a child process steered by lines of text; the TUI uses it so
  the evolution's Python work never competes with the UI thread for the interpreter
  lock. The child opens the run exactly as ``arena evolve`` does (``--resume`` too) and
  writes the same run directory; the parent follows its ``events.jsonl`` with
  ``arena.evolve.store.EventFollower``.

    python -m arena.evolve.driver RUN_DIR [CONFIG.toml | --resume]

Protocol: the parent writes ``pause``, ``resume`` or ``stop`` lines to the child's stdin
(end of input means stop); the child prints ``started``, then ``done 0|1`` (1 when
stopped before the last round) or ``error MESSAGE``, one per line on stdout.
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
from collections.abc import Callable
from pathlib import Path

from arena.errors import ArenaError
from arena.evolve.config import RunConfig, load_run_config
from arena.evolve.redqueen import RunOutcome
from arena.evolve.session import Run, open_run

CHILD_NICENESS = 10  # the run is batch work: the terminal UI comes first


STOP_POLL_SECONDS = 0.25


async def _watch(run: Run, stop_when: Callable[[], bool]) -> None:
    while not stop_when():
        await asyncio.sleep(STOP_POLL_SECONDS)
    run.red_queen.stop()


async def _play(run: Run, stop_when: Callable[[], bool] | None = None) -> RunOutcome:
    watcher = asyncio.create_task(_watch(run, stop_when)) if stop_when else None
    try:
        return await run.red_queen.run()
    finally:
        if watcher is not None:
            watcher.cancel()
        await run.close()


def run_to_end(run: Run, stop_when: Callable[[], bool] | None = None) -> RunOutcome:
    """Play an opened run in this process (its own event loop) and close what it owns.

    ``stop_when`` is asked a few times a second; once it says yes the run stops as
    ``RedQueen.stop`` does (what is in flight is recorded; resumable). It lets another
    thread or process stop a run that has no stdin to listen to (a Dask task).
    """
    return asyncio.run(_play(run, stop_when))


def _say(line: str) -> None:
    sys.stdout.write(" ".join(line.split()) + "\n")
    sys.stdout.flush()


def child_main(run_dir: str, config_path: str | None) -> int:
    """The child's side: open (or resume, with no config) the run, obey stdin, report."""
    with contextlib.suppress(AttributeError, OSError):  # not on every platform
        os.nice(CHILD_NICENESS)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        if config_path is None:
            config = load_run_config(Path(run_dir) / "config.toml")
            run = open_run(config, Path(run_dir), resume=True)
        else:
            run = open_run(load_run_config(Path(config_path)), Path(run_dir))
    except ArenaError as exc:
        _say(f"error {exc}")
        return exc.exit_status
    except Exception as exc:  # reported to the screen, never a traceback there
        _say(f"error {type(exc).__name__}: {exc}")
        return 1
    for notice in run.notices:
        sys.stderr.write(notice + "\n")
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
    try:
        outcome = loop.run_until_complete(_play(run))
    except ArenaError as exc:
        _say(f"error {exc}")
        return exc.exit_status
    except Exception as exc:  # reported to the screen
        _say(f"error {type(exc).__name__}: {exc}")
        return 1
    finally:
        loop.close()
    _say(f"done {int(outcome.stopped)}")
    return 0


class ChildRun:
    """The parent's handle on one run played by a child process."""

    def __init__(self, config: RunConfig | None, run_dir: Path, *, resume: bool = False) -> None:
        if config is None and not resume:
            raise ValueError("a new run needs its config")
        self.run_dir = Path(run_dir)
        self.config = config
        self.resume = resume
        self.process: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()
        self._config_file: str | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "arena.evolve.driver", str(self.run_dir)]
        if self.resume:
            command.append("--resume")
        else:
            assert self.config is not None
            fd, self._config_file = tempfile.mkstemp(prefix="arena-run-", suffix=".toml")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(self.config.to_toml())
            command.append(self._config_file)
        self.process = subprocess.Popen(
            command,
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
    if len(sys.argv) != 3:
        sys.stderr.write("usage: python -m arena.evolve.driver RUN_DIR CONFIG.toml|--resume\n")
        raise SystemExit(2)
    target, second = sys.argv[1], sys.argv[2]
    raise SystemExit(child_main(target, None if second == "--resume" else second))
