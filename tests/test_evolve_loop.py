"""The Red Queen loop: rounds, champions, reproducibility, pipelining and resuming."""

from __future__ import annotations

import asyncio
from pathlib import Path

from arena.backends.base import Completion
from arena.evolve.config import RunConfig
from arena.evolve.evaluator import LocalEvaluator
from arena.evolve.events import MAX_REPLY_CHARS, CandidateEvent, RoundEvent
from arena.evolve.redqueen import Opponent, RedQueen
from arena.evolve.store import RunStore
from arena.settings import Settings, hill_settings
from tests.evolve_helpers import StubModel, prompts

IMP = Opponent("imp", ";assert 1\nmov.i 0, 1\n")


def make(tmp: Path, config: RunConfig, model: StubModel | None = None) -> RedQueen:
    store = RunStore(tmp)
    if not store.exists():
        store.create(config.to_toml())
    return RedQueen(config, store, [model or StubModel()], LocalEvaluator(2), [IMP], prompts)


SMALL_HILL = Settings(
    core_size=800, max_cycles=2000, max_processes=80, max_length=20, min_distance=20
)


def small(**changes) -> RunConfig:
    base = dict(rounds=2, iterations=6, n_init=3, placements=2, concurrency=3, selection_lag=3,
                seed=5, settings=SMALL_HILL)  # fmt: skip
    base.update(changes)
    return RunConfig(**base).validate()


def candidates(store: RunStore) -> list[tuple]:
    return [
        (e.round, e.iteration, e.id, e.kind, e.parent, e.code, e.fitness, e.placed)
        for e in store.events()
        if isinstance(e, CandidateEvent)
    ]


def test_a_run_makes_one_champion_per_round(tmp_path: Path) -> None:
    red_queen = make(tmp_path, small())
    rounds = asyncio.run(red_queen.run()).rounds
    assert [o.round for o in rounds] == [0, 1]
    assert all(o.champion_id is not None for o in rounds)
    assert (tmp_path / "champions" / "round_000.red").exists()
    events = list(red_queen.store.events())
    per_round = [e for e in events if isinstance(e, CandidateEvent) and e.round == 0]
    assert len(per_round) == 3 + 6
    assert [e.iteration for e in per_round] == list(range(9))
    round_events = [e for e in events if isinstance(e, RoundEvent)]
    assert round_events[1].opponents == ["imp", "champion_000"]


def test_same_seed_same_run_whatever_the_timing(tmp_path: Path) -> None:
    first = make(tmp_path / "a", small())
    asyncio.run(first.run())
    second = make(tmp_path / "b", small(), StubModel(latency=0.01))
    asyncio.run(second.run())
    assert candidates(first.store) == candidates(second.store)
    other = make(tmp_path / "c", small(seed=6))
    asyncio.run(other.run())
    assert candidates(other.store) != candidates(first.store)


def test_model_calls_overlap_up_to_the_concurrency(tmp_path: Path) -> None:
    model = StubModel(latency=0.05)
    asyncio.run(make(tmp_path, small(concurrency=3, rounds=1), model).run())
    assert model.max_in_flight == 3


def test_resume_after_a_stop_continues_the_same_run(tmp_path: Path) -> None:
    reference = make(tmp_path / "ref", small())
    asyncio.run(reference.run())

    interrupted = make(tmp_path / "run", small())

    async def stop_early() -> None:
        seen = 0

        def count(event) -> None:
            nonlocal seen
            seen += 1
            if seen == 7:
                interrupted.stop()

        interrupted.on_event = count
        await interrupted.run()

    asyncio.run(stop_early())
    partial = candidates(interrupted.store)
    assert 0 < len(partial) < len(candidates(reference.store))
    resumed = make(tmp_path / "run", small())
    asyncio.run(resumed.run())
    assert candidates(resumed.store) == candidates(reference.store)


def test_several_models_take_turns(tmp_path: Path) -> None:
    first, second = StubModel(), StubModel()
    second.name, second.model = "stub-b", "stub-2"
    config = small(rounds=1)
    store = RunStore(tmp_path)
    store.create(config.to_toml())
    red_queen = RedQueen(config, store, [first, second], LocalEvaluator(2), [IMP], prompts)
    asyncio.run(red_queen.run())
    models = [e.model for e in store.events() if isinstance(e, CandidateEvent)]
    assert models == ["stub-1", "stub-2"] * 4 + ["stub-1"]
    assert first.calls and second.calls


