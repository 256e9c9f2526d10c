"""Tuning a warrior's constants against a set of warriors, as optimax and mopt do.

The search space is the warrior's numeric EQU constants (``arena.redcode.constants``),
each with a range and a grid step. A constant whose default range spans the core (a
bombing or scanning step) is searched among the steps with the best optima scores
(``arena.optima``), which needs no battle; the others uniformly over their grid.

The search is seeded and deterministic: trial 0 is the warrior as written; then each
generation proposes ``batch`` new settings from a generator seeded by (seed, generation):
half change one constant of the best so far (a neighbour, or another good step), half
draw every constant afresh. Every proposal is assembled (one that does not is recorded
as invalid) and scored by its KotH (0-300) against the set, ``rounds`` rounds per
opponent, half with each warrior loaded first, the battles spread over all cores (or a
Dask cluster). Because one score of few rounds is noisy, the best few are played again
with ``confirm_rounds`` rounds and another seed before the winner is named: the result
is the best confirmed score, never a lucky one.

Every trial is appended to a state file (JSON lines, fsync'd): a search started again
with the same state file replays its history from it and continues where it stopped,
with the same result as an uninterrupted search.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from arena.bench import evaluate
from arena.errors import UsageError
from arena.hill import Entry, ResultCache
from arena.io import append_durably
from arena.optima import best_steps
from arena.redcode import assemble
from arena.redcode.constants import numeric_constants, with_constants
from arena.settings import Settings, admission_problem

STEP_POOL = 96  # good-optima steps a step constant is drawn from
STATE_VERSION = 1


class OptimizeError(UsageError):
    """A tuning request that cannot be carried out (the message says why)."""


@dataclass(frozen=True, slots=True)
class Space:
    """Where one constant is searched: ``low..high`` by ``step``."""

    name: str
    low: int
    high: int
    step: int = 1
    spread: bool = False  # a bombing/scanning step: drawn among good optima steps

    def values(self) -> range:
        return range(self.low, self.high + 1, self.step)


def parse_space(text: str) -> tuple[str, int, int, int]:
    """``NAME=LO:HI[:STEP]`` as (name, low, high, step)."""
    name, eq, span = text.partition("=")
    parts = span.split(":")
    try:
        if not eq or not name.strip() or len(parts) not in (2, 3):
            raise ValueError
        low, high = int(parts[0]), int(parts[1])
        step = int(parts[2]) if len(parts) == 3 else 1
    except ValueError:
        raise OptimizeError(
            f"--constant {text!r}: expected NAME=LO:HI or NAME=LO:HI:STEP"
        ) from None
    if high < low or step < 1 or max(abs(low), abs(high)) > 2**40:
        raise OptimizeError(f"--constant {text!r}: needs LO <= HI and STEP >= 1")
    return name.strip(), low, high, step


def default_space(name: str, value: int, settings: Settings) -> Space:
    """A step-like constant (named *step*, or 20 and more) over the whole core; a small
    one (an offset, a count) within 5 of its value, not crossing zero."""
    core = settings.core_size
    if "step" in name.lower() or abs(value) >= 20:
        return Space(name, 1, core - 1, 1, spread=True)
    low = value - 5 if value < 0 else max(0, value - 5)
    high = min(value + 5, 0) if value < 0 else value + 5
    return Space(name, low, high)


def spaces_for(
    text: str, settings: Settings, given: Sequence[tuple[str, int, int, int]] = ()
) -> tuple[dict[str, int], list[Space]]:
    """(current values, search spaces): the given ones, else every numeric EQU."""
    constants = {c.name: c.value for c in numeric_constants(text)}
    if not constants:
        raise OptimizeError(
            "the warrior has no numeric EQU constants to tune (write them as e.g. "
            "'step equ 3364', or name them with --constant NAME=LO:HI)"
        )
    by_lower = {name.lower(): name for name in constants}
    if not given:
        return constants, [default_space(n, v, settings) for n, v in constants.items()]
    spaces = []
    for name, low, high, step in given:
        real = by_lower.get(name.lower())
        if real is None:
            raise OptimizeError(
                f"--constant {name}: the warrior has no numeric EQU of that name "
                f"(it has: {', '.join(constants)})"
            )
        spread = "step" in real.lower() and high - low + 1 > settings.core_size // 4
        spaces.append(Space(real, low, high, step, spread=spread))
    return {s.name: constants[s.name] for s in spaces}, spaces


@dataclass
class Trial:
    """One setting of the constants and how it scored."""

    values: dict[str, int]
    score: float | None  # KotH 0-300; None when the warrior did not assemble
    rounds: int
    phase: str = "search"  # "search" or "confirm"
    error: str | None = None

    def key(self) -> str:
        return json.dumps(self.values, sort_keys=True)


@dataclass
class Result:
    """What a search found."""

    original: dict[str, int]
    best: Trial  # best confirmed
    baseline: Trial  # the warrior as written, confirmed
    trials: list[Trial] = field(default_factory=list)
    text: str = ""  # the tuned warrior

    def ranking(self, limit: int = 10) -> list[Trial]:
        """The best distinct settings of the search phase, best first."""
        valid = [t for t in self.trials if t.phase == "search" and t.score is not None]
        order = sorted(valid, key=lambda t: (-(t.score or 0.0), t.key()))
        out: list[Trial] = []
        seen: set[str] = set()
        for trial in order:
            if trial.key() not in seen:
                seen.add(trial.key())
                out.append(trial)
        return out[:limit]


Scorer = Callable[[list[str], int, int], list[float]]  # (texts, rounds, seed) -> KotH each


def local_scorer(
    against: Sequence[Entry],
    settings: Settings,
    *,
    threads: int | None = None,
    cache: ResultCache | None = None,
) -> Scorer:
    """KotH of warrior texts against the set, battles on this machine's cores."""

    def score(texts: list[str], rounds: int, seed: int) -> list[float]:
        warriors = [assemble(t, settings).warrior for t in texts]
        results = evaluate(
            warriors, list(against), settings, placements=rounds, seed=seed, threads=threads,
            cache=cache,
        )  # fmt: skip
        return [r.score for r in results]

    return score


