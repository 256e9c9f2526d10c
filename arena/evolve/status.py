"""What state a run directory is in, in words that are true (for the CLI and the TUI).

A run dir alone says it: ``summary.json`` has how the last session ended ("finished",
"stopped", a limit, or "running" while it went), ``config.toml`` how many rounds are
planned, and ``run.lock`` whether a process is writing it now (``arena.evolve.store``).
So a run that was stopped is "stopped", not "finished"; one whose process died
mid-round is "interrupted", not "running"; and only a run a live process writes is
"running".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from arena.evolve.economics import COST_LIMIT, TOKEN_LIMIT
from arena.evolve.events import RoundEvent
from arena.evolve.store import CONFIG, EVENTS, RunStore, writer_of
from arena.evolve.view import read_config

RUNNING = "running"
FINISHED = "finished"
STOPPED = "stopped"
INTERRUPTED = "interrupted"
NOT_STARTED = "not started"
TIME_LIMIT = "time limit"
LIMITS = {TIME_LIMIT: "time_limit", COST_LIMIT: "max_cost", TOKEN_LIMIT: "max_total_tokens"}


@dataclass(frozen=True)
class RunStatus:
    """One run dir's state: ``state`` is one of the names above."""

    path: Path
    state: str
    rounds_done: int
    rounds_planned: int
    writer: int | None = None  # pid of the process writing it (0: pid unknown)

    @property
    def live(self) -> bool:
        return self.writer is not None

    @property
    def has_run(self) -> bool:
        """Something was recorded: starting a new run here would be refused."""
        return self.state != NOT_STARTED

    @property
    def resumable(self) -> bool:
        """``arena evolve --resume`` would go on as it is (a limit needs a higher cap)."""
        return (
            not self.live
            and self.rounds_planned > 0  # a config.toml to resume from
            and self.state in (STOPPED, INTERRUPTED, NOT_STARTED)
        )

    def sentence(self) -> str:
        """'stopped after 1 of 3 rounds; resumable': the state in a line."""
        rounds = f"{self.rounds_done} of {self.rounds_planned} rounds"
        if self.state == RUNNING:
            who = f"process {self.writer}" if self.writer else "another process"
            return f"running ({who} is writing it), {rounds} done"
        if self.state == FINISHED:
            return f"finished: {rounds}"
        if self.state == STOPPED:
            return f"stopped after {rounds}; resumable"
        if self.state == INTERRUPTED:
            return (
                f"interrupted after {rounds} (its process ended without stopping it: "
                "crash or kill); resumable"
            )
        if self.state in LIMITS:
            return (
                f"stopped by its {self.state} after {rounds}; to go on, resume with a "
                f"higher {LIMITS[self.state]} (arena evolve --resume --run-dir {self.path} "
                f"--{LIMITS[self.state].replace('_', '-')} ...)"
            )
        return "not started: nothing recorded yet; resumable"


def run_dir_problem(path: Path) -> str | None:
    """Why ``path`` is not a run directory (None when it is one), in one line."""
    if not path.exists():
        return f"{path}: no such directory"
    if not path.is_dir():
        return f"{path}: not a directory"
    if not (path / CONFIG).exists():
        found = " (it has events.jsonl but no config.toml)" if (path / EVENTS).exists() else ""
        return f"{path}: not a run directory: no {CONFIG}{found}"
    if read_config(path) is None:
        return f"{path}: its {CONFIG} cannot be read as a run's settings"
    return None


def _rounds_recorded(store: RunStore, summary: dict | None) -> int:
    if summary is not None and isinstance(summary.get("rounds"), list):
        return len(summary["rounds"])
    return len({e.round for e in store.events() if isinstance(e, RoundEvent)})


def run_status(path: Path, rounds_done: int | None = None) -> RunStatus:
    """The state of the run in ``path``; ``rounds_done`` when the caller has counted the
    rounds in the events already (else ``summary.json`` says, or the events)."""
    path = Path(path)
    store = RunStore(path)
    config = read_config(path)
    planned = config.rounds if config is not None else 0
    writer = writer_of(path)
    summary = store.summary()
    done = rounds_done if rounds_done is not None else _rounds_recorded(store, summary)
    said = str((summary or {}).get("status") or "")
    if writer is not None:
        state = RUNNING
    elif planned and done >= planned:
        state = FINISHED
    elif said in LIMITS:
        state = said
    elif said in (STOPPED, FINISHED):  # finished with fewer rounds, then given more
        state = STOPPED
    elif said == RUNNING or store.has_events():
        state = INTERRUPTED
    else:
        state = NOT_STARTED
    return RunStatus(path, state, done, planned, writer)
