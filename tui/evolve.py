"""The evolve screen, a run console: start a Digital Red Queen run, open any run
directory, resume a stopped one, trace a champion's lineage, analyse a run.

A run started here goes through ``arena.evolve.session.open_run``, exactly as
``arena evolve`` does, into a run directory; it runs in a child process
(``arena.evolve.driver.ChildRun``), so its Python work never competes with the UI thread for the
interpreter lock. A thread worker follows the run's ``events.jsonl`` (the same code
that attaches to an existing run directory), queues the events, and a coalesced
``EventsReady`` message tells the screen to drain them; the screen redraws at most
four times a second, and only while it is shown. Pause, resume and stop go to the
child over a pipe.

What a run dir is in (running in another process, stopped, finished, stopped by a limit,
interrupted) comes from ``arena.evolve.status``; a stopped run is resumed through the
run driver exactly as ``arena evolve --resume`` does (``ChildRun(resume=True)``).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Input,
    Label,
    ProgressBar,
    RichLog,
    Select,
    Static,
    TabbedContent,
    TabPane,
)
from textual.worker import get_current_worker

from arena.analysis.job import Report, analyze_runs, default_against
from arena.errors import ArenaError
from arena.evolve.best import ancestors
from arena.evolve.config import RunConfig, resolve
from arena.evolve.driver import ChildRun
from arena.evolve.events import Event
from arena.evolve.status import RunStatus, run_dir_problem, run_status
from arena.evolve.store import EventFollower, writer_of
from arena.evolve.view import RunView, read_config
from arena.hill import default_cache_dir
from arena.paths import data_dir
from arena.settings import PRESETS, SettingsError
from tui.widgets.analysis import AnalysisPanel
from tui.widgets.dialogs import AskText, Confirm, PickOne, warrior_files
from tui.widgets.heatmap import Heatmap
from tui.widgets.lineage import LineagePanel
from tui.widgets.navbar import NavBar
from tui.widgets.plot import LinePlot, Series

POLL_INTERVAL = 0.25  # seconds between looks at a followed events.jsonl
WRITER_CHECK = 1.0  # seconds between looks at whether a followed run's writer is alive
LOG_LIMIT = 2000
RENDER_INTERVAL = 0.25  # seconds between redraws of a live run


def hill_names() -> list[str]:
    return list(PRESETS)


def backend_names() -> list[str]:
    try:
        from arena.backends import available_backends

        return list(available_backends())
    except Exception:  # a broken plugin must not break the screen
        return ["offline"]


def latest_run_dir(root: Path = Path("runs")) -> Path | None:
    try:
        runs = [p for p in root.iterdir() if (p / "config.toml").exists()]
    except OSError:
        return None
    return max(runs, key=lambda p: p.stat().st_mtime) if runs else None


class EventsReady(Message):
    """New events are queued; one pending message stands for any number of them."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, EventsReady)


class RunFinished(Message):
    def __init__(self, error: str | None = None, stopped: bool = False) -> None:
        self.error = error
        self.stopped = stopped
        super().__init__()


