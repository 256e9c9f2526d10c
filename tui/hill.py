"""The hill screen: a round robin of a folder of warriors, as ``arena hill`` plays it.

``arena.hill.run_hill`` runs in a thread worker; its progress callback posts coalesced
``HillProgress`` messages, and the result fills a table you can sort by any column
(click a header; click again to reverse). The selected warrior's results against each
other warrior are shown below the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Input,
    Label,
    ProgressBar,
    Select,
    Static,
)

from arena.paths import data_dir
from tui.widgets.dialogs import PickOne
from tui.widgets.navbar import NavBar

COLUMNS = (
    ("rank", "#"),
    ("name", "name"),
    ("file", "file"),
    ("author", "author"),
    ("score", "score"),
    ("wins", "W"),
    ("losses", "L"),
    ("ties", "T"),
)


class HillProgress(Message):
    def __init__(self, generation: int, done: int, total: int) -> None:
        self.generation = generation
        self.done = done
        self.total = total
        super().__init__()

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, HillProgress)


class HillDone(Message):
    def __init__(
        self, generation: int, result: Any = None, skipped: list[str] | None = None, error: str = ""
    ) -> None:
        self.generation = generation
        self.result = result
        self.skipped = skipped or []
        self.error = error
        super().__init__()


class HillScreen(Screen):
    """Round robin of a folder, sortable standings, progress."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+g", "run", "Run hill"),
        Binding("e", "edit", "Edit", show=False),
        Binding("b", "battle", "Battle", show=False),
    ]

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (120, "-wide")]

    def __init__(self) -> None:
        super().__init__()
        self.result = None
        self.sort_key = "score"
        self.sort_reverse = True
        self._generation = 0
        self.running = False

    def compose(self) -> ComposeResult:
        yield NavBar("hill")
        with Horizontal(id="hill-form"):
            yield Input(_short(data_dir("warriors")), id="hill-folder")
            yield Label("hill", classes="field-label")
            yield Select(_hills(), value="94", allow_blank=False, id="hill-preset")
            yield Label("rounds", classes="field-label")
            yield Input("100", type="integer", id="hill-rounds")
            yield Checkbox("cache", value=True, id="hill-cache", compact=True)
            yield Button("Run", id="hill-run", variant="success", compact=True)
        with Horizontal(id="hill-progress-row"):
            yield ProgressBar(id="hill-progress", show_eta=False)
            yield Static("", id="hill-status")
        with Vertical(id="hill-body"):
            yield DataTable(id="hill-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="hill-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#hill-table", DataTable)
        for key, label in COLUMNS:
            table.add_column(label, key=key)
        self.query_one("#hill-detail").border_title = "Against each warrior"
        self._status("Pick a folder and a hill, then Run (ctrl+g). Click a header to sort.")
        table.focus()

    def _status(self, text: str) -> None:
        self.query_one("#hill-status", Static).update(text)

    # ---- running
    @on(Button.Pressed, "#hill-run")
    def _run_pressed(self) -> None:
        self.action_run()

    def action_run(self) -> None:
        if self.running:
            self.notify("The hill is running.")
            return
        folder = self.query_one("#hill-folder", Input).value.strip()
        hill = self.query_one("#hill-preset", Select).value
        try:
            rounds = int(self.query_one("#hill-rounds", Input).value or "100")
        except ValueError:
            self.notify("rounds must be a whole number", severity="error")
            return
        use_cache = self.query_one("#hill-cache", Checkbox).value
        self.running = True
        self._generation += 1
        self.query_one("#hill-progress", ProgressBar).update(total=None, progress=0)
        self._status(f"loading {folder}…")
        self._hill_worker(self._generation, folder, str(hill), max(1, rounds), use_cache)

    @work(thread=True, exclusive=True, group="hill-run")
    def _hill_worker(
        self, generation: int, folder: str, hill: str, rounds: int, use_cache: bool
    ) -> None:
        from arena.errors import ArenaError
        from arena.hill import HillError, ResultCache, default_cache_dir, load_warriors, run_hill
        from arena.settings import hill_settings

        skipped: list[str] = []
        try:
            settings = hill_settings(hill)
            entries = load_warriors([folder], settings, skipped=skipped)
            if len(entries) < 2:
                raise HillError(f"{folder}: fewer than two warriors can play on hill {hill}")
            cache = ResultCache(default_cache_dir(), settings) if use_cache else None

            def progress(done: int, total: int) -> None:
                self.post_message(HillProgress(generation, done, total))

            result = run_hill(entries, settings, rounds=rounds, cache=cache, progress=progress)
        except (ArenaError, OSError, ValueError) as exc:
            self.post_message(HillDone(generation, error=str(exc), skipped=skipped))
            return
        self.post_message(HillDone(generation, result, skipped))

    @on(HillProgress)
    def _progress(self, message: HillProgress) -> None:
        if message.generation != self._generation:
            return
        self.query_one("#hill-progress", ProgressBar).update(
            total=message.total, progress=message.done
        )
        self._status(f"{message.done}/{message.total} battles")

    @on(HillDone)
    def _done(self, message: HillDone) -> None:
        if message.generation != self._generation:
            return
        self.running = False
        bar = self.query_one("#hill-progress", ProgressBar)
        if message.error:
            bar.update(total=1, progress=0)
            self._status(f"[red]{_esc(message.error)}[/]")
            return
        result = message.result
        self.result = result
        bar.update(total=1, progress=1)
        stats = result.stats
        skipped = f", {len(message.skipped)} skipped" if message.skipped else ""
        self._status(
            f"{len(result.entries)} warriors, {result.rounds} rounds a pair: "
            f"{stats.played} battles played, {stats.cached} cached{skipped}"
        )
        for line in message.skipped:
            self.notify(line, severity="warning", timeout=6)
        self._fill_table()

    # ---- table
    def _fill_table(self) -> None:
        table = self.query_one("#hill-table", DataTable)
        table.clear()
        if self.result is None:
            return
        for s in self.result.standings():
            table.add_row(
                s.rank,
                s.entry.name[:24],
                s.entry.key,
                (s.entry.author or "")[:18],
                round(s.score, 1),
                s.wins,
                s.losses,
                s.ties,
                key=s.entry.key,
            )
        self._sort()

    def _sort(self) -> None:
        table = self.query_one("#hill-table", DataTable)

        def key(value: Any) -> Any:
            return value.lower() if isinstance(value, str) else value

        table.sort(self.sort_key, key=key, reverse=self.sort_reverse)
        arrow = "▼" if self.sort_reverse else "▲"
        table.border_title = f"Standings, by {dict(COLUMNS)[self.sort_key]} {arrow}"

    @on(DataTable.HeaderSelected, "#hill-table")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key == self.sort_key:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_key = key
            self.sort_reverse = key in ("score", "wins", "ties")
        self._sort()

    def sort_by(self, key: str, reverse: bool) -> None:
        self.sort_key = key
        self.sort_reverse = reverse
        self._sort()

    def selected_entry(self):
        table = self.query_one("#hill-table", DataTable)
        if self.result is None or table.row_count == 0:
            return None
        row_key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key
        for i, e in enumerate(self.result.entries):
            if e.key == row_key.value:
                return i, e
        return None

    @on(DataTable.RowHighlighted, "#hill-table")
    def _row(self) -> None:
        picked = self.selected_entry()
        detail = self.query_one("#hill-detail", Static)
        if picked is None:
            detail.update("")
            return
        i, entry = picked
        lines = []
        for j, other in enumerate(self.result.entries):
            if j == i:
                continue
            w, lost, t = self.result.pair(i, j)
            lines.append(f"{other.key[:14]:<14} W{w:<4} L{lost:<4} T{t:<4}")
        detail.border_title = f"{entry.name}: against each warrior"
        detail.update("\n".join(lines))

    def action_edit(self) -> None:
        picked = self.selected_entry()
        if picked is None or not picked[1].path:
            return
        path = Path(picked[1].path)
        self.run_worker(
            self.app.edit_text(path.read_text(encoding="utf-8", errors="replace"), path),  # type: ignore[attr-defined]
            group="hill-open",
        )

    def action_battle(self) -> None:
        picked = self.selected_entry()
        if picked is None or self.result is None:
            return
        _i, entry = picked
        options = [(e.key, e.path or "") for e in self.result.entries if e is not entry and e.path]
        settings = self.result.settings.with_(rounds=10)

        def chosen(value: str | None) -> None:
            if value and entry.path:
                self.run_worker(
                    self.app.battle_texts({}, [entry.path, value], settings),  # type: ignore[attr-defined]
                    group="hill-open",
                )

        self.app.push_screen(PickOne(f"Battle {entry.name} against…", options), chosen)


def _hills() -> list[tuple[str, str]]:
    from arena.settings import PRESETS

    return [(p.name, p.name) for p in PRESETS.values()]


def _short(path: Path) -> str:
    """``path`` relative to the working folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _esc(text: str) -> str:
    return text.replace("[", r"\[")
