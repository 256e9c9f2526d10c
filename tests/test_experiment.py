"""``arena experiment``: many runs under one directory, locally or on Dask, resumable;
and the paper's baseline presets."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from arena.cli import main
from arena.evolve.config import RUN_PRESETS, resolve
from arena.evolve.events import CandidateEvent, RoundEvent
from arena.evolve.experiment import PLAN, Experiment, ExperimentError, deal, make_plan
from arena.evolve.store import RunStore

# Five small warriors a nano hill (core 80, length 5) admits.
WARRIORS = {
    "imp": "mov.i 0, 1",
    "dwarf": "add.ab #4, 3\nmov.i 2, @2\njmp -2\ndat #0, #0",
    "stone": "spl 0\nmov.i 3, <-1\njmp -2\ndat #0, #0",
    "clear": "mov.i 2, >-1\njmp -1\ndat #0, #0",
    "sitter": "jmp 0",
}
RUN = ["--hill", "nano", "--rounds", "2", "--iterations", "3", "--placements", "2",
       "--concurrency", "2", "--seed", "5"]  # fmt: skip


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The opponents set and a config file of tiny runs."""
    root = tmp_path_factory.mktemp("experiment")
    (root / "set").mkdir()
    for name, code in WARRIORS.items():
        (root / "set" / f"{name}.red").write_text(f";redcode-94\n;name {name}\n{code}\nend\n")
    (root / "tiny.toml").write_text("n_init = 2\n")
    return root


def plan_args(setup: Path, runs: int = 4) -> list[str]:
    return ["--runs", str(runs), "--opponents-from", str(setup / "set"),
            "--config", str(setup / "tiny.toml"), *RUN]  # fmt: skip


def experiment(*args: str):
    return CliRunner().invoke(main, ["experiment", *args])


def run_key(run_dir: Path) -> list[tuple]:
    """Everything a run decided, candidate for candidate (not timings)."""
    out: list[tuple] = []
    for e in RunStore(run_dir).events():
        if isinstance(e, CandidateEvent):
            out.append((e.id, e.round, e.iteration, e.kind, e.parent, e.code, e.fitness, e.placed))
        else:
            out.append((e.round, e.champion_id, e.code, e.archive))
    return out


def runs_of(exp: Path) -> dict[str, list[tuple]]:
    return {d.name: run_key(d) for d in sorted(exp.iterdir()) if d.name.startswith("run-")}


@pytest.fixture(scope="module")
def reference(setup: Path) -> Path:
    """Four tiny runs, one at a time in this process: what every other way must give."""
    exp = setup / "reference"
    result = experiment(str(exp), *plan_args(setup), "--jobs", "1")
    assert result.exit_code == 0, result.output
    return exp


def test_an_experiment_of_four_runs(setup: Path, reference: Path) -> None:
    names = sorted(d.name for d in reference.iterdir() if d.is_dir())
    assert names == [f"run-00{i}-seed{5 + i}" for i in range(4)]
    assert (reference / PLAN).exists()
    for name in names:
        rounds = [e for e in RunStore(reference / name).events() if isinstance(e, RoundEvent)]
        assert [r.round for r in rounds] == [0, 1]
        assert (reference / name / "best.red").exists()
        assert (RunStore(reference / name).summary() or {})["status"] == "finished"
    # the summary table: run, seed, opponents, rounds, best.red's KotH
    again = experiment(str(reference), *plan_args(setup), "--jobs", "1")
    assert again.exit_code == 0, again.output
    table = again.stdout.splitlines()
    assert table[0].split()[:4] == ["run", "seed", "opponents", "rounds"]
    assert "best KotH" in table[0] and len(table) == 5
    assert all("2/2" in line and "finished" in line for line in table[1:])
    assert "0 to play" in again.stderr  # nothing was played again


def test_worker_processes_and_dask_give_the_same_runs(setup: Path, reference: Path) -> None:
    local = setup / "local"
    result = experiment(str(local), *plan_args(setup), "--jobs", "2")
    assert result.exit_code == 0, result.output
    dask = setup / "dask"
    result = experiment(str(dask), *plan_args(setup), "--dask", "local", "--jobs", "2")
    assert result.exit_code == 0, result.output
    expected = runs_of(reference)
    assert len(expected) == 4 and all(expected.values())
    assert runs_of(local) == expected
    assert runs_of(dask) == expected
    for name in expected:
        best = (reference / name / "best.red").read_text()
        assert (local / name / "best.red").read_text() == best
        assert (dask / name / "best.red").read_text() == best


def test_interrupted_experiment_resumes_to_the_same_runs(setup: Path, reference: Path) -> None:
    exp = setup / "interrupted"
    config = resolve(config_file=setup / "tiny.toml", flags=_flags())
    plan = make_plan(config, 4, opponents_from=[str(setup / "set")])
    stopped = {"yet": False}

    def interrupt(progress) -> None:
        """Ctrl-C at the first look, as the first run starts: tiny runs end between two
        looks on a quiet machine, so waiting for a count of candidates could miss them all.
        The first run may still finish; the others start after it and see the stop."""
        if not stopped["yet"]:
            stopped["yet"] = True
            raise KeyboardInterrupt

    outcome = Experiment.open(exp, plan).play(jobs=1, on_progress=interrupt)
    assert outcome.interrupted and not outcome.errors
    assert [r.status for r in outcome.rows].count("finished") < 4
    assert not (exp / "stop").exists()
    resumed = experiment("--resume", str(exp), "--jobs", "1")
    assert resumed.exit_code == 0, resumed.output
    assert runs_of(exp) == runs_of(reference)


def _flags() -> dict:
    return {"hill": "nano", "rounds": 2, "iterations": 3, "placements": 2, "concurrency": 2,
            "seed": 5}  # fmt: skip


