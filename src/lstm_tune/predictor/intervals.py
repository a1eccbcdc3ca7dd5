"""Split-conformal prediction intervals, per step ahead, in each series' own scale.

The scores are the absolute errors of forecasts the predictor's recipe made of data its
models never trained on: every validation fold's part, forecast by that recipe trained on the
fold's training part (search's early stopping for a single model; the refit's epochs for a
refit or an ensemble). Never the test part. In a panel each error is divided by its series'
scale (the in-sample seasonal-naive error before the validation parts, as MASE), the scores
of one step ahead are pooled over the series, and an interval is forecast ± quantile × the
series' scale; with one series the scale cancels.

The quantile is the ceil((n + 1) level)-th smallest of n scores (Vovk et al.; Angelopoulos &
Bates 2021), which covers at least `level` of new points if errors are exchangeable. With
too few scores for a level (n < level / (1 - level): 19 for 95%) the largest is used, and
that covers only n / (n + 1): `Calibration.coarse` says so and the report prints it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

LEVELS = (80, 95)


def conformal_rank(n: int, level: float) -> int:
    """Which order statistic (1-based) of n scores bounds a `level` (0-1) interval."""
    return math.ceil((n + 1) * level - 1e-9)


@dataclass(frozen=True)
class Calibration:
    scores: tuple[tuple[float, ...], ...]  # per step ahead (1..): |error| / series scale
    scales: dict[str, float]  # per series: what its errors were divided by
    direct: int  # steps 1..direct from direct forecasts; steps after, from recursion
    folds: int  # validation folds the direct scores come from
    source: str  # the models that made the scores, in words

    @property
    def steps(self) -> int:
        return len(self.scores)

    def counts(self) -> list[int]:
        return [len(s) for s in self.scores]

    def quantile(self, step: int, level: float) -> float:
        """The score bounding a `level` (%) interval `step` (1..) steps ahead; NaN beyond
        the calibrated steps."""
        if step > self.steps or not self.scores[step - 1]:
            return float("nan")
        ordered = np.sort(np.asarray(self.scores[step - 1], dtype=float))
        k = conformal_rank(len(ordered), level / 100.0)
        return float(ordered[min(k, len(ordered)) - 1])

    def coarse(self, level: float) -> list[int]:
        """The steps with too few scores to guarantee `level` (%)."""
        return [i + 1 for i, s in enumerate(self.scores)
                if conformal_rank(len(s), level / 100.0) > len(s)]

    def bounds(self, forecast: np.ndarray, series: Sequence[str], level: float,
               first_step: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of forecasts (n, steps) whose first column is
        `first_step` steps ahead, each in its series' scale."""
        forecast = np.asarray(forecast, dtype=float)
        forecast = forecast[:, None] if forecast.ndim == 1 else forecast
        q = np.array([self.quantile(first_step + j, level) for j in range(forecast.shape[1])])
        scale = np.array([self.scales.get(str(s), np.nan) for s in series])[:, None]
        half = q[None, :] * scale
        return forecast - half, forecast + half

    def to_json(self) -> dict[str, Any]:
        return {"scores": [list(s) for s in self.scores], "scales": self.scales,
                "direct": self.direct, "folds": self.folds, "source": self.source}

    @staticmethod
    def from_json(value: dict[str, Any]) -> "Calibration":
        return Calibration(tuple(tuple(float(v) for v in s) for s in value["scores"]),
                           {str(k): float(v) for k, v in value["scales"].items()},
                           int(value["direct"]), int(value["folds"]), str(value["source"]))


def series_scale(history: np.ndarray, season: int) -> float:
    """A series' scale for its errors: MASE's (the in-sample seasonal-naive mean absolute
    error), else its standard deviation, else 1."""
    from lstm_tune.metrics import seasonal_naive_mae

    h = np.asarray(history, dtype=float)
    for value in (seasonal_naive_mae(h, season), float(np.std(h)) if len(h) else float("nan")):
        if math.isfinite(value) and value > 0:
            return float(value)
    return 1.0


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> list[float]:
    """The share of actual values inside their interval, per step (column)."""
    actual = np.asarray(actual, dtype=float).reshape(lower.shape)
    inside = (actual >= lower) & (actual <= upper)
    return [float(v) for v in inside.mean(axis=0)]
