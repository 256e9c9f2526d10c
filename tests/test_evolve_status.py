"""A run dir's state said truthfully: stopped, finished, a limit, interrupted, running."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from arena.evolve.status import run_dir_problem, run_status
from arena.evolve.store import RunDirError, RunLock, writer_of
from tests.test_tui_helpers import make_run_dir, make_stopped_run

HOLD = """
import sys, time
from pathlib import Path
from arena.evolve.store import RunLock
lock = RunLock(Path(sys.argv[1]))
lock.acquire()
print("locked", flush=True)
time.sleep(60)
"""


async def test_finished_stopped_and_interrupted(tmp_path: Path) -> None:
    finished = tmp_path / "finished"
    await make_run_dir(finished, rounds=2)
    status = run_status(finished)
    assert (status.state, status.rounds_done, status.rounds_planned) == ("finished", 2, 2)
    assert not status.resumable and not status.live and writer_of(finished) is None

    stopped = tmp_path / "stopped"
    await make_stopped_run(stopped, stop_after=3, rounds=3)
    status = run_status(stopped)
    assert status.state == "stopped" and status.resumable
    assert status.sentence().startswith("stopped after 0 of 3 rounds")

    # the process died while running: the summary still says "running"
    summary = json.loads((finished / "summary.json").read_text())
    summary["status"] = "running"
    (stopped / "summary.json").write_text(json.dumps({**summary, "rounds": []}))
    assert run_status(stopped).state == "interrupted"


async def test_a_limit_is_named_with_the_cap_to_raise(tmp_path: Path) -> None:
    run = tmp_path / "limited"
    await make_stopped_run(run, stop_after=10**6, rounds=3, time_limit=0.001)
    status = run_status(run)
    assert status.state == "time limit" and not status.resumable
    assert "time_limit" in status.sentence() and "--time-limit" in status.sentence()


def test_a_locked_run_is_running_and_refuses_a_second_writer(tmp_path: Path) -> None:
    run = tmp_path / "live"
    run.mkdir()
    (run / "events.jsonl").write_text("")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(run)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert writer_of(run) == holder.pid
        assert run_status(run).state == "running" and run_status(run).live
        with pytest.raises(RunDirError, match=f"process {holder.pid} is writing"):
            RunLock(run).acquire(wait=0.1)
    finally:
        holder.kill()
        holder.wait()
    deadline = time.monotonic() + 5
    while writer_of(run) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert writer_of(run) is None  # killed: the OS dropped the lock
    lock = RunLock(run)
    lock.acquire()
    assert lock.held
    lock.release()


def test_run_dir_problem_says_what_is_wrong(tmp_path: Path) -> None:
    assert "no such directory" in (run_dir_problem(tmp_path / "nope") or "")
    assert "not a run directory" in (run_dir_problem(tmp_path) or "")
    (tmp_path / "config.toml").write_text("rounds = 'many'\n")
    assert "cannot be read" in (run_dir_problem(tmp_path) or "")
