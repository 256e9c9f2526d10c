"""A champion's generality against held-out warriors (the paper's metric) and KotH score.

Thin glue over ``arena.bench``, which plays the 1-on-1 battles for ``arena bench`` too.
"""

from __future__ import annotations

from arena.bench import evaluate
from arena.redcode import assemble
from arena.settings import Settings


def generality_of(
    code: str, held_out: list[str], settings: Settings, placements: int, seed: int
) -> tuple[float, float]:
    """(share of ``held_out`` beaten or tied 1-on-1, KotH score against them)."""
    champion = assemble(code, settings).warrior
    opponents = [w for w in (assemble(c, settings).warrior for c in held_out) if w is not None]
    if champion is None or not opponents:
        return 0.0, 0.0
    (result,) = evaluate([champion], opponents, settings, placements=placements, seed=seed)
    return result.generality, result.score
