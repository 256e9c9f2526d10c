"""The report directory of an analysis: what a person reads, and every number as data.

```
analysis/
  report.md         sections with the numbers and short plain-language conclusions
  analysis.json     every number (Analysis.to_json)
  per_round.csv     one line per round: means over runs with their 95% intervals
  champions.csv     one line per run and round: the champion and all its measures
  cycles.csv        one line per run: champions and rock-paper-scissors cycles
  *.png             the plots (arena.analysis.plots)
```

Every file is written atomically (``arena.io``). ``prepare_out_dir`` checks up front that
the folder can be written, so no battle is played for a report that cannot be saved.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from arena.analysis.analyze import Analysis
from arena.analysis.runs import AnalysisError, ReportWriteError
from arena.analysis.stats import Interval, Trend, clean
from arena.hill import settings_key
from arena.io import write_atomic

REPORT = "report.md"
JSON = "analysis.json"
PER_ROUND = "per_round.csv"
CHAMPIONS = "champions.csv"
CYCLES = "cycles.csv"


def prepare_out_dir(path: str | os.PathLike[str]) -> Path:
    """Create the report folder and prove it can be written (AnalysisError if not)."""
    out = Path(path)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".arena-write-test"
        write_atomic(probe, "")
        probe.unlink()
    except OSError as exc:
        raise AnalysisError(
            f"cannot write the report in {out} ({exc.strerror or exc}): choose another --out"
        ) from None
    return out


# ------------------------------------------------------------------------------ text


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _interval(iv: Interval, digits: int = 2) -> str:
    if iv.mean is None:
        return "-"
    if iv.low is None or iv.high is None:
        return _num(iv.mean, digits)
    return f"{iv.mean:.{digits}f} [{iv.low:.{digits}f}, {iv.high:.{digits}f}]"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _trend_sentence(what: str, trend: Trend | None, unit: str, digits: int = 3) -> str:
    if trend is None:
        return f"{what}: too few points for a trend."
    if trend.direction == "no clear trend":
        verb = "shows no clear trend"
    else:
        verb = trend.direction
    unit = f" {unit}" if unit else ""
    return (
        f"{what} {verb} over rounds: slope {trend.slope:+.{digits}f}{unit} per round "
        f"(95% CI {trend.low:+.{digits}f} to {trend.high:+.{digits}f}, {_p(trend.p_value)}, "
        f"{trend.n} points)."
    )


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _first_last(analysis: Analysis, attr: str, what: str, digits: int) -> str:
    values = [
        (s.round, getattr(s, attr)) for s in analysis.rounds if getattr(s, attr).mean is not None
    ]
    if not values:
        return ""
    (r0, first), (r1, last) = values[0], values[-1]
    return (
        f"{what} goes from {_interval(first, digits)} in round {r0} "
        f"to {_interval(last, digits)} in round {r1}. "
    )


def summary_lines(analysis: Analysis) -> list[str]:
    """The three answers in plain words: generality, convergence, cycles."""
    a = analysis
    out = []
    g = a.trends.get("generality")
    if g is None:
        out.append("- Generality: too few rounds to tell whether it rises.")
    else:
        verdict = {
            "rises": "rises",
            "falls": "falls",
            "no clear trend": "does not clearly change",
        }[g.direction]
        out.append(f"- Generality {verdict} over rounds ({g.slope:+.4f} a round, {_p(g.p_value)}).")
    v = a.trends.get("phenotype_variance")
    if len(a.runs) < 2:
        out.append("- Phenotypic variance across runs needs two runs or more.")
    elif v is None:
        out.append("- Phenotypic variance across runs: too few rounds to tell.")
    else:
        verdict = {
            "rises": "rises (the runs drift apart)",
            "falls": "falls (the runs converge)",
            "no clear trend": "does not clearly change",
        }[v.direction]
        out.append(
            f"- Phenotypic variance across runs {verdict} ({v.slope:+.1f} a round, "
            f"{_p(v.p_value)})."
        )
    total = sum(len(c.triples) for c in a.cycles)
    possible = sum(c.possible for c in a.cycles)
    per_k = "; ".join(
        f"K={k}: {d['cycles']} in {d['runs']} run(s)" for k, d in a.cycles_by_history().items()
    )
    out.append(
        f"- {total} rock-paper-scissors cycle(s) among the runs' champions "
        f"({possible} possible triples; {per_k})."
    )
    return out


def report_text(analysis: Analysis, plots: Sequence[str] = ()) -> str:
    """report.md: what was measured, the numbers, and what they say, in plain words."""
    a = analysis
    trends = a.trends
    lines: list[str] = [f"# Analysis of {len(a.runs)} run(s)", ""]
    lines += [
        f"Champions judged 1-on-1 against {len(a.opponents)} warriors "
        f"({', '.join(a.opponents[:12])}{' ...' if len(a.opponents) > 12 else ''}) on the hill "
        f"`{settings_key(a.settings)}`, {a.placements} placements a pair, seed "
        f"{'pMARS checksum' if a.seed is None else a.seed}. Battles: {a.stats.played} played, "
        f"{a.stats.cached} from the cache. Intervals are 95% (Student's t over runs); "
        "KotH is 0-300 (3 a win, 1 a tie, x100 / rounds). A trend is a least-squares "
        "line through every run's values; a run's rounds are not independent of each "
        "other, so read its p-value as a guide, not a proof.",
        "",
    ]
    lines += _table(
        ["run", "K (history)", "rounds", "path"],
        [[r.label, str(r.history), str(len(r.rounds)), f"`{r.path}`"] for r in a.runs],
    )
    lines.append("")
    lines += ["## In short", "", *summary_lines(a), ""]

    # generality and KotH
    lines += ["## Generality and KotH", ""]
    lines.append(
        "Generality is the share of the set a champion beats or ties 1-on-1. "
        + _first_last(a, "generality", "The mean", 3)
        + _trend_sentence("Generality", trends.get("generality"), "", 4)
    )
    lines.append("")
    lines.append(
        _first_last(a, "koth", "Mean KotH", 1)
        + _trend_sentence("KotH", trends.get("koth"), "points", 2)
    )
    lines.append("")
    lines += _table(
        ["round", "runs", "generality", "KotH"],
        [
            [str(s.round), str(s.runs), _interval(s.generality, 3), _interval(s.koth, 1)]
            for s in a.rounds
        ],
    )
    lines.append("")
    if len(a.runs) > 1:
        rows = []
        for label, t in a.run_trends.items():
            g, k = t.get("generality"), t.get("koth")
            rows.append(
                [
                    label,
                    "-" if g is None else f"{g.slope:+.4f} ({_p(g.p_value)})",
                    "-" if k is None else f"{k.slope:+.2f} ({_p(k.p_value)})",
                ]
            )
        lines += ["Trend of each run (slope per round):", ""]
        lines += _table(["run", "generality", "KotH"], rows)
        lines.append("")

    # phenotype
    lines += ["## Phenotypic convergence", ""]
    lines.append(
        "A champion's phenotype is its KotH score against each opponent of the set. "
        "Convergence is the variance of that score across runs, averaged over opponents "
        "(KotH points squared); the change is how far a run's champion moved from the "
        "previous round's (root mean square, KotH points)."
    )
    lines.append("")
    if len(a.runs) < 2:
        lines.append("Variance across runs needs at least two runs; only the change is shown.")
    else:
        lines.append(
            _trend_sentence("The variance across runs", trends.get("phenotype_variance"), "", 1)
        )
    lines.append(
        _trend_sentence(
            "The change between consecutive champions", trends.get("phenotype_change"), "points", 2
        )
    )
    lines.append("")
    lines += _table(
        ["round", "variance across runs", "change from previous round"],
        [
            [str(s.round), _num(s.phenotype_variance, 1), _interval(s.phenotype_change, 1)]
            for s in a.rounds
        ],
    )
    lines.append("")

    # genotype
    lines += ["## Genotype diversity", ""]
    lines.append(
        f"Normalised compression distance ({a.compressor}) between the canonical load "
        "images (labels, comments and names do not count): 0 is the same code, near 1 "
        "unrelated code."
    )
    lines.append("")
    if len(a.runs) > 1:
        lines.append(
            _trend_sentence(
                "The distance between runs' champions", trends.get("ncd_across_runs"), "", 4
            )
        )
        lines.append("")
    lines += _table(
        ["round", "between runs", "within a run (from previous round)"],
        [[str(s.round), _num(s.ncd_across, 3), _interval(s.ncd_within, 3)] for s in a.rounds],
    )
    lines.append("")

    # cycles
    lines += ["## Intransitive cycles", ""]
    total = sum(len(c.triples) for c in a.cycles)
    possible = sum(c.possible for c in a.cycles)
    lines.append(
        "Each run's distinct champions play each other 1-on-1; A beats B when it wins "
        "more of their rounds than B. A rock-paper-scissors cycle is three champions "
        "where A beats B, B beats C and C beats A, counted once; an example a-b-c names "
        "the rounds whose champions form it (a beats b, b beats c, c beats a). "
        f"In all, {total} cycle(s) among {possible} possible triples."
    )
    lines.append("")
    by_k = a.cycles_by_history()
    lines += _table(
        ["K (history)", "runs", "champions", "triples", "cycles", "cycles per run", "share"],
        [
            [
                str(k),
                str(v["runs"]),
                str(v["champions"]),
                str(v["triples_possible"]),
                str(v["cycles"]),
                _interval(_iv(v["cycles_per_run"]), 2),
                _num(v["share_of_triples"], 3),
            ]
            for k, v in by_k.items()
        ],
    )
    lines.append("")
    lines += _table(
        ["run", "K", "champions", "cycles", "examples (rounds)"],
        [
            [
                c.run,
                str(c.history),
                str(c.champions),
                str(len(c.triples)),
                ", ".join("-".join(map(str, t)) for t in c.triples[:5]) or "-",
            ]
            for c in a.cycles
        ],
    )
    lines.append("")

    # archive
    origins = a.origins()
    lines += ["## MAP-Elites archive and where champions come from", ""]
    lines.append(
        _first_last(a, "occupancy", "The mean share of archive cells filled", 3)
        + _trend_sentence("Occupancy", trends.get("occupancy"), "", 4)
    )
    lines.append("")
    kinds = ", ".join(f"{n} {k}" for k, n in origins["kinds"].items()) or "-"
    cells = ", ".join(f"({c}) x{n}" for c, n in list(origins["cells"].items())[:8]) or "-"
    depth = _iv(origins["lineage_depth"])
    lines.append(f"Champions by kind of candidate: {kinds}.")
    lines.append(f"Their archive cells, most frequent first: {cells}.")
    lines.append(
        f"Lineage depth (ancestors through parent links): mean {_interval(depth, 1)}, "
        f"longest {origins['lineage_depth_max'] if origins['lineage_depth_max'] is not None else '-'}."
    )
    lines.append("")
    lines += _table(
        ["round", "occupancy"], [[str(s.round), _interval(s.occupancy, 3)] for s in a.rounds]
    )
    lines.append("")

    if plots:
        lines += ["## Plots", ""]
        lines += [f"![{Path(p).stem}]({p})" for p in plots]
        lines.append("")
    lines += [
        "## Files",
        "",
        f"Every number is in `{JSON}`; `{PER_ROUND}` has one line per round, "
        f"`{CHAMPIONS}` one per run and round (with the phenotype), `{CYCLES}` one per run.",
        "",
    ]
    if a.warnings:
        lines += ["## Warnings", ""] + [f"- {w}" for w in a.warnings] + [""]
    return "\n".join(lines)


def _iv(data: dict[str, Any]) -> Interval:
    return Interval(data["mean"], data["low"], data["high"], data["n"])


# ------------------------------------------------------------------------------- CSV


def _csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()


def per_round_csv(analysis: Analysis) -> str:
    header = ["round", "runs"]
    for name in ("generality", "koth"):
        header += [f"{name}_mean", f"{name}_low", f"{name}_high"]
    header += [
        "phenotype_variance",
        "phenotype_change_mean",
        "ncd_across_runs",
        "ncd_within_mean",
        "occupancy_mean",
        "occupancy_low",
        "occupancy_high",
    ]
    rows = []
    for s in analysis.rounds:
        row: list[Any] = [s.round, s.runs]
        for iv in (s.generality, s.koth):
            row += [clean(iv.mean), clean(iv.low), clean(iv.high)]
        row += [
            clean(s.phenotype_variance),
            clean(s.phenotype_change.mean),
            clean(s.ncd_across),
            clean(s.ncd_within.mean),
            clean(s.occupancy.mean),
            clean(s.occupancy.low),
            clean(s.occupancy.high),
        ]
        rows.append(row)
    return _csv(header, rows)


def champions_csv(analysis: Analysis) -> str:
    header = [
        "run", "round", "champion_id", "sha256", "fitness", "generality", "koth",
        "phenotype_change", "ncd_previous", "elites", "occupancy", "cell", "kind", "origin",
        "lineage_depth", *(f"vs_{o}" for o in analysis.opponents),
    ]  # fmt: skip
    rows = []
    for r in analysis.rows:
        phenotype = r.phenotype or [float("nan")] * len(analysis.opponents)
        rows.append(
            [
                r.run,
                r.round,
                r.champion_id,
                r.digest,
                clean(r.fitness),
                clean(r.generality),
                clean(r.koth),
                clean(r.phenotype_change),
                clean(r.ncd_previous),
                r.elites,
                clean(r.occupancy),
                None if r.cell is None else f"{r.cell[0]},{r.cell[1]}",
                r.kind,
                r.origin,
                r.lineage_depth,
                *(clean(v, 2) for v in phenotype),
            ]
        )
    return _csv(header, rows)


def cycles_csv(analysis: Analysis) -> str:
    return _csv(
        ["run", "history", "champions", "triples_possible", "cycles"],
        [[c.run, c.history, c.champions, c.possible, len(c.triples)] for c in analysis.cycles],
    )


def write_report(
    analysis: Analysis, out: str | os.PathLike[str], *, plots: bool = True
) -> list[Path]:
    """Write the whole report folder; returns the files written."""
    folder = Path(out)
    names: list[str] = []
    if plots:
        from arena.analysis.plots import write_plots

        names = write_plots(analysis, folder)
    files = {
        JSON: json.dumps(analysis.to_json(), indent=1) + "\n",
        PER_ROUND: per_round_csv(analysis),
        CHAMPIONS: champions_csv(analysis),
        CYCLES: cycles_csv(analysis),
        REPORT: report_text(analysis, names),
    }
    written = [folder / n for n in names]
    try:
        for name, text in files.items():
            write_atomic(folder / name, text)
            written.append(folder / name)
    except OSError as exc:
        raise ReportWriteError(
            f"cannot write the report in {folder} ({exc.strerror or exc}); the battles are "
            "cached, so the same command after freeing space or fixing permissions is quick"
        ) from None
    return written
