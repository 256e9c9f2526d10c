"""``arena bench`` and ``arena.bench.evaluate``: KotH score and generality against a set."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from arena.bench import evaluate, generality, load_set
from arena.cli import main
from arena.hill import ResultCache, load_warriors, run_hill
from arena.paths import data_dir
from arena.redcode import assemble
from arena.settings import hill_settings

S = hill_settings("94nop")
SET = ("dwarf.red", "mice.red", "imps.red", "b2.red")


@pytest.fixture(scope="module")
def human(shared):
    return shared / "corpus" / "human"


@pytest.fixture(scope="module")
def opponents(human):
    return [human / n for n in SET]


def test_numbers_agree_with_a_hill_of_the_same_warriors(opponents):
    ours = data_dir("warriors") / "pebble.red"
    results = evaluate([ours], opponents, S, placements=8, threads=2)
    (r,) = results
    assert r.key == "pebble" and r.name == "Pebble"
    assert [o.opponent for o in r.opponents] == [p.stem for p in opponents]
    entries = load_warriors([ours, *opponents], S)
    hill = run_hill(entries, S, rounds=8, threads=2)
    for j, o in enumerate(r.opponents, 1):
        assert (o.wins, o.losses, o.ties) == hill.pair(0, j)
        assert o.rounds == 8
    standing = next(s for s in hill.standings() if s.entry.key == "pebble")
    assert (r.wins, r.losses, r.ties) == (standing.wins, standing.losses, standing.ties)
    assert r.score == pytest.approx(standing.score)
    beaten = sum(1 for o in r.opponents if o.wins >= o.losses)
    assert r.generality == pytest.approx(beaten / len(opponents))
    assert r.beaten_or_tied == beaten


def test_generality_counts_ties_and_excludes_itself(human):
    imp = assemble(";name imp\n;assert 1\nmov.i 0, 1\n", S).warrior
    dwarf = load_set([human / "dwarf.red"], S)[0].warrior
    # against copies of itself only: no opponent left; against a dwarf: ties count
    (r,) = evaluate([imp], [imp], S, placements=4)
    assert r.opponents == [] and r.generality == 0.0
    g = generality(imp, [dwarf], S, placements=6)
    (r,) = evaluate([imp], [dwarf], S, placements=6)
    assert g == r.generality
    assert r.generality == (1.0 if r.wins >= r.losses else 0.0)
    assert r.opponents[0].verdict in {"win", "tie", "loss"}


def test_api_accepts_warriors_texts_as_the_evolution_loop_has_them(opponents):
    """What arena.evolve calls: Warrior objects in, (generality, score) out, seeded."""
    code = (data_dir("warriors") / "scythe.red").read_text()
    champ = assemble(code, S).warrior
    held_out = [assemble(p.read_text(), S).warrior for p in opponents]
    a = evaluate([champ], held_out, S, placements=6, seed=7)[0]
    b = evaluate([champ], held_out, S, placements=6, seed=7, threads=1)[0]
    assert (a.generality, a.score) == (b.generality, b.score)
    assert 0.0 <= a.generality <= 1.0 and 0.0 <= a.score <= 300.0
    assert a.to_json()["per_opponent"][0]["opponent"] == held_out[0].name


def test_cache_shared_with_the_hill(opponents, tmp_path):
    cache = ResultCache(tmp_path, S)
    ours = data_dir("warriors") / "dwarf.red"
    first = evaluate([ours], opponents, S, placements=4, cache=cache)
    again = evaluate([ours], opponents, S, placements=4, cache=ResultCache(tmp_path, S))
    assert first[0].opponents == again[0].opponents
    assert len(json.loads(next(tmp_path.glob("hill-*.json")).read_text())["results"]) == 8


def test_cli_table_per_opponent_and_json(opponents):
    files = [str(p) for p in opponents]
    ours = [str(data_dir("warriors") / "paper.red"), str(data_dir("warriors") / "imp.red")]
    against = [x for f in files for x in ("--against", f)]
    r = CliRunner().invoke(
        main,
        ["bench", *ours, *against, "--placements", "4", "--no-cache", "-q", "--per-opponent"],
    )
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "paper" in out and "imp" in out and "against each opponent" in out
    assert out.count("against each opponent") == 2
    r = CliRunner().invoke(
        main, ["bench", *ours, *against, "--placements", "4", "--no-cache", "-q", "--json"]
    )
    data = json.loads(r.stdout)
    assert data["placements"] == 4 and len(data["against"]) == 4
    assert [x["warrior"] for x in data["results"]] == ["paper", "imp"]
    assert "per_opponent" not in data["results"][0]
    for x in data["results"]:
        assert x["rounds"] == 4 * 4
        assert x["beaten_or_tied"] == round(x["generality"] * 4)


def test_default_set_is_our_warriors():
    r = CliRunner().invoke(
        main,
        [
            "bench",
            str(data_dir("warriors") / "dwarf.red"),
            "--placements",
            "2",
            "--no-cache",
            "-q",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    ours = {p.stem for p in data_dir("warriors").glob("*.red")}
    assert set(data["against"]) == ours
    assert data["results"][0]["opponents"] == len(ours) - 1  # not against itself


@pytest.mark.parametrize(
    "args",
    [
        ["nonexistent.red"],
        ["{w}", "--against", "nope/"],
        ["{w}", "--placements", "0"],
        ["{w}", "--hill", "huge"],
        ["{w}", "-r", "5"],
        ["{w}", "--against", "{shared}/corpus/human/stone.red"],
        [],
    ],
)
def test_bad_input_is_one_line_and_status_2(args, shared):
    w = str(data_dir("warriors") / "dwarf.red")
    args = [a.format(shared=shared, w=w) for a in args]
    r = CliRunner().invoke(main, ["bench", "--no-cache", *args])
    assert r.exit_code == 2, r.output
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("arena bench: error:")
    assert "Traceback" not in r.stderr
