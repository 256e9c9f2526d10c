"""The openai and anthropic backends, through the real SDK clients, against local servers."""

from __future__ import annotations

import asyncio

import pytest

from arena.backends import Completion, Request, create_backend
from arena.backends.base import MissingKeyError
from tests.fake_llm_servers import (
    FakeLLMServer,
    Reply,
    closed_port,
    empty,
    garbage,
    ok,
    sleep,
    status,
)

PROTOCOLS = ["openai", "anthropic"]
KEY_ENV = "ARENA_TEST_SECRET_KEY"
SECRET = "sk-test-SECRET-0123456789abcdef"
REQUEST = Request(system="You write Redcode.", user="Write a warrior.", kind="new")


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, SECRET)
    for name in ("OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def backend_for(protocol: str, server: FakeLLMServer | str, **options):
    base_url = server if isinstance(server, str) else server.base_url
    options.setdefault("timeout", 5.0)
    options.setdefault("max_retries", 2)
    return create_backend(
        protocol, model="fake-model", base_url=base_url, api_key_env=KEY_ENV, **options
    )


def assert_no_secret(*things: object) -> None:
    for thing in things:
        assert SECRET not in repr(thing)
        assert SECRET not in str(thing)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_normal_reply_records_usage(protocol: str) -> None:
    with FakeLLMServer(protocol, [ok("```redcode\nJMP 0\n```", prompt_tokens=42,
                                     completion_tokens=9)]) as server:  # fmt: skip
        backend = backend_for(protocol, server)
        [c] = await backend.complete(REQUEST)
        await backend.aclose()
    assert c.ok and c.error is None
    assert c.text == "```redcode\nJMP 0\n```"
    assert (c.prompt_tokens, c.completion_tokens) == (42, 9)
    assert c.backend == protocol and c.model == "fake-model"
    assert c.attempts == 1 and c.status == 200
    assert c.latency_seconds > 0
    sent = server.requests[0]
    if protocol == "openai":
        assert sent["path"].endswith("/chat/completions")
        roles = [m["role"] for m in sent["body"]["messages"]]
        assert roles == ["system", "user"]
        assert sent["headers"].get("authorization") == f"Bearer {SECRET}"
    else:
        assert sent["path"].endswith("/v1/messages")
        assert sent["body"]["system"] == REQUEST.system
        assert sent["body"]["messages"] == [{"role": "user", "content": REQUEST.user}]
        assert sent["body"]["max_tokens"] > 0
        credentials = (sent["headers"].get("x-api-key"), sent["headers"].get("authorization"))
        assert SECRET in credentials or f"Bearer {SECRET}" in credentials
    assert_no_secret(c, backend)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_rate_limit_then_success_is_retried_by_the_sdk(protocol: str) -> None:
    with FakeLLMServer(protocol, [status(429), ok()]) as server:
        backend = backend_for(protocol, server, max_retries=2)
        [c] = await backend.complete(REQUEST)
        await backend.aclose()
    assert c.ok, c.error
    assert c.attempts == 2
    assert len(server.requests) == 2


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_server_error_every_time_is_recorded_not_raised(protocol: str) -> None:
    with FakeLLMServer(protocol, [status(500, "boom")]) as server:
        backend = backend_for(protocol, server, max_retries=2)
        completions = await backend.complete(REQUEST, n=2)
        await backend.aclose()
    assert len(completions) == 2
    for c in completions:
        assert not c.ok and c.text is None
        assert c.error.startswith("HTTP 500")
        assert c.status == 500 and c.attempts == 3
        assert c.prompt_tokens is None
    assert len(server.requests) == 6  # 2 calls x (1 + 2 SDK retries): one retry layer


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_timeout_is_recorded(protocol: str) -> None:
    with FakeLLMServer(protocol, [sleep(1.5)]) as server:
        backend = backend_for(protocol, server, timeout=0.3, max_retries=0)
        [c] = await backend.complete(REQUEST)
        await backend.aclose()
    assert not c.ok
    assert c.error.startswith("timeout")
    assert c.attempts == 1
    assert 0.25 < c.latency_seconds < 1.4


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_empty_reply_is_an_error(protocol: str) -> None:
    with FakeLLMServer(protocol, [empty()]) as server:
        backend = backend_for(protocol, server)
        [c] = await backend.complete(REQUEST)
        await backend.aclose()
    assert not c.ok and c.text is None
    assert c.error == "empty reply"
    assert c.prompt_tokens == 11  # usage is kept even when the text is useless


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_garbage_body_is_an_error(protocol: str) -> None:
    with FakeLLMServer(protocol, [garbage()]) as server:
        backend = backend_for(protocol, server)
        [c] = await backend.complete(REQUEST)
        await backend.aclose()
    assert not c.ok
    assert c.error.startswith("unparsable reply")


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_json_of_the_wrong_shape_is_an_error(protocol: str) -> None:
    with FakeLLMServer(protocol, [Reply(body={"hello": "world"})]) as server:
        backend = backend_for(protocol, server)
        [c] = await backend.complete(REQUEST)
        await backend.aclose()
    assert not c.ok
    assert c.error.startswith("unparsable reply")


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_connection_refused_is_recorded(protocol: str) -> None:
    url = f"http://127.0.0.1:{closed_port()}" + ("/v1" if protocol == "openai" else "")
    backend = backend_for(protocol, url, max_retries=0)
    [c] = await backend.complete(REQUEST)
    await backend.aclose()
    assert not c.ok
    assert c.error.startswith("connection failed")


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_concurrency_bound_is_respected(protocol: str) -> None:
    with FakeLLMServer(protocol, [ok(delay=0.15)]) as server:
        backend = backend_for(protocol, server, max_concurrency=3)
        first, second = await asyncio.gather(
            backend.complete(REQUEST, n=5), backend.complete(REQUEST, n=4)
        )
        await backend.aclose()
    assert all(c.ok for c in first + second)
    assert len(server.requests) == 9
    assert server.max_active == 3


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_key_never_leaks(protocol: str) -> None:
    """The server quotes the request headers (with the key) in its error bodies."""
    script = [status(401, "bad key"), status(500), garbage(), ok()]
    with FakeLLMServer(protocol, lambda i, body: script[i % len(script)],
                       echo_headers=True) as server:  # fmt: skip
        backend = backend_for(protocol, server, max_retries=0, max_concurrency=1)
        results: list[Completion] = []
        for _ in range(4):
            results += await backend.complete(REQUEST)
        await backend.aclose()
    assert any(SECRET in str(r["headers"]) for r in server.requests)  # it was sent...
    errors = [c.error for c in results if c.error]
    assert len(errors) == 3
    assert any("[redacted]" in e for e in errors)  # ...and quoted back, but redacted
    for c in results:
        assert_no_secret(c, c.to_dict())
    assert_no_secret(backend)


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_missing_key_error_names_the_variable_not_a_value(
    protocol: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(MissingKeyError, match=KEY_ENV):
        create_backend(protocol, api_key_env=KEY_ENV)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_keyless_local_server_is_allowed(
    protocol: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV)
    with FakeLLMServer(protocol, [ok()]) as server:
        backend = create_backend(protocol, model="llama3", base_url=server.base_url,
                                 api_key_env=KEY_ENV)  # fmt: skip
        [c] = await backend.complete(REQUEST)
        await backend.aclose()
    assert c.ok, c.error
    assert server.requests[0]["body"]["model"] == "llama3"


async def test_several_completions_are_independent_calls() -> None:
    replies = [ok(f"```redcode\nJMP {i}\n```") for i in range(4)]
    with FakeLLMServer("openai", lambda i, body: replies[i]) as server:
        backend = backend_for("openai", server, max_concurrency=1)
        completions = await backend.complete(REQUEST, n=4)
        await backend.aclose()
    assert sorted(c.text for c in completions) == sorted(r.text for r in replies)
    assert await backend.complete(REQUEST, n=0) == []
