"""``arena analyze`` and ``arena.analysis``: the paper's analyses on runs with known answers.

Run dirs are written directly with the real event types and ``RunStore`` (no evolution),
with tiny hand-written warriors on the nano hill, so every battle is cheap.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from arena.analysis import analyze, common_settings, find_runs, load_runs
from arena.analysis.ncd import canonical_text, ncd, warrior_ncd
from arena.analysis.runs import AnalysisError
from arena.analysis.stats import (
    across_run_variance,
    beats_matrix,
    count_cycles,
    linear_trend,
    mean_ci,
    rms_change,
)
from arena.cli import main
from arena.evolve.config import resolve
from arena.evolve.events import CandidateEvent, RoundEvent
from arena.evolve.store import RunStore
from arena.hill import entry_from_warrior, run_hill
from arena.redcode import assemble
from arena.settings import hill_settings

NANO = hill_settings("nano")
SEED = 7
PLACEMENTS = 10

# On nano with seed 7 and 10 placements these three form a cycle (checked below):
# the stone beats the paper, the paper beats the scanner, the scanner beats the stone.
STONE = "add.ab #38, 1\nmov.i 2, @-1\njmp -2"
PAPER = "mov.ab #4, 0\nmov.i <-1, <23\njmn.b -1, -2\nspl @-2\njmp -4"
SCANNER = "mov.i }30, >11\ndjn.f -1, <30"
IMP = "mov.i 0, 1"
DEAD = "dat #0, #0"


def warrior(code: str):
    result = assemble(code, NANO)
    assert result.ok, result.errors
    return result.warrior


def make_run(
    root: Path,
    champions: list[str],
    *,
    hill: str = "nano",
    history: int = 20,
    kinds: list[str] | None = None,
) -> Path:
    """A run dir whose round r was won by ``champions[r]`` (one candidate per round)."""
    config = resolve(flags={"hill": hill, "history": history, "rounds": len(champions)})
    store = RunStore(root)
    store.create(config.to_toml())
    for r, code in enumerate(champions):
        cid = 10 * r
        kind = kinds[r] if kinds else ("new" if r == 0 else "mutate")
        parent = None if r == 0 else cid - 10
        descriptors = [float(r + 1), 50.0]
        store.append(
            CandidateEvent(round=r, iteration=0, kind=kind, id=cid, parent=parent, code=code,
                           fitness=1.0, descriptors=descriptors, placed=True)
        )  # fmt: skip
        archive = {
            "edges": [[1, 10, 100, 1000, 10000], [10, 100, 500, 1000, 4000]],
            "elites": [
                {
                    "id": cid,
                    "code": code,
                    "fitness": 1.0,
                    "descriptors": descriptors,
                    "cell": [1, 1],
                }
            ],
        }
        store.append(RoundEvent(round=r, champion_id=cid, fitness=1.0, code=code, archive=archive))
    return root


@pytest.fixture
def opponents():
    return [
        entry_from_warrior(warrior(c), key=k)
        for k, c in (("stone", STONE), ("paper", PAPER), ("imp", IMP))
    ]


def run_analysis(paths: list[Path], opponents, **kw):
    runs = load_runs(find_runs(paths))
    return analyze(
        runs, opponents, common_settings(runs), placements=PLACEMENTS, seed=SEED, threads=1, **kw
    )


# ----------------------------------------------------------------------- statistics


def test_mean_ci_is_student_t():
    iv = mean_ci([1.0, 2.0, 3.0, None, math.nan])
    assert iv.n == 3 and iv.mean == pytest.approx(2.0)
    half = 4.302652729911275 * 1.0 / math.sqrt(3)  # t(0.975, 2) * s / sqrt(n)
    assert (iv.low, iv.high) == pytest.approx((2.0 - half, 2.0 + half))
    assert mean_ci([5.0]).low is None and mean_ci([]).mean is None


def test_a_known_trend_is_recovered():
    rng = np.random.default_rng(0)
    xs = [x for x in range(20) for _ in range(3)]
    ys = [0.2 + 0.03 * x + rng.normal(0, 0.02) for x in xs]
    trend = linear_trend(xs, ys)
    assert trend is not None and trend.n == 60
    assert trend.low < 0.03 < trend.high and trend.slope == pytest.approx(0.03, abs=0.003)
    assert trend.p_value < 1e-6 and trend.direction == "rises"
    flat = linear_trend([0, 1, 2, 3], [0.5, 0.5, 0.5, 0.5])
    assert flat is not None and flat.slope == 0 and flat.direction == "no clear trend"
    noise = linear_trend(list(range(10)), [1, -1] * 5)
    assert noise is not None and not noise.significant
    assert linear_trend([0, 1], [0, 1]) is None  # too few points


def test_variance_and_change_on_known_phenotypes():
    assert across_run_variance([[100, 200], [100, 200]]) == 0
    assert across_run_variance([[0, 10], [2, 10]]) == pytest.approx(1.0)  # (2 + 0) / 2
    assert across_run_variance([[1, 2]]) is None
    assert rms_change([0, 0], [3, 4]) == pytest.approx(math.sqrt(12.5))
    assert rms_change([math.nan, 0], [5, 2]) == pytest.approx(2.0)


def test_cycles_are_counted_once():
    # 0 beats 1, 1 beats 2, 2 beats 0; 3 beats everyone: exactly one 3-cycle
    wins = np.array([[0, 5, 1, 0], [1, 0, 5, 0], [5, 1, 0, 0], [5, 5, 5, 0]])
    assert count_cycles(beats_matrix(wins)) == [(0, 1, 2)]
    # a tie is no "beats" edge
    tied = np.array([[0, 3, 1], [3, 0, 5], [5, 1, 0]])
    assert count_cycles(beats_matrix(tied)) == []
    # the 4-node tournament 0>1>2>3>0, 0>2, 1>3 holds two cycles
    beats = np.zeros((4, 4), dtype=bool)
    for a, b in ((0, 1), (1, 2), (2, 3), (3, 0), (0, 2), (1, 3)):
        beats[a, b] = True
    assert len(count_cycles(beats)) == 2


# ---------------------------------------------------------------------------- NCD


def test_ncd_identical_unrelated_and_spelling(shared):
    plain = warrior("mov.i 0, 1\n")
    spelled = assemble(
        ";name Another name\n;author x\nstart   MOV.I   start, start+1 ; an imp\n", NANO
    ).warrior
    assert canonical_text(plain) == canonical_text(spelled)
    assert warrior_ncd(plain, spelled) == 0.0
    assert warrior_ncd(plain, spelled, "lzma") == 0.0
    # nearly identical code is near 0; two unrelated warriors are near 1
    long = "\n".join(f"mov.i {i}, {i + 1}" for i in range(1, 40))
    assert ncd(long, long.replace("mov.i 5, 6", "mov.i 5, 7")) < 0.2
    s94 = hill_settings("94nop")
    a = assemble((shared / "corpus/human/acidrain.red").read_text(), s94).warrior
    b = assemble((shared / "corpus/human/astrogem.red").read_text(), s94).warrior
    assert warrior_ncd(a, b) > 0.75


# ------------------------------------------------------------------- on synthetic runs


def test_identical_runs_have_zero_phenotypic_variance(tmp_path, opponents):
    champions = [DEAD, STONE, SCANNER]
    paths = [make_run(tmp_path / f"exp/seed{i}", champions) for i in range(2)]
    result = run_analysis([tmp_path / "exp"], opponents)
    assert [r.label for r in result.runs] == ["seed0", "seed1"]
    assert [s.round for s in result.rounds] == [0, 1, 2]
    for s in result.rounds:
        assert s.runs == 2
        assert s.phenotype_variance == 0.0
        assert s.ncd_across == 0.0
        assert s.generality.low == s.generality.high == s.generality.mean
    # the dead warrior beats or ties nothing; phenotypes line up with the set
    first = next(r for r in result.rows if r.round == 0)
    assert first.generality == 0.0 and first.koth == 0.0
    assert first.phenotype == [0.0, 0.0, 0.0]
    # the stone is one of the set: not played against itself
    stone = next(r for r in result.rows if r.round == 1)
    assert math.isnan(stone.phenotype[0]) and not math.isnan(stone.phenotype[1])
    # where champions come from
    assert result.origins()["kinds"] == {"mutate": 4, "new": 2}
    assert {r.cell for r in result.rows} == {(1, 1)}
    assert [r.lineage_depth for r in result.rows[:3]] == [0, 1, 2]
    assert result.rows[0].occupancy == pytest.approx(1 / 36)
    assert paths[0].exists()


def test_a_rock_paper_scissors_cycle_is_counted_once(tmp_path, opponents):
    entries = [entry_from_warrior(warrior(c), key=k) for k, c in
               (("stone", STONE), ("paper", PAPER), ("scanner", SCANNER))]  # fmt: skip
    hill = run_hill(entries, NANO, rounds=PLACEMENTS, seed=SEED, threads=1)
    for i, j in ((0, 1), (1, 2), (2, 0)):  # the cycle really is one on this hill
        wins, losses, _ = hill.pair(i, j)
        assert wins > losses, (entries[i].key, entries[j].key, hill.pair(i, j))
    # the stone champions twice: still three distinct champions, one cycle
    make_run(tmp_path / "k3", [STONE, PAPER, STONE, SCANNER], history=3)
    make_run(tmp_path / "k1", [STONE, PAPER], history=1)
    result = run_analysis([tmp_path], opponents)
    by_run = {c.run: c for c in result.cycles}
    assert by_run["k3"].champions == 3 and by_run["k3"].triples == [(0, 1, 3)]
    assert by_run["k1"].triples == []
    by_k = result.cycles_by_history()
    assert by_k[3]["cycles"] == 1 and by_k[1]["cycles"] == 0
    assert by_k[3]["share_of_triples"] == 1.0


def test_runs_on_different_hills_are_refused(tmp_path):
    make_run(tmp_path / "a", [IMP])
    make_run(tmp_path / "b", [IMP], hill="tiny")
    runs = load_runs(find_runs([tmp_path]))
    with pytest.raises(AnalysisError, match="different hills"):
        common_settings(runs)


# --------------------------------------------------------------------------------- CLI


def invoke(*args: str):
    return CliRunner().invoke(main, ["analyze", *args])


@pytest.fixture
def set_dir(tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    for name, code in (("stone", STONE), ("paper", PAPER), ("imp", IMP)):
        (folder / f"{name}.red").write_text(f";name {name}\n{code}\n")
    return folder


def test_cli_writes_the_report(tmp_path, set_dir):
    exp = tmp_path / "exp"
    make_run(exp / "seed0", [DEAD, STONE, SCANNER, PAPER])
    make_run(
        exp / "seed1", [DEAD, IMP, SCANNER, STONE], kinds=["new", "mutate", "seed", "crossover"]
    )
    cache = tmp_path / "cache"
    args = ["--against", str(set_dir), "--placements", "4", "--seed", "1", "-j", "1",
            "--cache-dir", str(cache), str(exp)]  # fmt: skip
    out = invoke(*args)
    assert out.exit_code == 0, out.output
    report = exp / "analysis"
    assert out.stdout.strip() == str(report / "report.md")
    text = (report / "report.md").read_text()
    for heading in ("Generality", "Phenotypic convergence", "Genotype diversity",
                    "Intransitive cycles", "MAP-Elites"):  # fmt: skip
        assert f"## {heading}" in text
    data = json.loads((report / "analysis.json").read_text())
    assert data["against"] == ["imp", "paper", "stone"]
    assert len(data["champions"]) == 8 and len(data["per_round"]) == 4
    assert data["trends"]["generality"]["n"] == 8
    assert data["battles"]["played"] > 0
    lines = (report / "per_round.csv").read_text().splitlines()
    assert lines[0].startswith("round,runs,generality_mean") and len(lines) == 5
    assert len((report / "champions.csv").read_text().splitlines()) == 9
    for png in ("generality", "koth", "phenotype", "genotype", "archive", "cycles"):
        assert (report / f"{png}.png").read_bytes()[:4] == b"\x89PNG"
        assert f"({png}.png)" in text
    # again: every battle comes from the cache, into another folder
    again = invoke(*args[:-1], "--out", str(tmp_path / "again"), str(exp))
    assert again.exit_code == 0, again.output
    data2 = json.loads((tmp_path / "again" / "analysis.json").read_text())
    assert data2["battles"]["played"] == 0
    assert data2["per_round"] == data["per_round"]


def error_of(result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize(
    "case", ["no runs", "no round", "missing set", "empty set", "no set", "out", "hills"]
)
def test_bad_inputs_give_one_line_and_status_2(tmp_path, set_dir, case):
    runs = tmp_path / "runs"
    make_run(runs / "good", [IMP])
    against = ["--against", str(set_dir)]
    args = [*against, "--no-cache", "-q", str(runs)]
    expect = ""
    if case == "no runs":
        (tmp_path / "empty").mkdir()
        args, expect = [*against, str(tmp_path / "empty")], "no run directory"
    elif case == "no round":
        store = RunStore(runs / "started")
        store.create(resolve(flags={"hill": "nano"}).to_toml())
        store.append(CandidateEvent(round=0, iteration=0, kind="new", id=0))
        expect = "no finished round"
    elif case == "missing set":
        args, expect = ["--against", str(tmp_path / "nowhere"), str(runs)], "no such file"
    elif case == "empty set":
        (tmp_path / "none").mkdir()
        args, expect = ["--against", str(tmp_path / "none"), str(runs)], "the set is empty"
    elif case == "no set":
        args, expect = [str(runs)], "--against"
    elif case == "out":
        (tmp_path / "file").write_text("x")
        args, expect = (
            [*args, "--out", str(tmp_path / "file" / "report")],
            "cannot write the report",
        )
    elif case == "hills":
        make_run(runs / "other", [IMP], hill="tiny")
        expect = "different hills"
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    line = error_of(result)
    assert line.startswith("arena analyze: error:") or line.startswith("Error:"), line
    assert expect in line, line


def test_a_champion_the_hill_does_not_admit_is_left_out_with_a_warning(tmp_path, opponents):
    make_run(tmp_path / "run", [STONE, "stp.ab #1, #1\nmov.i 0, 1", PAPER])
    runs = load_runs(find_runs([tmp_path / "run"]))
    no_pspace = NANO.with_(pspace_allowed=False)
    result = analyze(runs, opponents, no_pspace, placements=2, seed=SEED, threads=1)
    assert [r.digest is None for r in result.rows] == [False, True, False]
    assert len(result.warnings) == 1 and "round 1" in result.warnings[0]
    assert "P-space" in result.warnings[0]
    # the rounds around the gap are not compared with each other
    assert result.rows[2].phenotype_change is None and result.rows[2].ncd_previous is None


def test_hill_flag_judges_runs_of_different_hills_on_one(tmp_path, set_dir):
    make_run(tmp_path / "exp" / "nano" / "seed0", [IMP, STONE])
    make_run(tmp_path / "exp" / "tiny" / "seed0", [IMP, PAPER], hill="tiny")
    out = tmp_path / "report"
    result = invoke("--against", str(set_dir), "--placements", "2", "--hill", "nano", "-q",
                    "--no-cache", "--out", str(out), str(tmp_path / "exp"))  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads((out / "analysis.json").read_text())
    assert [r["label"] for r in data["runs"]] == ["nano/seed0", "tiny/seed0"]
    assert data["settings"].startswith("s80-")
