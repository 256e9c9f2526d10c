"""The statistics of the analyses, on plain numbers (no battles, no files).

Kept apart so each formula can be tested on numbers whose answer is known:

* ``mean_ci``: a mean with its 95% confidence interval from Student's t, because a
  handful of runs is far too few for a normal approximation;
* ``linear_trend``: least squares over (round, value) points, with the slope's 95%
  interval and the p-value of "no trend" (scipy.stats.linregress). The analyses pool
  every run's points; rounds of one run are not independent, so the p-value is a
  guide rather than an exact test;
* ``across_run_variance``: the paper's phenotypic convergence, the variance across runs
  of each opponent's score, averaged over opponents;
* ``rms_change``: how far one phenotype moved from the previous one;
* ``count_cycles``: rock-paper-scissors triples in a "beats" relation, each counted once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

CONFIDENCE = 0.95


def _t_quantile(df: int) -> float:
    from scipy import stats

    return float(stats.t.ppf(0.5 + CONFIDENCE / 2, df))


@dataclass(frozen=True, slots=True)
class Interval:
    """A mean of n values and its 95% interval (None when n < 2 leaves it undefined)."""

    mean: float | None
    low: float | None
    high: float | None
    n: int

    def to_json(self) -> dict[str, float | int | None]:
        return {
            "mean": _round(self.mean),
            "low": _round(self.low),
            "high": _round(self.high),
            "n": self.n,
        }


def mean_ci(values: Sequence[float | None]) -> Interval:
    """Mean of the finite values, with mean ± t(0.975, n-1) · s / sqrt(n)."""
    xs = np.array([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    n = len(xs)
    if n == 0:
        return Interval(None, None, None, 0)
    mean = float(xs.mean())
    if n < 2:
        return Interval(mean, None, None, 1)
    half = _t_quantile(n - 1) * float(xs.std(ddof=1)) / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n)


@dataclass(frozen=True, slots=True)
class Trend:
    """A fitted line value = intercept + slope · round, and how sure the slope is."""

    slope: float
    intercept: float
    low: float  # 95% interval of the slope
    high: float
    p_value: float  # two-sided, against a slope of 0
    n: int  # points fitted

    @property
    def significant(self) -> bool:
        return self.p_value < 1 - CONFIDENCE

    @property
    def direction(self) -> str:
        """'rises', 'falls' or 'no clear trend' (at the 5% level)."""
        if not self.significant:
            return "no clear trend"
        return "rises" if self.slope > 0 else "falls"

    def to_json(self) -> dict[str, float | int | str]:
        return {
            "slope": _round(self.slope),
            "intercept": _round(self.intercept),
            "slope_low": _round(self.low),
            "slope_high": _round(self.high),
            "p_value": _round(self.p_value, 6),
            "n": self.n,
            "direction": self.direction,
        }


def linear_trend(xs: Sequence[float], ys: Sequence[float | None]) -> Trend | None:
    """Least-squares line through the points with a finite y; None if it is undefined."""
    pairs = [
        (float(x), float(y))
        for x, y in zip(xs, ys, strict=True)
        if y is not None and math.isfinite(y)
    ]
    if len(pairs) < 3:
        return None
    x = np.array([p[0] for p in pairs])
    y = np.array([p[1] for p in pairs])
    if np.ptp(x) == 0:
        return None
    n = len(x)
    if np.ptp(y) == 0:  # a flat line: the slope is exactly 0, with no doubt about it
        return Trend(0.0, float(y[0]), 0.0, 0.0, 1.0, n)
    from scipy import stats

    fit = stats.linregress(x, y)
    half = _t_quantile(n - 2) * float(fit.stderr)
    p_value = float(fit.pvalue) if math.isfinite(fit.pvalue) else 0.0  # a perfect fit
    return Trend(
        float(fit.slope),
        float(fit.intercept),
        float(fit.slope) - half,
        float(fit.slope) + half,
        p_value,
        n,
    )


def across_run_variance(phenotypes: Sequence[Sequence[float]]) -> float | None:
    """Mean over opponents of the variance (ddof 1) across runs of each opponent's score.

    Rows are runs, columns opponents; NaN (a champion not played against itself) is left
    out of its column. None when no column has two values.
    """
    if len(phenotypes) < 2:
        return None
    matrix = np.array(phenotypes, dtype=float)
    variances = []
    for column in matrix.T:
        values = column[np.isfinite(column)]
        if len(values) >= 2:
            variances.append(float(values.var(ddof=1)))
    return float(np.mean(variances)) if variances else None


def rms_change(before: Sequence[float], after: Sequence[float]) -> float | None:
    """Root mean square difference of two phenotypes (KotH points), over shared opponents."""
    a = np.array(before, dtype=float)
    b = np.array(after, dtype=float)
    shared = np.isfinite(a) & np.isfinite(b)
    if not shared.any():
        return None
    return float(np.sqrt(np.mean((a[shared] - b[shared]) ** 2)))


def beats_matrix(wins: np.ndarray) -> np.ndarray:
    """``beats[i, j]``: i won more of their rounds than j did (``wins[i, j]`` rounds i won)."""
    wins = np.asarray(wins)
    return wins > wins.T


def count_cycles(beats: np.ndarray) -> list[tuple[int, int, int]]:
    """Every rock-paper-scissors triple (i beats j beats k beats i), each listed once.

    Each triple is given starting from its smallest index, so a 3-cycle and its
    rotations are one entry.
    """
    beats = np.asarray(beats, dtype=bool)
    n = beats.shape[0]
    found = []
    for i in range(n):
        for j in range(i + 1, n):
            for k in range(i + 1, n):
                if k != j and beats[i, j] and beats[j, k] and beats[k, i]:
                    found.append((i, j, k))
    return found


def _round(value: float | None, digits: int = 4) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def clean(value: float | None, digits: int = 4) -> float | None:
    """A number for JSON and CSV: rounded, None instead of NaN or infinity."""
    return _round(value, digits)
