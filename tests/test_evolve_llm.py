"""Red Queen runs against local model servers, through the real OpenAI and Anthropic SDKs."""

from __future__ import annotations

from pathlib import Path

import pytest

from arena.evolve.config import RunConfig, resolve
from arena.evolve.events import CandidateEvent
from arena.evolve.session import open_run
from arena.settings import Settings, SettingsError
from tests.fake_llm_servers import FakeLLMServer, empty, garbage, ok, sleep, status

WARRIOR = (
    "Here you go:\n```redcode\n;redcode-94\n;assert 1\nspl 0\nmov.i 2, <{n}\njmp -2\n```\nEnjoy."
)


SMALL_HILL = Settings(
    core_size=800, max_cycles=2000, max_processes=64, max_length=20, min_distance=20
)


def script(index: int, body: dict) -> object:
    """Every kind of trouble in turn, with good answers in between."""
    kind = index % 7
    if kind == 0:
        return status(429)
    if kind == 2:
        return status(500)
    if kind == 3:
        return empty()
    if kind == 4:
        return garbage()
    if kind == 5:
        return sleep(1.0)  # longer than the client's timeout
    return ok(WARRIOR.replace("{n}", str(3 + index % 11)))


@pytest.mark.parametrize("protocol", ["openai", "anthropic"])
async def test_run_completes_and_records_every_failure(
    protocol: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("FAKE_KEY", "fake-key-123456")
    with FakeLLMServer(protocol, script) as server:
        config = RunConfig(
            rounds=2, iterations=6, n_init=3, placements=2, concurrency=3, seed=1,
            backend=protocol, model="fake-model", base_url=server.base_url,
            api_key_env="FAKE_KEY", timeout=0.4, max_retries=1,
            settings=SMALL_HILL,
        ).validate()  # fmt: skip
        run = open_run(config, tmp_path / "run")
        try:
            rounds = (await run.red_queen.run()).rounds
        finally:
            await run.close()
    assert len(rounds) == 2
    events = [e for e in run.store.events() if isinstance(e, CandidateEvent)]
    assert len(events) == 2 * (3 + 6)
    failed = [e for e in events if e.failure]
    answered = [e for e in events if e.fitness is not None]
    assert failed and answered
    assert all(e.backend == protocol and e.model == "fake-model" for e in events)
    assert all(e.prompt_tokens == 11 for e in answered)
    # empty replies are answers without code: recorded with assembler errors
    assert any(e.reply == "" or (e.reply is not None and e.errors) for e in events) or failed
    assert any(o.champion_id is not None for o in rounds)
    text = "".join(p.read_text() for p in run.store.root.rglob("*") if p.is_file())
    assert "fake-key-123456" not in text


@pytest.mark.parametrize("protocol", ["openai", "anthropic"])
async def test_a_reply_that_echoes_the_key_is_stored_redacted(
    protocol: str, tmp_path: Path, monkeypatch
) -> None:
    """A server that echoes the Authorization header back: the key never reaches the disk."""
    key = "sk-echo-" + "7" * 30
    monkeypatch.setenv("FAKE_KEY", key)
    echo = WARRIOR.replace("{n}", "5") + f"\nAuthorization: Bearer {key}\n"
    with FakeLLMServer(protocol, lambda index, body: ok(echo)) as server:
        config = RunConfig(
            rounds=1, iterations=1, n_init=1, placements=2, seed=1, backend=protocol,
            model="m", base_url=server.base_url, api_key_env="FAKE_KEY", settings=SMALL_HILL,
        ).validate()  # fmt: skip
        run = open_run(config, tmp_path / "run")
        try:
            await run.red_queen.run()
        finally:
            await run.close()
    replies = [e.reply for e in run.store.events() if isinstance(e, CandidateEvent)]
    assert replies and all("Bearer [redacted]" in r for r in replies)
    for path in run.store.root.rglob("*"):
        if path.is_file():
            assert key not in path.read_text(errors="replace"), path


async def test_backend_options_reach_the_model_and_unknown_ones_are_refused(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("FAKE_KEY", "fake-key-123456")
    bodies: list[dict] = []

    def record(index: int, body: dict) -> object:
        bodies.append(body)
        return ok(WARRIOR.replace("{n}", "4"))

    with FakeLLMServer("openai", record) as server:
        config = resolve(
            flags={"rounds": 1, "iterations": 0, "n_init": 1, "placements": 2,
                   "backend": "openai", "model": "m", "base_url": server.base_url,
                   "api_key_env": "FAKE_KEY", "core_size": 800, "max_length": 20,
                   "backend_options": {"temperature": 0.3, "max_tokens": 77}},
        )  # fmt: skip
        run = open_run(config, tmp_path / "run")
        try:
            await run.red_queen.run()
        finally:
            await run.close()
    assert bodies and bodies[0]["temperature"] == 0.3 and bodies[0]["max_tokens"] == 77
    assert "[backend_options]" in (tmp_path / "run" / "config.toml").read_text()
    bad = resolve(flags={"backend": "offline", "backend_options": {"temperature": 1.0}})
    with pytest.raises(SettingsError, match="backend 'offline' has no option 'temperature'"):
        open_run(bad, tmp_path / "bad")
    assert not (tmp_path / "bad").exists()
