"""The Digital Red Queen loop (Kumar et al. 2026), as plain async Python.

Round r evolves one warrior against the initial opponents plus the champions of the
last K rounds, with a fresh MAP-Elites archive; the round's champion is its best elite
and never changes afterwards.

Reproducible whatever the timing, and across any number of crashes: up to
``concurrency`` candidates are in flight (model calls on the event loop, battles in
worker threads), but

* results enter the archive strictly in candidate order;
* what candidate i is (a fresh warrior, or a mutation of which elite) is decided from
  the archive holding exactly the first ``max(0, i - L + 1)`` results, L being the run's
  ``selection_lag``, with a generator seeded by (seed, round, i): never from the archive
  as it happens to stand when the candidate is launched;
* a candidate's id is the number of candidates of the earlier rounds plus its iteration.

So the same seed and a deterministic backend give the same run, candidate for
candidate; a resumed run rebuilds each decision from the recorded results and goes on
exactly as the uninterrupted run would have; and ``concurrency`` can change on resume
without changing the run. Recorded candidates are never asked for again, even when they
come after a gap left by a corrupt line.

A run ends cleanly, resumable, at its ``time_limit`` or once its spend on model calls
reaches ``max_cost`` or ``max_total_tokens`` (``arena.evolve.economics``): nothing new
is launched, what is in flight finishes and is recorded. The spend is derived from the
recorded events, so a resumed run starts from it, and where a run stopped never changes
what its candidates are.

Every candidate goes through the hill's admission rule (``arena.settings``): one the hill
does not admit is recorded with the reason (``rejected``) and gets no fitness.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from arena.backends.base import Backend, Completion, Request
from arena.errors import RunFailure
from arena.evolve.archive import Archive, Elite
from arena.evolve.best import Best, choose_best
from arena.evolve.config import RunConfig
from arena.evolve.economics import Spend, limit_reached, prices_of
from arena.evolve.evaluator import EvalJob, EvalResult, Evaluator
from arena.evolve.events import CandidateEvent, Event, RoundEvent, cut_reply
from arena.evolve.store import RunStore
from arena.redcode import assemble, extract
from arena.settings import Settings, admission_problem


@dataclass(frozen=True)
class Opponent:
    name: str
    code: str
    champion_id: int | None = None  # the candidate it is, when it is an earlier champion


@dataclass
class _Slot:
    index: int
    kind: str  # "new" | "mutate" | "crossover" | "seed"
    seed: int
    parents: tuple[int, ...] = ()
    parent_codes: tuple[str, ...] = ()
    parent_fitness: float | None = None
    parent_feedback: dict | None = None
    code: str | None = None  # given for "seed" slots
    backend: int = 0
    origin: str | None = None  # a seed: the opponent or champion it is


@dataclass
class RunState:
    """What is recorded of a run: finished rounds, and every candidate by place."""

    finished: dict[int, RoundEvent] = field(default_factory=dict)
    recorded: dict[tuple[int, int], CandidateEvent] = field(default_factory=dict)

    @classmethod
    def from_events(cls, events: list[Event]) -> RunState:
        state = cls()
        for event in events:
            if isinstance(event, CandidateEvent):
                state.recorded.setdefault((event.round, event.iteration), event)
            else:
                state.finished[event.round] = event
        return state

    def rounds_done(self) -> list[RoundEvent]:
        """The finished rounds 0, 1, ... up to the first unfinished one."""
        out = []
        while len(out) in self.finished:
            out.append(self.finished[len(out)])
        return out

    def recorded_in(self, round_number: int) -> dict[int, CandidateEvent]:
        return {i: e for (r, i), e in self.recorded.items() if r == round_number}

    @property
    def spent(self) -> float:
        """Seconds of run time recorded so far (over every session of the run)."""
        return max((e.elapsed or 0.0 for e in self.recorded.values()), default=0.0)


@dataclass
class RunOutcome:
    """How a call of ``RedQueen.run`` ended."""

    rounds: list[RoundEvent]
    stopped: bool  # stopped before every round was done
    # "finished", "stopped", or the limit that ended it: "time limit", "cost limit",
    # "token limit"
    reason: str = "finished"
    best: Best | None = None  # the run's strongest evolved warrior (best.red)


def prompt_values(
    settings: Settings,
    warriors: int,
    parents: tuple[str, ...] = (),
    fitness: float | None = None,
    feedback: dict[str, dict[str, int]] | None = None,
) -> dict[str, Any]:
    """The placeholders of a request's prompt (also what a dry run measures)."""
    values: dict[str, Any] = {
        "core_size": settings.core_size,
        "max_length": settings.max_length,
        "max_cycles": settings.max_cycles,
        "max_processes": settings.max_processes,
        "min_distance": settings.min_distance,
        "warriors": warriors,
        "parent": parents[0] if parents else "",
        "parent2": parents[1] if len(parents) > 1 else "",
        "fitness": "" if fitness is None else f"{fitness:.3f}",
        "feedback": "",
    }
    if feedback is not None:
        lines = [
            f"- {name}: {r['wins']} wins, {r['ties']} ties, {r['losses']} losses"
            for name, r in feedback.items()
        ]
        values["feedback"] = "\n".join(lines)
    return values


