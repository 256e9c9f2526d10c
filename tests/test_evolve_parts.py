"""The pieces of a Red Queen run: config precedence, the MAP-Elites archive, the run store."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from arena.evolve.archive import Archive
from arena.evolve.config import (
    COVERAGE_EDGES,
    PRESETS,
    SPAWNED_EDGES,
    ConfigError,
    RunConfig,
    resolve,
)
from arena.evolve.store import RunStore

# -- config ----------------------------------------------------------------------------


def test_defaults_preset_file_and_flags_in_that_order(tmp_path: Path) -> None:
    assert resolve().rounds == RunConfig().rounds
    paper = resolve(preset="paper")
    assert (paper.rounds, paper.iterations, paper.history, paper.placements) == (20, 250, 20, 20)
    assert paper.warm_start
    config_file = tmp_path / "run.toml"
    config_file.write_text('rounds = 7\nbackend = "openai"\nopponents = ["a.red", "b"]\n')
    from_file = resolve(preset="paper", config_file=config_file)
    assert (from_file.rounds, from_file.iterations, from_file.backend) == (7, 250, "openai")
    assert from_file.opponents == ("a.red", "b")
    flagged = resolve(preset="paper", config_file=config_file, flags={"rounds": 3, "seed": None})
    assert flagged.rounds == 3 and flagged.seed == 0


def test_config_round_trips_through_toml(tmp_path: Path) -> None:
    config = resolve(preset="paper", flags={"seed": 42, "opponents": ("x.red",)})
    path = tmp_path / "config.toml"
    path.write_text(config.to_toml())
    assert resolve(config_file=path) == config


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rounds = 'ten'", "'rounds' must be an integer"),
        ("roundz = 3", "unknown setting 'roundz'"),
        ("rounds = 0", "rounds must be at least 1"),
        ("fitness = 'best'", "fitness must be 'melee' or 'koth'"),
        ("rounds = [", "not valid TOML"),
        ("axes = ['spawned', 'spawned']", "two different axes"),
        ('backend = "__import__(\'os\')"\nwarm_start = "yes"', "must be true or false"),
    ],
)
def test_broken_config_files_get_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("[", r"\[")) as info:
        resolve(config_file=path)
    assert "Traceback" not in str(info.value)


def test_unknown_preset() -> None:
    with pytest.raises(ConfigError, match="unknown preset"):
        resolve(preset="nope")
    assert "paper" in PRESETS


# -- archive ---------------------------------------------------------------------------


def test_bins_follow_the_paper_edges() -> None:
    archive = Archive((SPAWNED_EDGES, COVERAGE_EDGES))
    assert archive.dims == (6, 6)
    assert archive.cell_of((0, 0)) == (0, 0)
    assert archive.cell_of((1, 10)) == (1, 1)
    assert archive.cell_of((9.9, 99)) == (1, 1)
    assert archive.cell_of((100, 500)) == (3, 3)
    assert archive.cell_of((50_000, 8000)) == (5, 5)


def test_a_cell_keeps_its_best_candidate() -> None:
    archive = Archive((SPAWNED_EDGES, COVERAGE_EDGES))
    assert archive.add(1, "a", 0.5, (5, 50))
    assert not archive.add(2, "b", 0.4, (6, 60))  # same cell, worse
    assert archive.add(3, "c", 0.7, (7, 70))  # same cell, better
    assert archive.add(4, "d", 0.1, (500, 50))  # another cell
    assert len(archive) == 2
    assert {e.candidate_id for e in archive.elites()} == {3, 4}
    assert archive.best().candidate_id == 3
    heat = archive.heatmap()
    assert heat[1, 1] == pytest.approx(0.7) and np.isnan(heat[0, 0])


def test_sampling_is_seeded_and_uniform_over_elites() -> None:
    archive = Archive((SPAWNED_EDGES, COVERAGE_EDGES))
    for i in range(6):
        archive.add(i, f"w{i}", 0.1 * i, (10**i, 10 * 3**i))
    first = [archive.sample(np.random.default_rng(9)).candidate_id for _ in range(3)]
    again = [archive.sample(np.random.default_rng(9)).candidate_id for _ in range(3)]
    assert first == again
    counts = np.bincount(
        [archive.sample(rng).candidate_id for rng in map(np.random.default_rng, range(3000))],
        minlength=len(archive),
    )
    assert counts.min() > 3000 / len(archive) * 0.8


def test_archive_json_round_trip() -> None:
    archive = Archive((SPAWNED_EDGES, COVERAGE_EDGES))
    archive.add(1, "mov 0, 1", 0.9, (3, 30))
    archive.add(2, "dat 0", 0.2, (3000, 3000))
    copy = Archive.from_json(json.loads(json.dumps(archive.to_json())))
    assert copy.elites() == archive.elites()


# -- run store -------------------------------------------------------------------------


def test_events_survive_a_torn_last_line(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "run")
    store.create("rounds = 1\n")
    store.append_event({"type": "candidate", "id": 0})
    store.append_event({"type": "candidate", "id": 1, "text": "é\n;redcode"})
    with open(store.root / "events.jsonl", "ab") as handle:
        handle.write(b'{"type": "candidate", "id": 2, "co')  # killed mid-write
    assert [e["id"] for e in store.events()] == [0, 1]
    assert store.repair_events() == 2
    store.append_event({"type": "candidate", "id": 2})
    assert [e["id"] for e in store.events()] == [0, 1, 2]


def test_whole_file_writes_are_atomic(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "run")
    store.create("rounds = 1\n")
    store.write_checkpoint({"round": 1})
    store.write_champion(0, "mov 0, 1")
    assert store.checkpoint() == {"round": 1}
    assert (store.root / "champions" / "round_000.red").read_text() == "mov 0, 1\n"
    leftovers = [p for p in os.listdir(store.root) if p.endswith(".tmp")]
    assert leftovers == []
