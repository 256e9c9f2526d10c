"""The backend protocol, the shared plumbing and the entry-point registry."""

from __future__ import annotations

import asyncio
from importlib.metadata import EntryPoint

import pytest

from arena.backends import (
    GROUP,
    Backend,
    BaseBackend,
    Completion,
    Request,
    UnknownBackendError,
    available_backends,
    create_backend,
)
from arena.backends import registry as registry_module
from arena.backends.base import make_redactor


class EchoBackend:
    """A third-party style backend with a smaller constructor than ours."""

    name = "echo"

    def __init__(self, model: str | None = None, seed: int = 0) -> None:
        self.model = model or "echo-1"
        self.seed = seed

    async def complete(self, request: Request, n: int = 1) -> list[Completion]:
        return [Completion(request.user, None, self.name, self.model) for _ in range(n)]

    async def aclose(self) -> None:
        pass


class Exploding(BaseBackend):
    name = "exploding"

    async def _complete_one(self, request: Request, index: int) -> Completion:
        raise RuntimeError(f"server said: bad key sk-very-secret-{index} " + "x" * 2000)


def _plugins(*eps: EntryPoint):
    def fake(group: str | None = None, **_: object):
        return [ep for ep in eps if group in (None, ep.group)]

    return fake


def test_builtins_are_available_and_offline_is_the_default() -> None:
    names = available_backends()
    assert {"offline", "openai", "anthropic"} <= set(names)
    backend = create_backend()
    assert backend.name == "offline"
    assert isinstance(backend, Backend)


def test_unknown_name_lists_the_available_ones() -> None:
    with pytest.raises(UnknownBackendError) as info:
        create_backend("gpt-nine")
    message = str(info.value)
    assert "gpt-nine" in message
    for name in ("offline", "openai", "anthropic"):
        assert name in message


def test_entry_point_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    ep = EntryPoint("echo", f"{__name__}:EchoBackend", GROUP)
    monkeypatch.setattr(registry_module, "entry_points", _plugins(ep))
    assert "echo" in available_backends()
    backend = create_backend("echo", model="m", timeout=3.0, max_retries=5, seed=9)
    assert isinstance(backend, EchoBackend) and backend.model == "m" and backend.seed == 9
    [c] = asyncio.run(backend.complete(Request("s", "hello")))
    assert c.text == "hello"
    with pytest.raises(TypeError, match="temperature"):
        create_backend("echo", temperature=0.5)


def test_broken_plugin_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    ep = EntryPoint("broken", "no_such_module_here:Thing", GROUP)
    monkeypatch.setattr(registry_module, "entry_points", _plugins(ep))
    with pytest.raises(UnknownBackendError, match="could not be loaded"):
        create_backend("broken")


def test_request_validation() -> None:
    with pytest.raises(ValueError, match="unknown request kind"):
        Request("s", "u", kind="explode")  # type: ignore[arg-type]
    request = Request("s", "u", kind="crossover", parents=["a", "b"])  # type: ignore[arg-type]
    assert request.parents == ("a", "b")


def test_exceptions_become_failed_completions_redacted_and_short() -> None:
    backend = Exploding("m", max_concurrency=2)
    backend._redact = make_redactor("sk-very-secret-0", "sk-very-secret-1")
    completions = asyncio.run(backend.complete(Request("s", "u"), n=2))
    for c in completions:
        assert not c.ok and c.text is None
        assert c.error.startswith("RuntimeError: server said")
        assert "sk-very-secret" not in c.error and "[redacted]" in c.error
        assert len(c.error) <= 500
    assert completions[0].to_dict()["error"] == completions[0].error


def test_max_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError):
        create_backend("offline", max_concurrency=0)
