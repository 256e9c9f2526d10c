"""Finding backends by name: entry points of the group ``arena.backends``.

A package adds a backend by declaring, in its own ``pyproject.toml``::

    [project.entry-points."arena.backends"]
    mymodel = "mypackage.backend:MyBackend"

The object named there is called with keyword arguments (``model``, ``base_url``,
``api_key_env``, ``timeout``, ``max_retries``, ``max_concurrency``, ``seed`` and any
extra options) and must return something that follows :class:`arena.backends.Backend`.
Our own backends (``offline``, ``openai``, ``anthropic``, ``replay``) are also known
without installation metadata, so a plain checkout works.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from importlib import import_module
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from arena.backends.base import (
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    Backend,
)
from arena.errors import UsageError

GROUP = "arena.backends"
DEFAULT_BACKEND = "offline"

BUILTIN: dict[str, str] = {
    "offline": "arena.backends.offline:OfflineBackend",
    "openai": "arena.backends.openai_backend:OpenAIBackend",
    "anthropic": "arena.backends.anthropic_backend:AnthropicBackend",
    # it reads run events, so it lives in arena.evolve (loaded by name, never imported here)
    "replay": "arena.evolve.replay:ReplayBackend",
}


class UnknownBackendError(UsageError, LookupError):
    """No backend of that name is registered."""


class UnknownOptionError(UsageError, TypeError):
    """An option the backend does not declare."""


def _load(target: str) -> Callable[..., Any]:
    module_name, _, attribute = target.partition(":")
    obj: Any = import_module(module_name)
    for part in attribute.split("."):
        obj = getattr(obj, part)
    return obj


def available_backends() -> dict[str, str]:
    """Every backend name, with the object path it loads (entry points win over built-ins)."""
    found: dict[str, str] = dict(BUILTIN)
    for ep in entry_points(group=GROUP):
        found[ep.name] = ep.value
    return dict(sorted(found.items()))


def backend_factory(name: str) -> Callable[..., Any]:
    """The class or factory registered as ``name``."""
    key = name.strip().lower()
    for ep in entry_points(group=GROUP):
        if ep.name.lower() == key:
            return _load_entry_point(ep)
    if key in BUILTIN:
        return _load(BUILTIN[key])
    names = ", ".join(available_backends())
    raise UnknownBackendError(f"unknown backend {name!r}; available backends: {names}")


def _load_entry_point(ep: EntryPoint) -> Callable[..., Any]:
    try:
        return ep.load()
    except Exception as exc:
        raise UnknownBackendError(
            f"backend {ep.name!r} is registered as {ep.value!r} but could not be loaded: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def default_model(name: str) -> str:
    """The model backend ``name`` uses when none is given ("" when it does not say): what
    a dry run prices before any backend is built."""
    return str(getattr(backend_factory(name), "default_model", "") or "")


STANDARD_ARGUMENTS = frozenset(
    {"model", "base_url", "api_key_env", "timeout", "max_retries", "max_concurrency", "seed"}
)


def _parameters(factory: Callable[..., Any]) -> dict[str, inspect.Parameter] | None:
    try:
        return dict(inspect.signature(factory).parameters)
    except (TypeError, ValueError):
        return None


def declared_options(name: str) -> list[str]:
    """The options backend ``name`` declares: keyword parameters beyond the standard ones
    (e.g. ``temperature`` and ``max_tokens``); set them with ``[backend_options]`` in a
    config file or ``--backend-option KEY=VALUE``."""
    parameters = _parameters(backend_factory(name)) or {}
    return [
        p.name
        for p in parameters.values()
        if p.name not in STANDARD_ARGUMENTS
        and p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]


def create_backend(
    name: str = DEFAULT_BACKEND,
    *,
    model: str | None = None,
    base_url: str | None = None,
    api_key_env: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    seed: int = 0,
    **options: Any,
) -> Backend:
    """Build the backend registered as ``name``.

    Arguments a factory does not accept are dropped (so a plugin written for a smaller
    signature still loads), unless it takes ``**kwargs``. API keys are never passed
    here: a backend reads its key from the environment variable ``api_key_env`` (or its
    own default, e.g. ``OPENAI_API_KEY``).
    """
    factory = backend_factory(name)
    arguments: dict[str, Any] = {
        "model": model,
        "base_url": base_url,
        "api_key_env": api_key_env,
        "timeout": timeout,
        "max_retries": max_retries,
        "max_concurrency": max_concurrency,
        "seed": seed,
        **options,
    }
    parameters = _parameters(factory)
    if parameters is not None and not any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    ):
        unknown = sorted(k for k in options if k not in parameters)
        if unknown:
            known = ", ".join(declared_options(name)) or "none"
            raise UnknownOptionError(
                f"backend {name!r} has no option {', '.join(map(repr, unknown))} "
                f"(its options: {known})"
            )
        arguments = {k: v for k, v in arguments.items() if k in parameters}
    backend = factory(**arguments)
    for attribute in ("name", "model", "complete", "aclose"):
        if not hasattr(backend, attribute):
            raise TypeError(f"backend {name!r} built an object without {attribute!r}")
    return backend


__all__ = [
    "BUILTIN",
    "DEFAULT_BACKEND",
    "GROUP",
    "UnknownBackendError",
    "UnknownOptionError",
    "available_backends",
    "backend_factory",
    "create_backend",
    "declared_options",
    "default_model",
]
