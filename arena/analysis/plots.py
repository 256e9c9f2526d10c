"""The plots of an analysis, as PNG files (matplotlib, drawn off screen).

Figures are made with ``matplotlib.figure.Figure`` and the Agg canvas directly, never
``pyplot``: no global state and no display, so a worker thread of the TUI may draw them
too. Each plot shows every run thinly and the mean over runs with its 95% interval;
fitted trends are dashed. A plot with nothing to show is not written.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from arena.analysis.analyze import Analysis, ChampionRow, RoundSummary
from arena.analysis.runs import ReportWriteError
from arena.analysis.stats import Interval, Trend
from arena.io import write_atomic

DPI = 110
MAX_NAMED_RUNS = 8  # more runs than this are drawn without a legend entry each


def _save(fig: Figure, path: Path) -> None:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    try:
        write_atomic(path, buffer.getvalue())
    except OSError as exc:
        raise ReportWriteError(f"cannot write the plot {path} ({exc.strerror or exc})") from None


def _series(
    ax,
    analysis: Analysis,
    value: Callable[[ChampionRow], float | None],
    interval: Callable[[RoundSummary], Interval],
    trend: Trend | None,
    label: str,
) -> None:
    runs = [r.label for r in analysis.runs]
    many = len(runs) > 1
    named = len(runs) <= MAX_NAMED_RUNS
    for run in runs:
        points = [
            (r.round, value(r)) for r in analysis.rows if r.run == run and value(r) is not None
        ]
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, lw=0.8, alpha=0.45 if many else 0.9, marker="." if not many else None,
                    label=run if named else None)  # fmt: skip
    rounds = [s for s in analysis.rounds if interval(s).mean is not None]
    if many and rounds:
        xs = [s.round for s in rounds]
        ax.plot(xs, [interval(s).mean for s in rounds], color="black", lw=2, label="mean of runs")
        band = [s for s in rounds if interval(s).low is not None]
        if band:
            ax.fill_between(
                [s.round for s in band],
                [interval(s).low for s in band],
                [interval(s).high for s in band],
                color="gray",
                alpha=0.3,
                label="95% interval",
            )
    if trend is not None and rounds:
        x0, x1 = rounds[0].round, rounds[-1].round
        ax.plot(
            [x0, x1],
            [trend.intercept + trend.slope * x0, trend.intercept + trend.slope * x1],
            ls="--",
            color="tab:red",
            label=f"trend {trend.slope:+.3g}/round",
        )
    ax.set_xlabel("round")
    ax.set_ylabel(label)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")


def _figure(columns: int = 1) -> tuple[Figure, list]:
    fig = Figure(figsize=(6.4 * columns, 4.2), layout="constrained")
    axes = [fig.add_subplot(1, columns, i + 1) for i in range(columns)]
    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    return fig, axes


def write_plots(analysis: Analysis, folder: Path) -> list[str]:
    """Write the plots into ``folder``; returns their file names."""
    written: list[str] = []
    if not analysis.rows:
        return written

    fig, (ax,) = _figure()
    _series(ax, analysis, lambda r: r.generality, lambda s: s.generality,
            analysis.trends.get("generality"), "generality (share beaten or tied)")  # fmt: skip
    ax.set_ylim(-0.02, 1.02)
    ax.set_title("Generality against the set")
    _save(fig, folder / "generality.png")
    written.append("generality.png")

    fig, (ax,) = _figure()
    _series(ax, analysis, lambda r: r.koth, lambda s: s.koth, analysis.trends.get("koth"),
            "KotH score (0-300)")  # fmt: skip
    ax.set_title("KotH score against the set")
    _save(fig, folder / "koth.png")
    written.append("koth.png")

    fig, (left, right) = _figure(2)
    variance = [s for s in analysis.rounds if s.phenotype_variance is not None]
    if variance:
        left.plot([s.round for s in variance], [s.phenotype_variance for s in variance],
                  marker="o", color="black", label="variance across runs")  # fmt: skip
        trend = analysis.trends.get("phenotype_variance")
        if trend is not None:
            x0, x1 = variance[0].round, variance[-1].round
            left.plot([x0, x1], [trend.intercept + trend.slope * x0, trend.intercept + trend.slope * x1],
                      ls="--", color="tab:red", label=f"trend {trend.slope:+.3g}/round")  # fmt: skip
        left.legend(fontsize="small")
    else:
        left.text(
            0.5, 0.5, "needs two runs or more", ha="center", va="center", transform=left.transAxes
        )
    left.set_xlabel("round")
    left.set_ylabel("mean variance of per-opponent KotH")
    left.set_title("Phenotypic convergence")
    left.grid(alpha=0.3)
    _series(right, analysis, lambda r: r.phenotype_change, lambda s: s.phenotype_change,
            analysis.trends.get("phenotype_change"), "RMS change of per-opponent KotH")  # fmt: skip
    right.set_title("Change from the previous champion")
    _save(fig, folder / "phenotype.png")
    written.append("phenotype.png")

    fig, (ax,) = _figure()
    across = [s for s in analysis.rounds if s.ncd_across is not None]
    if across:
        ax.plot([s.round for s in across], [s.ncd_across for s in across], marker="o",
                color="black", label="between runs (mean of pairs)")  # fmt: skip
    within = [s for s in analysis.rounds if s.ncd_within.mean is not None]
    if within:
        ax.plot([s.round for s in within], [s.ncd_within.mean for s in within], marker="s",
                color="tab:blue", label="within a run (from previous round)")  # fmt: skip
    ax.set_ylim(-0.02, 1.05)
    ax.set_xlabel("round")
    ax.set_ylabel(f"NCD ({analysis.compressor})")
    ax.set_title("Genotype diversity")
    ax.grid(alpha=0.3)
    if across or within:
        ax.legend(fontsize="small")
    _save(fig, folder / "genotype.png")
    written.append("genotype.png")

    fig, (left, right) = _figure(2)
    _series(left, analysis, lambda r: r.occupancy, lambda s: s.occupancy,
            analysis.trends.get("occupancy"), "share of archive cells filled")  # fmt: skip
    left.set_ylim(bottom=0)
    left.set_title("MAP-Elites occupancy")
    kinds = analysis.origins()["kinds"]
    right.bar(list(kinds), list(kinds.values()), color="tab:green")
    right.set_title("Champions by kind of candidate")
    right.set_ylabel("champions")
    _save(fig, folder / "archive.png")
    written.append("archive.png")

    if analysis.cycles:
        fig, (ax,) = _figure()
        labels = [f"{c.run}\nK={c.history}" for c in analysis.cycles]
        ax.bar(range(len(labels)), [len(c.triples) for c in analysis.cycles], color="tab:purple")
        ax.set_xticks(
            range(len(labels)), labels, fontsize="small", rotation=30 if len(labels) > 6 else 0
        )
        ax.set_ylabel("rock-paper-scissors cycles")
        ax.set_title("Intransitive cycles among each run's champions")
        ax.grid(alpha=0.3, axis="y")
        _save(fig, folder / "cycles.png")
        written.append("cycles.png")
    return written
