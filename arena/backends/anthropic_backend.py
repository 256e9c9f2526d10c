"""The ``anthropic`` backend: the Messages API through the official SDK's ``AsyncAnthropic``.

The key comes only from the environment (``ANTHROPIC_API_KEY`` or the variable named by
``api_key_env``); it is always passed explicitly, so the SDK never goes looking for
credentials elsewhere. Retries and timeouts are the SDK's own.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

import anthropic
from anthropic.types import Message

from arena.backends.base import (
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NO_KEY,
    BaseBackend,
    Completion,
    Request,
    int_or_none,
    make_redactor,
    read_key,
)

DEFAULT_MODEL = "claude-sonnet-4-5"
DEFAULT_KEY_ENV = "ANTHROPIC_API_KEY"
DEFAULT_MAX_TOKENS = 4096  # the Messages API requires a limit; a warrior fits easily


class AnthropicBackend(BaseBackend):
    """Claude models through the Messages API (or a compatible server via base_url)."""

    name = "anthropic"
    default_model: ClassVar[str] = DEFAULT_MODEL

    def __init__(
        self,
        model: str | None = None,
        *,
        base_url: str | None = None,
        api_key_env: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        seed: int | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> None:
        super().__init__(model or DEFAULT_MODEL, max_concurrency=max_concurrency)
        base_url = base_url or os.environ.get("ANTHROPIC_BASE_URL") or None
        key = read_key(api_key_env, DEFAULT_KEY_ENV, base_url)
        self.base_url = base_url
        self.timeout = float(timeout)
        self.max_retries = int(max_retries)
        self.temperature = temperature
        self.max_tokens = int(max_tokens or DEFAULT_MAX_TOKENS)
        self._redact = make_redactor(key)
        self._client = anthropic.AsyncAnthropic(
            api_key=key or NO_KEY,
            base_url=base_url,
            timeout=self.timeout,
            max_retries=self.max_retries,
        )

    def __repr__(self) -> str:
        return (
            f"AnthropicBackend(model={self.model!r}, base_url={self.base_url!r}, "
            f"timeout={self.timeout}, max_retries={self.max_retries}, "
            f"max_concurrency={self.max_concurrency})"
        )

    async def _complete_one(self, request: Request, index: int) -> Completion:
        options: dict[str, Any] = {}
        if request.system:
            options["system"] = request.system
        if self.temperature is not None:
            options["temperature"] = self.temperature
        return await self.sdk_call(
            anthropic,
            lambda: self._client.messages.with_raw_response.create(
                model=self.model,
                max_tokens=self.max_tokens,
                messages=[{"role": "user", "content": request.user}],
                **options,
            ),
            self._read,
        )

    def _read(self, parsed: object, *, attempts: int, status: int) -> Completion:
        if not isinstance(parsed, Message):
            preview = str(parsed)[:120]
            return self.failure(
                f"unparsable reply: not a message: {preview!r}", attempts=attempts, status=status
            )
        usage = getattr(parsed, "usage", None)
        tokens = {
            "prompt_tokens": int_or_none(getattr(usage, "input_tokens", None)),
            "completion_tokens": int_or_none(getattr(usage, "output_tokens", None)),
            "attempts": attempts,
            "status": status,
        }
        finish = getattr(parsed, "stop_reason", None)
        blocks = getattr(parsed, "content", None)
        if not isinstance(blocks, list):
            return self.failure("unparsable reply: no content", finish_reason=finish, **tokens)
        text = "".join(
            block.text
            for block in blocks
            if getattr(block, "type", None) == "text"
            and isinstance(getattr(block, "text", None), str)
        )
        if not text.strip():
            return self.failure("empty reply", finish_reason=finish, **tokens)
        return self.success(text, finish_reason=finish, **tokens)

    async def aclose(self) -> None:
        await self._client.close()
