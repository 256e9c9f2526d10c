"""A deterministic stand-in model and prompt book for loop tests (no network)."""

from __future__ import annotations

import asyncio
import random

from arena.backends.base import Completion, Request

TEMPLATES = [
    "mov.i 0, {a}",
    "add.ab #{a}, 3\nmov.i 2, @2\njmp -2\ndat #0, #0",
    "spl 0\nmov.i {b}, <{a}\njmp -2",
    "mov.i }{a}, >{b}\ndjn.f -1, <{a}",
]


class StubModel:
    """Writes small warriors chosen by the request's seed; optional latency."""

    name = "stub"
    model = "stub-1"

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.calls = 0
        self.in_flight = 0
        self.max_in_flight = 0

    async def complete(self, request: Request, n: int = 1) -> list[Completion]:
        self.calls += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            rng = random.Random(request.seed)
            body = rng.choice(TEMPLATES).format(a=rng.randint(2, 40), b=rng.randint(-20, 20))
            if request.parents and rng.random() < 0.5:
                body = request.parents[0]
            text = f"Here it is:\n```redcode\n;redcode-94\n;assert 1\n{body}\n```"
            return [Completion(text, None, self.name, self.model, 10, 20, self.latency)]
        finally:
            self.in_flight -= 1

    async def aclose(self) -> None:
        return None


def prompts(kind: str, values: dict) -> tuple[str, str, str]:
    return kind, "system", f"{kind}: {values.get('parent', '')}"
