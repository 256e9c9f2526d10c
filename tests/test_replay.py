"""The replay backend: a run recorded against the loopback OpenAI server, played again
with the server gone (its champions exactly), and requests it cannot answer."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from arena.backends.base import Request
from arena.backends.registry import create_backend
from arena.cli import main
from arena.evolve.events import CandidateEvent, RoundEvent
from arena.evolve.replay import ReplayError
from arena.evolve.store import RunStore
from tests.fake_llm_servers import FakeLLMServer, Reply, ok, status

TINY = ["-s", "800", "-c", "2000", "-p", "64", "-l", "20", "-d", "20", "--placements", "2",
        "--iterations", "6", "--concurrency", "3", "--seed", "4"]  # fmt: skip
WARRIORS = [
    "Sure.\n```redcode\n;redcode-94\nspl 0\nmov.i {n}, <{m}\njmp -2\n```",
    "```redcode\n;redcode-94\nadd #{n}, 3\nmov.i 2, @2\njmp -2\ndat #0, #{m}\n```",
    "no code in this reply, sorry",
]


def answer(index: int, body: dict) -> Reply:
    """Replies in turn by arrival, failures among them: the replay must not care."""
    if index % 5 == 2:
        return status(500, "scripted outage")
    digest = hashlib.sha256(f"{index}".encode()).digest()
    warrior = WARRIORS[index % len(WARRIORS)]
    return ok(warrior.replace("{n}", str(3 + digest[1] % 9)).replace("{m}", str(2 + digest[2] % 7)))


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-round run (with model failures) recorded against the loopback OpenAI server."""
    run = tmp_path_factory.mktemp("source") / "run"
    config = run.parent / "no-retries.toml"
    config.write_text("max_retries = 0\n")
    with (
        pytest.MonkeyPatch.context() as patch,
        FakeLLMServer("openai", answer) as server,
    ):
        patch.setenv("FAKE_KEY", "fake-key-123456")
        result = CliRunner().invoke(main, [
            "evolve", "--run-dir", str(run), "--rounds", "2", "--backend", "openai",
            "--model", "fake-model", "--base-url", server.base_url, "--api-key-env",
            "FAKE_KEY", "--config", str(config), "--temperature", "0.2", *TINY,
        ])  # fmt: skip
        assert result.exit_code == 0, result.output
        assert server.requests
    return run


def candidates(run: Path) -> dict[tuple[int, int], CandidateEvent]:
    events = RunStore(run).events()
    return {(e.round, e.iteration): e for e in events if isinstance(e, CandidateEvent)}


def rounds(run: Path) -> list[RoundEvent]:
    return [e for e in RunStore(run).events() if isinstance(e, RoundEvent)]


def replay(source: Path, run: Path, *extra: str):
    return CliRunner().invoke(main, ["evolve", "--run-dir", str(run), "--backend", "replay",
                                     "--replay-from", str(source), *TINY, *extra])  # fmt: skip


def test_replay_without_a_server_gives_the_same_champions(source: Path, tmp_path: Path) -> None:
    recorded = candidates(source)
    assert any(e.failure for e in recorded.values()), "the source should have failures"
    run = tmp_path / "replayed"
    result = CliRunner().invoke(main, ["evolve", "--run-dir", str(run), "--config",
                                       str(source / "config.toml"), "--backend", "replay",
                                       "--replay-from", str(source)])  # fmt: skip
    assert result.exit_code == 0, result.output
    again = candidates(run)
    assert again.keys() == recorded.keys()
    for place, event in again.items():
        old = recorded[place]
        assert event.backend == "replay" and event.model == "fake-model"
        assert (event.kind, event.parent, event.reply, event.code, event.fitness) == (
            old.kind, old.parent, old.reply, old.code, old.fitness
        )  # fmt: skip
        assert event.failure == (None if old.failure is None else f"replayed: {old.failure}")
        assert event.prompt_tokens == 0 and event.completion_tokens == 0
    for new, old in zip(rounds(run), rounds(source), strict=True):
        assert (new.champion_id, new.code, new.fitness, new.archive) == (
            old.champion_id, old.code, old.fitness, old.archive
        )  # fmt: skip
    for name in ("round_000.red", "round_001.red"):
        assert (run / "champions" / name).read_text() == (source / "champions" / name).read_text()
    assert json.loads((run / "summary.json").read_text())["spend"]["cost_usd"] == 0
    assert "replay_from" in (run / "config.toml").read_text()


def test_a_request_the_source_never_made_is_a_failure(source: Path, tmp_path: Path) -> None:
    run = tmp_path / "longer"
    result = replay(source, run, "--rounds", "3")
    assert result.exit_code == 0, result.output
    third = [e for (r, _), e in candidates(run).items() if r == 2]
    assert third and all(e.reply is None and e.fitness is None for e in third)
    assert all("has no model call at round 2 iteration" in (e.failure or "") for e in third)
    assert "model calls failed" in result.stderr


def test_replay_never_invents_a_reply(source: Path, tmp_path: Path) -> None:
    """With another seed the requests differ: each is answered with the recorded reply of
    the same kind at that place, or fails saying why."""
    run = tmp_path / "other-seed"
    result = replay(source, run, "--rounds", "2", "--seed", "11")
    assert result.exit_code == 0, result.output
    recorded = candidates(source)
    mismatched = 0
    for place, event in candidates(run).items():
        if event.reply is not None:
            assert recorded[place].kind == event.kind and recorded[place].reply == event.reply
        else:
            assert event.failure and event.failure.startswith(("replay: ", "replayed: "))
            mismatched += "request in" in event.failure
    assert mismatched, "another seed should ask some candidate for another kind"


def test_the_backend_itself(source: Path) -> None:
    backend = create_backend("replay", replay_from=str(source))
    first = candidates(source)[(0, 0)]

    async def ask(**fields: object):
        return (await backend.complete(Request("s", "u", **fields)))[0]  # type: ignore[arg-type]

    assert asyncio.run(ask(kind=first.kind, round=0, iteration=0)).text == first.reply
    unplaced = asyncio.run(ask(kind="new"))
    assert unplaced.text is None and "does not say which candidate" in (unplaced.error or "")
    with pytest.raises(ReplayError, match="not a run directory"):
        create_backend("replay", replay_from=str(source / "nowhere"))
    with pytest.raises(ReplayError, match="needs --replay-from"):
        create_backend("replay")
