"""A candidate's lineage: its parent chain in a table, and what the highlighted step
changed from its parent as a unified diff (``arena.evolve.best.ancestors`` and
``code_diff`` compute both; this widget only shows them)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from arena.evolve.best import code_diff
from arena.evolve.events import CandidateEvent

EMPTY = "[dim]select a champion (Champions tab) to trace it back to its first ancestor[/]"


def _colour(diff: str) -> str:
    """Markup for a unified diff: additions green, removals red, hunks cyan."""
    out = []
    for line in diff.splitlines():
        safe = line.replace("[", r"\[")
        if line.startswith(("+++", "---")):
            out.append(f"[b]{safe}[/]")
        elif line.startswith("+"):
            out.append(f"[green]{safe}[/]")
        elif line.startswith("-"):
            out.append(f"[red]{safe}[/]")
        elif line.startswith("@@"):
            out.append(f"[cyan]{safe}[/]")
        else:
            out.append(safe)
    return "\n".join(out)


class LineagePanel(Vertical):
    """The chain of one candidate, itself first; a diff of the highlighted step."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chain: list[CandidateEvent] = []
        self.by_id: dict[int, CandidateEvent] = {}

    def compose(self) -> ComposeResult:
        yield Static(EMPTY, id="lineage-title")
        yield DataTable(id="lineage-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="lineage-diff-box"):
            yield Static("", id="lineage-diff")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("step", "id", "round", "kind", "fitness", "from")

    def show(
        self, title: str, chain: list[CandidateEvent], by_id: dict[int, CandidateEvent]
    ) -> None:
        """Show ``chain`` (from ``ancestors``); the events of ``by_id`` give the parents."""
        self.chain, self.by_id = chain, by_id
        table = self.query_one(DataTable)
        table.clear()
        for step, event in enumerate(chain):
            fitness = "-" if event.fitness is None else f"{event.fitness:.3f}"
            parent = "" if event.parent is None else f"#{event.parent}"
            if event.parent2 is not None:
                parent += f" × #{event.parent2}"
            table.add_row(
                str(step), f"#{event.id}", str(event.round), event.kind, fitness,
                event.origin or parent,
            )  # fmt: skip
        ancestors = len(chain) - 1
        self.query_one("#lineage-title", Static).update(
            f"[b]{title}[/]: {ancestors} ancestor{'s' if ancestors != 1 else ''}"
            if chain
            else EMPTY
        )
        self._show_diff(0)

    def clear(self) -> None:
        self.chain = []
        self.query_one(DataTable).clear()
        self.query_one("#lineage-title", Static).update(EMPTY)
        self.query_one("#lineage-diff", Static).update("")

    @on(DataTable.RowHighlighted, "#lineage-table")
    def _highlighted(self, message: DataTable.RowHighlighted) -> None:
        self._show_diff(message.cursor_row)

    def _show_diff(self, row: int) -> None:
        diff = self.query_one("#lineage-diff", Static)
        if not 0 <= row < len(self.chain):
            diff.update("")
            return
        event = self.chain[row]
        parent = self.by_id.get(event.parent) if event.parent is not None else None
        text = code_diff(event, parent)
        diff.update(_colour(text) if text else "[dim]the same code as its parent[/]")
