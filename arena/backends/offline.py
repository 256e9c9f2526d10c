"""The ``offline`` backend: evolution without a model (the default; no network, no key).

It reads the request's kind, parents and hill settings (the prompts are not needed)
and answers like a model would: a short reply with one ```redcode block, which the
evolution loop extracts and assembles exactly as it does a model's answer.

* ``new``: a fresh warrior from the grammar of building blocks (mutate_grammar);
* ``mutate``: one to a few classic edits of the parent (mutate);
* ``crossover``: a splice, block exchange or parallel launch of both parents, sometimes
  followed by an edit.

Everything is seeded by the request's seed (and the completion's index when ``n > 1``,
and the backend's own seed), so the same request always gives the same text. Every
answer assembles under the request's settings: each candidate is assembled, a failed
one is retried a bounded number of times, and the last resort is the parent itself.
"""

from __future__ import annotations

import hashlib
import random
from typing import ClassVar

from arena.backends.base import DEFAULT_MAX_CONCURRENCY, BaseBackend, Completion, Request
from arena.backends.mutate import Program, crossover, mutate, normalize, parse, to_text
from arena.backends.mutate_grammar import new_warrior
from arena.redcode import assemble
from arena.settings import Settings

MODEL = "mutator-1"
MAX_TRIES = 12  # candidates tried before falling back to the parent


def request_rng(request: Request, index: int, backend_seed: int = 0) -> random.Random:
    """A generator determined by the request (seed, kind, parents), index and backend seed."""
    material = "\x1f".join(
        [str(backend_seed), str(request.seed), str(index), request.kind, *request.parents]
    )
    digest = hashlib.sha256(material.encode("utf-8", "surrogatepass")).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _name(text: str) -> str:
    return "offline-" + hashlib.sha256(text.encode()).hexdigest()[:8]


def _render(program: Program, settings: Settings, strategy: str) -> str:
    body = to_text(program, settings, "{name}", strategy)
    code_only = "\n".join(body.splitlines()[3:])  # name from the code, not the header
    return body.replace("{name}", _name(code_only))


def _assembles(text: str, settings: Settings) -> bool:
    result = assemble(text, settings)
    return result.ok and result.warrior is not None and len(result.warrior) > 0


def generate(request: Request, rng: random.Random) -> tuple[str, str]:
    """(Redcode text, what was done) for a request; the text always assembles."""
    settings = request.settings
    parents = [p for p in (parse(text, settings) for text in request.parents) if p is not None]
    kind = request.kind
    if kind == "crossover" and len(parents) < 2:
        kind = "mutate"
    if kind == "mutate" and not parents:
        kind = "new"
    for _ in range(MAX_TRIES):
        if kind == "new":
            program, strategy = new_warrior(rng, settings)
            note = f"new {strategy}"
        elif kind == "mutate":
            program = mutate(rng, parents[0], settings)
            strategy, note = "evolved offline by mutation", "mutation"
            if program == parents[0]:
                continue
        else:
            first, second = parents[0], parents[1]
            if rng.random() < 0.5:
                first, second = second, first
            program = normalize(crossover(rng, first, second, settings), settings)
            if rng.random() < 0.3:
                program = mutate(rng, program, settings)
            strategy, note = "evolved offline by crossover", "crossover"
            if program in (parents[0], parents[1]):
                continue
        text = _render(normalize(program, settings), settings, strategy)
        if _assembles(text, settings):
            return text, note
    if parents:
        text = _render(normalize(parents[0], settings), settings, "unchanged parent")
        if _assembles(text, settings):
            return text, "fallback: the parent unchanged"
    imp = Program(((0, 6, 1, 0, 1, 1),), 0)
    return _render(imp, settings, "imp"), "fallback: an imp"


def reply_text(code: str, note: str) -> str:
    """The answer dressed like a model's reply, so the same extraction path is used."""
    return f"Here is the warrior ({note}).\n\n```redcode\n{code}```\n"


class OfflineBackend(BaseBackend):
    """Classic evolutionary operators on Redcode; deterministic per request."""

    name = "offline"
    default_model: ClassVar[str] = MODEL

    def __init__(
        self,
        model: str | None = None,
        *,
        seed: int = 0,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    ) -> None:
        super().__init__(model or MODEL, max_concurrency=max_concurrency)
        self.seed = int(seed or 0)

    def __repr__(self) -> str:
        return f"OfflineBackend(model={self.model!r}, seed={self.seed})"

    async def _complete_one(self, request: Request, index: int) -> Completion:
        rng = request_rng(request, index, self.seed)
        code, note = generate(request, rng)
        return self.success(reply_text(code, note), prompt_tokens=0, completion_tokens=0)
