"""The run's result (best.red) and the time limit."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from arena.backends.base import Completion
from arena.bench import evaluate
from arena.evolve.best import choose_best
from arena.evolve.evaluator import LocalEvaluator
from arena.evolve.events import CandidateEvent, RoundEvent, comparable
from arena.evolve.redqueen import Opponent, RedQueen
from arena.evolve.store import RunStore
from arena.redcode import assemble
from arena.settings import DEFAULT_SETTINGS
from tests.evolve_helpers import StubModel, prompts
from tests.test_evolve_loop import IMP, small

DWARF = Opponent("dwarf", (Path(__file__).parent.parent / "warriors" / "dwarf.red").read_text())


def make(tmp: Path, config, model=None, opponents=(IMP,)) -> RedQueen:
    store = RunStore(tmp)
    if not store.exists():
        store.create(config.to_toml())
    return RedQueen(
        config, store, [model or StubModel()], LocalEvaluator(2), list(opponents), prompts
    )


def test_best_is_an_evolved_champion_judged_against_the_runs_own_warriors(tmp_path: Path) -> None:
    red_queen = make(tmp_path, small(rounds=3, eval_placements=4))
    outcome = asyncio.run(red_queen.run())
    best = outcome.best
    assert best is not None and 0 <= best.score <= 300
    champions = {e.round: e for e in red_queen.store.events() if isinstance(e, RoundEvent)}
    assert best.code == champions[best.round].code
    assert best.candidate_id == champions[best.round].champion_id
    text = (tmp_path / "best.red").read_text()
    assert text.startswith("; best warrior of the run") and best.code.strip() in text
    assert "1 opponent and" in best.judged_against
    assert "the lower of the two scores" in best.judged_against
    # the lineage follows parent links back to a fresh warrior or a seed
    by_id = {e.id: e for e in red_queen.store.events() if isinstance(e, CandidateEvent)}
    assert best.lineage[0]["id"] == best.candidate_id
    for child, parent in zip(best.lineage, best.lineage[1:], strict=False):
        assert by_id[child["id"]].parent == parent["id"]
    assert best.lineage[-1]["kind"] in ("new", "seed")
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["best"]["id"] == best.candidate_id and summary["status"] == "finished"
    # the same seed gives the same result
    again = asyncio.run(make(tmp_path / "again", small(rounds=3, eval_placements=4)).run())
    assert again.best == best


class Silent(StubModel):
    """Every call fails: only warm-start seeds become warriors."""

    async def complete(self, request, n=1):
        self.calls += 1
        return [Completion(None, "HTTP 500: down", self.name, self.model)]


def test_an_unchanged_initial_opponent_is_never_the_result(tmp_path: Path) -> None:
    config = small(rounds=2, warm_start=True, iterations=2, n_init=1, eval_placements=2)
    outcome = asyncio.run(make(tmp_path, config, Silent(), opponents=(IMP, DWARF)).run())
    champions = [o.code for o in outcome.rounds]
    assert DWARF.code in champions or IMP.code in champions  # a seed won its round...
    assert outcome.best is None  # ...and is not reported as an evolved result
    assert not (tmp_path / "best.red").exists()


def test_a_time_limit_ends_the_run_cleanly_and_resume_goes_on(tmp_path: Path) -> None:
    reference = make(tmp_path / "ref", small(rounds=2, iterations=40))
    asyncio.run(reference.run())
    limited = make(tmp_path / "run", small(rounds=2, iterations=40, time_limit=0.3),
                   StubModel(latency=0.02))  # fmt: skip
    outcome = asyncio.run(limited.run())
    assert outcome.stopped and outcome.reason == "time limit"
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["status"] == "time limit" and summary["seconds"] >= 0.3
    recorded = [e for e in limited.store.events() if isinstance(e, CandidateEvent)]
    assert recorded and all(e.elapsed is not None for e in recorded)
    resumed = make(tmp_path / "run", small(rounds=2, iterations=40))
    assert not asyncio.run(resumed.run()).stopped
    assert [comparable(e) for e in resumed.store.events()] == [
        comparable(e) for e in reference.store.events()
    ]


def test_confirmed_champions_are_replayed_best_elites(tmp_path: Path) -> None:
    config = small(rounds=2, confirm_placements=6, confirm_elites=3)
    outcome = asyncio.run(make(tmp_path, config).run())
    for event in outcome.rounds:
        elites = sorted(event.archive["elites"], key=lambda e: (-e["fitness"], e["id"]))[:3]
        assert event.champion_id in [e["id"] for e in elites]
        assert event.confirmed_fitness is not None
    again = asyncio.run(make(tmp_path / "again", config).run())
    assert [(o.champion_id, o.confirmed_fitness) for o in again.rounds] == [
        (o.champion_id, o.confirmed_fitness) for o in outcome.rounds
    ]


WARRIORS = Path(__file__).parent.parent / "warriors"


def test_best_must_hold_its_own_against_the_opponents_and_the_champions() -> None:
    """Neither group outvotes the other: best is judged by the lower of its KotH against
    the run's opponents and against its champions (pooled, a 200-round run's champions
    crowned a specialist against their own lineage; averaged, a lone imp opponent
    crowned imp killers)."""
    settings = DEFAULT_SETTINGS

    def variant(name: str, k: int) -> str:  # an evolved-looking copy: one more line
        body, end = (WARRIORS / name).read_text().rsplit("end", 1)
        return f"{body}        dat     #0, #{k}\nend{end}"

    codes = [variant("harpoon.red", 1), variant("harpoon.red", 2), variant("dwarf.red", 1),
             variant("paper.red", 1)]  # fmt: skip
    opponents = [(WARRIORS / n).read_text() for n in ("imp.red", "pebble.red", "scythe.red")]
    rounds = [RoundEvent(round=i, champion_id=100 + i, code=c) for i, c in enumerate(codes)]
    best = choose_best(rounds, [], opponents, [], settings, placements=6, seed=3)
    mine = [assemble(c, settings).warrior for c in codes]
    theirs = [assemble(c, settings).warrior for c in opponents]
    against_opponents = evaluate(mine, theirs, settings, placements=6, seed=3)
    against_champions = evaluate(mine, mine, settings, placements=6, seed=3)
    scores = [
        min(o.score, c.score) for o, c in zip(against_opponents, against_champions, strict=True)
    ]
    assert best is not None and best.score == max(scores)
    assert best.code == codes[scores.index(max(scores))]
    assert "3 opponents and 4 champions, the lower of the two scores" in best.judged_against
