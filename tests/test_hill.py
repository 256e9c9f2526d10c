"""``arena hill``: the round robin agrees with the engine, ``--add`` with a full replay."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from arena.battle import play
from arena.cli import main
from arena.hill import (
    ResultCache,
    content_hash,
    koth_score,
    load_warriors,
    pair_battles,
    run_hill,
)
from arena.redcode import assemble
from arena.redcode.files import WarriorFileError
from arena.settings import hill_settings

S = hill_settings("94nop")
# a small, varied subset of the human corpus (stones, papers, scanners, imps)
SUBSET = ("dwarf.red", "mice.red", "agony21.red", "imps.red", "herempaper.red", "b2.red")


@pytest.fixture(scope="module")
def corpus_files(shared) -> list[Path]:
    human = shared / "corpus" / "human"
    files = [human / n for n in SUBSET if (human / n).exists()]
    assert len(files) >= 5
    return files


def run_cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_pairs_split_the_rounds_between_both_orders():
    assert [(b.a, b.b, b.rounds) for b in pair_battles(0, 1, 100)] == [(0, 1, 50), (1, 0, 50)]
    assert [(b.a, b.b, b.rounds) for b in pair_battles(2, 5, 7)] == [(2, 5, 4), (5, 2, 3)]
    assert [(b.a, b.b, b.rounds) for b in pair_battles(0, 1, 1)] == [(0, 1, 1)]


def test_koth_score():
    assert koth_score(0, 10, 10) == 100.0
    assert koth_score(10, 0, 10) == 300.0
    assert koth_score(0, 0, 10) == 0.0
    assert koth_score(5, 2, 10) == pytest.approx(170.0)


def test_hill_matches_the_engine_pair_by_pair(corpus_files):
    """Every pair's W/L/T is what arena.battle.play gives for the two orders (-f seeds)."""
    entries = load_warriors(corpus_files, S)
    rounds = 12
    calls: list[tuple[int, int]] = []
    result = run_hill(
        entries, S, rounds=rounds, threads=2, progress=lambda d, t: calls.append((d, t))
    )
    n = len(entries)
    assert calls[-1] == (n * (n - 1), n * (n - 1))  # two battles per pair
    for i in range(n):
        for j in range(i + 1, n):
            a, b = entries[i].warrior, entries[j].warrior
            ab = play([a, b], S, rounds=rounds // 2, checksum_seed=True, threads=1)
            ba = play([b, a], S, rounds=rounds // 2, checksum_seed=True, threads=1)
            wins = ab.wins()[0] + ba.wins()[1]
            losses = ab.wins()[1] + ba.wins()[0]
            ties = ab.ties()[0] + ba.ties()[0]
            assert result.pair(i, j) == (wins, losses, ties), (entries[i].key, entries[j].key)
            assert result.pair(j, i) == (losses, wins, ties)
    for s in result.standings():
        assert s.rounds == rounds * (n - 1)
        assert s.wins + s.losses + s.ties == s.rounds
    scores = [s.score for s in result.standings()]
    assert scores == sorted(scores, reverse=True)
    # totals are consistent: every round won by one is lost by the other
    assert sum(s.wins for s in result.standings()) == sum(s.losses for s in result.standings())


def test_seeded_hill_differs_but_is_reproducible(corpus_files):
    entries = load_warriors(corpus_files[:3], S)
    a = run_hill(entries, S, rounds=6, seed=1234, threads=1)
    b = run_hill(entries, S, rounds=6, seed=1234, threads=2)
    assert (a.wins == b.wins).all() and (a.ties == b.ties).all()
    x, y = entries[0].warrior, entries[1].warrior
    ab = play([x, y], S, rounds=3, seed=1234)
    ba = play([y, x], S, rounds=3, seed=1234)
    assert a.pair(0, 1) == (
        ab.wins()[0] + ba.wins()[1],
        ab.wins()[1] + ba.wins()[0],
        ab.ties()[0] + ba.ties()[0],
    )


def test_add_scores_a_newcomer_like_a_full_replay(corpus_files, tmp_path):
    hill_files = [str(f) for f in corpus_files[:-1]]
    newcomer = str(corpus_files[-1])
    cache = str(tmp_path / "cache")
    first = run_cli("hill", *hill_files, "--rounds", "10", "--cache-dir", cache, "--json", "-q")
    assert first.exit_code == 0, first.output
    added = CliRunner().invoke(
        main,
        ["hill", *hill_files, "--add", newcomer, "--rounds", "10", "--cache-dir", cache, "--json"],
    )
    assert added.exit_code == 0, added.output
    full = run_cli("hill", *hill_files, newcomer, "--rounds", "10", "--no-cache", "--json", "-q")
    a, f = json.loads(added.stdout), json.loads(full.stdout)
    n_old = len(hill_files)
    assert a["battles_played"] == 2 * n_old  # only the newcomer's pairs were played
    assert a["battles_cached"] == n_old * (n_old - 1)
    assert f["battles_played"] == (n_old + 1) * n_old

    def table(d):
        return {s["file"]: (s["wins"], s["losses"], s["ties"], s["score"]) for s in d["standings"]}

    assert table(a) == table(f)
    assert [s["file"] for s in a["standings"]] == [s["file"] for s in f["standings"]]
    assert "battles played" in added.stderr


def test_cache_is_keyed_by_content_and_settings(corpus_files, tmp_path):
    entries = load_warriors(corpus_files[:3], S)
    cache = ResultCache(tmp_path, S)
    run_hill(entries, S, rounds=4, cache=cache, threads=1)
    files = list(tmp_path.glob("hill-*.json"))
    assert len(files) == 1
    data = json.loads(files[0].read_text())
    assert data["settings"] == "s8000-c80000-p8000-l100-d100-S500-R8000-W8000"
    assert len(data["results"]) == 6
    # the same warriors under another name hit the cache; other settings do not
    again = run_hill(entries, S, rounds=4, cache=ResultCache(tmp_path, S), threads=1)
    assert again.stats.played == 0 and again.stats.cached == 6
    other = S.with_(max_cycles=50000)
    fresh = run_hill(entries, other, rounds=4, cache=ResultCache(tmp_path, other), threads=1)
    assert fresh.stats.played == 6
    assert len(list(tmp_path.glob("hill-*.json"))) == 2
    # renaming a warrior does not change its hash; changing code does
    text = corpus_files[0].read_text()
    renamed = assemble(text.replace(";name", ";name x"), S).warrior
    assert content_hash(renamed) == entries[0].digest


def test_cli_table_json_and_csv(corpus_files, tmp_path):
    files = [str(f) for f in corpus_files[:3]]
    r = run_cli("hill", *files, "--rounds", "4", "--no-cache", "-q")
    assert r.exit_code == 0
    lines = r.stdout.strip().splitlines()
    assert lines[0].split()[:5] == ["rank", "score", "W", "L", "T"]
    assert len(lines) == 4
    j = json.loads(run_cli("hill", *files, "--rounds", "4", "--no-cache", "-q", "--json").stdout)
    assert [s["rank"] for s in j["standings"]] == [1, 2, 3]
    assert len(j["pairs"]) == 3
    c = run_cli("hill", *files, "--rounds", "4", "--no-cache", "-q", "--csv").stdout
    rows = list(csv.DictReader(io.StringIO(c)))
    assert len(rows) == 3
    assert {r["file"] for r in rows} == {s["file"] for s in j["standings"]}
    for row in rows:
        w, t, n = int(row["wins"]), int(row["ties"]), int(row["rounds"])
        assert float(row["score"]) == pytest.approx(koth_score(w, t, n), abs=0.01)


def test_directory_skips_what_does_not_assemble(tmp_path, shared):
    human = shared / "corpus" / "human"
    for name in ("dwarf.red", "imps.red", "stone.red"):  # stone.red has an error
        (tmp_path / name).write_text((human / name).read_text())
    r = CliRunner().invoke(main, ["hill", str(tmp_path), "--rounds", "2", "--no-cache", "-q"])
    assert r.exit_code == 0
    assert "skipped" in r.stderr and "stone.red" in r.stderr
    assert len(r.stdout.strip().splitlines()) == 3


@pytest.mark.parametrize(
    "args",
    [
        ["nonexistent.red", "x.red"],
        ["{shared}/corpus/human/stone.red", "{shared}/corpus/human/dwarf.red"],
        ["--hill", "nope", "{shared}/corpus/human/dwarf.red"],
        ["-s", "0", "{shared}/corpus/human/dwarf.red"],
        ["--rounds", "0", "{shared}/corpus/human/dwarf.red"],
        ["{shared}/corpus/human/dwarf.red"],
        ["--json", "--csv", "{shared}/corpus/human/dwarf.red", "{shared}/corpus/human/imps.red"],
        ["-l", "2", "{shared}/corpus/human/dwarf.red", "{shared}/corpus/human/imps.red"],
        [],
    ],
)
def test_bad_input_is_one_line_and_status_2(args, shared):
    args = [a.format(shared=shared) for a in args]
    r = CliRunner().invoke(main, ["hill", "--no-cache", *args])
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("arena hill: error:")
    assert "Traceback" not in r.stderr


def test_explicit_file_must_assemble(shared):
    with pytest.raises(WarriorFileError, match=r"stone\.red:\d+: "):
        load_warriors([shared / "corpus" / "human" / "stone.red"], S)


def test_hill_of_our_warriors_under_their_preset():
    from arena.paths import data_dir

    r = CliRunner().invoke(
        main, ["hill", str(data_dir("warriors")), "--hill", "94nop", "-r", "2", "--no-cache"]
    )
    assert r.exit_code == 0
    assert "chameleon" in r.stderr and "P-space" in r.stderr  # not on the no-P-space hill
    assert "chameleon" not in r.stdout
    r = CliRunner().invoke(
        main, ["hill", str(data_dir("warriors")), "--hill", "94", "-r", "2", "--no-cache", "-q"]
    )
    assert r.exit_code == 0 and "chameleon" in r.stdout
