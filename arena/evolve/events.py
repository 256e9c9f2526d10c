"""The one schema of a run's events: what ``events.jsonl`` holds, as typed records.

The run loop writes these; resuming, the run view (CLI progress, the TUI's evolve
screen) and the tests read the same types back. One JSON object per line:

* ``CandidateEvent`` (``"type": "candidate"``): one candidate of a round, whether it
  became a warrior or not: what was asked (kind, parents, backend, model, template),
  the reply (cut at ``MAX_REPLY_CHARS``, ``reply_cut`` says how much was cut), the code
  taken from it, assembler errors, the hill's admission verdict (``rejected``), fitness,
  descriptors, whether it entered the archive, tokens, latency, a model failure.
* ``RoundEvent`` (``"type": "round"``): a finished round: its champion, counts, the
  archive, the opponents, generality and KotH (0-300) against a held-out set.

Versioning: every line carries ``"v"`` (``EVENT_VERSION``); lines without it are from
version 1, which had the same fields. Fields this version does not know (written by a
newer arena) are kept in ``extra`` and written back as they were, so reading and
rewriting never loses them. A line that is not a valid event raises ``EventError``.

Every field but the timings (``latency``, ``elapsed``) is a function of the run's seed
and the model's replies, so an interrupted and resumed run has the same events as an
uninterrupted one (``comparable`` leaves the timings out).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

EVENT_VERSION = 2
MAX_REPLY_CHARS = 100_000  # a model reply is stored up to this many characters
CUT_MARKER = "\n[arena: the reply was cut here; {n} more characters were not stored]"
TIMING_FIELDS = ("latency", "elapsed")


class EventError(ValueError):
    """A line of events.jsonl that is not a valid event (the message says why)."""


def cut_reply(text: str, limit: int = MAX_REPLY_CHARS) -> tuple[str, int]:
    """(the reply as stored, characters cut): long replies end with a visible marker."""
    if len(text) <= limit:
        return text, 0
    cut = len(text) - limit
    return text[:limit] + CUT_MARKER.format(n=cut), cut


@dataclass
class CandidateEvent:
    """One candidate of a round (see the module docstring)."""

    type: ClassVar[str] = "candidate"

    round: int
    iteration: int
    kind: str  # "new" | "mutate" | "crossover" | "seed"
    id: int = -1  # unique in the run: the ids of earlier rounds' candidates, then iteration
    parent: int | None = None  # the elite it changes; for a seed, the champion it is
    parent2: int | None = None
    origin: str | None = None  # a warm-start seed: the opponent or champion it copies
    backend: str | None = None
    model: str | None = None
    template: str | None = None
    reply: str | None = None
    reply_cut: int = 0
    code: str | None = None
    errors: list[str] = field(default_factory=list)
    rejected: str | None = None  # why the hill does not admit the warrior
    fitness: float | None = None
    descriptors: list[float] | None = None
    spawned: float | None = None
    coverage: float | None = None
    per_opponent: dict[str, dict[str, int]] | None = None
    placed: bool = False
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    latency: float | None = None
    failure: str | None = None  # the model call failed: why
    elapsed: float | None = None  # seconds of run time (all sessions) when it was recorded
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        """It became a warrior with a fitness."""
        return self.fitness is not None


@dataclass
class RoundEvent:
    """A finished round (see the module docstring)."""

    type: ClassVar[str] = "round"

    round: int
    champion_id: int | None = None
    fitness: float | None = None
    confirmed_fitness: float | None = None  # the champion's fitness with confirm_placements
    code: str | None = None
    candidates: int = 0
    placed: int = 0
    valid: int = 0
    generality: float | None = None
    koth: float | None = None
    archive: dict[str, Any] = field(default_factory=dict)
    opponents: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


Event = CandidateEvent | RoundEvent
EVENT_TYPES: dict[str, type[CandidateEvent] | type[RoundEvent]] = {
    "candidate": CandidateEvent,
    "round": RoundEvent,
}

# What each field may hold, as (allowed types, may be None); ints are accepted for floats.
_NUM = (int, float)
_CHECKS: dict[str, tuple[tuple[type, ...], bool]] = {
    "round": ((int,), False),
    "iteration": ((int,), False),
    "kind": ((str,), False),
    "id": ((int,), False),
    "parent": ((int,), True),
    "parent2": ((int,), True),
    "origin": ((str,), True),
    "backend": ((str,), True),
    "model": ((str,), True),
    "template": ((str,), True),
    "reply": ((str,), True),
    "reply_cut": ((int,), False),
    "code": ((str,), True),
    "errors": ((list,), False),
    "rejected": ((str,), True),
    "fitness": (_NUM, True),
    "descriptors": ((list,), True),
    "spawned": (_NUM, True),
    "coverage": (_NUM, True),
    "per_opponent": ((dict,), True),
    "placed": ((bool, int), False),
    "prompt_tokens": ((int,), True),
    "completion_tokens": ((int,), True),
    "latency": (_NUM, True),
    "failure": ((str,), True),
    "elapsed": (_NUM, True),
    "champion_id": ((int,), True),
    "confirmed_fitness": (_NUM, True),
    "candidates": ((int,), False),
    "valid": ((int,), False),
    "generality": (_NUM, True),
    "koth": (_NUM, True),
    "archive": ((dict,), False),
    "opponents": ((list,), False),
}
_REQUIRED = {"candidate": ("round", "iteration", "kind", "id"), "round": ("round",)}


def from_json(data: Any) -> Event:
    """The typed event of one decoded JSON line; raises EventError if it is not one."""
    if not isinstance(data, dict):
        raise EventError("not a JSON object")
    kind = data.get("type")
    cls = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise EventError(f"unknown event type {kind!r}")
    version = data.get("v", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise EventError(f"bad version {version!r}")
    for name in _REQUIRED[kind]:
        if name not in data:
            raise EventError(f"a {kind} event without '{name}'")
    known = {f.name for f in fields(cls)} - {"extra"}
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for name, value in data.items():
        if name in ("type", "v"):
            continue
        if name not in known:
            extra[name] = value
            continue
        types, nullable = _CHECKS[name]
        if value is None and nullable:
            values[name] = None
            continue
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise EventError(f"'{name}' has a value of the wrong type: {value!r:.60}")
        values[name] = value
    if cls is CandidateEvent:
        values["placed"] = bool(values.get("placed", False))
        if values.get("errors") is not None and not all(
            isinstance(e, str) for e in values["errors"]
        ):
            raise EventError("'errors' must be a list of strings")
    return cls(**values, extra=extra)


def to_json(event: Event) -> dict[str, Any]:
    """The JSON object of an event (unknown fields it was read with included)."""
    data: dict[str, Any] = {"type": event.type, "v": EVENT_VERSION}
    for f in fields(event):
        if f.name != "extra":
            data[f.name] = getattr(event, f.name)
    data.update(event.extra)
    return data


def dumps(event: Event) -> str:
    """One line of events.jsonl (with its newline)."""
    return json.dumps(to_json(event), ensure_ascii=False, separators=(",", ":")) + "\n"


def parse_line(raw: bytes) -> Event:
    """The event of one line of events.jsonl; raises EventError for anything else."""
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise EventError(f"not JSON ({exc})") from None
    except RecursionError:
        raise EventError("not JSON (nested too deeply)") from None
    return from_json(data)


def comparable(event: Event) -> dict[str, Any]:
    """An event's fields without timings: equal for equal runs, however they were timed."""
    data = to_json(event)
    for name in TIMING_FIELDS:
        data.pop(name, None)
    return data