def test_feedback_and_crossover_reach_the_model(tmp_path: Path) -> None:
    seen: list[tuple[str, int]] = []

    class Recorder(StubModel):
        async def complete(self, request, n=1):
            seen.append((request.kind, len(request.parents)))
            return await super().complete(request, n)

    config = small(rounds=1, iterations=30, crossover_probability=0.5, feedback=True)
    got_prompts: list[str] = []

    def recording_prompts(kind: str, values: dict) -> tuple[str, str, str]:
        got_prompts.append(values.get("feedback", ""))
        return prompts(kind, values)

    store = RunStore(tmp_path)
    store.create(config.to_toml())
    red_queen = RedQueen(config, store, [Recorder()], LocalEvaluator(2), [IMP], recording_prompts)
    asyncio.run(red_queen.run())
    assert ("crossover", 2) in seen and ("mutate", 1) in seen
    assert any("imp:" in text and "wins" in text for text in got_prompts)


def test_resume_with_another_concurrency_is_the_same_run(tmp_path: Path) -> None:
    """The selection lag, not the concurrency, fixes what each candidate is."""
    reference = make(tmp_path / "ref", small(concurrency=1))
    asyncio.run(reference.run())
    run = make(tmp_path / "run", small(concurrency=3))

    async def stop_after(count: int) -> None:
        seen = 0

        def on_event(event) -> None:
            nonlocal seen
            seen += 1
            if seen == count:
                run.stop()

        run.on_event = on_event
        await run.run()

    asyncio.run(stop_after(5))
    resumed = make(tmp_path / "run", small(concurrency=2))
    asyncio.run(resumed.run())
    assert candidates(resumed.store) == candidates(reference.store)


def test_recorded_candidates_after_a_corrupt_line_are_not_asked_again(tmp_path: Path) -> None:
    reference = make(tmp_path / "ref", small(rounds=1))
    asyncio.run(reference.run())
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "config.toml").write_text(small(rounds=1).to_toml())
    lines = (tmp_path / "ref" / "events.jsonl").read_bytes().splitlines(keepends=True)
    lines = lines[:-1]  # the round is not finished
    lines[4] = b"garbage\n"  # candidate 4's line is corrupt
    (run_dir / "events.jsonl").write_bytes(b"".join(lines))
    store = RunStore(run_dir)
    assert store.repair().quarantined == (5,)
    model = StubModel()
    resumed = RedQueen(small(rounds=1), store, [model], LocalEvaluator(2), [IMP], prompts)
    asyncio.run(resumed.run())
    assert model.calls == 1  # only the lost candidate
    by_place = sorted(candidates(store))
    assert by_place == sorted(candidates(reference.store))
    assert [e.champion_id for e in store.events() if isinstance(e, RoundEvent)] == [
        e.champion_id for e in reference.store.events() if isinstance(e, RoundEvent)
    ]


PSPACE_WARRIOR = ";assert 1\nldp.ab #0, #1\nstp.ab #1, #2\nmov.i 0, 1\n"


class PSpaceModel(StubModel):
    """Always answers with a warrior that uses LDP/STP."""

    async def complete(self, request, n=1):
        self.calls += 1
        text = f"```redcode\n{PSPACE_WARRIOR}```"
        return [Completion(text, None, self.name, self.model, 1, 1, 0.0)]


def test_a_pspace_warrior_is_rejected_on_94nop_and_admitted_on_94(tmp_path: Path) -> None:
    outcomes = {}
    for hill in ("94nop", "94"):
        config = small(rounds=1, iterations=0, n_init=2, settings=hill_settings(hill), hill=hill)
        store = RunStore(tmp_path / hill)
        store.create(config.to_toml())
        red_queen = RedQueen(config, store, [PSpaceModel()], LocalEvaluator(2), [IMP], prompts)
        asyncio.run(red_queen.run())
        outcomes[hill] = [e for e in store.events() if isinstance(e, CandidateEvent)]
    assert all(e.rejected and "P-space" in e.rejected for e in outcomes["94nop"])
    assert all(e.fitness is None and "not admitted" in e.errors[0] for e in outcomes["94nop"])
    assert all(e.rejected is None and e.fitness is not None for e in outcomes["94"])


class LongWinded(StubModel):
    """A reply far longer than what is stored, with the code at its start."""

    async def complete(self, request, n=1):
        self.calls += 1
        text = "```redcode\n;assert 1\nmov.i 0, 1\n```\n" + "blah " * 60_000
        self.length = len(text)
        return [Completion(text, None, self.name, self.model, 1, 1, 0.0)]


def test_a_long_reply_is_stored_cut_with_a_marker(tmp_path: Path) -> None:
    config = small(rounds=1, iterations=0, n_init=1)
    store = RunStore(tmp_path)
    store.create(config.to_toml())
    model = LongWinded()
    red_queen = RedQueen(config, store, [model], LocalEvaluator(2), [IMP], prompts)
    asyncio.run(red_queen.run())
    (event,) = [e for e in store.events() if isinstance(e, CandidateEvent)]
    assert event.reply_cut == model.length - MAX_REPLY_CHARS
    assert len(event.reply) < MAX_REPLY_CHARS + 200
    assert event.reply.endswith(f"{event.reply_cut} more characters were not stored]")
    assert event.fitness is not None  # the code was taken from the stored reply
