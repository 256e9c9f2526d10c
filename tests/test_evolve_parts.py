"""The pieces of a Red Queen run: config precedence, the MAP-Elites archive, the run store."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import numpy as np
import pytest

from arena.evolve.archive import Archive
from arena.evolve.config import RUN_PRESETS, RunConfig, load_run_config, resolve
from arena.evolve.events import CandidateEvent, RoundEvent
from arena.evolve.store import QUARANTINE, RunStore
from arena.scoring import COVERAGE_BIN_EDGES as COVERAGE_EDGES
from arena.scoring import SPAWNED_BIN_EDGES as SPAWNED_EDGES
from arena.settings import SettingsError

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
        ("rounds = 'ten'", "'rounds' must be a whole number"),
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
    with pytest.raises(
        SettingsError, match=message.replace("(", r"\(").replace("[", r"\[")
    ) as info:
        resolve(config_file=path)
    assert "Traceback" not in str(info.value)


def test_unknown_preset() -> None:
    with pytest.raises(SettingsError, match="unknown preset"):
        resolve(preset="nope")
    assert "paper" in RUN_PRESETS


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


def event(i: int, round_number: int = 0) -> CandidateEvent:
    return CandidateEvent(round=round_number, iteration=i, kind="new", id=i, code=f"; é {i}")


def test_events_survive_a_torn_last_line(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "run")
    store.create("rounds = 1\n")
    store.append(event(0))
    store.append(event(1))
    with open(store.root / "events.jsonl", "ab") as handle:
        handle.write(b'{"type": "candidate", "id": 2, "co')  # killed mid-write
    assert [e.id for e in store.events()] == [0, 1]
    repair = store.repair()
    assert repair.torn and repair.kept == 2
    assert any("cut short" in m for m in repair.messages(store.root))
    quarantined = [json.loads(x) for x in (store.root / QUARANTINE).read_text().splitlines()]
    assert quarantined[0]["line"] == 3 and quarantined[0]["torn"]
    store.append(event(2))
    assert [e.id for e in store.events()] == [0, 1, 2]
    assert store.repair().quarantined == ()  # nothing more to do


def test_a_corrupt_middle_line_is_set_aside_and_every_other_line_kept(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "run")
    store.create("rounds = 1\n")
    for i in range(60):
        store.append(event(i))
    store.append(RoundEvent(round=0, champion_id=3, candidates=60))
    lines = (store.root / "events.jsonl").read_bytes().splitlines(keepends=True)
    lines[13] = b'{"type": "candidate", "round": 0, "iteration": 13, "id": \xff\xfe garbage\n'
    lines[20] = b'{"type": "candidate", "round": "zero"}\n'  # JSON, but not an event
    (store.root / "events.jsonl").write_bytes(b"".join(lines))
    repair = store.repair()
    assert repair.quarantined == (14, 21) and not repair.torn
    assert repair.kept == 59
    kept = store.events()
    assert [e.iteration for e in kept if isinstance(e, CandidateEvent)] == [
        i for i in range(60) if i not in (13, 20)
    ]
    assert isinstance(kept[-1], RoundEvent)
    message = " ".join(repair.messages(store.root))
    assert "2 corrupt line(s) (14, 21)" in message and QUARANTINE in message
    records = [json.loads(x) for x in (store.root / QUARANTINE).read_text().splitlines()]
    assert [r["line"] for r in records] == [14, 21]
    assert base64.b64decode(records[0]["base64"]) == lines[13].rstrip(b"\n")


def test_unknown_fields_of_a_newer_writer_are_kept(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "run")
    store.create("rounds = 1\n")
    line = {"type": "candidate", "v": 3, "round": 0, "iteration": 0, "kind": "new", "id": 0,
            "fitness": 1.5, "novelty": {"score": 2}}  # fmt: skip
    (store.root / "events.jsonl").write_text(json.dumps(line) + "\n")
    (loaded,) = store.events()
    assert loaded.fitness == 1.5 and loaded.extra == {"novelty": {"score": 2}}
    store.append(loaded)
    again = store.events()[1]
    assert again.extra == {"novelty": {"score": 2}}


def test_secrets_are_redacted_before_they_are_written(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "run", redact=lambda t: t.replace("sk-secret", "[redacted]"))
    store.create("rounds = 1\n")
    store.append(CandidateEvent(round=0, iteration=0, kind="new", reply="key: sk-secret",
                                errors=["sk-secret!"]))  # fmt: skip
    text = (store.root / "events.jsonl").read_text()
    assert "sk-secret" not in text and "[redacted]" in text


def test_empty_or_partial_config_of_a_run_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("")
    with pytest.raises(SettingsError, match="is empty"):
        load_run_config(path)
    path.write_text("rounds = 3\n")
    with pytest.raises(SettingsError, match="missing iterations, seed, backend"):
        load_run_config(path)
    path.write_bytes(b"rounds = 3\n\xff\xfe\n")
    with pytest.raises(SettingsError, match="not UTF-8"):
        load_run_config(path)


def test_whole_file_writes_are_atomic(tmp_path: Path) -> None:
    store = RunStore(tmp_path / "run")
    store.create("rounds = 1\n")
    store.write_summary({"round": 1})
    store.write_champion(0, "mov 0, 1")
    assert store.summary() == {"round": 1}
    assert (store.root / "champions" / "round_000.red").read_text() == "mov 0, 1\n"
    leftovers = [p for p in os.listdir(store.root) if p.endswith(".tmp")]
    assert leftovers == []
