"""The battle screen: watch and step a battle of two or more warriors.

All engine work runs in a thread worker holding ``session.lock``; what the screen draws
comes back as ``FrameReady`` messages carrying immutable ``Frame`` snapshots, posted at
most ~30 times a second while running (and coalesced if the UI falls behind).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from arena.debug import Cdb
from arena.debug.cdb import Output
from arena.paths import data_dir
from arena.redcode import format_instruction
from arena.redcode.files import warrior_files_in
from arena.settings import Settings
from tui.battle_session import (
    EDITED,
    NO_OWNER,
    BattleSession,
    Contender,
    Frame,
    StepReport,
    contender_from_text,
    load_contender,
)
from tui.widgets.breakpoints import BreakpointsPanel
from tui.widgets.cdb_panel import CdbPanel
from tui.widgets.core_map import LEGEND, CoreMap
from tui.widgets.dialogs import (
    EDITOR_BUFFER,
    AskText,
    WarriorChoice,
    WarriorPicker,
    hill_of,
    overrides,
)
from tui.widgets.listing import Listing
from tui.widgets.navbar import NavBar
from tui.widgets.palette import swatch, warrior_color
from tui.widgets.plot import LinePlot, Series
from tui.widgets.process_queue import ProcessQueue

# instructions per second; 0 runs as fast as the engine goes
SPEEDS = (1, 3, 10, 30, 100, 300, 1000, 3000, 10_000, 30_000, 100_000, 0)
DEFAULT_SPEED = 8  # 10 000 per second
FRAME_INTERVAL = 1 / 30  # at most ~30 frames a second
MAX_FRAME_INTERVAL = 0.25  # at least 4, however slow drawing is
RUN_CHUNK = 2048  # most instructions per engine call while running
YIELD_SHARE = 0.5  # sleep this share of each chunk's engine time while running
PLOT_INTERVAL = 0.25  # the process graph is redrawn at most 4 times a second while running


def default_warriors() -> list[Path]:
    folder = data_dir("warriors")
    preferred = [folder / "dwarf.red", folder / "imp.red"]
    if all(p.is_file() for p in preferred):
        return preferred
    return warrior_files_in(folder)[:2]


def speed_text(speed: int) -> str:
    return "max" if speed == 0 else f"{speed:,}/s"


class FrameReady(Message):
    """A fresh snapshot of the battle; a newer one replaces an undelivered older one."""

    def __init__(self, frame: Frame, session: BattleSession) -> None:
        self.frame = frame
        self.session = session
        super().__init__()

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FrameReady)


class BattleLoaded(Message):
    def __init__(
        self, generation: int, session: BattleSession | None, error: str | None = None
    ) -> None:
        self.generation = generation
        self.session = session
        self.error = error
        super().__init__()


class RunStopped(Message):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__()


class CdbDone(Message):
    """cdb ran one input line (in a worker); ``output`` is what it said."""

    def __init__(self, output: Output, prompt: str, session: BattleSession) -> None:
        self.output = output
        self.prompt = prompt
        self.session = session
        super().__init__()


class StoppedAtBreakpoint(Message):
    """Running or stepping stopped in front of the breakpoint at ``address``."""

    def __init__(self, address: int, session: BattleSession) -> None:
        self.address = address
        self.session = session
        super().__init__()


class BattleScreen(Screen):
    """Core map, controls, queue, listing, P-space and scores of one battle."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_run", "Run/Pause"),
        Binding("s", "step", "Step"),
        Binding("n", "step_n", "Step N"),
        Binding("plus,equals_sign", "faster", "Faster"),
        Binding("minus", "slower", "Slower"),
        Binding("r", "reset", "Reset", show=False),
        Binding("right_square_bracket", "next_round", "Next round", show=False),
        Binding("b", "breakpoint", "Break", show=False),
        Binding("g", "goto", "Go to", show=False),
        Binding("f", "follow", "Follow PC", show=False),
        Binding("e", "export", "Export trace", show=False),
        Binding("l", "load", "Load"),
        Binding("colon", "cdb", "cdb"),
        Binding("w", "whole_battle", "Whole battle", show=False),
        Binding("B", "breakpoints_panel", "Breakpoints", show=False),
    ]

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (120, "-wide")]

    def __init__(self) -> None:
        super().__init__()
        self.session: BattleSession | None = None
        self.frame: Frame | None = None
        self.running = False
        self.speed_index = DEFAULT_SPEED
        self._speed_t0 = time.perf_counter()
        self._speed_done = 0
        self.follow = True
        self.selected: int | None = None
        self.step_n = 100
        self.rounds = 10
        self.seed = 1
        self.sources: tuple[str, ...] = ()
        self.frames_shown = 0
        self.frame_interval = FRAME_INTERVAL
        self._show_cost = 0.0
        self._generation = 0
        self._shown_serial = 0  # serial of the frame on screen (frames of self.session)
        self.hill = Settings()
        self.hill_name: str | None = None  # the named hill self.hill is built on, if any
        self.whole_battle = False  # run on through every round without stopping
        self.cdb: Cdb | None = None
        self._cdb_prompt = "(cdb) "
        self._cdb_lines: deque[str] = deque()
        self._cdb_guard = threading.Lock()
        self._cdb_busy = False
        # how the next run goes: stop at breakpoints, play every round, max speed, and
        # which cdb command (go/continue) asked for it
        self._run_breaks = True
        self._run_whole = False
        self._run_fast = False
        self._run_cdb: str | None = None
        self._plotted: tuple[int, int] = (-1, -1)
        self._plotted_at = 0.0  # time.monotonic() of the last redraw of the graph
        self._plot_timer: Timer | None = None  # a redraw put off while running

    # ---- layout
    def compose(self) -> ComposeResult:
        yield NavBar("battle")
        with Horizontal(id="battle-body"):
            with Vertical(id="map-column"):
                yield CoreMap(id="core-map")
                yield Static(LEGEND, id="legend")
                yield CdbPanel(id="cdb")
            with Vertical(id="battle-side"):
                yield Static("", id="battle-status")
                yield Static("", id="cell-info")
                yield Listing(id="listing")
                yield ProcessQueue(id="queue")
                yield BreakpointsPanel(id="breakpoints")
                with VerticalScroll(id="pspace-box"):
                    yield Static("", id="pspace")
                yield LinePlot(title="Processes", empty="no processes yet", id="procs-plot")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#core-map").border_title = "Core"
        self.query_one("#listing").border_title = "Listing"
        self.query_one("#queue").border_title = "Process queues"
        self.query_one("#pspace-box").border_title = "P-space"
        self.query_one("#breakpoints").border_title = "Breakpoints"
        self.query_one("#cdb").border_title = "cdb  (: to type, esc to close, help)"
        self._render_status()
        if self._generation == 0:  # nothing asked for yet: our two classics
            self.load_sources(tuple(str(p) for p in default_warriors()))

    def on_unmount(self) -> None:
        self.running = False  # the run worker sees it and ends

    @property
    def speed(self) -> int:
        return SPEEDS[self.speed_index]

    # ---- loading
    def load_sources(
        self,
        sources: tuple[str, ...],
        *,
        texts: dict[str, str] | None = None,
        rounds: int | None = None,
        seed: int | None = None,
        settings: Settings | None = None,
    ) -> None:
        """Assemble and load warriors (paths, EDITOR_BUFFER or keys of ``texts``).

        ``settings`` (e.g. a run's hill) replaces the standard hill; its ``rounds`` is
        used unless ``rounds`` is given.
        """
        self.running = False
        self.sources = sources
        if settings is not None:
            self.hill = settings
            self.hill_name = hill_of(settings)
            self.rounds = settings.rounds
        if rounds is not None:
            self.rounds = rounds
        if seed is not None:
            self.seed = seed
        buffer = getattr(self.app, "editor_buffer", None)
        texts = dict(texts or {})
        if EDITOR_BUFFER in sources and EDITOR_BUFFER not in texts:
            texts[EDITOR_BUFFER] = buffer.text if buffer is not None else ""
        self._generation += 1
        hill = self.hill.with_(rounds=self.rounds, warriors=max(2, len(sources)))
        self._load_worker(self._generation, sources, texts, hill, self.seed)

    @work(thread=True, exclusive=True, group="battle-load")
    def _load_worker(
        self,
        generation: int,
        sources: tuple[str, ...],
        texts: dict[str, str],
        settings: Settings,
        seed: int,
    ) -> None:
        try:
            contenders: list[Contender] = []
            for source in sources:
                if source in texts:
                    name = "buffer" if source == EDITOR_BUFFER else source
                    contenders.append(
                        contender_from_text(texts[source], settings, origin=source, fallback=name)
                    )
                else:
                    contenders.append(load_contender(source, settings))
            session = BattleSession(contenders, settings, seed=seed)
        except Exception as exc:  # shown to the user, not raised
            self.post_message(BattleLoaded(generation, None, str(exc)))
            return
        with session.lock:
            frame = session.frame()
        self.post_message(BattleLoaded(generation, session))
        self.post_message(FrameReady(frame, session))

    @on(BattleLoaded)
    def _loaded(self, message: BattleLoaded) -> None:
        if message.generation != self._generation:
            return  # a later load replaced this one
        if message.session is None:
            self.notify(message.error or "could not load the warriors", severity="error")
            return
        self.workers.cancel_group(self, "battle-run")
        first = self.session is None
        self.session = message.session
        self.cdb = Cdb(message.session, run_inline=False)
        self._plotted = (-1, -1)
        self._shown_serial = 0  # the new session numbers its frames from 1
        if first and hasattr(self.app, "freeze_heap"):
            self.app.freeze_heap()  # the engine's modules are loaded now
        self.selected = None
        self.follow = True
        names = " vs ".join(message.session.names)
        self.query_one("#core-map").border_title = f"Core: {names}"

    # ---- frames
    @on(FrameReady)
    def _frame_ready(self, message: FrameReady) -> None:
        if message.session is not self.session:
            return
        # two workers (run, step) may post frames in the other order than they took
        # them: never let an older snapshot replace a newer one (a stale step count)
        if self.frame is not None and message.frame.serial <= self._shown_serial:
            return
        self.show_frame(message.frame)

    def show_frame(self, frame: Frame) -> None:
        started = time.perf_counter()
        self.frame = frame
        self._shown_serial = frame.serial
        self.frames_shown += 1
        core_map = self.query_one(CoreMap)
        # pace frames so drawing takes at most a quarter of the UI thread's time
        self.frame_interval = min(
            MAX_FRAME_INTERVAL, max(FRAME_INTERVAL, 4 * (core_map.paint_seconds + self._show_cost))
        )
        core_map.show(frame)
        center = self._listing_center()
        self.query_one(Listing).show(frame, self.session.contenders, center)
        self.query_one(ProcessQueue).show(frame)
        _set_text(self.query_one("#pspace", Static), self._pspace_text(frame))
        self.query_one(BreakpointsPanel).show(
            frame.breakpoint_list, frame.breakpoints_persist, frame.names
        )
        _set_text(self.query_one("#cell-info", Static), self._cell_text(frame))
        self._plot(frame)
        self._render_status()
        self._show_cost = time.perf_counter() - started

    def _listing_center(self) -> int:
        frame = self.frame
        if frame is None:
            return 0
        if self.follow or self.selected is None:
            w = frame.next_warrior
            if w >= 0 and frame.queues[w]:
                return frame.queues[w][0]
            pcs = [pc for pc in frame.pcs if pc >= 0]
            return pcs[0] if pcs else (self.selected or 0)
        return self.selected

    def _cell_text(self, frame: Frame) -> str:
        """The next instruction with where its operands point, and the selected cell's
        last writer."""
        lines: list[str] = []
        nxt = frame.next_step
        if nxt is not None:
            text = format_instruction(
                nxt.opcode, nxt.modifier, nxt.a_mode, nxt.a_value, nxt.b_mode, nxt.b_value,
                frame.core_size, compact=True,
            )  # fmt: skip
            lines.append(
                f"{swatch(nxt.warrior)} {nxt.pc} {text}  [b]A[/]→{nxt.addr_a} [b]B[/]→{nxt.addr_b}"
            )
        else:
            lines.append("[dim]no instruction to run[/]")
        cell = self.selected if self.selected is not None else self._listing_center()
        if frame.writer is not None and frame.write_step is not None:
            who = int(frame.writer[cell])
            when = int(frame.write_step[cell])
            owner = int(frame.owner[cell])
            if who == EDITED:
                wrote = f"edited by you at step {when:,}"
            elif who != NO_OWNER:
                wrote = f"written by {swatch(who)} {frame.names[who][:10]} at step {when:,}"
            elif owner != NO_OWNER:
                wrote = f"loaded by {swatch(owner)} {frame.names[owner][:10]}"
            else:
                wrote = "never written"
            lines.append(f"[dim]cell[/] {cell}: {wrote}")
        if self.has_class("-narrow") and not self.follow:
            lines.reverse()  # one line: the cell the user picked comes first
        return "\n".join(lines)

    def _show_cell_info(self) -> None:
        if self.frame is not None:
            _set_text(self.query_one("#cell-info", Static), self._cell_text(self.frame))

    def _plot(self, frame: Frame) -> None:
        """Each warrior's process count over this round (thinned to the plot's width).

        While the battle runs the graph is redrawn at most every PLOT_INTERVAL (drawing
        it costs a few ms, the frames come 30 times a second); a redraw put off is done
        when the interval is over or the run stops, so the graph catches up with the
        last frame.
        """
        plot = self.query_one(LinePlot)
        history = frame.history
        key = (len(history), history[-1][0] if history else -1)
        if key == self._plotted or not plot.display:
            return
        wait = self._plotted_at + PLOT_INTERVAL - time.monotonic()
        if self.running and wait > 0:
            if self._plot_timer is None:
                self._plot_timer = self.set_timer(wait, self._plot_put_off)
            return
        self._plotted = key
        self._plotted_at = time.monotonic()
        room = max(8, 2 * plot.size.width)
        every = max(1, -(-len(history) // room))
        points = history[::every]
        if history and points[-1] is not history[-1]:
            points = (*points, history[-1])
        plot.set_series(
            [
                Series(
                    name,
                    tuple(float(h[w + 1]) for h in points),
                    warrior_color(w),
                    x=tuple(float(h[0]) for h in points),
                )
                for w, name in enumerate(frame.names)
            ]
        )
        plot.border_subtitle = f"step {history[-1][0]:,}" if history else ""

    def _plot_put_off(self) -> None:
        self._plot_timer = None
        if self.frame is not None:
            self._plot(self.frame)

    def _pspace_text(self, frame: Frame) -> str:
        lines = []
        for w, cells in enumerate(frame.pspace):
            used = [(i, int(v)) for i, v in enumerate(cells) if i == 0 or v != 0]
            shown = " ".join(f"[dim]{i}:[/]{v}" for i, v in used[:64])
            more = f" [dim]+{len(used) - 64} more[/]" if len(used) > 64 else ""
            lines.append(f"{swatch(w)} {frame.names[w][:12]} {shown}{more}")
        size = len(frame.pspace[0]) if frame.pspace else 0
        lines.append(f"[dim]{size} cells; cell 0: last result[/]")
        return "\n".join(lines)

    def _render_status(self) -> None:
        status = self.query_one("#battle-status", Static)
        frame = self.frame
        if frame is None:
            status.update("loading warriors…")
            return
        state = "[b green]▶ running[/]" if self.running else "[b yellow]‖ paused[/]"
        if frame.battle_over:
            state = "[b]■ battle over[/]"
        elif frame.round_over:
            state = "[b]■ round over[/]"
        lines = [
            f"Round [b]{frame.round}[/]/{frame.rounds}  step [b]{frame.steps:,}[/]",
            f"cycles left {frame.cycles_left:,}  alive {frame.alive}",
        ]
        for w, name in enumerate(frame.names):
            wins, losses, ties = frame.scores[w]
            tasks = len(frame.queues[w])
            lines.append(f"{swatch(w)} {name[:11]:<11}{tasks:>5}p  W{wins} L{losses} T{ties}")
        whole = "  [b]all rounds[/]" if self.whole_battle else ""
        lines.append(f"{state}  {speed_text(self.speed)}{whole}")
        if frame.breakpoints:
            # they stay set from round to round, so say where they are
            marks = sorted(frame.breakpoints)
            more = f" +{len(marks) - 6}" if len(marks) > 6 else ""
            lines.append(f"[red]●[/] break at {' '.join(map(str, marks[:6]))}{more}")
        if frame.message:
            room = max(10, self.query_one("#battle-side").size.width - 2)
            lines.append(f"[dim]{frame.message[:room]}[/]")
        _set_text(status, "\n".join(lines))

    # ---- the run worker
    def _restart_clock(self) -> None:
        self._speed_t0 = time.perf_counter()
        self._speed_done = 0

    def start_run(
        self,
        *,
        breakpoints: bool = True,
        whole: bool | None = None,
        fast: bool = False,
        cdb: str | None = None,
    ) -> None:
        """Run the battle in the worker: stop at breakpoints or not, at the end of the
        round or only at the end of the battle, at the chosen speed or flat out."""
        self._run_breaks = breakpoints
        self._run_whole = self.whole_battle if whole is None else whole
        self._run_fast = fast
        self._run_cdb = cdb
        self.running = True
        self._render_status()
        self._run_worker()

    @work(thread=True, exclusive=True, group="battle-run")
    def _run_worker(self) -> None:
        worker = get_current_worker()
        session = self.session
        if session is None:
            return
        breaks, whole, fast, how = (
            self._run_breaks,
            self._run_whole,
            self._run_fast,
            self._run_cdb,
        )
        last_frame = 0.0
        self._restart_clock()
        reason = "paused"
        stopped_at: int | None = None
        shown = True  # the screen's frame shows everything executed so far
        report: StepReport | None = None
        while self.running and not worker.is_cancelled:
            if session.debugger.round_over:
                if not whole or session.battle_over:
                    reason = "battle over" if session.battle_over else "round over"
                    break
                with session.lock:
                    session.next_round()
                self._restart_clock()
                shown = False
                continue
            speed = 0 if fast else self.speed
            now = time.perf_counter()
            if speed:
                due = int((now - self._speed_t0) * speed) - self._speed_done
                if due <= 0:
                    time.sleep(min(1 / speed, FRAME_INTERVAL / 2))
                    continue
                count = min(due, RUN_CHUNK)
            else:
                count = RUN_CHUNK
            began = time.perf_counter()
            with session.lock:
                report = session.step(count, breakpoints=breaks)
            worked = time.perf_counter() - began
            self._speed_done += report.executed
            shown = shown and report.executed == 0
            stop = report.breakpoint is not None or (
                (report.round_ended or report.executed == 0) and (not whole or session.battle_over)
            )
            now = time.perf_counter()
            if stop or now - last_frame >= self.frame_interval:
                with session.lock:
                    frame = session.frame()
                self.post_message(FrameReady(frame, session))
                last_frame, shown = now, True
            if stop:
                if report.breakpoint is not None:
                    reason = session.message or f"breakpoint at {report.breakpoint}"
                    stopped_at = report.breakpoint
                else:
                    reason = "battle over" if session.battle_over else "round over"
                break
            # leave the interpreter to the UI thread for a while: the engine's Python side
            # holds the GIL, and the user's keys matter more than a few % of speed
            time.sleep(min(0.004, worked * YIELD_SHARE))
        if how is not None and self.cdb is not None:
            with session.lock:
                out = self.cdb.after_run(report, how)
                prompt = self.cdb.prompt
            self.post_message(CdbDone(out, prompt, session))
            shown = False
        if not shown:
            # paused between frames: show what ran since the last one, or the paused
            # display would keep an old step count
            with session.lock:
                frame = session.frame()
            self.post_message(FrameReady(frame, session))
        self.running = False
        self.post_message(RunStopped(reason))
        if stopped_at is not None:
            self.post_message(StoppedAtBreakpoint(stopped_at, session))

    @on(RunStopped)
    def _run_stopped(self, message: RunStopped) -> None:
        self._render_status()
        if self._plot_timer is not None:  # the graph shows where the run stopped, now
            self._plot_timer.stop()
            self._plot_timer = None
        if self.frame is not None:
            self._plot(self.frame)

    @on(StoppedAtBreakpoint)
    def _at_breakpoint(self, message: StoppedAtBreakpoint) -> None:
        """Bring the listing and the map to the instruction we stopped in front of,
        even if a click or ``g`` had moved them elsewhere."""
        if message.session is not self.session or self.frame is None:
            return
        self.follow = True
        self.selected = message.address
        self.query_one(CoreMap).select(message.address)
        self.query_one(Listing).show(self.frame, message.session.contenders, message.address)

    @work(thread=True, exclusive=True, group="battle-op")
    def _op_worker(self, op: str, count: int = 1) -> None:
        session = self.session
        if session is None:
            return
        stopped_at: int | None = None
        with session.lock:
            if op == "step":
                report = session.step(count)
                if report.executed == 0 and session.debugger.round_over:
                    session.message = "the round is over: press ] for the next round"
            elif op == "cycles":
                stopped_at = session.step_cycles(count).breakpoint
            elif op == "reset":
                session.reset()
            elif op == "next":
                session.next_round()
            frame = session.frame()
        self.post_message(FrameReady(frame, session))
        if stopped_at is not None:
            self.post_message(StoppedAtBreakpoint(stopped_at, session))

    # ---- actions
    def action_toggle_run(self) -> None:
        if self.session is None:
            return
        if self.running:
            self.running = False
            return
        if self.frame is not None and self.frame.round_over and not self.whole_battle:
            self.notify("The round is over: press ] for the next round or r to reset.")
            return
        if self.frame is not None and self.frame.battle_over:
            self.notify("The battle is over: press r to reset.")
            return
        self.start_run()

    # ---- cdb, breakpoints, whole battle
    def action_cdb(self) -> None:
        """Open the cdb command line (and its log) and type into it."""
        self.add_class("-cdb")
        panel = self.query_one(CdbPanel)
        panel.set_prompt(self._cdb_prompt)
        panel.input.focus()

    @on(CdbPanel.Closed)
    def _cdb_closed(self) -> None:
        self.remove_class("-cdb")
        self.query_one(CoreMap).focus()

    @on(CdbPanel.Submitted)
    def _cdb_submitted(self, message: CdbPanel.Submitted) -> None:
        self.query_one(CdbPanel).write([self._cdb_prompt + message.line])
        self.cdb_command(message.line)

    def cdb_command(self, line: str) -> None:
        """Queue one line for cdb; a worker runs the lines in order, under the lock."""
        if self.session is None:
            return
        self.running = False  # cdb takes over from a run, as in pMARS
        with self._cdb_guard:
            self._cdb_lines.append(line)
            start = not self._cdb_busy
            self._cdb_busy = True
        if start:
            self._cdb_worker()

    @work(thread=True, group="battle-cdb")
    def _cdb_worker(self) -> None:
        while True:
            with self._cdb_guard:
                if not self._cdb_lines:
                    self._cdb_busy = False
                    return
                line = self._cdb_lines.popleft()
            session, cdb = self.session, self.cdb
            if session is None or cdb is None:
                continue
            with session.lock:
                out = cdb.execute(line)
                prompt = cdb.prompt
                frame = session.frame()
            self.post_message(CdbDone(out, prompt, session))
            self.post_message(FrameReady(frame, session))

    @on(CdbDone)
    def _cdb_done(self, message: CdbDone) -> None:
        if message.session is not self.session:
            return
        out = message.output
        panel = self.query_one(CdbPanel)
        if out.clear:
            panel.clear()
        panel.write(out.lines)
        self._cdb_prompt = message.prompt
        panel.set_prompt(message.prompt)
        if out.quit:
            self._cdb_closed()
        if out.run is not None:
            go = out.run == "go"
            self.start_run(breakpoints=go, whole=not go, fast=not go, cdb=out.run)
        elif out.changed and self.frame is not None:
            self.follow = True

    def action_whole_battle(self) -> None:
        self.whole_battle = not self.whole_battle
        self.notify(
            "running plays every round to the end of the battle"
            if self.whole_battle
            else "running stops at the end of each round"
        )
        self._render_status()

    def action_breakpoints_panel(self) -> None:
        """Show (on a narrow screen) and focus the breakpoints panel."""
        self.add_class("-breaks")
        self.query_one(BreakpointsPanel).focus()

    @on(BreakpointsPanel.Action)
    def _breakpoint_action(self, message: BreakpointsPanel.Action) -> None:
        if self.frame is None:
            return
        if message.action == "add":

            def done(value: str | None) -> None:
                if value:
                    self.cdb_command("break " + value)

            self.app.push_screen(
                AskText("Breakpoint: exec ADDR | write ADDR | procs WARRIOR COUNT", "exec pc"),
                done,
            )
            return
        if message.action == "clear":
            self.cdb_command("break clear")
        elif message.action == "keep":
            self.cdb_command(f"break keep {'off' if self.frame.breakpoints_persist else 'on'}")
        elif message.index is not None:
            verb = "toggle" if message.action == "toggle" else "delete"
            self.cdb_command(f"break {verb} {message.index + 1}")

    def action_step(self) -> None:
        self.running = False
        self._op_worker("step", 1)

    def action_step_n(self) -> None:
        def done(value: str | None) -> None:
            if value:
                self.step_n = int(value)
                self.running = False
                self._op_worker("cycles", self.step_n)

        self.app.push_screen(
            AskText(
                "Step how many cycles? (one instruction per living warrior each)",
                str(self.step_n),
                check=_positive_int,
            ),
            done,
        )

    def action_faster(self) -> None:
        if self.speed_index < len(SPEEDS) - 1:
            self.speed_index += 1
            self._restart_clock()
        self._render_status()

    def action_slower(self) -> None:
        if self.speed_index > 0:
            self.speed_index -= 1
            self._restart_clock()
        self._render_status()

    def action_reset(self) -> None:
        self.running = False
        self._op_worker("reset")

    def action_next_round(self) -> None:
        self.running = False
        self._op_worker("next")

    def action_breakpoint(self) -> None:
        if self.session is None:
            return
        address = self.selected if self.selected is not None else self._listing_center()
        with self.session.lock:
            on_ = self.session.toggle_breakpoint(address)
            frame = self.session.frame() if not self.running else None
        self.notify(f"breakpoint {'set at' if on_ else 'removed from'} {address}")
        if frame is not None:
            self.show_frame(frame)

    def action_goto(self) -> None:
        if self.frame is None:
            return
        size = self.frame.core_size

        def done(value: str | None) -> None:
            if value:
                self.select_address(int(value) % size)

        self.app.push_screen(AskText(f"Go to address (0..{size - 1})", check=_int_value), done)

    def select_address(self, address: int) -> None:
        self.selected = address
        self.follow = False
        self.query_one(CoreMap).select(address)
        if self.frame is not None and self.session is not None:
            self.query_one(Listing).show(self.frame, self.session.contenders, address)
        self._show_cell_info()

    def action_follow(self) -> None:
        self.follow = not self.follow
        self.notify("the listing follows the next instruction" if self.follow else "follow off")
        if self.frame is not None:
            self.show_frame(self.frame)

    def action_export(self) -> None:
        if self.session is None:
            return
        names = "-".join(n.lower().replace(" ", "_") for n in self.session.names)[:40]
        default = f"trace-{names}-round{self.frame.round if self.frame else 1}.txt"

        def done(value: str | None) -> None:
            if value:
                self._export_worker(value)

        self.app.push_screen(AskText("Export this round's trace to", default), done)

    @work(thread=True, group="battle-export")
    def _export_worker(self, path: str) -> None:
        session = self.session
        if session is None:
            return
        try:
            with session.lock:
                count = session.export_trace(path)
        except OSError as exc:
            self.app.call_from_thread(self.notify, f"cannot write {path}: {exc}", severity="error")
            return
        self.app.call_from_thread(self.notify, f"wrote {count:,} instructions to {path}")

    def action_load(self) -> None:
        buffer = getattr(self.app, "editor_buffer", None)

        def done(choice: WarriorChoice | None) -> None:
            if choice:
                self.load_sources(choice.sources, settings=choice.settings, seed=choice.seed)
                self.hill_name = choice.hill

        self.app.push_screen(
            WarriorPicker(
                data_dir("warriors"),
                has_buffer=bool(buffer and buffer.text.strip()),
                selected=self.sources,
                hill=self.hill_name,
                values=overrides(self.hill.with_(rounds=self.rounds), self.hill_name),
                seed=self.seed,
            ),
            done,
        )

    @on(CoreMap.Selected)
    def _cell_selected(self, message: CoreMap.Selected) -> None:
        self.selected = message.address
        self.follow = False
        if self.frame is not None and self.session is not None:
            self.query_one(Listing).show(self.frame, self.session.contenders, message.address)
        self._show_cell_info()


def _set_text(widget: Static, text: str) -> None:
    """Update a Static only when its text changes; re-layout only if its height may."""
    old = getattr(widget, "_arena_text", None)
    if old == text:
        return
    same_height = old is not None and old.count("\n") == text.count("\n")
    widget._arena_text = text  # type: ignore[attr-defined]
    widget.update(text, layout=not same_height)


def _positive_int(value: str) -> str | None:
    try:
        return None if int(value) > 0 else "a number above 0, please"
    except ValueError:
        return "a whole number, please"


def _int_value(value: str) -> str | None:
    try:
        int(value)
    except ValueError:
        return "a whole number, please"
    return None
