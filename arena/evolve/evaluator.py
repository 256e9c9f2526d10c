"""Fitness evaluation of candidates: locally on all cores, or on a Dask cluster.

``evaluate_job`` is a pure function of plain data (program texts, settings, seed), so
the same job gives the same result in a thread here or on a Dask worker elsewhere. The
numba kernels release the GIL, so a thread pool uses every core while the event loop
keeps talking to the model.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Protocol

import numpy as np

from arena.battle import play
from arena.redcode import Warrior, assemble
from arena.scoring import koth_score
from arena.settings import Settings


@dataclass(frozen=True)
class EvalJob:
    """Everything needed to score one candidate against its opponents."""

    code: str
    opponents: tuple[str, ...]  # program texts
    opponent_names: tuple[str, ...]
    settings: dict  # Settings fields
    placements: int
    seed: int
    fitness: str = "melee"  # "melee" | "koth"
    axes: tuple[str, str] = ("spawned", "coverage")


@dataclass(frozen=True)
class EvalResult:
    fitness: float
    descriptors: tuple[float, float]
    spawned: float
    coverage: float
    per_opponent: dict = field(default_factory=dict)  # name -> {"wins","ties","losses"}
    instructions: int = 0
    error: str | None = None


@lru_cache(maxsize=512)
def _assembled(code: str, settings: Settings) -> Warrior | None:
    result = assemble(code, settings)
    return result.warrior if result.ok and len(result.warrior) > 0 else None


def _descriptor(axis: str, warrior: Warrior, spawned: float, coverage: float) -> float:
    if axis == "spawned":
        return spawned
    if axis == "coverage":
        return coverage
    if axis == "opcodes":
        return float(len(set(int(op) for op in warrior.opcode)))
    return float(len(warrior))  # length


def evaluate_job(job: EvalJob) -> EvalResult:
    """Play the candidate against its opponents and measure fitness and behaviour."""
    settings = Settings(**job.settings)
    candidate = _assembled(job.code, settings)
    if candidate is None:
        return EvalResult(0.0, (0.0, 0.0), 0.0, 0.0, error="does not assemble")
    opponents = [_assembled(code, settings) for code in job.opponents]
    if any(o is None for o in opponents):
        return EvalResult(0.0, (0.0, 0.0), 0.0, 0.0, error="an opponent does not assemble")
    per_opponent: dict = {}
    if job.fitness == "melee":
        result = play(
            [candidate, *opponents], settings, rounds=job.placements, seed=job.seed, drq=True
        )
        fitness = float(np.mean(result.drq_score[:, 0]))
        spawned = float(np.mean(result.drq_spawned[:, 0]))
        coverage = float(np.mean(result.drq_coverage[:, 0]))
        alive = result.tasks > 0
        for i, name in enumerate(job.opponent_names, start=1):
            per_opponent[name] = {
                "wins": int(np.sum(alive[:, 0] & ~alive[:, i])),
                "ties": int(np.sum(alive[:, 0] & alive[:, i])),
                "losses": int(np.sum(~alive[:, 0])),
            }
        instructions = result.instructions
    else:
        scores, spawned_all, coverage_all, instructions = [], [], [], 0
        for i, (name, opponent) in enumerate(zip(job.opponent_names, opponents, strict=True)):
            result = play(
                [candidate, opponent], settings, rounds=job.placements, seed=job.seed + i, drq=True
            )
            wins, ties = result.wins()[0], result.ties()[0]
            per_opponent[name] = {"wins": wins, "ties": ties, "losses": result.losses()[0]}
            scores.append(koth_score(wins, ties, job.placements))
            spawned_all.append(float(np.mean(result.drq_spawned[:, 0])))
            coverage_all.append(float(np.mean(result.drq_coverage[:, 0])))
            instructions += result.instructions
        fitness = float(np.mean(scores)) if scores else 0.0
        spawned = float(np.mean(spawned_all)) if spawned_all else 0.0
        coverage = float(np.mean(coverage_all)) if coverage_all else 0.0
    descriptors = (
        _descriptor(job.axes[0], candidate, spawned, coverage),
        _descriptor(job.axes[1], candidate, spawned, coverage),
    )
    return EvalResult(fitness, descriptors, spawned, coverage, per_opponent, instructions)


class Evaluator(Protocol):
    async def evaluate(self, job: EvalJob) -> EvalResult: ...

    def close(self) -> None: ...


class LocalEvaluator:
    """Runs jobs in a thread pool sized to the machine's cores."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="arena-eval")

    async def evaluate(self, job: EvalJob) -> EvalResult:
        return await asyncio.get_running_loop().run_in_executor(self._pool, evaluate_job, job)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


CONNECT_TIMEOUT = "10s"  # a scheduler that does not answer by then is reported


@contextlib.contextmanager
def interrupts_ignored() -> Iterator[None]:
    """Processes started inside ignore Ctrl-C (they inherit it): the terminal's SIGINT
    reaches the whole process group, and the command, not a worker dying with a
    traceback, decides how work stops."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class DaskCluster:
    """A client of a Dask cluster: a scheduler address, or ``local`` for a cluster of
    ``workers`` processes on this machine (one thread each), closed with the client."""

    def __init__(self, address: str = "local", workers: int = 2) -> None:
        from distributed import Client, LocalCluster

        self._cluster = None
        if address in ("", "local"):
            with interrupts_ignored():
                self._cluster = LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
                )
            self.client = Client(self._cluster)
        else:
            self.client = Client(address, timeout=CONNECT_TIMEOUT)

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


class DaskEvaluator:
    """Runs jobs on a Dask cluster: a scheduler address, or a local cluster of processes."""

    def __init__(self, address: str = "local", workers: int = 2) -> None:
        self._dask = DaskCluster(address, workers)
        self._client = self._dask.client

    async def evaluate(self, job: EvalJob) -> EvalResult:
        future = self._client.submit(evaluate_job, job, pure=False)
        return await asyncio.get_running_loop().run_in_executor(None, future.result)

    def close(self) -> None:
        self._dask.close()


def result_to_json(result: EvalResult) -> dict:
    data = asdict(result)
    data["descriptors"] = list(result.descriptors)
    return data
