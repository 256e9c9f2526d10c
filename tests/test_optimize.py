"""``arena optimize``: constants found and replaced, optima scores, a seeded resumable search."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from arena.cli import main
from arena.hill import load_warriors
from arena.optima import best_steps, optima_scores
from arena.optimize import OptimizeError, Optimizer, local_scorer, parse_space, spaces_for
from arena.redcode.constants import numeric_constants, with_constants
from arena.settings import hill_settings

WARRIORS = Path(__file__).resolve().parent.parent / "warriors"
S = hill_settings("94nop")
POOR = (WARRIORS / "pebble.red").read_text().replace("step    equ     3364", "step    equ     4")


def test_numeric_equs_are_found_and_replaced_in_place() -> None:
    text = "; x\nStep  EQU 3364 ; the step\ngap equ -12\nsize equ (a - b)\nlabel: equ 7\n"
    found = numeric_constants(text)
    assert [(c.name, c.value, c.line) for c in found] == [
        ("Step", 3364, 1), ("gap", -12, 2), ("label", 7, 4)
    ]  # fmt: skip
    changed = with_constants(text, {"step": 99, "gap": 5})
    assert changed == "; x\nStep  EQU 99 ; the step\ngap equ 5\nsize equ (a - b)\nlabel: equ 7\n"
    with pytest.raises(KeyError):
        with_constants(text, {"size": 1})


def test_optima_scores_rank_known_steps() -> None:
    scores = optima_scores(8000, [3364, 3359, 2936, 4, 4000, 8000 - 3364])
    assert max(scores[:3]) < 2 < 100 < min(scores[3], scores[4])
    assert scores[0] == scores[5]  # s and C - s make the same pattern
    assert 3359 in best_steps(8000, 3300, 3400, 10)


def search(tmp: Path, trials: int, state: str = "state.jsonl", seed: int = 3):
    against = load_warriors([WARRIORS / n for n in ("dwarf.red", "scythe.red", "harpoon.red")], S)
    original, spaces = spaces_for(POOR, S)
    optimizer = Optimizer(
        POOR, S, spaces, original, local_scorer(against, S, threads=2), against_id="test",
        rounds=6, confirm_rounds=16, confirm=3, seed=seed, batch=4, state_path=tmp / state,
    )  # fmt: skip
    return optimizer.run(trials=trials)


def test_a_poor_step_is_improved_and_the_search_is_seeded_and_resumable(tmp_path: Path) -> None:
    result = search(tmp_path, 17)
    assert result.original == {"step": 4}
    assert result.best.values["step"] != 4
    assert result.best.score > result.baseline.score  # confirmed with more rounds
    assert "step    equ     " + str(result.best.values["step"]) in result.text
    assert result.text.startswith("; tuned by arena optimize")
    again = search(tmp_path, 17, state="other.jsonl")
    assert (again.best.values, again.best.score) == (result.best.values, result.best.score)
    # stopped after 9 trials, then continued: the same search as the uninterrupted one
    search(tmp_path, 9, state="resumed.jsonl")
    resumed = search(tmp_path, 17, state="resumed.jsonl")
    assert [(t.values, t.score) for t in resumed.trials] == [
        (t.values, t.score) for t in result.trials
    ]
    lines = (tmp_path / "resumed.jsonl").read_text().splitlines()
    assert len(lines) == len((tmp_path / "state.jsonl").read_text().splitlines())
    with pytest.raises(OptimizeError, match="another search"):
        search(tmp_path, 17, state="state.jsonl", seed=4)


def test_ranges_are_checked() -> None:
    assert parse_space("step=1:7999:2") == ("step", 1, 7999, 2)
    for bad in ("step", "step=5:1", "step=1:x", "=1:2", "step=1:2:0"):
        with pytest.raises(OptimizeError):
            parse_space(bad)
    with pytest.raises(OptimizeError, match="it has: step"):
        spaces_for(POOR, S, [("gap", 1, 5, 1)])


def test_command_line(tmp_path: Path) -> None:
    poor = tmp_path / "poor.red"
    poor.write_text(POOR)
    r = CliRunner().invoke(main, ["optimize", str(poor), "--against", str(WARRIORS / "dwarf.red"),
                                  "--rounds", "4", "--budget", "6", "--no-cache", "-q"])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "best: step = " in r.stdout and (tmp_path / "poor.opt.red").exists()
    assert (tmp_path / "poor.opt.red.state.jsonl").exists()
    r = CliRunner().invoke(main, ["optimize", str(WARRIORS / "imp.red"), "--against",
                                  str(WARRIORS / "dwarf.red")])  # fmt: skip
    assert r.exit_code == 2
    assert "no numeric EQU constants" in r.stderr and len(r.stderr.strip().splitlines()) == 1
