"""The ``replay`` backend: a recorded run's model replies, given again without a model.

``arena evolve --backend replay --replay-from RUN_DIR`` answers each request with what
the candidate at the same place (round, iteration) got in RUN_DIR's ``events.jsonl``,
provided it was the same kind of request: the reply as stored, or the recorded failure
(``replayed: <reason>``). A request the recorded run never made, or made as another
kind, is a failure of that candidate that says so; a reply is never invented.

Candidates are decided from the seed and the earlier results alone (``RedQueen``), so
replaying a run with its own settings and seed asks the same requests, gets the same
replies and ends with the same champions, with no server and no key. A replay costs
nothing (``arena.backends.pricing.FREE_BACKENDS``) and reports 0 tokens.

The recorded model's own options (``temperature``, ``max_tokens``, ``base_url``...) are
accepted and ignored, so the recorded run's ``config.toml`` serves as ``--config``:
``arena evolve --config RUN_DIR/config.toml --backend replay --replay-from RUN_DIR``.

It lives with the run events it reads (``arena.evolve``), not in ``arena.backends``,
and is registered like the others, by name (``arena.backends.registry``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import ClassVar

from arena.backends.base import DEFAULT_MAX_CONCURRENCY, BaseBackend, Completion, Request
from arena.errors import UsageError
from arena.evolve.events import CandidateEvent
from arena.evolve.store import RunStore


class ReplayError(UsageError):
    """The run to replay cannot be used (missing, not a run, nothing to replay)."""


def recorded_answers(run_dir: Path) -> dict[tuple[int, int], CandidateEvent]:
    """The model calls of a recorded run by (round, iteration); a ReplayError if none."""
    store = RunStore(run_dir)
    if not run_dir.is_dir() or not store.events_path.is_file():
        raise ReplayError(f"--replay-from {run_dir}: not a run directory (no events.jsonl there)")
    answers: dict[tuple[int, int], CandidateEvent] = {}
    for event in store.events():
        if isinstance(event, CandidateEvent) and event.backend:
            answers.setdefault((event.round, event.iteration), event)
    if not answers:
        raise ReplayError(f"--replay-from {run_dir}: its events.jsonl records no model call")
    return answers


class ReplayBackend(BaseBackend):
    """Answers from a recorded run's events, by (round, iteration, kind)."""

    name = "replay"
    default_model: ClassVar[str] = ""

    def __init__(
        self,
        model: str | None = None,
        *,
        replay_from: str = "",
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        **recorded_options: object,  # the recorded model's options: nothing to a replay
    ) -> None:
        if not str(replay_from).strip():
            raise ReplayError("the replay backend needs --replay-from RUN_DIR (a recorded run)")
        self.source = Path(replay_from)
        self.answers = recorded_answers(self.source)
        models = Counter(f"{e.backend}/{e.model or '-'}" for e in self.answers.values())
        super().__init__(model or models.most_common(1)[0][0], max_concurrency=max_concurrency)

    def __repr__(self) -> str:
        return f"ReplayBackend(source={str(self.source)!r}, answers={len(self.answers)})"

    def failure(self, error: str, **fields: object) -> Completion:
        """A failed answer: it used no tokens either."""
        return super().failure(error, prompt_tokens=0, completion_tokens=0, **fields)

    async def _complete_one(self, request: Request, index: int) -> Completion:
        if request.round is None or request.iteration is None:
            return self.failure("replay: the request does not say which candidate asks")
        where = f"round {request.round} iteration {request.iteration}"
        recorded = self.answers.get((request.round, request.iteration))
        if recorded is None:
            return self.failure(f"replay: {self.source} has no model call at {where}")
        if recorded.kind != request.kind:
            return self.failure(
                f"replay: {where} was a {recorded.kind!r} request in {self.source}, "
                f"not {request.kind!r} (was it recorded with other settings or seed?)"
            )
        if recorded.reply is None:
            return self.failure(f"replayed: {recorded.failure or 'no reply'}")
        return self.success(recorded.reply, prompt_tokens=0, completion_tokens=0)
