"""Model backends for evolution: ``offline`` (no model), ``openai``, ``anthropic``, plugins.

Usage::

    from arena.backends import Request, create_backend

    backend = create_backend("offline", seed=1)
    [completion] = await backend.complete(Request(system, user, kind="new", settings=s))
    if completion.ok:
        code = extract_redcode(completion.text)
    await backend.aclose()

The SDK-based backends are imported only when asked for, so ``import arena.backends``
stays cheap and works without network libraries configured.
"""

from arena.backends.base import (
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    KINDS,
    Backend,
    BaseBackend,
    Completion,
    Kind,
    Request,
)
from arena.backends.registry import (
    DEFAULT_BACKEND,
    GROUP,
    UnknownBackendError,
    available_backends,
    backend_factory,
    create_backend,
)

__all__ = [
    "DEFAULT_BACKEND",
    "DEFAULT_MAX_CONCURRENCY",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "GROUP",
    "KINDS",
    "Backend",
    "BaseBackend",
    "Completion",
    "Kind",
    "Request",
    "UnknownBackendError",
    "available_backends",
    "backend_factory",
    "create_backend",
]