class WriterGone(Message):
    """The process writing a followed run ended (or a run nobody writes was read)."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        super().__init__()


class AnalysisDone(Message):
    def __init__(self, report: Report | None, error: str | None = None) -> None:
        self.report = report
        self.error = error
        super().__init__()


class AnalysisProgress(Message):
    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__()

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, AnalysisProgress)


STATE_LABELS = {
    "finished": "[b]■ finished[/]",
    "stopped": "[b yellow]■ stopped[/]",
    "interrupted": "[b red]■ interrupted[/]",
    "time limit": "[b magenta]■ time limit[/]",
    "cost limit": "[b magenta]■ cost limit[/]",
    "token limit": "[b magenta]■ token limit[/]",
    "not started": "[dim]□ not started[/]",
    "running": "[b cyan]◉ running elsewhere[/]",
}


class EvolveScreen(Screen):
    """Start, attach to and watch Red Queen runs."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+g", "start", "Start run"),
        Binding("ctrl+o", "attach", "Attach"),
        Binding("p", "pause", "Pause/Resume"),
        Binding("x", "stop", "Stop"),
        Binding("e", "edit_champion", "Edit champion", show=False),
        Binding("b", "battle_champion", "Battle champion", show=False),
        Binding("l", "lineage", "Lineage", show=False),
        Binding("a", "analyze", "Analyze", show=False),
    ]

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (120, "-wide")]

    def __init__(self) -> None:
        super().__init__()
        self.state = RunView()
        self.run_dir: Path | None = None
        # idle | running | paused (our child) | following (another process writes the
        # run) | viewing (nobody writes it: self.status says what it is)
        self.mode = "idle"
        self.status: RunStatus | None = None
        self._pending: deque[Event] = deque()
        self._child: ChildRun | None = None
        self._lock = threading.Lock()
        self._log_shown = 0
        self._generation = 0
        self._stale = False
        self._render_timer = None
        self._last_render = 0.0

    # ---- layout
    def compose(self) -> ComposeResult:
        yield NavBar("evolve")
        with Horizontal(id="evolve-bar"):
            yield Static("No run yet: fill in Setup and press Start (ctrl+g).", id="evolve-status")
            yield Button("Start", id="start", variant="success", compact=True)
            yield Button("Attach", id="attach", compact=True)
            yield Button("Pause", id="pause", compact=True, disabled=True)
            yield Button("Stop", id="stop", variant="error", compact=True, disabled=True)
        with TabbedContent(id="evolve-tabs", initial="setup"):
            with TabPane("Setup", id="setup"), VerticalScroll():
                with Grid(id="evolve-form"):
                    yield Label("backend")
                    names = backend_names()
                    yield Select(
                        [(n, n) for n in names],
                        value="offline" if "offline" in names else names[0],
                        allow_blank=False,
                        id="f-backend",
                    )
                    yield Label("model")
                    yield Input(placeholder="backend default", id="f-model")
                    yield Label("base URL")
                    yield Input(placeholder="e.g. http://localhost:11434/v1", id="f-base_url")
                    yield Label("hill")
                    hills = hill_names()
                    yield Select(
                        [(h, h) for h in hills],
                        value="94" if "94" in hills else hills[0],
                        allow_blank=False,
                        id="f-hill",
                    )
                    yield Label("rounds")
                    yield Input("3", type="integer", id="f-rounds")
                    yield Label("iterations")
                    yield Input("20", type="integer", id="f-iterations")
                    yield Label("K (history)")
                    yield Input("20", type="integer", id="f-history")
                    yield Label("seed")
                    yield Input("0", type="integer", id="f-seed")
                    yield Label("placements")
                    yield Input("10", type="integer", id="f-placements")
                    yield Label("opponents")
                    yield Input(
                        placeholder="files or folders, comma separated (imp)", id="f-opponents"
                    )
                    yield Label("held out")
                    yield Input(
                        placeholder="folder for generality, e.g. warriors", id="f-eval_against"
                    )
                    yield Label("run dir")
                    yield Input(placeholder="runs/<time>-seed<seed>", id="f-run_dir")
                yield Static("", id="evolve-problem", classes="problem")
            with TabPane("Progress", id="progress"), VerticalScroll():
                yield Static("", id="run-facts")
                with Horizontal(classes="progress-row"):
                    yield Label("round     ", classes="progress-label")
                    yield ProgressBar(id="round-bar", show_eta=False)
                with Horizontal(classes="progress-row"):
                    yield Label("candidate ", classes="progress-label")
                    yield ProgressBar(id="candidate-bar", show_eta=False)
                with Horizontal(id="plots"):
                    yield LinePlot(
                        id="fitness-plot",
                        title="Best fitness per round",
                        empty="best fitness per round: none yet",
                    )
                    yield LinePlot(
                        id="generality-plot",
                        title="Generality per round",
                        empty="generality: needs a held-out set",
                    )
                with Horizontal(id="grid-row"):
                    yield Heatmap(id="heatmap")
                    yield Static("", id="model-stats")
                yield Static("", id="recent-log")
            with TabPane("Champions", id="champions"), Vertical():
                yield DataTable(id="champion-table", cursor_type="row", zebra_stripes=True)
                yield Static(
                    "[dim]e: open in the editor   b: battle it   l: its lineage   (select a row)[/]",
                    id="champion-hint",
                )
                yield Static("", id="champion-code")
            with TabPane("Lineage", id="lineage"):
                yield LineagePanel(id="lineage-panel")
            with TabPane("Analysis", id="analysis"), VerticalScroll():
                yield AnalysisPanel(id="analysis-panel")
            with TabPane("Log", id="log"):
                yield RichLog(id="evolve-log", markup=True, wrap=False, max_lines=LOG_LIMIT)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#heatmap").border_title = "MAP-Elites archive"
        self.query_one("#model-stats").border_title = "Models"
        table = self.query_one("#champion-table", DataTable)
        table.add_columns("round", "id", "fitness", "generality", "KotH", "lines")
        self._render_all()

    def on_unmount(self) -> None:
        """Leaving the app: stop a live run (it can be resumed) and stop following."""
        self._generation += 1
        self._call_in_run("stop")

    # ---- controls
    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        live = mode in ("running", "paused")
        self.query_one("#start", Button).disabled = live
        self.query_one("#attach", Button).disabled = live
        pause = self.query_one("#pause", Button)
        pausable = self.resumable and mode == "viewing"
        pause.disabled = not (live or pausable)
        pause.label = "Resume" if mode == "paused" or pausable else "Pause"
        self.query_one("#stop", Button).disabled = mode not in ("running", "paused", "following")
        self._render_status()

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#attach")
    def _attach_pressed(self) -> None:
        self.action_attach()

    @on(Button.Pressed, "#pause")
    def _pause_pressed(self) -> None:
        self.action_pause()

    @on(Button.Pressed, "#stop")
    def _stop_pressed(self) -> None:
        self.action_stop()

    @on(Button.Pressed, "#analyze")
    def _analyze_pressed(self) -> None:
        self.action_analyze()

    def form_flags(self) -> dict[str, Any]:
        def value(name: str) -> str:
            return self.query_one(f"#f-{name}", Input).value.strip()

        flags: dict[str, Any] = {
            "backend": self.query_one("#f-backend", Select).value,
            "model": value("model") or None,
            "base_url": value("base_url") or None,
            "eval_against": value("eval_against") or None,
        }
        for name in ("rounds", "iterations", "history", "seed", "placements"):
            text = value(name)
            if text:
                flags[name] = int(text)
        opponents = [p.strip() for p in value("opponents").split(",") if p.strip()]
        if opponents:
            flags["opponents"] = opponents
        hill = self.query_one("#f-hill", Select).value
        if isinstance(hill, str):
            flags["hill"] = hill
        return flags

    @property
    def resumable(self) -> bool:
        """The run shown is one nobody writes that ``--resume`` would go on with."""
        return self.run_dir is not None and self.status is not None and self.status.resumable

    def _problem(self, text: str) -> None:
        self.query_one("#evolve-problem", Static).update(text)
        self.query_one(TabbedContent).active = "setup"

    def action_start(self) -> None:
        if self.mode in ("running", "paused"):
            self.notify("A run is going: stop it first.")
            return
        try:
            config = resolve(flags=self.form_flags())
        except (SettingsError, ValueError) as exc:
            self._problem(str(exc))
            return
        self.query_one("#evolve-problem", Static).update("")
        run_dir_text = self.query_one("#f-run_dir", Input).value.strip()
        run_dir = Path(run_dir_text).expanduser() if run_dir_text else None
        status = run_status(run_dir) if run_dir is not None and run_dir.is_dir() else None
        if status is not None and status.live:
            self._problem(f"{run_dir}: {status.sentence()}; attach to it (ctrl+o)")
        elif status is not None and status.has_run:
            self._offer_resume(status)
        else:
            self.start_run(config, run_dir)

    def _offer_resume(self, status: RunStatus) -> None:
        """Start on a dir that holds a run: resume it (its own settings), or pick another."""
        if not status.resumable:
            self._problem(
                f"{status.path} already holds a run ({status.sentence()}); "
                "choose another run dir for a new run"
            )
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.resume_run(status.path)

        self.app.push_screen(
            Confirm(
                f"A run is already in {status.path}",
                f"It is {status.sentence()}.\nResume it with its own settings (its "
                "config.toml, as arena evolve --resume does)? For a new run, choose "
                "another run dir.",
                yes="Resume",
            ),
            answered,
        )

    def start_run(self, config: RunConfig, run_dir: Path | None) -> None:
        """Start a run (the same as ``arena evolve``) and watch it."""
        from arena.evolve.session import default_run_dir

        self._play(Path(run_dir) if run_dir else default_run_dir(config), config)

    def resume_run(self, run_dir: Path) -> None:
        """Resume a stopped run (the same as ``arena evolve --resume``) and watch it."""
        self._play(Path(run_dir), None)

    def _play(self, run_dir: Path, config: RunConfig | None) -> None:
        """Play a new run (``config``) or resume the one in ``run_dir`` (None) in a child."""
        self._stop_following()
        self.run_dir = run_dir
        self._reset(config or read_config(run_dir))
        self.status = None
        self._set_mode("running")
        self.query_one(TabbedContent).active = "progress"
        self._generation += 1
        self._run_worker(self._generation, config, run_dir)

    def _reset(self, config: RunConfig | None) -> None:
        self.state = RunView(config)
        self._pending.clear()
        self._log_shown = 0
        self.query_one("#evolve-log", RichLog).clear()
        self.query_one("#champion-table", DataTable).clear()
        self.query_one("#champion-code", Static).update("")
        self.query_one(LineagePanel).clear()
        self._render_all()

    @work(thread=True, exclusive=True, group="evolve-run")
    def _run_worker(self, generation: int, config: RunConfig | None, run_dir: Path) -> None:
        """Start (or, without a config, resume) the run in a child process, follow its
        events, report how it ended."""
        child = ChildRun(config, run_dir, resume=config is None)
        with self._lock:
            self._child = child
        follower = EventFollower(run_dir)
        error: str | None = None
        stopped = False
        try:
            child.start()
            while True:
                if generation != self._generation:  # the screen went away
                    child.close()
                    break
                status = child.poll(POLL_INTERVAL)
                self._push(generation, follower.poll())
                if status is None or status[0] == "started":
                    continue
                kind, detail = status
                if kind == "error":
                    error = detail
                elif kind == "gone":
                    error = f"the evolution process ended unexpectedly ({detail})"
                else:
                    stopped = detail.strip() == "1"
                break
            child.wait(5.0)
            self._push(generation, follower.poll())
        finally:
            with self._lock:
                self._child = None
        if generation == self._generation:
            self.post_message(RunFinished(error, stopped))

    def _push(self, generation: int, events: list[Event]) -> None:
        """From any thread: queue events and nudge the screen."""
        if generation != self._generation or not events:
            return
        self._pending.extend(events)
        self.post_message(EventsReady())

    def _call_in_run(self, name: str) -> bool:
        with self._lock:
            child = self._child
        return child is not None and child.send(name)

    def action_pause(self) -> None:
        """Pause or resume our run; on a stopped run nobody writes, resume it from disk."""
        if self.mode == "running" and self._call_in_run("pause"):
            self._set_mode("paused")
        elif self.mode == "paused" and self._call_in_run("resume"):
            self._set_mode("running")
        elif self.mode == "viewing" and self.run_dir is not None and self.status is not None:
            if self.status.resumable:
                self.resume_run(self.run_dir)
            else:
                self.notify(f"Not resumable here: {self.status.sentence()}")

    def action_stop(self) -> None:
        if self.mode in ("running", "paused"):
            if self._call_in_run("stop"):
                self.notify("stopping after the candidates in flight…")
        elif self.mode == "following":
            self._stop_following()
            self._show_state()

    @on(RunFinished)
    def _finished(self, message: RunFinished) -> None:
        self._drain()
        self._render_all()
        if message.error:
            self.notify(message.error, severity="error", timeout=10)
            self.query_one("#evolve-problem", Static).update(message.error)
        status = self._show_state()
        if message.error or status is None:
            return
        if status.resumable:
            self.notify(f"run {status.sentence()}: press p to resume it")
        else:
            self.notify(f"run {status.sentence()}: {self.run_dir}")

    def _show_state(self) -> RunStatus | None:
        """Nobody of ours writes the run now: say what its directory says it is."""
        self.status = run_status(self.run_dir) if self.run_dir is not None else None
        self._set_mode("viewing" if self.run_dir is not None else "idle")
        self._render_all()
        return self.status

    # ---- attaching
    def action_attach(self) -> None:
        if self.mode in ("running", "paused"):
            self.notify("A run is going: stop it first.")
            return
        default = latest_run_dir()

        def done(value: str | None) -> None:
            if value:
                self.attach(Path(value).expanduser())

        self.app.push_screen(
            AskText("Open which run directory?", str(default or "runs/"), check=_run_dir_problem),
            done,
        )

    def attach(self, run_dir: Path) -> None:
        """Show a run directory; follow it while another process writes it."""
        self._stop_following()
        self.run_dir = run_dir
        self._reset(read_config(run_dir))
        self.status = run_status(run_dir)
        self._set_mode("following" if self.status.live else "viewing")
        if not self.status.live:
            self.notify(f"{run_dir.name}: {self.status.sentence()}; nobody is writing it")
        self.query_one(TabbedContent).active = "progress"
        self._generation += 1
        self._follow_worker(self._generation, run_dir, self.status.live)

    def _stop_following(self) -> None:
        self.workers.cancel_group(self, "evolve-follow")

    @work(thread=True, exclusive=True, group="evolve-follow")
    def _follow_worker(self, generation: int, run_dir: Path, live: bool) -> None:
        """Read the run's events; while ``live``, go on until its writer is gone."""
        worker = get_current_worker()
        follower = EventFollower(run_dir)
        next_check = time.monotonic() + WRITER_CHECK
        while not worker.is_cancelled and generation == self._generation:
            self._push(generation, follower.poll())
            if not live:
                return
            if time.monotonic() >= next_check:
                next_check = time.monotonic() + WRITER_CHECK
                if writer_of(run_dir) is None:
                    self._push(generation, follower.poll())  # its last lines
                    self.post_message(WriterGone(generation))
                    return
            time.sleep(POLL_INTERVAL)

    @on(WriterGone)
    def _writer_gone(self, message: WriterGone) -> None:
        if message.generation != self._generation or self.mode != "following":
            return
        self._drain()
        status = self._show_state()
        if status is not None:
            self.notify(f"the run's process ended: {status.sentence()}")

    # ---- events
    @on(EventsReady)
    def _events_ready(self) -> None:
        self._drain()

    def _drain(self) -> None:
        count = 0
        while self._pending:
            self.state.apply(self._pending.popleft())
            count += 1
        if count:
            self._stale = True
            self._schedule_render()

    def _schedule_render(self) -> None:
        """Redraw at most RENDER_INTERVAL apart, and only while this screen is shown."""
        if not self._stale or self._render_timer is not None or not self.is_current:
            return
        wait = max(0.01, self._last_render + RENDER_INTERVAL - time.monotonic())
        self._render_timer = self.set_timer(wait, self._render_now)

    def _render_now(self) -> None:
        self._render_timer = None
        self._stale = False
        self._last_render = time.monotonic()
        self._render_all()

    def on_screen_resume(self) -> None:
        self._schedule_render()

    # ---- drawing
    def _render_status(self) -> None:
        state = self.state
        where = f"  {self.run_dir.name}" if self.run_dir else ""
        labels = {
            "idle": "[dim]no run[/]",
            "running": "[b green]▶ running[/]",
            "paused": "[b yellow]‖ paused[/]",
            "following": "[b cyan]◉ following[/]",
        }
        if self.mode == "viewing" and self.status is not None:
            text = STATE_LABELS.get(self.status.state, self.status.state)
        else:
            text = labels.get(self.mode, self.mode)
        if self.mode != "idle":
            done = len(state.rounds)
            if state.done:
                text += f"  {done}/{state.config.rounds} rounds done"
            else:
                best = "" if state.best is None else f"  best {state.best:.3f}"
                text += (
                    f"  round {state.current_round} ({done}/{state.config.rounds} done)"
                    f"  candidate {state.candidates}/{state.per_round}{best}"
                )
        self.query_one("#evolve-status", Static).update(text + f"[dim]{where}[/]")

    def _render_facts(self) -> None:
        """The run's state in words, and its spend against its caps."""
        state = self.state
        lines = []
        if self.status is not None and self.mode in ("viewing", "following"):
            lines.append(self.status.sentence())
        spend = f"[b]spend[/] {_escape(state.spend_line())}"
        if state.config.time_limit:
            spend += f"; time limit {state.config.time_limit:g} s"
        lines.append(spend)
        self.query_one("#run-facts", Static).update("\n".join(lines))

    def _render_all(self) -> None:
        state = self.state
        self._render_status()
        self._render_facts()
        rounds_bar = self.query_one("#round-bar", ProgressBar)
        rounds_bar.update(total=state.config.rounds, progress=len(state.rounds))
        cand_bar = self.query_one("#candidate-bar", ProgressBar)
        total = max(state.per_round, state.candidates, 1)
        cand_bar.update(total=total, progress=0 if state.done else state.candidates)
        self.query_one("#fitness-plot", LinePlot).set_series(
            [Series("fitness", state.fitness_series(), "#ffd866")]
        )
        generality = state.generality_series()
        series = []
        if any(v is not None for v in generality):
            series.append(Series("generality", generality, "#7ee787"))
            series.append(Series("KotH", state.koth_series(), "#4fc1ff"))
        self.query_one("#generality-plot", LinePlot).set_series(series)
        heatmap = self.query_one("#heatmap", Heatmap)
        heatmap.set_grid(state.grid, state.edges, state.axes)
        heatmap.border_title = f"MAP-Elites archive, round {state.grid_round}"
        self._render_models()
        self._render_champions()
        self.query_one("#recent-log", Static).update("\n".join(state.log[-12:]))
        log = self.query_one("#evolve-log", RichLog)
        for line in state.log[self._log_shown :]:
            log.write(line)
        self._log_shown = len(state.log)

    def _render_models(self) -> None:
        lines = []
        for key, stats in self.state.models.items():
            mean = stats.mean_latency
            p95 = stats.p95_latency
            lat = "-" if mean is None else f"{mean:.2f}s (p95 {p95:.2f}s)"
            spent = self.state.spend.models.get(key)
            tokens_in, tokens_out = (
                (spent.prompt_tokens, spent.completion_tokens) if spent else (0, 0)
            )
            lines.append(
                f"[b]{key}[/]\n requests {stats.requests}  failures {stats.failures}\n"
                f" tokens {tokens_in:,} in / {tokens_out:,} out\n"
                f" latency {lat}"
            )
        self.query_one("#model-stats", Static).update(
            "\n".join(lines) or "[dim]no model calls yet[/]"
        )

    def _render_champions(self) -> None:
        table = self.query_one("#champion-table", DataTable)
        shown = table.row_count
        for info in self.state.rounds[shown:]:
            lines = len([x for x in (info.code or "").splitlines() if x.strip()])

            def num(v: float | None) -> str:
                return "-" if v is None else f"{v:.3f}"

            table.add_row(
                str(info.round),
                str(info.champion_id),
                num(info.fitness),
                num(info.generality),
                num(info.koth),
                str(lines),
                key=str(info.round),
            )

    # ---- champions
    def selected_champion(self):
        table = self.query_one("#champion-table", DataTable)
        if table.row_count == 0:
            return None
        row = table.cursor_row
        rounds = self.state.rounds
        return rounds[row] if 0 <= row < len(rounds) else None

    @on(DataTable.RowHighlighted, "#champion-table")
    def _champion_highlighted(self) -> None:
        info = self.selected_champion()
        code = self.query_one("#champion-code", Static)
        if info is None or not info.code:
            code.update("")
            return
        code.update(f"[b]round {info.round} champion[/]\n{_escape(info.code)}")
        self._show_lineage()

    def _show_lineage(self) -> bool:
        """Trace the selected champion back through its parents (Lineage tab)."""
        info = self.selected_champion()
        panel = self.query_one(LineagePanel)
        if info is None or info.champion_id is None:
            panel.clear()
            return False
        by_id = self.state.candidates_by_id
        chain = ancestors(int(info.champion_id), by_id)
        panel.show(f"round {info.round} champion #{info.champion_id}", chain, by_id)
        return bool(chain)

    def action_lineage(self) -> None:
        if not self._show_lineage():
            self.notify("No champion selected (Champions tab).")
            return
        self.query_one(TabbedContent).active = "lineage"

    # ---- analysis
    def action_analyze(self) -> None:
        """Ask for the set (default: the run's own), then analyse the run in a worker."""
        if self.run_dir is None or not self.state.rounds:
            self.notify("Open a run with a finished round first (ctrl+o).")
            return
        run_dir = self.run_dir
        default = ", ".join(default_against(self.state.config))

        def done(value: str | None) -> None:
            if not value:
                return
            against = [p.strip() for p in value.split(",") if p.strip()]
            self.query_one(TabbedContent).active = "analysis"
            self.query_one(AnalysisPanel).working(f"analysing {run_dir.name}…")
            self._analysis_worker(run_dir, against)

        self.app.push_screen(
            AskText(
                "Judge the run's champions against which warriors? (files or folders, comma "
                "separated)",
                default,
            ),
            done,
        )

    @work(thread=True, exclusive=True, group="evolve-analysis")
    def _analysis_worker(self, run_dir: Path, against: list[str]) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            self.post_message(AnalysisProgress(f"{stage}: {done}/{total} battles"))

        try:
            report = analyze_runs(
                [run_dir], against, cache_dir=default_cache_dir(), progress=progress
            )
        except ArenaError as exc:
            self.post_message(AnalysisDone(None, str(exc)))
        except Exception as exc:  # shown on the screen, never a traceback there
            self.post_message(AnalysisDone(None, f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(AnalysisDone(report))

    @on(AnalysisProgress)
    def _analysis_progress(self, message: AnalysisProgress) -> None:
        self.query_one(AnalysisPanel).working(message.text)

    @on(AnalysisDone)
    def _analysis_done(self, message: AnalysisDone) -> None:
        panel = self.query_one(AnalysisPanel)
        if message.report is None:
            panel.failed(message.error or "unknown error")
            self.notify(message.error or "analysis failed", severity="error")
        else:
            panel.show(message.report)
            self.notify(f"report: {message.report.report}")

    def action_edit_champion(self) -> None:
        info = self.selected_champion()
        if info is None or not info.code:
            self.notify("No champion selected (Champions tab).")
            return
        path = self.run_dir / "champions" / f"round_{info.round:03d}.red" if self.run_dir else None
        self.run_worker(
            self.app.edit_text(info.code, path if path and path.exists() else None),  # type: ignore[attr-defined]
            group="evolve-open",
        )

    def action_battle_champion(self) -> None:
        info = self.selected_champion()
        if info is None or not info.code:
            self.notify("No champion selected (Champions tab).")
            return
        options = [(p.name, str(p)) for p in warrior_files(data_dir("warriors"))]
        for other in self.state.rounds:
            if other.round != info.round and other.code:
                options.append((f"champion of round {other.round}", f"#champion{other.round}"))
        name = f"champion_r{info.round}"

        def picked(value: str | None) -> None:
            if not value:
                return
            texts = {name: info.code or ""}
            others: list[str] = []
            if value.startswith("#champion"):
                r = int(value.removeprefix("#champion"))
                code = next(o.code for o in self.state.rounds if o.round == r)
                texts[f"champion_r{r}"] = code or ""
            else:
                others.append(value)
            settings = self.state.config.settings.with_(rounds=10)
            self.run_worker(
                self.app.battle_texts(texts, others, settings),  # type: ignore[attr-defined]
                group="evolve-open",
            )

        self.app.push_screen(
            PickOne(f"Battle the round {info.round} champion against…", options), picked
        )


def _escape(text: str) -> str:
    return text.replace("[", r"\[")


def _run_dir_problem(value: str) -> str | None:
    return run_dir_problem(Path(value).expanduser()) if value else "give a run directory"
