"""Whole runs through ``arena evolve``: offline, killed and resumed, keys, Dask."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from arena.cli import main
from arena.evolve.archive import Archive
from arena.evolve.events import CandidateEvent, RoundEvent
from arena.evolve.store import RunStore

FLAGS = ["--seed", "3", "--placements", "2", "--concurrency", "2"]


def tiny_config(tmp_path: Path, **extra: object) -> Path:
    """A config file for a fast hill (core 800) so runs take seconds."""
    lines = {
        "core_size": 800,
        "max_cycles": 3000,
        "max_processes": 64,
        "max_length": 20,
        "min_distance": 20,
        "n_init": 3,
        **extra,
    }
    text = "".join(f"{k} = {json.dumps(v)}\n" for k, v in lines.items())
    path = tmp_path / "tiny.toml"
    path.write_text(text)
    return path


def evolve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "arena.cli", "evolve", *args],
        capture_output=True,
        text=True,
        timeout=600,
    )


def candidate_events(run: Path) -> list[CandidateEvent]:
    return [e for e in RunStore(run).events() if isinstance(e, CandidateEvent)]


def round_events(run: Path) -> list[RoundEvent]:
    return [e for e in RunStore(run).events() if isinstance(e, RoundEvent)]


def test_offline_run_end_to_end(tmp_path: Path) -> None:
    run = tmp_path / "run"
    result = CliRunner().invoke(
        main,
        ["evolve", "--rounds", "2", "--iterations", "5", "--run-dir", str(run),
         "--config", str(tiny_config(tmp_path)), *FLAGS],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "round" in result.stdout and "fitness" in result.stdout
    assert (run / "config.toml").exists()
    assert sorted(p.name for p in (run / "champions").iterdir()) == [
        "round_000.red",
        "round_001.red",
    ]
    events = candidate_events(run)
    assert len(events) == 2 * (3 + 5)
    first = events[0]
    assert first.backend == "offline" and first.reply and first.code and first.template
    assert first.fitness is not None and first.descriptors and first.latency is not None


def test_bad_config_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("rounds = 'many'\n")
    result = CliRunner().invoke(
        main, ["evolve", "--config", str(bad), "--run-dir", str(tmp_path / "r")]
    )
    assert result.exit_code == 2
    assert "'rounds' must be a whole number" in result.stderr
    assert "Traceback" not in result.output


def test_sigkill_mid_round_then_resume(tmp_path: Path) -> None:
    run = tmp_path / "run"
    config = tiny_config(tmp_path)
    args = [
        "--rounds",
        "2",
        "--iterations",
        "12",
        "--run-dir",
        str(run),
        "--config",
        str(config),
        *FLAGS,
    ]
    reference = tmp_path / "reference"
    done = evolve(*[a if a != str(run) else str(reference) for a in args])
    assert done.returncode == 0, done.stderr
    expected = [(e.round, e.iteration, e.code, e.fitness) for e in candidate_events(reference)]

    process = subprocess.Popen(
        [sys.executable, "-m", "arena.cli", "evolve", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if (run / "events.jsonl").exists() and len(candidate_events(run)) >= 8:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = len(candidate_events(run))
    assert 0 < killed_at < len(expected)

    resumed = evolve("--resume", "--run-dir", str(run))
    assert resumed.returncode == 0, resumed.stderr
    got = [(e.round, e.iteration, e.code, e.fitness) for e in candidate_events(run)]
    assert got == expected  # every completed candidate once, nothing lost or repeated
    ids = [e.id for e in candidate_events(run)]
    assert ids == list(range(len(ids)))
    last_round = round_events(run)[-1]
    archive = Archive.from_json(last_round.archive)
    assert len(archive) == len(last_round.archive["elites"]) > 0


def test_no_api_key_in_run_files_or_output(tmp_path: Path) -> None:
    secret = "sk-test-" + "9" * 24
    run = tmp_path / "run"
    env = {**os.environ, "ARENA_TEST_KEY": secret}
    result = subprocess.run(
        [sys.executable, "-m", "arena.cli", "evolve", "--rounds", "1", "--iterations", "2",
         "--backend", "openai", "--model", "nothing", "--base-url", "http://127.0.0.1:9/v1",
         "--api-key-env", "ARENA_TEST_KEY", "--run-dir", str(run),
         "--config", str(tiny_config(tmp_path, timeout=2.0, max_retries=0)), *FLAGS],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert secret not in result.stdout + result.stderr
    for path in run.rglob("*"):
        if path.is_file():
            assert secret not in path.read_text(errors="replace"), path
    failures = [e.failure for e in candidate_events(run)]
    assert failures and all(failures)  # the server is unreachable: recorded, run went on
    assert result.returncode == 1  # ... and a run whose every call failed says so
    assert "every model call failed" in result.stderr and "Traceback" not in result.stderr


def test_dask_local_cluster_gives_the_same_run(tmp_path: Path) -> None:
    config = tiny_config(tmp_path)
    common = ["--rounds", "1", "--iterations", "4", "--config", str(config), *FLAGS]
    local = evolve(*common, "--run-dir", str(tmp_path / "local"))
    assert local.returncode == 0, local.stderr
    dask = evolve(*common, "--run-dir", str(tmp_path / "dask"), "--dask", "local")
    assert dask.returncode == 0, dask.stderr
    key = [(e.iteration, e.code, e.fitness, e.placed) for e in candidate_events(tmp_path / "local")]
    assert key == [
        (e.iteration, e.code, e.fitness, e.placed) for e in candidate_events(tmp_path / "dask")
    ]
    rounds = round_events(tmp_path / "local")
    rounds_dask = round_events(tmp_path / "dask")
    assert rounds[0].archive == rounds_dask[0].archive
    assert rounds[0].code == rounds_dask[0].code


def test_eval_against_records_generality_each_round(tmp_path: Path) -> None:
    held_out = tmp_path / "held_out"
    held_out.mkdir()
    for name in ("imp.red", "dwarf.red"):
        (held_out / name).write_text((Path(__file__).parent.parent / "warriors" / name).read_text())
    run = tmp_path / "run"
    result = CliRunner().invoke(
        main,
        ["evolve", "--rounds", "2", "--iterations", "3", "--run-dir", str(run),
         "--eval-against", str(held_out), "--config", str(tiny_config(tmp_path)), *FLAGS],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rounds = round_events(run)
    assert len(rounds) == 2
    for event in rounds:
        assert event.generality in (0.0, 0.5, 1.0)
        assert 0.0 <= event.koth <= 300.0
    assert "generality" in result.stdout


def test_hill_preset_sets_the_rules_of_the_run(tmp_path: Path) -> None:
    run = tmp_path / "run"
    result = CliRunner().invoke(
        main,
        [
            "evolve",
            "--hill",
            "nano",
            "--rounds",
            "1",
            "--iterations",
            "2",
            "--run-dir",
            str(run),
            *FLAGS,
        ],
    )
    assert result.exit_code == 0, result.output
    config = (run / "config.toml").read_text()
    assert "core_size = 80\n" in config and "max_length = 5\n" in config
    codes = [e.code for e in candidate_events(run) if e.fitness is not None]
    assert codes and all("CORESIZE == 80" in c for c in codes if "CORESIZE ==" in c)


def test_a_run_dir_of_the_first_version_resumes(tmp_path: Path) -> None:
    """Flat hill keys and events without a version, as arena 0.1 wrote them."""
    run = tmp_path / "run"
    first = CliRunner().invoke(
        main, ["evolve", "--rounds", "1", "--iterations", "2", "--run-dir", str(run),
               "--config", str(tiny_config(tmp_path)), *FLAGS],
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    (run / "config.toml").write_text(
        'rounds = 1\niterations = 2\nhistory = 20\nplacements = 2\nseed = 3\nbackend = "offline"\n'
        "n_init = 3\nconcurrency = 2\ncore_size = 800\nmax_cycles = 3000\nmax_processes = 64\n"
        "max_length = 20\nmin_distance = 20\n"
    )
    lines = [json.loads(x) for x in (run / "events.jsonl").read_text().splitlines()]
    for line in lines:
        del line["v"]
    (run / "events.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    (run / "checkpoint.json").write_text("{}")
    resumed = CliRunner().invoke(
        main, ["evolve", "--resume", "--rounds", "2", "--run-dir", str(run)]
    )
    assert resumed.exit_code == 0, resumed.output
    assert [e.round for e in round_events(run)] == [0, 1]
    assert not (run / "checkpoint.json").exists()
    text = (run / "config.toml").read_text()
    assert "rounds = 2\n" in text  # the resume with more rounds is recorded
    koth = text.replace("rounds = 2", "rounds = 3").replace('fitness = "melee"', 'fitness = "koth"')
    (run / "config.toml").write_text(koth.replace("version = 2\n", ""))
    refused = CliRunner().invoke(main, ["evolve", "--resume", "--run-dir", str(run)])
    assert refused.exit_code == 2 and "0-3 scale" in refused.stderr
