"""The run's result: the warrior the run itself judges strongest, written as ``best.red``.

Only the run's own measurements count, never a set it was not given:

* with a held-out set (``eval_against``) the champions are ranked by their KotH score
  against it (measured after each round);
* without one, every champion plays 1-on-1 (``eval_placements`` placements a pair)
  against the run's initial opponents and against all the evolved champions, and its
  score is the lower of its two KotH scores: it must hold its own against both what the
  run was given and what the run made. Pooled, the champions outvote the opponents (200
  rounds give up to 200 champions, mostly of one lineage) and a specialist against that
  lineage wins: in a 200-round strong-preset run the pooled rule picked a champion
  scoring 54 against the strong benchmark where the run's champions scored 127-150.
  Averaged, one weak opponent weighs half: against our imp alone the mean picked imp
  killers scoring 21-23 where the run's champions scored 74-107. The lower score picked
  well in both (measured on the benchmark's tune half). With no initial opponent the
  champions alone judge.

Only evolved warriors are candidates: a champion whose load image is an initial
opponent's (a warm-start seed that won its round unchanged) is never the result. Ties
go to the earlier round. ``lineage`` follows the parent links of the events back to the
fresh warrior or seed the champion descends from; ``ancestors`` gives those events and
``code_diff`` what each step changed, for a person tracing a champion back.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from arena.bench import evaluate
from arena.evolve.events import CandidateEvent, RoundEvent
from arena.hill import content_hash
from arena.redcode import assemble
from arena.redcode.model import Warrior
from arena.settings import Settings

BEST = "best.red"


@dataclass(frozen=True)
class Best:
    """The run's strongest evolved warrior and how it was judged."""

    round: int
    candidate_id: int
    code: str
    score: float  # KotH 0-300
    generality: float
    judged_against: str  # what the score was measured against
    lineage: tuple[dict[str, Any], ...]  # the champion first, then its parent, ...

    def to_json(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "id": self.candidate_id,
            "koth": round(self.score, 3),
            "generality": round(self.generality, 4),
            "judged_against": self.judged_against,
            "lineage": list(self.lineage),
            "file": BEST,
        }

    def text(self) -> str:
        """best.red: a comment header saying what it is, then the champion's code."""
        chain = " <- ".join(
            f"#{step['id']} {step['kind']}"
            + (f" of {step['origin']}" if step.get("origin") else "")
            + f" (round {step['round']})"
            for step in self.lineage
        )
        header = [
            f"; best warrior of the run: champion of round {self.round}, candidate #{self.candidate_id}",
            f"; KotH {self.score:.1f} (0-300), generality {self.generality:.2f}, "
            f"against {self.judged_against}",
            f"; lineage: {chain}",
        ]
        code = self.code if self.code.endswith("\n") else self.code + "\n"
        return "\n".join(header) + "\n" + code


def lineage(candidate_id: int, by_id: dict[int, CandidateEvent]) -> tuple[dict[str, Any], ...]:
    """The parent chain of a candidate, itself first (ids of the same run)."""
    chain = []
    seen: set[int] = set()
    current: int | None = candidate_id
    while current is not None and current in by_id and current not in seen:
        seen.add(current)
        event = by_id[current]
        step = {"id": event.id, "round": event.round, "kind": event.kind}
        if event.origin:
            step["origin"] = event.origin
        chain.append(step)
        current = event.parent
    return tuple(chain)


def ancestors(candidate_id: int, by_id: dict[int, CandidateEvent]) -> list[CandidateEvent]:
    """The events of ``lineage(candidate_id)``: the candidate first, then its parents."""
    return [by_id[step["id"]] for step in lineage(candidate_id, by_id)]


def code_diff(child: CandidateEvent, parent: CandidateEvent | None) -> str:
    """A unified diff of a candidate's code against its parent's (all added when it has
    none recorded), so a person sees what the model changed."""
    before = (parent.code or "") if parent is not None else ""
    after = child.code or ""
    name = f"#{parent.id} {parent.kind}" if parent is not None else "(no parent)"
    lines = difflib.unified_diff(
        before.splitlines(),
        after.splitlines(),
        fromfile=name,
        tofile=f"#{child.id} {child.kind}",
        lineterm="",
    )
    return "\n".join(lines)


def _warrior(code: str, settings: Settings) -> Warrior | None:
    result = assemble(code, settings)
    return (
        result.warrior if result.ok and result.warrior is not None and len(result.warrior) else None
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def choose_best(
    rounds: list[RoundEvent],
    candidates: list[CandidateEvent],
    opponents: list[str],
    held_out: list[str],
    settings: Settings,
    *,
    placements: int,
    seed: int,
) -> Best | None:
    """The strongest evolved champion by the run's own measurements (None if none)."""
    opponent_warriors = [w for w in (_warrior(c, settings) for c in opponents) if w is not None]
    initial = {content_hash(w) for w in opponent_warriors}
    champions: list[tuple[RoundEvent, Warrior]] = []
    seen: set[str] = set()
    for event in rounds:
        warrior = _warrior(event.code, settings) if event.code else None
        if warrior is None or event.champion_id is None:
            continue
        digest = content_hash(warrior)
        if digest in initial or digest in seen:
            continue  # an unchanged initial opponent, or an earlier champion again
        seen.add(digest)
        champions.append((event, warrior))
    if not champions:
        return None
    by_id = {c.id: c for c in candidates}
    mine = [w for _, w in champions]
    if held_out:
        against = [w for w in (_warrior(c, settings) for c in held_out) if w is not None]
        groups = [against]
        described = f"the held-out set ({len(against)} warriors, {placements} placements a pair)"
    else:
        groups = [g for g in (opponent_warriors, mine) if g]
        described = (
            f"the run's {_count(len(opponent_warriors), 'opponent')} and "
            f"{_count(len(mine), 'champion')}, the lower of the two scores "
            f"({placements} placements a pair)"
            if opponent_warriors
            else f"the run's {_count(len(mine), 'champion')} ({placements} placements a pair)"
        )
    scored = [evaluate(mine, group, settings, placements=placements, seed=seed) for group in groups]
    # the lower score, and the generality of that same group
    weakest = [
        min(scored, key=lambda r: (r[i].score, r[i].generality))[i] for i in range(len(mine))
    ]
    scores = [r.score for r in weakest]
    generality = [r.generality for r in weakest]
    best_index = max(range(len(champions)), key=lambda i: (scores[i], -i))
    event, _ = champions[best_index]
    return Best(
        round=event.round,
        candidate_id=int(event.champion_id),
        code=event.code or "",
        score=scores[best_index],
        generality=generality[best_index],
        judged_against=described,
        lineage=lineage(int(event.champion_id), by_id),
    )