def _score_one(text: str, against: list[str], settings: dict, rounds: int, seed: int) -> float:
    """One warrior's KotH against texts (a Dask task: plain data in, a number out)."""
    s = Settings(**settings)
    warrior = assemble(text, s).warrior
    opponents = [assemble(t, s).warrior for t in against]
    (result,) = evaluate([warrior], opponents, s, placements=rounds, seed=seed, threads=1)
    return result.score


def dask_scorer(address: str, against_texts: list[str], settings: Settings, workers: int = 2):
    """A Scorer that plays each warrior's battles as one task on a Dask cluster."""
    from distributed import Client, LocalCluster

    cluster = None
    if address in ("", "local"):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(address, timeout="10s")
    plain = {name: getattr(settings, name) for name in Settings.__slots__}

    def score(texts: list[str], rounds: int, seed: int) -> list[float]:
        futures = [
            client.submit(_score_one, t, against_texts, plain, rounds, seed, pure=False)
            for t in texts
        ]
        return [float(f.result()) for f in futures]

    def close() -> None:
        client.close()
        if cluster is not None:
            cluster.close()

    score.close = close  # type: ignore[attr-defined]
    return score


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class Optimizer:
    """A seeded, resumable search over a warrior's constants (see the module docstring)."""

    def __init__(
        self,
        text: str,
        settings: Settings,
        spaces: list[Space],
        original: dict[str, int],
        scorer: Scorer,
        *,
        against_id: str,
        rounds: int = 20,
        confirm_rounds: int | None = None,
        confirm: int = 4,
        seed: int = 0,
        batch: int = 8,
        state_path: Path | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.text = text
        self.settings = settings
        self.spaces = spaces
        self.original = original
        self.scorer = scorer
        self.rounds = rounds
        self.confirm_rounds = confirm_rounds or 4 * rounds
        self.confirm = confirm
        self.seed = seed
        self.batch = max(1, batch)
        self.state_path = state_path
        self.progress = progress or (lambda n: None)
        self.header = {
            "version": STATE_VERSION,
            "warrior": _digest(text),
            "against": against_id,
            "rounds": rounds,
            "seed": seed,
            "spaces": [[s.name, s.low, s.high, s.step] for s in spaces],
        }
        self.trials: list[Trial] = []
        self._known: dict[tuple[str, str, int], Trial] = {}  # (phase, key, rounds) -> trial
        self._pools = {
            s.name: best_steps(settings.core_size, s.low, s.high, STEP_POOL, stride=s.step)
            for s in spaces
            if s.spread
        }
        self._load_state()

    # -- state --------------------------------------------------------------------

    def _load_state(self) -> None:
        path = self.state_path
        if path is None or not path.exists():
            return
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        try:
            header = json.loads(lines[0]) if lines else None
        except json.JSONDecodeError:
            header = None
        if header != self.header:
            raise OptimizeError(
                f"{path} holds another search (other warrior, set, rounds, seed or ranges): "
                "give another --state file or delete it"
            )
        for raw in lines[1:]:
            try:
                data = json.loads(raw)
                trial = Trial(
                    {str(k): int(v) for k, v in data["values"].items()},
                    None if data["score"] is None else float(data["score"]),
                    int(data["rounds"]),
                    str(data["phase"]),
                    data.get("error"),
                )
            except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
                continue  # a line cut short by a crash: that trial is played again
            self._known[(trial.phase, trial.key(), trial.rounds)] = trial

    def _record(self, trial: Trial) -> None:
        self.trials.append(trial)
        key = (trial.phase, trial.key(), trial.rounds)
        if key in self._known or self.state_path is None:
            self._known[key] = trial
            return
        self._known[key] = trial
        if not self.state_path.exists():
            append_durably(self.state_path, (json.dumps(self.header) + "\n").encode())
        line = {"values": trial.values, "score": trial.score, "rounds": trial.rounds,
                "phase": trial.phase, "error": trial.error}  # fmt: skip
        append_durably(self.state_path, (json.dumps(line) + "\n").encode())

    # -- scoring ------------------------------------------------------------------

    def _play(self, settings_list: list[dict[str, int]], phase: str, rounds: int, seed: int):
        """Trials for these settings: recorded ones from the state, the rest played."""
        out: list[Trial | None] = []
        todo: list[tuple[int, str]] = []
        for values in settings_list:
            key = json.dumps(values, sort_keys=True)
            known = self._known.get((phase, key, rounds))
            if known is not None:
                out.append(Trial(dict(values), known.score, rounds, phase, known.error))
                continue
            text = with_constants(self.text, values)
            result = assemble(text, self.settings)
            problem = None
            if not result.ok or result.warrior is None:
                problem = result.errors[0].message if result.errors else "does not assemble"
            else:
                problem = admission_problem(self.settings, result.warrior)
            if problem:
                out.append(Trial(dict(values), None, rounds, phase, problem))
            else:
                out.append(None)
                todo.append((len(out) - 1, text))
        if todo:
            scores = self.scorer([t for _, t in todo], rounds, seed)
            for (index, _), score in zip(todo, scores, strict=True):
                out[index] = Trial(dict(settings_list[index]), float(score), rounds, phase)
        trials = [t for t in out if t is not None]
        for trial in trials:
            self._record(trial)
        return trials

    # -- proposals ----------------------------------------------------------------

    def _draw(self, space: Space, rng: np.random.Generator) -> int:
        if space.spread and self._pools.get(space.name):
            pool = self._pools[space.name]
            # better optima first: a geometric preference over the ranked pool
            return int(pool[min(len(pool) - 1, int(rng.geometric(4.0 / len(pool))) - 1)])
        values = space.values()
        return int(values[int(rng.integers(len(values)))])

    def _neighbour(self, space: Space, value: int, rng: np.random.Generator) -> int:
        if space.spread and rng.random() < 0.5:
            return self._draw(space, rng)
        span = max(1, (space.high - space.low) // (20 * space.step)) * space.step
        delta = int(rng.integers(1, span + 1)) * (1 if rng.random() < 0.5 else -1)
        return int(min(space.high, max(space.low, value + delta)))

    def _propose(self, generation: int, best: dict[str, int], seen: set[str]) -> list[dict]:
        rng = np.random.default_rng([self.seed, generation])
        proposals: list[dict[str, int]] = []
        attempts = 0
        while len(proposals) < self.batch and attempts < 50 * self.batch:
            attempts += 1
            if rng.random() < 0.5:
                values = dict(best)
                space = self.spaces[int(rng.integers(len(self.spaces)))]
                values[space.name] = self._neighbour(space, values[space.name], rng)
            else:
                values = {s.name: self._draw(s, rng) for s in self.spaces}
            key = json.dumps(values, sort_keys=True)
            if key not in seen:
                seen.add(key)
                proposals.append(values)
        return proposals

    # -- the search -----------------------------------------------------------------

    def run(self, *, trials: int = 100, seconds: float | None = None) -> Result:
        """Search for ``trials`` trials (or until ``seconds``), then confirm the best."""
        start = time.monotonic()
        seen = {json.dumps(self.original, sort_keys=True)}
        (baseline,) = self._play([dict(self.original)], "search", self.rounds, self.seed)
        done = 1
        self.progress(1)
        best = baseline
        generation = 0
        while done < trials and (seconds is None or time.monotonic() - start < seconds):
            generation += 1
            proposals = self._propose(generation, best.values, seen)[: trials - done]
            if not proposals:
                break  # the space is exhausted
            for trial in self._play(proposals, "search", self.rounds, self.seed):
                if trial.score is not None and (best.score is None or trial.score > best.score):
                    best = trial
            done += len(proposals)
            self.progress(len(proposals))
        return self._confirm(baseline)

    def _confirm(self, baseline: Trial) -> Result:
        search = [t for t in self.trials if t.phase == "search"]
        ranked = Result(self.original, baseline, baseline, search).ranking(self.confirm)
        finalists = [dict(self.original)] + [t.values for t in ranked if t.values != self.original]
        confirmed = self._play(finalists, "confirm", self.confirm_rounds, self.seed + 1)
        valid = [t for t in confirmed if t.score is not None]
        winner = max(valid, key=lambda t: (t.score, t.values == self.original))
        text = with_constants(self.text, winner.values)
        if winner.values != self.original:
            summary = ", ".join(f"{k} = {v}" for k, v in winner.values.items())
            text = (
                f"; tuned by arena optimize: {summary} (KotH {winner.score:.1f}, was "
                f"{confirmed[0].score:.1f}, {self.confirm_rounds} rounds an opponent)\n" + text
            )
        return Result(self.original, winner, confirmed[0], list(self.trials), text)
