"""The one small protocol every model backend speaks, and the shared plumbing.

A backend turns a :class:`Request` (a system prompt, a user prompt, and for the offline
mutator the parents' code and the hill settings) into ``n`` :class:`Completion` objects.
It never raises for a failed call: HTTP errors after the SDK's own retries, timeouts,
refused connections, empty or unparsable replies all come back as a Completion whose
``error`` says what happened, so the evolution loop records it and goes on.

Concurrency is bounded inside each backend by an ``asyncio.Semaphore``; retries are the
SDK's own (one retry layer, not two).
"""

from __future__ import annotations

import asyncio
import inspect
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, replace
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

from arena.errors import UsageError
from arena.secrets import make_redactor
from arena.settings import DEFAULT_SETTINGS, Settings

Kind = Literal["new", "mutate", "crossover"]
KINDS: tuple[str, ...] = ("new", "mutate", "crossover")

DEFAULT_TIMEOUT = 120.0  # seconds per HTTP attempt
DEFAULT_MAX_RETRIES = 2  # the SDKs' own default
DEFAULT_MAX_CONCURRENCY = 8
MAX_ERROR_CHARS = 500  # error texts are cut to this length (bodies can be huge)


@dataclass(frozen=True, slots=True)
class Request:
    """What the evolution loop asks a backend for.

    ``parents`` holds the Redcode text of the parent (mutate) or both parents
    (crossover); ``settings`` are the hill rules the answer must assemble under;
    ``seed`` makes the offline backend deterministic per request. ``round`` and
    ``iteration`` say which candidate of a run asks (None outside a run), so the replay
    backend can answer with what that candidate got in a recorded run.
    """

    system: str
    user: str
    kind: Kind = "new"
    parents: tuple[str, ...] = ()
    settings: Settings = DEFAULT_SETTINGS
    seed: int = 0
    round: int | None = None
    iteration: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown request kind {self.kind!r}; expected one of {KINDS}")
        if not isinstance(self.parents, tuple):
            object.__setattr__(self, "parents", tuple(self.parents))


