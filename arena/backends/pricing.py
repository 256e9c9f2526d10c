"""What model calls cost: USD per million input and output tokens, by model name.

The defaults are the list prices of the common current OpenAI and Anthropic models; a
run's ``[pricing]`` table (``"model" = {input = 3.0, output = 15.0}``) adds models or
overrides these, e.g. for a local server (price 0) or a reseller. The ``offline`` and
``replay`` backends make no paid call: they cost 0 whatever their model is called.

A model name matches its entry exactly, or without a provider prefix (OpenRouter's
``openai/gpt-4o``) and without a date or ``-latest`` suffix (``gpt-4o-2024-08-06``,
``claude-sonnet-4-5-20250929``). A model found nowhere has no price (``None``): its
tokens are counted, and a cost cap refuses to start with it (see arena.evolve.economics).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

FREE_BACKENDS = frozenset({"offline", "replay"})  # they never make a paid call
MILLION = 1_000_000


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million tokens."""

    input: float
    output: float

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * self.input + completion_tokens * self.output) / MILLION


FREE = Price(0.0, 0.0)

# List prices in USD per million (input, output) tokens; [pricing] in a run config wins.
DEFAULT_PRICES: dict[str, Price] = {
    # OpenAI
    "gpt-5": Price(1.25, 10.0),
    "gpt-5-mini": Price(0.25, 2.0),
    "gpt-5-nano": Price(0.05, 0.40),
    "gpt-4.1": Price(2.0, 8.0),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.40),
    "gpt-4o": Price(2.50, 10.0),
    "gpt-4o-mini": Price(0.15, 0.60),
    "o3": Price(2.0, 8.0),
    "o3-mini": Price(1.10, 4.40),
    "o4-mini": Price(1.10, 4.40),
    # Anthropic
    "claude-opus-4-1": Price(15.0, 75.0),
    "claude-opus-4-0": Price(15.0, 75.0),
    "claude-opus-4": Price(15.0, 75.0),
    "claude-sonnet-4-5": Price(3.0, 15.0),
    "claude-sonnet-4-0": Price(3.0, 15.0),
    "claude-sonnet-4": Price(3.0, 15.0),
    "claude-3-7-sonnet": Price(3.0, 15.0),
    "claude-3-5-sonnet": Price(3.0, 15.0),
    "claude-haiku-4-5": Price(1.0, 5.0),
    "claude-3-5-haiku": Price(0.80, 4.0),
}

_SUFFIX = re.compile(r"-(?:latest|\d{8}|\d{4}-\d{2}-\d{2})$")


def base_name(model: str) -> str:
    """The model's name without a provider prefix or a date/``-latest`` suffix."""
    name = model.strip().rsplit("/", 1)[-1]
    return _SUFFIX.sub("", name)


class PriceTable:
    """The default prices with a run's own entries on top."""

    def __init__(self, overrides: Mapping[str, Mapping[str, float]] | None = None) -> None:
        self.overrides = {
            name: Price(float(p["input"]), float(p["output"]))
            for name, p in (overrides or {}).items()
        }

    def price(self, backend: str | None, model: str | None) -> Price | None:
        """The price of one backend's model; None when it is not known."""
        if (backend or "").strip().lower() in FREE_BACKENDS:
            return FREE
        name = (model or "").strip()
        for key in (name, base_name(name)):
            for table in (self.overrides, DEFAULT_PRICES):
                if key in table:
                    return table[key]
        return None

    def cost(
        self, backend: str | None, model: str | None, prompt_tokens: int, completion_tokens: int
    ) -> float | None:
        """USD for one call's tokens; None when the model has no price."""
        price = self.price(backend, model)
        return None if price is None else price.cost(prompt_tokens, completion_tokens)
