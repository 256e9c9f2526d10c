"""Experiments: N independent Digital Red Queen runs under one directory.

The paper's results are statistics over many runs (96, each starting from one human
warrior). An experiment is that: a plan, and one ordinary run directory per run.

```
EXP/
  experiment.toml        the plan: runs, seeds, each run's initial opponents, the shared
                         settings (every run's config.toml is these plus its seed and
                         opponents)
  run-000-seed0/         a run directory (arena.evolve.store), resumable on its own
  run-001-seed1/
  stop                   present while the runs are asked to stop (Ctrl-C)
```

* Run i has seed ``seed + i``. With ``opponents_from``, each run draws ``per_run``
  warriors from that set, seeded by the experiment seed: the set is dealt from seeded
  shuffles, so runs dealt from one shuffle meet different warriors (96 runs with one
  each out of 317 human warriors meet 96 different ones) and run i's draw does not
  depend on how many runs there are. They come after the shared ``opponents``, if any.
* The plan is written before any run starts. Running the same command again, or
  ``resume`` with the directory alone, continues every unfinished run through the run
  store's own resume, so each ends as if never interrupted. A plan that differs from
  the recorded one is refused; only the settings a run's resume may change
  (``arena.evolve.session.RESUMABLE_CHANGES``: rounds, caps, concurrency...) may
  change, and then they change for every run.
* Runs are played side by side by ``jobs`` worker processes on this machine, each
  run's battles on cores/jobs threads (a run's own Python work, the model calls, the
  archive and the round boundaries, is serial, so separate runs keep every core busy
  where one run alone cannot), or as whole runs on a Dask cluster: ``play_run`` is a
  plain function of a ``RunTask`` (run dir and config), run in a worker with a local
  evaluator. Run dirs must be on a filesystem the workers share.
* Stopping (Ctrl-C, ``Experiment.stop``) creates ``EXP/stop``; each run sees it within
  a second, finishes and records what is in flight, and ends resumable.

Nothing here imports click: ``arena experiment`` (``arena.commands.experiment``) is the
command line on top.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import os
import signal
import time
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from arena.errors import ArenaError, RunFailure, UsageError
from arena.evolve.config import (
    RunConfig,
    from_layers,
    planned_candidates,
    read_toml,
)
from arena.evolve.driver import run_to_end
from arena.evolve.evaluator import DaskCluster, interrupts_ignored
from arena.evolve.events import CandidateEvent
from arena.evolve.redqueen import derive_seed
from arena.evolve.session import RESUMABLE_CHANGES, dry_run, load_warriors, open_run
from arena.evolve.store import EventFollower, RunStore
from arena.io import write_atomic
from arena.redcode.files import WarriorFileError, load_warrior_files
from arena.settings import HILL_FIELDS, SettingsError

PLAN = "experiment.toml"
STOP = "stop"
PLAN_VERSION = 1
POLL_SECONDS = 0.25
_DEAL = 0xE5  # keeps the dealing's seeds apart from the runs' own


class ExperimentError(UsageError):
    """An experiment that cannot be started or continued as asked: exit status 2."""


@dataclass(frozen=True)
class PlannedRun:
    """One run of the plan: its seed and the initial opponents drawn for it."""

    index: int
    seed: int
    opponents: tuple[str, ...] = ()  # drawn warrior files (absolute paths)

    @property
    def name(self) -> str:
        return f"run-{self.index:03d}-seed{self.seed}"


@dataclass(frozen=True)
class Plan:
    """What an experiment is: recorded in ``experiment.toml`` before any run starts."""

    runs: int
    seed: int
    config: RunConfig  # shared by every run, but for its seed and opponents
    per_run: int = 0  # warriors drawn from opponents_from for each run
    opponents_from: tuple[str, ...] = ()
    planned: tuple[PlannedRun, ...] = ()

    def run_config(self, run: PlannedRun) -> RunConfig:
        """The config of one run: the shared one, its seed, its drawn opponents."""
        return replace(
            self.config, seed=run.seed, opponents=(*self.config.opponents, *run.opponents)
        )

    def to_toml(self) -> str:
        data: dict[str, Any] = {
            "version": PLAN_VERSION,
            "runs": self.runs,
            "seed": self.seed,
            "per_run": self.per_run,
            "opponents_from": list(self.opponents_from),
            "config": tomllib.loads(self.config.to_toml()),
            "run": [
                {"name": r.name, "seed": r.seed, "opponents": list(r.opponents)}
                for r in self.planned
            ],
        }
        return tomli_w.dumps(data)

    @classmethod
    def read(cls, path: Path) -> Plan:
        """The plan of ``path``; anything that is not one is an ExperimentError."""
        try:
            data = read_toml(path)
        except SettingsError as exc:
            raise ExperimentError(str(exc)) from None
        try:
            version = data.get("version", 0)
            if isinstance(version, int) and version > PLAN_VERSION:
                raise ExperimentError(
                    f"{path}: written by a newer arena (plan version {version}); upgrade arena"
                )
            config = from_layers([(f"{path} [config]", data["config"])])
            planned = tuple(
                PlannedRun(i, _int(r["seed"]), tuple(map(str, r["opponents"])))
                for i, r in enumerate(data["run"])
            )
            plan = cls(
                runs=_int(data["runs"]),
                seed=_int(data["seed"]),
                config=config,
                per_run=_int(data["per_run"]),
                opponents_from=tuple(map(str, data["opponents_from"])),
                planned=planned,
            )
        except SettingsError as exc:
            raise ExperimentError(str(exc)) from None
        except (KeyError, TypeError, ValueError) as exc:
            raise ExperimentError(
                f"{path} is not an experiment plan ({type(exc).__name__}: {exc}); "
                "it cannot be continued as it is"
            ) from None
        if len(plan.planned) != plan.runs:
            raise ExperimentError(f"{path}: lists {len(plan.planned)} runs, not {plan.runs}")
        return plan


def _absolute(paths: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(Path(p).absolute()) for p in paths)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{value!r} is not a whole number")
    return value


def deal(count: int, runs: int, per_run: int, seed: int) -> list[tuple[int, ...]]:
    """Indices into a set of ``count`` warriors, ``per_run`` for each run, seeded.

    The set is dealt from shuffles seeded by (seed, shuffle number): one shuffle serves
    ``count // per_run`` runs, which get disjoint warriors; run i's draw depends only on
    i, never on ``runs``.
    """
    if not 1 <= per_run <= count:
        raise ExperimentError(
            f"--per-run {per_run}: must be within 1..{count} (the warriors in --opponents-from)"
        )
    per_shuffle = count // per_run
    out = []
    for index in range(runs):
        shuffle, slot = divmod(index, per_shuffle)
        order = np.random.default_rng(derive_seed(seed, _DEAL, shuffle)).permutation(count)
        out.append(tuple(int(i) for i in order[slot * per_run : (slot + 1) * per_run]))
    return out


def make_plan(
    config: RunConfig,
    runs: int,
    *,
    opponents_from: Iterable[str] = (),
    per_run: int = 1,
    warnings: list[str] | None = None,
) -> Plan:
    """The plan of a new experiment: ``config`` is shared, its seed the experiment's.

    Paths become absolute (a run may be resumed from elsewhere, or on a Dask worker);
    the warriors of ``opponents_from`` are loaded as every command loads them (one the
    hill does not admit is skipped, with a line in ``warnings``).
    """
    if runs < 1:
        raise ExperimentError(f"--runs {runs}: an experiment needs at least 1 run")
    sources = _absolute(opponents_from)
    shared = replace(config, opponents=_absolute(config.opponents), dask="")
    drawn: list[tuple[str, ...]] = [()] * runs
    if sources:
        skipped: list[str] = []
        try:
            found = load_warrior_files(list(sources), config.settings, skipped=skipped)
        except WarriorFileError as exc:
            raise ExperimentError(f"--opponents-from: {exc}") from None
        if warnings is not None:
            warnings.extend(f"--opponents-from: skipped {line}" for line in skipped)
        if not found:
            raise ExperimentError(
                f"--opponents-from: no warriors (*.red, *.rc, *.war) in {', '.join(sources)}"
            )
        paths = [str(w.path.absolute()) for w in found]
        drawn = [
            tuple(paths[i] for i in pick) for pick in deal(len(paths), runs, per_run, config.seed)
        ]
    planned = tuple(PlannedRun(i, config.seed + i, drawn[i]) for i in range(runs))
    return Plan(runs, config.seed, shared, per_run if sources else 0, sources, planned)


def _changed_keys(stored: RunConfig, wanted: RunConfig, keys: Iterable[str]) -> set[str]:
    """The settings among ``keys`` on which two configs differ (the hill as one)."""
    changed = set()
    for key in keys:
        if key in ("hill", "settings") or key in HILL_FIELDS:
            if (stored.hill, stored.settings) != (wanted.hill, wanted.settings):
                changed.add("hill")
        elif (
            key not in ("seed", "opponents", "dask")
            and hasattr(stored, key)
            and getattr(stored, key) != getattr(wanted, key)
        ):
            changed.add(key)
    return changed


def reconcile(
    stored: Plan, wanted: Plan | RunConfig | None, explicit: Iterable[str] = ()
) -> tuple[Plan, set[str]]:
    """The recorded plan, continued as asked; and the settings that changed.

    ``wanted`` is the plan the same command makes again (every setting counts), or with
    ``--resume`` the settings of its flags (only those in ``explicit`` count). Settings a
    run's resume may change are taken over; any other difference is refused in one line.
    """
    if wanted is None:
        return stored, set()
    if isinstance(wanted, Plan):
        differ = [
            name
            for name, a, b in (
                ("runs", stored.runs, wanted.runs),
                ("seed", stored.seed, wanted.seed),
                ("per_run", stored.per_run, wanted.per_run),
                ("opponents_from", stored.opponents_from, wanted.opponents_from),
                ("opponents", stored.config.opponents, wanted.config.opponents),
            )
            if a != b
        ]
        if not differ and stored.planned != wanted.planned:
            differ.append("the warriors drawn for the runs (the --opponents-from set changed)")
        config = wanted.config
        # selection_lag follows concurrency unless set: another --concurrency keeps the
        # recorded lag, as a resumed run does
        keys: Iterable[str] = [f.name for f in fields(RunConfig) if f.name != "selection_lag"]
    else:
        explicit = set(explicit)
        differ = []
        if "seed" in explicit and wanted.seed != stored.seed:
            differ.append("seed")
        if "opponents" in explicit and _absolute(wanted.opponents) != stored.config.opponents:
            differ.append("opponents")
        config = wanted
        keys = explicit
    changed = _changed_keys(stored.config, config, keys)
    refused = sorted(k for k in changed if k not in RESUMABLE_CHANGES)
    if differ or refused:
        raise ExperimentError(
            f"the plan differs from the recorded one in {', '.join([*differ, *refused])}; "
            "an experiment keeps its plan (only rounds, caps, concurrency and timeouts may "
            "change): continue it with arena experiment --resume, or use another directory"
        )
    allowed = changed & RESUMABLE_CHANGES
    updated = replace(stored.config, **{k: getattr(config, k) for k in allowed})
    return replace(stored, config=updated), allowed


# -- running ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs to play (or go on with) one run: plain, picklable data."""

    name: str
    run_dir: str
    config: RunConfig
    changed: tuple[str, ...] = ()  # settings a resume takes over from ``config``
    threads: int | None = None  # battle threads (None: every core of the worker)
    stop_file: str = ""