@dataclass(frozen=True, slots=True)
class Completion:
    """One answer (or one failure) from a backend.

    ``text`` is the raw reply (None when the call failed); ``error`` says why it failed
    (None on success). Token counts are those the server reported (None if it did not).
    ``attempts`` counts HTTP attempts including the SDK's retries, when known;
    ``status`` is the last HTTP status seen, when there was one.
    """

    text: str | None
    error: str | None
    backend: str
    model: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency_seconds: float = 0.0
    attempts: int | None = None
    status: int | None = None
    finish_reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.text is not None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready fields (for events.jsonl)."""
        return asdict(self)


@runtime_checkable
class Backend(Protocol):
    """What the evolution loop needs from a model backend."""

    name: str
    model: str

    async def complete(self, request: Request, n: int = 1) -> list[Completion]: ...

    async def aclose(self) -> None: ...


def _identity(text: str) -> str:
    return text


class BaseBackend:
    """Shared plumbing: bounded concurrency, timing, and turning exceptions into Completions.

    Subclasses set ``name`` and implement ``_complete_one(request, index)`` returning a
    Completion (without latency; it is filled in here). Anything it raises becomes a
    failed Completion; ``asyncio.CancelledError`` still propagates.
    """

    name: ClassVar[str] = "base"

    def __init__(self, model: str, *, max_concurrency: int = DEFAULT_MAX_CONCURRENCY) -> None:
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        self.model = model
        self.max_concurrency = int(max_concurrency)
        self._semaphore: asyncio.Semaphore | None = None
        self._semaphore_loop: asyncio.AbstractEventLoop | None = None
        self._redact: Callable[[str], str] = _identity

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(name={self.name!r}, model={self.model!r}, "
            f"max_concurrency={self.max_concurrency})"
        )

    async def __aenter__(self) -> BaseBackend:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def _limiter(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._semaphore is None or self._semaphore_loop is not loop:
            self._semaphore = asyncio.Semaphore(self.max_concurrency)
            self._semaphore_loop = loop
        return self._semaphore

    async def complete(self, request: Request, n: int = 1) -> list[Completion]:
        """``n`` independent answers to one request (each one call, run concurrently)."""
        if n < 1:
            return []
        limiter = self._limiter()
        return list(await asyncio.gather(*(self._guarded(limiter, request, i) for i in range(n))))

    async def _guarded(
        self, limiter: asyncio.Semaphore, request: Request, index: int
    ) -> Completion:
        async with limiter:
            start = time.perf_counter()
            try:
                completion = await self._complete_one(request, index)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a failed call is data, never an exception
                completion = self.failure(describe_exception(exc))
            latency = time.perf_counter() - start
        return _with(
            completion,
            latency_seconds=latency,
            error=None if completion.error is None else self._clean(completion.error),
            text=None if completion.text is None else self._redact(completion.text),
        )

    async def _complete_one(self, request: Request, index: int) -> Completion:
        raise NotImplementedError

    def _clean(self, message: str) -> str:
        message = self._redact(message)
        if len(message) > MAX_ERROR_CHARS:
            message = message[: MAX_ERROR_CHARS - 3] + "..."
        return message

    def failure(self, error: str, **fields: Any) -> Completion:
        """A failed Completion from this backend."""
        return Completion(
            text=None, error=self._clean(error), backend=self.name, model=self.model, **fields
        )

    async def sdk_call(
        self,
        sdk: Any,
        create: Callable[[], Awaitable[Any]],
        read: Callable[..., Completion],
    ) -> Completion:
        """One raw-response call through an official SDK (``openai`` or ``anthropic``).

        Both SDKs share the same error classes and raw-response API; their failures
        become Completions here, and ``read(parsed, attempts=, status=)`` turns a parsed
        reply into one.
        """
        try:
            raw = await create()
        except sdk.APIStatusError as exc:
            return self.failure(
                status_error_text(exc),
                status=exc.status_code,
                attempts=attempts_of(exc.response.request),
            )
        except sdk.APITimeoutError as exc:
            return self.failure(
                f"timeout: no reply within {self.timeout:g} s", attempts=attempts_of(exc.request)
            )
        except sdk.APIConnectionError as exc:
            return self.failure(
                f"connection failed: {describe_exception(exc.__cause__ or exc)}",
                attempts=attempts_of(exc.request),
            )
        attempts = raw.retries_taken + 1
        status = raw.status_code
        try:
            parsed = raw.parse()
            if inspect.isawaitable(parsed):  # the async response classes parse lazily
                parsed = await parsed
        except Exception as exc:
            return self.failure(
                f"unparsable reply: {describe_exception(exc)}", attempts=attempts, status=status
            )
        return read(parsed, attempts=attempts, status=status)

    def success(self, text: str, **fields: Any) -> Completion:
        return Completion(text=text, error=None, backend=self.name, model=self.model, **fields)

    async def aclose(self) -> None:
        """Release network resources (nothing to do by default)."""


def _with(completion: Completion, **changes: Any) -> Completion:
    return replace(completion, **changes)


def describe_exception(exc: BaseException) -> str:
    """A one-line description of an exception: its type and first line of message."""
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


NO_KEY = "no-key-needed"  # sent to keyless local servers, which ignore it


class MissingKeyError(UsageError, RuntimeError):
    """The backend needs an API key and the environment variable holding it is empty."""


def read_key(api_key_env: str | None, default_env: str, base_url: str | None) -> str | None:
    """The key from the environment; None for a custom server that may need none."""
    env = api_key_env or default_env
    key = os.environ.get(env, "").strip() or None
    if key is None and base_url is None:
        raise MissingKeyError(
            f"no API key: set the environment variable {env} "
            f"(or pass a base_url for a server that needs no key)"
        )
    return key


def attempts_of(request: Any) -> int | None:
    """HTTP attempts made, read from the SDK's own retry-count header of the last request."""
    try:
        return int(request.headers.get("x-stainless-retry-count", "0")) + 1
    except (AttributeError, TypeError, ValueError, RuntimeError):
        return None


def status_error_text(exc: Any) -> str:
    """'HTTP 429: <what the server said>' for an SDK status error."""
    body = getattr(exc, "body", None)
    detail: object = None
    if isinstance(body, dict):
        error = body.get("error", body)
        detail = error.get("message") if isinstance(error, dict) else error
    if not detail:
        detail = body if body is not None else getattr(exc, "message", "") or str(exc)
    return f"HTTP {exc.status_code}: {detail}"


def int_or_none(value: object) -> int | None:
    """A token count as reported, or None when the server gave none (or nonsense)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "KINDS",
    "NO_KEY",
    "Backend",
    "BaseBackend",
    "Completion",
    "Kind",
    "MissingKeyError",
    "Request",
    "attempts_of",
    "describe_exception",
    "int_or_none",
    "make_redactor",
    "read_key",
    "status_error_text",
]
