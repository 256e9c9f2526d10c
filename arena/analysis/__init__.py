"""Analyses of Digital Red Queen runs, the paper's figures measured with our engine.

``arena analyze`` and (later) the TUI call the same functions:

    from arena.analysis import analyze, find_runs, load_runs, write_report
    runs = load_runs(find_runs(["runs/experiment"]))
    result = analyze(runs, load_set(["warriors/"], settings), settings, placements=20)
    write_report(result, "runs/experiment/analysis")

``runs`` finds and reads run dirs, ``analyze`` plays the battles and computes,
``stats`` and ``ncd`` hold the formulas, ``report`` and ``plots`` write the folder.
Nothing here prints or imports click.
"""

from arena.analysis.analyze import DEFAULT_PLACEMENTS, Analysis, analyze
from arena.analysis.report import prepare_out_dir, write_report
from arena.analysis.runs import (
    AnalysisError,
    ReportWriteError,
    RunData,
    common_settings,
    find_runs,
    load_run,
    load_runs,
)

__all__ = [
    "DEFAULT_PLACEMENTS",
    "Analysis",
    "AnalysisError",
    "ReportWriteError",
    "RunData",
    "analyze",
    "common_settings",
    "find_runs",
    "load_run",
    "load_runs",
    "prepare_out_dir",
    "write_report",
]