@dataclass(frozen=True)
class RunResult:
    """How one run's session ended; ``status`` is the run's (``finished``, ``stopped``,
    a limit) or ``error`` with a one-line ``message`` and its exit status."""

    name: str
    status: str
    rounds: int = 0
    message: str = ""
    exit_status: int = 0
    notices: tuple[str, ...] = ()


def play_run(task: RunTask) -> RunResult:
    """Open (or resume) one run and play it to its end here, with a local evaluator.

    A worker's entry point (a process of this machine, or a Dask task): never raises;
    a failure comes back as a result with the message and exit status it means.
    """
    stop = Path(task.stop_file) if task.stop_file else None
    if stop is not None and stop.exists():
        return RunResult(task.name, "stopped")
    run_dir = Path(task.run_dir)
    try:
        run = open_run(
            task.config,
            run_dir,
            resume=RunStore(run_dir).exists(),
            explicit=set(task.changed),
            threads=task.threads,
        )
        outcome = run_to_end(run, stop.exists if stop is not None else None)
    except ArenaError as exc:
        return RunResult(task.name, "error", message=str(exc), exit_status=exc.exit_status)
    except Exception as exc:  # a worker reports, never a traceback
        return RunResult(task.name, "error", message=f"{type(exc).__name__}: {exc}", exit_status=1)
    status = outcome.reason if outcome.stopped else "finished"
    return RunResult(task.name, status, len(outcome.rounds), notices=tuple(run.notices))


