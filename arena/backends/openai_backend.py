"""The ``openai`` backend: chat completions through the official SDK's ``AsyncOpenAI``.

Any OpenAI-compatible server works through ``base_url`` (Ollama's
``http://localhost:11434/v1``, vLLM, the llama.cpp server, OpenRouter). The key comes
only from the environment (``OPENAI_API_KEY`` or the variable named by
``api_key_env``); a server given by ``base_url`` may need no key at all.

Retries and timeouts are the SDK's own (``max_retries``, ``timeout``); this module adds
no retry loop of its own.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

import openai
from openai.types.chat import ChatCompletion

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

DEFAULT_MODEL = "gpt-4.1-mini"
DEFAULT_KEY_ENV = "OPENAI_API_KEY"


class OpenAIBackend(BaseBackend):
    """Chat completions against OpenAI or any compatible server."""

    name = "openai"
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
        base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        key = read_key(api_key_env, DEFAULT_KEY_ENV, base_url)
        self.base_url = base_url
        self.timeout = float(timeout)
        self.max_retries = int(max_retries)
        self.temperature = temperature
        self.max_tokens = max_tokens
        self._redact = make_redactor(key)
        self._client = openai.AsyncOpenAI(
            api_key=key or NO_KEY,
            base_url=base_url,
            timeout=self.timeout,
            max_retries=self.max_retries,
        )

    def __repr__(self) -> str:
        return (
            f"OpenAIBackend(model={self.model!r}, base_url={self.base_url!r}, "
            f"timeout={self.timeout}, max_retries={self.max_retries}, "
            f"max_concurrency={self.max_concurrency})"
        )

    async def _complete_one(self, request: Request, index: int) -> Completion:
        messages: list[dict[str, str]] = []
        if request.system:
            messages.append({"role": "system", "content": request.system})
        messages.append({"role": "user", "content": request.user})
        options: dict[str, Any] = {}
        if self.temperature is not None:
            options["temperature"] = self.temperature
        if self.max_tokens is not None:
            options["max_tokens"] = self.max_tokens
        return await self.sdk_call(
            openai,
            lambda: self._client.chat.completions.with_raw_response.create(
                model=self.model, messages=messages, **options
            ),
            self._read,
        )

    def _read(self, parsed: object, *, attempts: int, status: int) -> Completion:
        if not isinstance(parsed, ChatCompletion):
            preview = str(parsed)[:120]
            return self.failure(
                f"unparsable reply: not a chat completion: {preview!r}",
                attempts=attempts,
                status=status,
            )
        usage = getattr(parsed, "usage", None)
        tokens = {
            "prompt_tokens": int_or_none(getattr(usage, "prompt_tokens", None)),
            "completion_tokens": int_or_none(getattr(usage, "completion_tokens", None)),
            "attempts": attempts,
            "status": status,
        }
        choices = getattr(parsed, "choices", None) or []
        if not choices:
            return self.failure("unparsable reply: no choices", **tokens)
        choice = choices[0]
        message = getattr(choice, "message", None)
        content = getattr(message, "content", None)
        finish = getattr(choice, "finish_reason", None)
        if not isinstance(content, str) or not content.strip():
            return self.failure("empty reply", finish_reason=finish, **tokens)
        return self.success(content, finish_reason=finish, **tokens)

    async def aclose(self) -> None:
        await self._client.close()
