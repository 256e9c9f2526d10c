"""A run killed with SIGKILL again and again, resumed each time, is the uninterrupted run.

At ``--concurrency 4`` (candidates finish out of order), the run is killed at six
moments spread over three rounds, resumed after each, and finally run to the end; its
events are then compared, line for line and field for field (timings aside), with one
uninterrupted run of the same seed. A champion file deleted between kills is rebuilt.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from arena.evolve.events import comparable
from arena.evolve.store import QUARANTINE, RunStore

CONFIG = {
    "rounds": 3,
    "iterations": 10,
    "n_init": 3,
    "placements": 2,
    "seed": 11,
    "concurrency": 4,
    "crossover_probability": 0.3,
    "feedback": True,
    "hill": {"core_size": 800, "max_cycles": 3000, "max_processes": 64, "max_length": 20},
}
KILL_AT = (2, 6, 11, 17, 24, 31)  # candidates recorded when the kill comes (of 39)


def write_config(path: Path) -> Path:
    lines = []
    for key, value in CONFIG.items():
        if key != "hill":
            lines.append(f"{key} = {json.dumps(value)}")
    lines.append("[hill]")
    lines.extend(f"{k} = {v}" for k, v in CONFIG["hill"].items())
    path.write_text("\n".join(lines) + "\n")
    return path


def evolve(*args: str) -> list[str]:
    return [sys.executable, "-m", "arena.cli", "evolve", *args]


def candidates_recorded(run: Path) -> int:
    try:
        return (run / "events.jsonl").read_bytes().count(b'"type":"candidate"')
    except FileNotFoundError:
        return 0


def test_sigkill_at_six_moments_then_resume_gives_the_uninterrupted_run(tmp_path: Path) -> None:
    config = write_config(tmp_path / "run.toml")
    reference = tmp_path / "reference"
    done = subprocess.run(
        evolve("--config", str(config), "--run-dir", str(reference)),
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    expected = [comparable(e) for e in RunStore(reference).events()]
    assert sum(e["type"] == "candidate" for e in expected) == 3 * (3 + 10)

    run = tmp_path / "run"
    kills = 0
    for number, threshold in enumerate(KILL_AT):
        args = ("--config", str(config)) if number == 0 else ("--resume",)
        process = subprocess.Popen(
            evolve(*args, "--run-dir", str(run)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 300
        while candidates_recorded(run) < threshold and time.monotonic() < deadline:
            if process.poll() is not None:
                break
            time.sleep(0.005)
        alive = process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait()
        kills += alive
        if number == 2:  # a user deletes a champion file meanwhile
            (run / "champions" / "round_000.red").unlink(missing_ok=True)
    assert kills >= 5, f"only {kills} kills came while the run was going"
    assert candidates_recorded(run) < len(expected)

    finished = subprocess.run(
        evolve("--resume", "--run-dir", str(run)), capture_output=True, text=True, timeout=600
    )
    assert finished.returncode == 0, finished.stderr
    assert "Traceback" not in finished.stderr
    got = [comparable(e) for e in RunStore(run).events()]
    assert got == expected  # every candidate and round, in order, field for field
    for name in ("round_000.red", "round_001.red", "round_002.red"):
        assert (run / "champions" / name).read_text() == (
            reference / "champions" / name
        ).read_text()
    assert not (run / "checkpoint.json").exists()
    if (run / QUARANTINE).exists():  # only lines cut short by a kill may be set aside
        records = [json.loads(x) for x in (run / QUARANTINE).read_text().splitlines()]
        assert all(r["torn"] for r in records)