def test_a_changed_plan_is_refused(setup: Path, reference: Path) -> None:
    before = runs_of(reference)
    for change in (["--iterations", "4"], ["--seed", "6"], ["--runs", "5"], ["--preset", "paper"]):
        args = plan_args(setup) + change
        result = experiment(str(reference), *args)
        assert result.exit_code == 2, (change, result.output)
        assert result.stderr.startswith("arena experiment: error: ")
        assert "plan differs" in result.stderr and len(result.stderr.splitlines()) == 1
    refused = experiment("--resume", str(reference), "--fitness", "koth")
    assert refused.exit_code == 2 and "fitness" in refused.stderr
    assert runs_of(reference) == before  # nothing was played or rewritten


def test_opponents_are_drawn_by_the_experiment_seed(setup: Path) -> None:
    config = resolve(config_file=setup / "tiny.toml", flags=_flags())
    first = make_plan(config, 4, opponents_from=[str(setup / "set")])
    again = make_plan(config, 4, opponents_from=[str(setup / "set")])
    assert [r.opponents for r in first.planned] == [r.opponents for r in again.planned]
    assert len({r.opponents for r in first.planned}) == 4  # one shuffle: all different
    assert [r.seed for r in first.planned] == [5, 6, 7, 8]
    # as in the paper: 96 runs, one of 317 human warriors each, 96 different ones
    draws = deal(317, 96, 1, seed=0)
    assert draws == deal(317, 96, 1, seed=0) and len(set(draws)) == 96
    assert draws != deal(317, 96, 1, seed=1)
    assert deal(317, 10, 1, seed=0) == draws[:10]  # a run's draw does not depend on N
    triples = deal(10, 3, 3, seed=4)
    assert len({w for t in triples for w in t}) == 9  # disjoint within a shuffle
    assert all(len(set(t)) == 3 for t in deal(10, 9, 3, seed=4))


@pytest.mark.parametrize("name,key,value", [
    ("independent", "new_probability", 1.0),
    ("single-cell", "single_cell", True),
    ("no-history", "history", 0),
])  # fmt: skip
def test_baseline_presets(setup: Path, tmp_path: Path, name: str, key: str, value) -> None:
    paper, baseline = resolve(preset="paper"), resolve(preset=name)
    assert getattr(baseline, key) == value != getattr(paper, key)
    same = [f.name for f in fields(paper) if f.name != key]
    assert all(getattr(baseline, f) == getattr(paper, f) for f in same)
    assert RUN_PRESETS[name]["rounds"] == RUN_PRESETS["paper"]["rounds"]

    run = tmp_path / "run"
    result = CliRunner().invoke(
        main,
        ["evolve", "--preset", name, "--run-dir", str(run), "--config",
         str(setup / "tiny.toml"), *RUN, "--iterations", "6"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    events = RunStore(run).events()
    candidates = [e for e in events if isinstance(e, CandidateEvent)]
    rounds = [e for e in events if isinstance(e, RoundEvent)]
    assert len(rounds) == 2 and candidates
    kinds = {e.kind for e in candidates}
    if name == "independent":
        assert kinds <= {"new", "seed"} and "new" in kinds
    elif name == "single-cell":
        assert "mutate" in kinds  # still MAP-Elites, on one cell
        for r in rounds:
            assert r.archive["edges"] == [[], []] and len(r.archive["elites"]) <= 1
    else:
        assert [r.opponents for r in rounds] == [["imp"], ["imp"]]
        assert any(r.code for r in rounds)  # a champion there was, yet not an opponent


@pytest.mark.parametrize("args,status,words", [
    (["--runs", "2", "--per-run", "2"], 2, "--per-run goes with --opponents-from"),
    (["--runs", "2", "--opponents-from", "SET", "--per-run", "6"], 2, "must be within 1..5"),
    (["--runs", "2", "--opponents-from", "/nonexistent/set"], 2, "no such file"),
    (["--opponents-from", "SET"], 2, "--runs N is needed"),
    (["--resume"], 2, "needs the experiment directory"),
    (["--resume", "EMPTY"], 2, "no experiment to resume"),
    (["OCCUPIED", "--runs", "2"], 2, "not empty and not an experiment"),
    (["--runs", "2", "--config", "BAD"], 2, "'rounds' must be a whole number"),
    (["--runs", "2", "-s", "80", "-l", "100"], 2, "run-000-seed0: core size 80 is too small"),
])  # fmt: skip
def test_bad_inputs_are_one_line(
    setup: Path, tmp_path: Path, args: list[str], status: int, words: str
) -> None:
    (tmp_path / "occupied").mkdir()
    (tmp_path / "occupied" / "notes.txt").write_text("mine")
    (tmp_path / "bad.toml").write_text("rounds = 'many'\n")
    where = {"SET": str(setup / "set"), "EMPTY": str(tmp_path / "empty"),
             "OCCUPIED": str(tmp_path / "occupied"), "BAD": str(tmp_path / "bad.toml")}  # fmt: skip
    args = [where.get(a, a) for a in args]
    if args[0] not in (where["OCCUPIED"], "--resume"):
        args = [str(tmp_path / "exp"), *args]
    result = experiment(*args)
    assert result.exit_code == status, result.output
    assert result.stderr.startswith("arena experiment: error: "), result.stderr
    assert len(result.stderr.splitlines()) == 1 and words in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "exp").exists()  # nothing was started


def test_plan_errors_name_the_directory(tmp_path: Path) -> None:
    (tmp_path / PLAN).write_text("runs = 'x'\n")
    with pytest.raises(ExperimentError, match="not an experiment plan"):
        Experiment.open(tmp_path, None, resume=True)
