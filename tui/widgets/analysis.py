"""The key numbers of an analysis of a run (``arena.analysis.job.analyze_runs``): per
round generality, KotH, archive filled and change of code, the plain-words summary, and
where the report and its PNG plots are (open them with the system's image viewer)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Static

from arena.analysis.job import Report
from arena.analysis.report import summary_lines
from arena.analysis.stats import Interval

EMPTY = (
    "[dim]analyse this run's champions against a set of warriors: generality, KotH, "
    "cycles, and the paper's plots as PNG files[/]"
)


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _escape(text: str) -> str:
    return text.replace("[", r"\[")


def _mean(value: Interval) -> str:
    return _num(value.mean)


class AnalysisPanel(Vertical):
    """What an analysis found: a table per round and the report's paths. Its Analyze
    button (or the key a) is handled by the screen, which owns the run."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="analysis-bar"):
            yield Button("Analyze", id="analyze", compact=True)
            yield Static(EMPTY, id="analysis-status")
        yield DataTable(id="analysis-table", zebra_stripes=True, cursor_type="row")
        yield Static("", id="analysis-summary")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            "round", "generality", "KotH", "archive filled", "code change (NCD)"
        )

    def working(self, text: str) -> None:
        self.query_one("#analysis-status", Static).update(f"[b yellow]{text}[/]")

    def failed(self, text: str) -> None:
        self.query_one("#analysis-status", Static).update(f"[b red]analysis failed:[/] {text}")

    def show(self, report: Report) -> None:
        analysis = report.analysis
        table = self.query_one(DataTable)
        table.clear()
        for r in analysis.rounds:
            table.add_row(
                str(r.round), _mean(r.generality), _num(r.koth.mean, 1), _mean(r.occupancy),
                _mean(r.ncd_within),
            )  # fmt: skip
        against = len(analysis.opponents)
        self.query_one("#analysis-status", Static).update(
            f"[b]analysed[/] against {against} warrior{'s' if against != 1 else ''}, "
            f"{analysis.placements} placements a pair; {analysis.stats.played} battles played, "
            f"{analysis.stats.cached} from the cache"
        )
        lines = [_escape(line.removeprefix("- ")) for line in summary_lines(analysis)]
        lines += [f"[yellow]warning:[/] {_escape(w)}" for w in analysis.warnings]
        if report.skipped:
            first = "; ".join(report.skipped[:2]) + (" ..." if len(report.skipped) > 2 else "")
            lines.append(
                f"[yellow]{len(report.skipped)} file(s) of the set left out:[/] {_escape(first)}"
            )
        lines.append(f"[b]report:[/] {_escape(str(report.report))}")
        if report.plots:
            lines.append(f"[b]plots[/] ({len(report.plots)} PNG) in {_escape(str(report.folder))}:")
            lines += [f"  {_escape(p.name)}" for p in report.plots]
        self.query_one("#analysis-summary", Static).update("\n".join(lines))