def derive_seed(*parts: int) -> int:
    """A 63-bit seed from integers (stable across runs and machines)."""
    return int(
        np.random.SeedSequence([abs(int(p)) for p in parts]).generate_state(2, np.uint64)[0] >> 1
    )


class RedQueen:
    """Runs (or resumes) a Red Queen evolution into a run directory."""

    def __init__(
        self,
        config: RunConfig,
        store: RunStore,
        backends: list[Backend],
        evaluator: Evaluator,
        opponents: list[Opponent],
        prompts: Callable[[str, dict[str, Any]], tuple[str, str, str]],
        *,
        held_out: list[Opponent] | None = None,
        on_event: Callable[[Event], None] | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.backends = backends
        self.evaluator = evaluator
        self.opponents = opponents
        self.prompts = prompts  # (kind, values) -> (template name, system, user)
        self.held_out = held_out or []
        self.on_event = on_event or (lambda event: None)
        self.settings: Settings = config.settings
        self.edges = config.grid_edges()
        self._battle_size = 1 + len(opponents)
        self._running = asyncio.Event()
        self._running.set()
        self._stopping = False
        self._clock = time.monotonic()  # when run time 0 was, for ``elapsed``
        self._limit: str | None = None  # the limit that stopped the run
        self.spend = Spend(prices_of(config))  # model calls recorded so far (all sessions)

    # -- control (used by the TUI and the CLI) ------------------------------------

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        """Finish the candidates in flight, record them, and end the run (resumable)."""
        self._stopping = True
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    # -- the run --------------------------------------------------------------------

    def load_state(self) -> RunState:
        """The run's state, rebuilt from its events."""
        return RunState.from_events(self.store.events())

    def elapsed(self) -> float:
        """Run time so far, over every session of the run (the time limit counts it)."""
        return time.monotonic() - self._clock

    def _check_time(self) -> None:
        limit = self.config.time_limit
        if limit and not self._limit and self.elapsed() >= limit:
            self._limit = "time limit"
            self.stop()

    def _check_spend(self, pending: list[CandidateEvent] | None = None) -> None:
        """Stop new model calls once the spend (recorded, and ``pending``: answered but
        not yet recorded) reaches ``max_cost`` or ``max_total_tokens``."""
        if self._limit or not (self.config.max_cost or self.config.max_total_tokens):
            return
        spend = self.spend.plus(pending) if pending else self.spend
        reason = limit_reached(self.config, spend)
        if reason:
            self._limit = reason
            self.stop()

    async def run(self) -> RunOutcome:
        state = self.load_state()
        self._clock = time.monotonic() - state.spent
        self.spend = Spend.of(state.recorded.values(), self.spend.prices)
        done = state.rounds_done()
        self.store.rebuild_champions(done)
        round_number = len(done)
        self._check_time()
        self._check_spend()
        while round_number < self.config.rounds and not self._stopping:
            outcome = await self._round(round_number, done, state)
            if outcome is None:
                break
            done.append(outcome)
            state.finished[round_number] = outcome
            round_number += 1
            self._check_time()
        stopped = len(done) < self.config.rounds
        reason = (self._limit or "stopped") if stopped else "finished"
        best = await self._best(done, state) if done else None
        if best is not None:
            self.store.write_best(best.text())
        self._write_summary(done, reason, best)
        return RunOutcome(done, stopped, reason, best)

    async def _best(self, done: list[RoundEvent], state: RunState) -> Best | None:
        """The run's strongest evolved champion, judged in a worker thread."""
        candidates = [e for e in state.recorded.values() if e.id >= 0]
        return await asyncio.get_running_loop().run_in_executor(
            None,
            functools.partial(
                choose_best,
                done,
                candidates,
                [o.code for o in self.opponents],
                [o.code for o in self.held_out],
                self.settings,
                placements=self.config.eval_placements,
                seed=derive_seed(self.config.seed, 11) % 2**31,
            ),
        )

    def _round_opponents(self, done: list[RoundEvent]) -> list[Opponent]:
        history = [
            Opponent(f"champion_{o.round:03d}", o.code, o.champion_id) for o in done if o.code
        ]
        history = history[-self.config.history :] if self.config.history else []
        return [*self.opponents, *history]

    def _plan(self, round_number: int, opponents: list[Opponent]) -> list[_Slot]:
        """The fixed part of a round: warm-up seeds and the initial fresh warriors."""
        slots: list[_Slot] = []
        if self.config.warm_start:
            for opponent in opponents:
                parents = () if opponent.champion_id is None else (opponent.champion_id,)
                slots.append(
                    _Slot(
                        len(slots),
                        "seed",
                        0,
                        parents=parents,
                        code=opponent.code,
                        origin=opponent.name,
                    )
                )
        for _ in range(self.config.n_init):
            index = len(slots)
            slots.append(
                _Slot(
                    index,
                    "new",
                    derive_seed(self.config.seed, round_number, index),
                    backend=index % len(self.backends),
                )
            )
        return slots

    def _choose(self, round_number: int, index: int, archive: Archive, feedback: dict) -> _Slot:
        """Decide what candidate ``index`` will be, from the archive as it stands."""
        seed = derive_seed(self.config.seed, round_number, index)
        rng = np.random.default_rng(seed)
        backend = index % len(self.backends)
        if len(archive) == 0 or rng.random() < self.config.new_probability:
            return _Slot(index, "new", seed, backend=backend)
        crossover = self.config.crossover_probability
        if crossover and len(archive) >= 2 and rng.random() < crossover:
            first = archive.sample(rng)
            second = archive.sample(rng)
            return _Slot(
                index,
                "crossover",
                seed,
                parents=(first.candidate_id, second.candidate_id),
                parent_codes=(first.code, second.code),
                parent_fitness=first.fitness,
                backend=backend,
            )
        parent = archive.sample(rng)
        return _Slot(
            index,
            "mutate",
            seed,
            parents=(parent.candidate_id,),
            parent_codes=(parent.code,),
            parent_fitness=parent.fitness,
            parent_feedback=feedback.get(parent.candidate_id),
            backend=backend,
        )

    async def _round(
        self, round_number: int, done: list[RoundEvent], state: RunState
    ) -> RoundEvent | None:
        opponents = self._round_opponents(done)
        self._battle_size = 1 + len(opponents)
        base_id = sum(o.candidates for o in done)
        archive = Archive(self.edges)
        planned = self._plan(round_number, opponents)
        total = len(planned) + self.config.iterations
        lag = self.config.selection_lag
        recorded = state.recorded_in(round_number)
        feedback: dict[int, dict] = {}
        counts = {"valid": 0, "placed": 0}
        decided: dict[int, _Slot] = {}
        next_decision = 0

        def decide(insertions: int) -> None:
            """Fix every candidate whose turn comes with ``insertions`` results in."""
            nonlocal next_decision
            limit = min(total, insertions + lag)
            while next_decision < limit:
                i = next_decision
                if i not in recorded:
                    decided[i] = (
                        planned[i]
                        if i < len(planned)
                        else self._choose(round_number, i, archive, feedback)
                    )
                next_decision += 1

        def insert(event: CandidateEvent) -> bool:
            """Into the archive; True when the round has reached its early-stop fitness."""
            event.placed = False
            if event.fitness is not None and event.descriptors is not None:
                counts["valid"] += 1
                event.placed = archive.add(
                    event.id, event.code or "", event.fitness, tuple(event.descriptors)
                )
                counts["placed"] += event.placed
                if self.config.feedback:
                    feedback[event.id] = event.per_opponent or {}
            best = archive.best()
            return bool(self.config.early_stop and best and best.fitness >= self.config.early_stop)

        inserted = 0
        launched = 0
        stop_round = False
        in_flight: dict[int, asyncio.Task] = {}
        results: dict[int, CandidateEvent] = {}
        decide(0)

        def launch() -> None:
            nonlocal launched
            while not stop_round and not self._stopping and launched < next_decision:
                if launched in recorded:
                    results[launched] = recorded[launched]
                elif len(in_flight) < self.config.concurrency:
                    slot = decided.pop(launched)
                    in_flight[launched] = asyncio.create_task(
                        self._produce(round_number, slot, opponents)
                    )
                else:
                    return
                launched += 1

        try:
            while True:
                while inserted in results and not stop_round:
                    event = results.pop(inserted)
                    if inserted in recorded:
                        stop_round = insert(event)
                    else:
                        event.id = base_id + inserted
                        event.elapsed = round(self.elapsed(), 3)
                        stop_round = insert(event)
                        self.store.append(event)
                        state.recorded[(round_number, event.iteration)] = event
                        self.spend.add_event(event)
                        self.on_event(event)
                        self._check_time()
                    inserted += 1
                    decide(inserted)
                if stop_round or inserted >= total:
                    break
                launch()
                if inserted in results:
                    continue
                if not in_flight:
                    break  # stopping, and everything launched is recorded
                await self._running.wait()
                finished, _ = await asyncio.wait(
                    list(in_flight.values()), return_when=asyncio.FIRST_COMPLETED
                )
                for index, task in list(in_flight.items()):
                    if task in finished:
                        del in_flight[index]
                        results[index] = _result_of(task)
                self._check_spend([e for i, e in results.items() if i not in recorded])
        finally:
            for task in in_flight.values():
                task.cancel()
            if in_flight:
                await asyncio.gather(*in_flight.values(), return_exceptions=True)

        if not stop_round and inserted < total:
            return None  # stopped: the round goes on when the run is resumed

        champion = archive.best()
        confirmed = None
        if champion is not None and self.config.confirm_placements:
            champion, confirmed = await self._confirm(round_number, archive, opponents)
        outcome = RoundEvent(
            round=round_number,
            champion_id=champion.candidate_id if champion else None,
            fitness=champion.fitness if champion else None,
            confirmed_fitness=confirmed,
            code=champion.code if champion else None,
            candidates=inserted,
            placed=counts["placed"],
            valid=counts["valid"],
            archive=archive.to_json(),
            opponents=[o.name for o in opponents],
        )
        if champion is not None:
            self.store.write_champion(round_number, champion.code)
            if self.held_out:
                outcome.generality, outcome.koth = await self._generality(champion.code)
        self.store.append(outcome)
        self.on_event(outcome)
        self._write_summary([*done, outcome], "running")
        return outcome

    async def _confirm(
        self, round_number: int, archive: Archive, opponents: list[Opponent]
    ) -> tuple[Elite, float]:
        """The champion among the best elites, each played again with more placements.

        One fitness of few placements is noisy: the elite that looks best may only have
        been lucky. The ``confirm_elites`` best are evaluated again with
        ``confirm_placements`` placements (the same seed for all, another than the
        search's) and the best of those becomes the champion (the lower id among equals).
        """
        finalists = sorted(archive.elites(), key=lambda e: (-e.fitness, e.candidate_id))
        finalists = finalists[: self.config.confirm_elites]
        seed = derive_seed(self.config.seed, round_number, 2) % 2**31
        results = await asyncio.gather(
            *(self.evaluator.evaluate(self._job(e.code, opponents, seed, True)) for e in finalists)
        )
        scored = [
            (r.fitness, -e.candidate_id, i)
            for i, (e, r) in enumerate(zip(finalists, results, strict=True))
            if not r.error
        ]
        if not scored:
            return finalists[0], finalists[0].fitness
        fitness, _, index = max(scored)
        return finalists[index], fitness

    def _job(self, code: str, opponents: list[Opponent], seed: int, confirm: bool) -> EvalJob:
        return EvalJob(
            code=code,
            opponents=tuple(o.code for o in opponents),
            opponent_names=tuple(o.name for o in opponents),
            settings=_settings_dict(self.settings),
            placements=self.config.confirm_placements if confirm else self.config.placements,
            seed=seed,
            fitness=self.config.fitness,
            axes=tuple(self.config.axes),
        )

    def _write_summary(
        self, rounds: list[RoundEvent], status: str, best: Best | None = None
    ) -> None:
        self.store.write_summary(
            {
                "status": status,
                "rounds_planned": self.config.rounds,
                "seconds": round(self.elapsed(), 1),
                "time_limit": self.config.time_limit or None,
                "spend": self.spend.to_json(self.config),
                "best": best.to_json() if best else None,
                "rounds": [
                    {
                        "round": o.round,
                        "champion_id": o.champion_id,
                        "fitness": o.fitness,
                        "candidates": o.candidates,
                        "valid": o.valid,
                        "placed": o.placed,
                        "generality": o.generality,
                        "koth": o.koth,
                    }
                    for o in rounds
                ],
            }
        )

    # -- one candidate --------------------------------------------------------------

    def _prompt_values(self, slot: _Slot) -> dict[str, Any]:
        feedback = None
        if self.config.feedback and slot.parent_feedback is not None:
            feedback = slot.parent_feedback
        return prompt_values(
            self.settings, self._battle_size, slot.parent_codes, slot.parent_fitness, feedback
        )

    async def _ask(self, round_number: int, slot: _Slot) -> tuple[Completion, str]:
        """The backend's answer to this slot (a failure is a Completion too)."""
        backend = self.backends[slot.backend]
        template, system, user = self.prompts(slot.kind, self._prompt_values(slot))
        request = Request(
            system=system,
            user=user,
            kind=slot.kind,  # type: ignore[arg-type]
            parents=slot.parent_codes,
            settings=self.settings,
            seed=slot.seed,
            round=round_number,
            iteration=slot.index,
        )
        started = time.perf_counter()
        try:
            completions = await backend.complete(request, 1)
            completion = completions[0] if completions else None
        except Exception as exc:  # a backend must not raise; record it if one does
            completion = None
            error = f"{type(exc).__name__}: {exc}"
        else:
            error = "no reply"
        if completion is None:
            completion = Completion(
                text=None,
                error=error,
                backend=backend.name,
                model=backend.model,
                latency_seconds=time.perf_counter() - started,
            )
        return completion, template

    async def _produce(self, round_number: int, slot: _Slot, opponents: list[Opponent]):
        event = CandidateEvent(
            round=round_number,
            iteration=slot.index,
            kind=slot.kind,
            parent=slot.parents[0] if slot.parents else None,
            parent2=slot.parents[1] if len(slot.parents) > 1 else None,
        )
        if slot.kind == "seed":
            code = slot.code or ""
            event.origin = slot.origin
        else:
            completion, template = await self._ask(round_number, slot)
            backend = self.backends[slot.backend]
            event.backend, event.model, event.template = backend.name, backend.model, template
            event.latency = completion.latency_seconds
            event.prompt_tokens = completion.prompt_tokens
            event.completion_tokens = completion.completion_tokens
            if completion.text is None:
                event.failure = completion.error or "no reply"
                return event
            event.reply, event.reply_cut = cut_reply(completion.text)
            code = extract(event.reply).code
        event.code = code
        assembled = assemble(code, self.settings)
        event.errors = [str(d) for d in assembled.errors]
        if not assembled.ok or assembled.warrior is None:
            return event
        reason = admission_problem(self.settings, assembled.warrior)
        if reason is not None:
            event.rejected = reason
            event.errors = [f"not admitted: the warrior {reason}"]
            return event
        seed = derive_seed(self.config.seed, round_number, slot.index, 1) % 2**31
        job = self._job(code, opponents, seed, False)
        result: EvalResult = await self.evaluator.evaluate(job)
        if result.error:
            event.errors = [result.error]
            return event
        event.fitness = result.fitness
        event.descriptors = list(result.descriptors)
        event.spawned = result.spawned
        event.coverage = result.coverage
        event.per_opponent = result.per_opponent
        return event

    async def _generality(self, code: str) -> tuple[float, float]:
        """The champion against the held-out set: share beaten or tied, and KotH score."""
        from arena.evolve.generality import generality_of

        return await asyncio.get_running_loop().run_in_executor(
            None,
            generality_of,
            code,
            [o.code for o in self.held_out],
            self.settings,
            self.config.eval_placements,
            derive_seed(self.config.seed, 7) % 2**31,
        )


def _result_of(task: asyncio.Task) -> CandidateEvent:
    """A finished candidate task's event; an evaluation that broke stops the run."""
    try:
        return task.result()
    except RunFailure:
        raise
    except Exception as exc:
        raise RunFailure(
            f"evaluating a candidate failed ({type(exc).__name__}: {exc}); what was "
            "recorded is kept: fix the cause and continue with --resume"
        ) from None


def _settings_dict(settings: Settings) -> dict:
    return {name: getattr(settings, name) for name in Settings.__slots__}