def _ignore_interrupts() -> None:
    """Worker processes leave Ctrl-C to the parent, which stops the runs cleanly (also
    one a pool starts later, outside ``interrupts_ignored``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@dataclass
class Progress:
    """What the experiment has done so far (for a progress display)."""

    runs: int
    runs_done: int = 0
    candidates: int = 0
    planned: int = 0  # candidates of every run, if no round stops early
    best: float | None = None  # best candidate fitness seen
    best_run: str = ""
    running: int = 0


@dataclass
class RunRow:
    """One line of the summary: a run and where it stands."""

    name: str
    seed: int
    opponents: tuple[str, ...]  # names
    rounds: int
    rounds_planned: int
    status: str  # finished, stopped, a limit, error, not started
    best_koth: float | None = None
    message: str = ""


@dataclass
class ExperimentOutcome:
    rows: list[RunRow]
    interrupted: bool
    errors: list[RunResult] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _finished(store: RunStore, rounds: int) -> bool:
    summary = store.summary() or {}
    return summary.get("status") == "finished" and summary.get("rounds_planned", 0) >= rounds


class Experiment:
    """An experiment directory: its plan, its runs, and playing them."""

    def __init__(self, root: Path, plan: Plan, changed: Iterable[str] = ()) -> None:
        self.root = Path(root)
        self.plan = plan
        self.changed = tuple(sorted(changed))

    @property
    def stop_file(self) -> Path:
        return self.root / STOP

    def run_dir(self, run: PlannedRun) -> Path:
        return self.root / run.name

    # -- opening -----------------------------------------------------------------

    @classmethod
    def open(
        cls,
        root: Path,
        wanted: Plan | RunConfig | None = None,
        *,
        resume: bool = False,
        explicit: Iterable[str] = (),
        warnings: list[str] | None = None,
    ) -> Experiment:
        """A new experiment (``wanted`` a Plan), or the one in ``root`` continued.

        Every run's settings are checked (``arena.evolve.session.dry_run``: opponents,
        battles that fit, prompts, prices) before anything is written; a directory that
        holds something else than an experiment is refused.
        """
        root = Path(root)
        path = root / PLAN
        if path.exists():
            try:
                plan, changed = reconcile(Plan.read(path), wanted, explicit)
            except ExperimentError as exc:
                raise ExperimentError(f"{root}: {exc}") from None
        elif resume:
            raise ExperimentError(f"{root}: no experiment to resume ({PLAN} is missing)")
        elif not isinstance(wanted, Plan):
            raise ExperimentError(f"{root}: a new experiment needs its plan (--runs)")
        else:
            if root.exists() and (not root.is_dir() or any(root.iterdir())):
                raise ExperimentError(
                    f"{root}: not empty and not an experiment ({PLAN} is missing); "
                    "choose another directory"
                )
            plan, changed = wanted, set()
        experiment = cls(root, plan, changed)
        experiment.check(warnings)
        return experiment

    def check(self, warnings: list[str] | None = None) -> None:
        """Every run's settings and inputs, as ``arena evolve`` checks them; writes nothing."""
        seen: set[str] = set()
        for run in self.plan.planned:
            config = self.plan.run_config(run)
            try:
                _, _, skipped = dry_run(config, None)
            except ArenaError as exc:
                error = ArenaError(f"{run.name}: {exc}")
                error.exit_status = exc.exit_status  # what the run's own error means
                raise error from None
            for line in skipped:
                if warnings is not None and line not in seen:
                    seen.add(line)
                    warnings.append(line)

    def write_plan(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            write_atomic(self.root / PLAN, self.plan.to_toml())
        except OSError as exc:
            raise ExperimentError(
                f"cannot write {self.root / PLAN} ({exc.strerror or exc}): choose another directory"
            ) from None

    # -- what is there --------------------------------------------------------------

    def pending(self) -> list[PlannedRun]:
        """The runs not yet finished (with the plan's number of rounds)."""
        rounds = self.plan.config.rounds
        return [r for r in self.plan.planned if not _finished(RunStore(self.run_dir(r)), rounds)]

    def rows(self, results: dict[str, RunResult] | None = None) -> list[RunRow]:
        """The summary: every run with its rounds, status and best.red's KotH."""
        results = results or {}
        out = []
        for run in self.plan.planned:
            store = RunStore(self.run_dir(run))
            summary = store.summary() or {}
            config = self.plan.run_config(run)
            names = tuple(Path(p).stem for p in config.opponents) or ("imp",)
            best = summary.get("best") or {}
            result = results.get(run.name)
            status = summary.get("status") or ("not started" if not store.exists() else "stopped")
            if status == "running":
                status = "stopped"
            if result is not None and result.status == "error":
                status = "error"
            out.append(
                RunRow(
                    run.name,
                    run.seed,
                    names,
                    len(summary.get("rounds") or []),
                    config.rounds,
                    status,
                    best.get("koth"),
                    result.message if result is not None else "",
                )
            )
        return out

    def _planned_candidates(self) -> int:
        total = 0
        shared = 0
        if self.plan.config.opponents:
            shared = len(load_warriors(self.plan.config.opponents, self.plan.config.settings, ""))
        for run in self.plan.planned:
            opponents = shared + len(run.opponents) or 1
            total += planned_candidates(self.plan.run_config(run), opponents)
        return total

    # -- playing -------------------------------------------------------------------

    def stop(self) -> None:
        """Ask every run to stop (they record what is in flight and end resumable)."""
        with contextlib.suppress(OSError):
            self.stop_file.touch()

    def tasks(self, runs: list[PlannedRun], threads: int | None) -> list[RunTask]:
        """What workers need to play ``runs``, each with ``threads`` battle threads."""
        return [
            RunTask(
                run.name,
                str(self.run_dir(run).absolute()),
                self.plan.run_config(run),
                self.changed,
                threads,
                str(self.stop_file.absolute()),
            )
            for run in runs
        ]

    def play(
        self,
        *,
        jobs: int | None = None,
        dask: str = "",
        on_progress: Callable[[Progress], None] | None = None,
    ) -> ExperimentOutcome:
        """Play every unfinished run to its end; returns the summary.

        Locally with ``jobs`` runs at a time (default: one per core; with one, in this
        process on every core), or on a Dask cluster (``dask``: an address or ``local``,
        a cluster of ``jobs`` processes). A KeyboardInterrupt while the runs play asks
        them to stop and waits for them; a second one stops waiting (what the runs
        recorded is kept either way).
        """
        cores = os.cpu_count() or 1
        pending = self.pending()
        jobs = max(1, min(jobs or cores, len(pending) or 1))
        progress = Progress(self.plan.runs, self.plan.runs - len(pending))
        progress.planned = self._planned_candidates()
        followers = {r.name: EventFollower(self.run_dir(r)) for r in self.plan.planned}
        results: dict[str, RunResult] = {}
        interrupted = False
        pool: Any = None
        cluster = None
        if dask:  # one run per worker thread, its battles in that thread
            tasks = self.tasks(pending, 1)
            cluster = _connect(dask, jobs)
            submit = lambda task: cluster.client.submit(play_run, task, pure=False)  # noqa: E731
        elif jobs == 1:  # in this process, on every core
            tasks = self.tasks(pending, None)
            pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="arena-run")
            submit = lambda task: pool.submit(play_run, task)  # noqa: E731
        else:
            tasks = self.tasks(pending, max(1, cores // jobs))
            pool = concurrent.futures.ProcessPoolExecutor(
                jobs,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_ignore_interrupts,
            )
            submit = lambda task: pool.submit(play_run, task)  # noqa: E731
        futures: dict[Any, RunTask] = {}
        try:  # the cluster answered: now the plan is written and the runs start
            self.stop_file.unlink(missing_ok=True)
            self.write_plan()
            with interrupts_ignored():  # worker processes start ignoring Ctrl-C
                futures.update((submit(task), task) for task in tasks)
            progress.running = len(futures)
            patience = 1  # Ctrl-Cs before we stop waiting for the runs
            while futures:
                try:
                    self._follow(followers, progress)
                    if on_progress is not None:
                        on_progress(progress)
                    for future in [f for f in futures if f.done()]:
                        task = futures.pop(future)
                        result = _result(future, task)
                        results[task.name] = result
                        progress.runs_done += result.status == "finished"
                    progress.running = len(futures)
                    if futures:
                        time.sleep(POLL_SECONDS)
                except KeyboardInterrupt:
                    interrupted = True
                    self.stop()
                    if patience == 0:
                        break
                    patience -= 1
            self._follow(followers, progress)
            if on_progress is not None:
                on_progress(progress)
        finally:
            if pool is not None:
                pool.shutdown(wait=not interrupted or not futures, cancel_futures=True)
            if cluster is not None:
                cluster.close()
        interrupted = interrupted or self.stop_file.exists()
        if not futures:  # runs still playing (a second Ctrl-C) must still see it
            self.stop_file.unlink(missing_ok=True)
        errors = [r for r in results.values() if r.status == "error"]
        notices = [f"{r.name}: {n}" for r in results.values() for n in r.notices]
        return ExperimentOutcome(self.rows(results), interrupted, errors, notices)

    @staticmethod
    def _follow(followers: dict[str, EventFollower], progress: Progress) -> None:
        for name, follower in followers.items():
            for event in follower.poll():
                if isinstance(event, CandidateEvent):
                    progress.candidates += 1
                    if event.fitness is not None and (
                        progress.best is None or event.fitness > progress.best
                    ):
                        progress.best, progress.best_run = event.fitness, name


def _result(future: Any, task: RunTask) -> RunResult:
    try:
        return future.result()
    except Exception as exc:  # a worker process that died, a lost Dask worker
        return RunResult(
            task.name,
            "error",
            message=f"the worker playing it failed ({type(exc).__name__}: {exc}); "
            "what it recorded is kept: continue the experiment",
            exit_status=1,
        )


def _connect(address: str, workers: int) -> Any:
    try:
        return DaskCluster(address, workers)
    except Exception as exc:
        raise RunFailure(
            f"cannot use the Dask cluster {address!r} ({type(exc).__name__}: {exc}); "
            "check --dask (a scheduler address such as tcp://host:8786, or 'local')"
        ) from None
