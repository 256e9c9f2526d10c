"""The Digital Red Queen loop (Kumar et al. 2026), as plain async Python.

Round r evolves one warrior against the initial opponents plus the champions of the
last K rounds, with a fresh MAP-Elites archive; the round's champion is its best elite
and never changes afterwards.

Pipelining without losing reproducibility: up to ``concurrency`` candidates are in
flight (model calls on the event loop, battles in worker threads), but results enter the
archive strictly in candidate order, and the parent of candidate i is drawn when the
first i-W+1 candidates have been inserted (W = concurrency), from a generator seeded by
(seed, round, i). So the same seed and a deterministic backend give the same run,
candidate for candidate, however the timing falls out; and a resumed run continues
exactly where the original would have gone.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from arena.backends.base import Backend, Completion, Request
from arena.evolve.archive import Archive
from arena.evolve.config import DEFAULT_EDGES, RunConfig
from arena.evolve.evaluator import EvalJob, EvalResult, Evaluator
from arena.evolve.store import RunStore
from arena.redcode import assemble, extract
from arena.settings import Settings


@dataclass(frozen=True)
class Opponent:
    name: str
    code: str


@dataclass
class RoundOutcome:
    round: int
    champion_id: int | None
    fitness: float | None
    code: str | None
    candidates: int
    placed: int
    valid: int
    generality: float | None = None
    koth: float | None = None


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


@dataclass
class RunState:
    """What is known of a run: finished rounds and the candidates of the current one."""

    rounds: list[RoundOutcome] = field(default_factory=list)
    current: list[dict] = field(default_factory=list)  # candidate events of the unfinished round
    next_id: int = 0


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
        on_event: Callable[[dict], None] | None = None,
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
        self.edges = (DEFAULT_EDGES[config.axes[0]], DEFAULT_EDGES[config.axes[1]])
        self._battle_size = 1 + len(opponents)
        self._running = asyncio.Event()
        self._running.set()
        self._stopping = False

    # -- control (used by the TUI) ------------------------------------------------

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def stop(self) -> None:
        self._stopping = True
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    # -- state ----------------------------------------------------------------------

    def load_state(self) -> RunState:
        """Rebuild the run's state from its events (the checkpoint is only a shortcut)."""
        state = RunState()
        for event in self.store.events():
            if event.get("type") == "candidate":
                state.next_id = max(state.next_id, int(event["id"]) + 1)
                if event["round"] == len(state.rounds):
                    state.current.append(event)
            elif event.get("type") == "round":
                state.rounds.append(
                    RoundOutcome(
                        event["round"],
                        event["champion_id"],
                        event["fitness"],
                        event["code"],
                        event["candidates"],
                        event["placed"],
                        event["valid"],
                        event.get("generality"),
                        event.get("koth"),
                    )
                )
                state.current = []
        return state

    def champions(self, state: RunState) -> list[Opponent]:
        return [
            Opponent(f"champion_{o.round:03d}", o.code) for o in state.rounds if o.code is not None
        ]

    # -- the run --------------------------------------------------------------------

    async def run(self) -> list[RoundOutcome]:
        self.store.repair_events()
        state = self.load_state()
        while len(state.rounds) < self.config.rounds and not self._stopping:
            outcome = await self._round(len(state.rounds), state)
            if outcome is None:
                break
            state.rounds.append(outcome)
            state.current = []
        return state.rounds

    def _round_opponents(self, round_number: int, state: RunState) -> list[Opponent]:
        history = self.champions(state)
        if self.config.history:
            history = history[-self.config.history :]
        else:
            history = []
        return [*self.opponents, *history]

    def _plan(self, round_number: int, opponents: list[Opponent]) -> list[_Slot]:
        """The fixed part of a round: warm-up seeds and the initial fresh warriors."""
        slots: list[_Slot] = []
        if self.config.warm_start:
            for opponent in opponents:
                slots.append(_Slot(len(slots), "seed", 0, code=opponent.code))
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

    def _choose(self, round_number: int, index: int, archive: Archive, elites_by_id: dict) -> _Slot:
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
            parent_feedback=elites_by_id.get(parent.candidate_id),
            backend=backend,
        )

    async def _round(self, round_number: int, state: RunState) -> RoundOutcome | None:
        opponents = self._round_opponents(round_number, state)
        self._battle_size = 1 + len(opponents)
        archive = Archive(self.edges)
        planned = self._plan(round_number, opponents)
        total = len(planned) + self.config.iterations
        feedback: dict[int, dict] = {}
        counts = {"valid": 0, "placed": 0}

        def insert(event: dict) -> None:
            if event.get("fitness") is not None:
                counts["valid"] += 1
                placed = archive.add(
                    event["id"], event["code"], event["fitness"], tuple(event["descriptors"])
                )
                event["placed"] = placed
                counts["placed"] += placed
                if self.config.feedback:
                    feedback[event["id"]] = event.get("per_opponent") or {}
            else:
                event["placed"] = False

        # replay what a previous process already did in this round
        done = state.current
        for event in done:
            insert(event)
        next_index = len(done)
        best = archive.best()
        if self.config.early_stop and best and best.fitness >= self.config.early_stop:
            next_index = total

        window = self.config.concurrency
        in_flight: dict[int, asyncio.Task] = {}
        finished: dict[int, dict] = {}
        launched = next_index
        stop_round = next_index >= total

        def launch_ready() -> None:
            nonlocal launched
            while not stop_round and launched < total and launched - next_index < window:
                if launched < len(planned):
                    slot = planned[launched]
                else:
                    slot = self._choose(round_number, launched, archive, feedback)
                in_flight[launched] = asyncio.create_task(
                    self._produce(round_number, slot, opponents)
                )
                launched += 1

        launch_ready()
        while in_flight:
            await self._running.wait()
            if self._stopping:
                break
            task_done, _ = await asyncio.wait(
                list(in_flight.values()), return_when=asyncio.FIRST_COMPLETED
            )
            for index, task in list(in_flight.items()):
                if task in task_done:
                    finished[index] = task.result()
                    del in_flight[index]
            while next_index in finished and not self._stopping:
                event = finished.pop(next_index)
                event["id"] = state.next_id
                state.next_id += 1
                insert(event)
                self.store.append_event(event)
                self.on_event(event)
                next_index += 1
                best = archive.best()
                if self.config.early_stop and best and best.fitness >= self.config.early_stop:
                    stop_round = True
                # launch right after each insertion, so candidate i always sees exactly
                # the first i-W+1 results, however many tasks finished together
                launch_ready()
            if stop_round:
                for task in in_flight.values():
                    task.cancel()
                await asyncio.gather(*in_flight.values(), return_exceptions=True)
                in_flight.clear()
                break

        if self._stopping:
            for task in in_flight.values():
                task.cancel()
            await asyncio.gather(*in_flight.values(), return_exceptions=True)
            self._checkpoint(state, round_number, archive, next_index)
            return None

        champion = archive.best()
        outcome = RoundOutcome(
            round_number,
            champion.candidate_id if champion else None,
            champion.fitness if champion else None,
            champion.code if champion else None,
            next_index,
            counts["placed"],
            counts["valid"],
        )
        if champion is not None:
            self.store.write_champion(round_number, champion.code)
            if self.held_out:
                outcome.generality, outcome.koth = await self._generality(champion.code)
        event = {
            "type": "round",
            "round": round_number,
            "champion_id": outcome.champion_id,
            "fitness": outcome.fitness,
            "code": outcome.code,
            "candidates": outcome.candidates,
            "placed": outcome.placed,
            "valid": outcome.valid,
            "generality": outcome.generality,
            "koth": outcome.koth,
            "archive": archive.to_json(),
            "opponents": [o.name for o in opponents],
        }
        self.store.append_event(event)
        self.on_event(event)
        self._checkpoint(state, round_number + 1, Archive(self.edges), 0, finished_round=outcome)
        return outcome

    def _checkpoint(
        self,
        state: RunState,
        round_number: int,
        archive: Archive,
        next_index: int,
        finished_round: RoundOutcome | None = None,
    ) -> None:
        rounds = [*state.rounds, *([finished_round] if finished_round else [])]
        self.store.write_checkpoint(
            {
                "round": round_number,
                "next_candidate": next_index,
                "next_id": state.next_id,
                "champions": [
                    {"round": o.round, "id": o.champion_id, "fitness": o.fitness} for o in rounds
                ],
                "archive": archive.to_json(),
            }
        )
        self.store.write_summary(
            {
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
                ]
            }
        )

    # -- one candidate --------------------------------------------------------------

    def _prompt_values(self, slot: _Slot) -> dict[str, Any]:
        s = self.settings
        values: dict[str, Any] = {
            "core_size": s.core_size,
            "max_length": s.max_length,
            "max_cycles": s.max_cycles,
            "max_processes": s.max_processes,
            "min_distance": s.min_distance,
            "warriors": self._battle_size,
            "parent": slot.parent_codes[0] if slot.parent_codes else "",
            "parent2": slot.parent_codes[1] if len(slot.parent_codes) > 1 else "",
            "fitness": "" if slot.parent_fitness is None else f"{slot.parent_fitness:.3f}",
            "feedback": "",
        }
        if self.config.feedback and slot.parent_feedback is not None:
            lines = [
                f"- {name}: {r['wins']} wins, {r['ties']} ties, {r['losses']} losses"
                for name, r in slot.parent_feedback.items()
            ]
            values["feedback"] = "\n".join(lines)
        return values

    async def _produce(self, round_number: int, slot: _Slot, opponents: list[Opponent]) -> dict:
        event: dict[str, Any] = {
            "type": "candidate",
            "round": round_number,
            "iteration": slot.index,
            "kind": slot.kind,
            "parent": slot.parents[0] if slot.parents else None,
            "parent2": slot.parents[1] if len(slot.parents) > 1 else None,
            "backend": None,
            "model": None,
            "template": None,
            "reply": None,
            "code": None,
            "errors": [],
            "fitness": None,
            "descriptors": None,
            "spawned": None,
            "coverage": None,
            "prompt_tokens": None,
            "completion_tokens": None,
            "latency": None,
            "failure": None,
        }
        if slot.kind == "seed":
            code = slot.code or ""
        else:
            backend = self.backends[slot.backend]
            template, system, user = self.prompts(slot.kind, self._prompt_values(slot))
            request = Request(
                system=system,
                user=user,
                kind=slot.kind,
                parents=slot.parent_codes,
                settings=self.settings,
                seed=slot.seed,
            )
            started = time.perf_counter()
            try:
                completions = await backend.complete(request, 1)
                completion = completions[0] if completions else None
            except Exception as exc:  # a backend must not raise; record it if one does
                completion = Completion(
                    text=None,
                    error=f"{type(exc).__name__}: {exc}",
                    backend=backend.name,
                    model=backend.model,
                    prompt_tokens=None,
                    completion_tokens=None,
                    latency_seconds=time.perf_counter() - started,
                )
            event.update(backend=backend.name, model=backend.model, template=template)
            if completion is None or completion.text is None:
                event["failure"] = completion.error if completion else "no reply"
                event["latency"] = completion.latency_seconds if completion else None
                return event
            event.update(
                reply=completion.text,
                prompt_tokens=completion.prompt_tokens,
                completion_tokens=completion.completion_tokens,
                latency=completion.latency_seconds,
            )
            code = extract(completion.text).code
        event["code"] = code
        assembled = assemble(code, self.settings)
        event["errors"] = [str(d) for d in assembled.errors]
        if not assembled.ok:
            return event
        if len(assembled.warrior) == 0:
            event["errors"] = ["the program has no instructions"]
            return event
        job = EvalJob(
            code=code,
            opponents=tuple(o.code for o in opponents),
            opponent_names=tuple(o.name for o in opponents),
            settings=_settings_dict(self.settings),
            placements=self.config.placements,
            seed=derive_seed(self.config.seed, round_number, slot.index, 1) % 2**31,
            fitness=self.config.fitness,
            axes=tuple(self.config.axes),
        )
        result: EvalResult = await self.evaluator.evaluate(job)
        if result.error:
            event["errors"] = [result.error]
            return event
        event.update(
            fitness=result.fitness,
            descriptors=list(result.descriptors),
            spawned=result.spawned,
            coverage=result.coverage,
            per_opponent=result.per_opponent,
        )
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


def _settings_dict(settings: Settings) -> dict:
    return {name: getattr(settings, name) for name in Settings.__slots__}
