"""Is a model better than a baseline on the same test points, or is the difference noise?

Forecasts: the Diebold-Mariano test (1995) on the study metric's loss, with Harvey,
Leybourne & Newbold's (1997) small-sample correction and a Student t reference. Each test
origin contributes one loss differential, its losses averaged over the steps of its path
and, in a panel, over the series that share its time, so a path's steps and series that move
together are not counted as independent; the long-run variance adds the autocovariances up
to lag horizon - 1, as forecasts of overlapping paths are correlated. Classes: McNemar's
test on the samples exactly one of the two gets right (exact binomial below 25 of them,
else chi-square with continuity correction), with the paired difference in accuracy and its
95% interval.

The verdict at 5%: `beats` (the model is significantly better), `loses` (significantly
worse) or `ties`. A sign alone never makes a verdict (docs/architecture.md, decision 11).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Sequence

import numpy as np

ALPHA = 0.05


@dataclass(frozen=True)
class Comparison:
    test: str  # the test's name
    statistic: float
    p_value: float
    difference: float  # model minus baseline: mean loss (forecasts) or accuracy (classes)
    low: float  # its 95% interval
    high: float
    n: int  # independent units the test rests on (origins, or samples)
    verdict: str  # beats | ties | loses
    better: str  # "lower" (a loss) or "higher" (accuracy): which way is better

    def to_json(self) -> dict[str, Any]:
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in asdict(self).items()}


def _verdict(p: float, difference: float, better: str) -> str:
    if not math.isfinite(p) or p >= ALPHA or difference == 0:
        return "ties"
    good = difference < 0 if better == "lower" else difference > 0
    return "beats" if good else "loses"


def losses(metric: str, actual: np.ndarray, predicted: np.ndarray, scale: np.ndarray
           ) -> np.ndarray:
    """Each point's loss under the study metric: squared error (RMSE), absolute error (MAE),
    absolute error over the series' scale (MASE), the sMAPE term (sMAPE)."""
    a, p = np.asarray(actual, float), np.asarray(predicted, float)
    if metric == "rmse":
        return (a - p) ** 2
    if metric == "mae":
        return np.abs(a - p)
    if metric == "mase":
        return np.abs(a - p) / scale
    denom = np.abs(a) + np.abs(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denom == 0, 0.0, 200.0 * np.abs(a - p) / denom)


def diebold_mariano(differential: np.ndarray, horizon: int = 1) -> Comparison:
    """DM test with the HLN correction on a time-ordered series of loss differentials
    (model minus baseline), forecasts `horizon` steps ahead."""
    from scipy import stats

    d = np.asarray(differential, dtype=float)
    t = len(d)
    mean = float(d.mean()) if t else float("nan")
    if t < 3:
        return Comparison("Diebold-Mariano (HLN)", float("nan"), float("nan"), mean,
                          float("nan"), float("nan"), t, "ties", "lower")
    h = max(1, int(horizon))
    centred = d - mean
    gamma = [float(np.dot(centred[k:], centred[: t - k]) / t) for k in range(min(h, t))]
    variance = gamma[0] + 2.0 * sum(gamma[1:])
    if variance <= 0:  # a long-run variance the autocovariances drove below zero
        variance = gamma[0]
    if variance <= 0:  # identical losses everywhere
        return Comparison("Diebold-Mariano (HLN)", 0.0, 1.0, mean, mean, mean, t, "ties",
                          "lower")
    se = math.sqrt(variance / t)
    correction = math.sqrt(max(1e-12, (t + 1 - 2 * h + h * (h - 1) / t) / t))
    statistic = mean / se * correction
    p = float(2 * stats.t.sf(abs(statistic), df=t - 1))
    half = float(stats.t.ppf(1 - ALPHA / 2, df=t - 1)) * se / correction
    return Comparison("Diebold-Mariano (HLN)", float(statistic), p, mean, mean - half,
                      mean + half, t, _verdict(p, mean, "lower"), "lower")


def forecast_comparison(metric: str, actual: np.ndarray, model: np.ndarray,
                        baseline: np.ndarray, times: Sequence[Any], scale: np.ndarray,
                        horizon: int) -> Comparison:
    """The model against a baseline on the same points: losses averaged over each path's
    steps and over the series that share an origin's time, then DM over those times.
    `actual`, `model`, `baseline`: (n,) or (n, horizon); `times`: each sample's origin
    time (sortable); `scale`: each sample's series scale (MASE)."""
    n = len(times)
    shape = (n, -1)
    scale = np.asarray(scale, dtype=float).reshape(n, 1)
    mine = losses(metric, np.reshape(actual, shape), np.reshape(model, shape), scale)
    theirs = losses(metric, np.reshape(actual, shape), np.reshape(baseline, shape), scale)
    per_sample = (mine - theirs).mean(axis=1)
    order = sorted(set(times))
    index = {t: i for i, t in enumerate(order)}
    sums, counts = np.zeros(len(order)), np.zeros(len(order))
    for t, d in zip(times, per_sample):
        sums[index[t]] += d
        counts[index[t]] += 1
    return diebold_mariano(sums / counts, horizon)


def mcnemar(actual: Sequence[Any], model: Sequence[Any], baseline: Sequence[Any]) -> Comparison:
    """McNemar's test on paired correctness, and the difference in accuracy (model minus
    baseline) with its 95% interval (the paired-proportion Wald interval)."""
    from scipy import stats

    a = np.asarray(actual).astype(str)
    right_m = np.asarray(model).astype(str) == a
    right_b = np.asarray(baseline).astype(str) == a
    n = len(a)
    b = int(np.sum(right_m & ~right_b))  # only the model right
    c = int(np.sum(~right_m & right_b))  # only the baseline right
    difference = (b - c) / n if n else float("nan")
    if b + c == 0:
        return Comparison("McNemar", 0.0, 1.0, 0.0, 0.0, 0.0, n, "ties", "higher")
    if b + c < 25:
        statistic = float(min(b, c))
        p = float(min(1.0, 2 * stats.binom.cdf(min(b, c), b + c, 0.5)))
        name = "McNemar (exact)"
    else:
        statistic = (abs(b - c) - 1) ** 2 / (b + c)
        p = float(stats.chi2.sf(statistic, df=1))
        name = "McNemar"
    se = math.sqrt(max(0.0, (b + c) - (b - c) ** 2 / n)) / n
    z = float(stats.norm.ppf(1 - ALPHA / 2))
    return Comparison(name, float(statistic), p, difference, difference - z * se,
                      difference + z * se, n, _verdict(p, difference, "higher"), "higher")
