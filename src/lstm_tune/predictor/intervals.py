"""Split-conformal prediction intervals, per step ahead, in each series' own scale.

The scores are absolute errors of forecasts of validation parts that the forecasting models
never trained on, never of the test part. Two sets of them where both exist, and each
step's interval takes the wider: the errors of the model itself on its validation fold(s)
(optimistic when many trials competed for the smallest of them: on airline the best of 30
trials had validation RMSE 13.1 where its configuration retrained with other seeds had
18.8-27.4, and intervals from its own errors covered 79% of the test points at 95%), and
the errors of its configuration retrained with a new seed on each fold's training part
(which measure the configuration, not this model: on a synthetic series with one trial a
luckier retrained seed alone covered 64% at 80%). A refit or an ensemble trained on the
validation part, so only the second set exists for it. In a panel each error is divided by
its series' scale (the in-sample seasonal-naive error before the validation parts, as MASE),
the scores of one step ahead are pooled over the series, and an interval is forecast ±
quantile × the series' scale; with one series the scale cancels.

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
Scores = tuple[tuple[float, ...], ...]  # per step ahead (1..): |error| / series scale


def conformal_rank(n: int, level: float) -> int:
    """Which order statistic (1-based) of n scores bounds a `level` (0-1) interval."""
    return math.ceil((n + 1) * level - 1e-9)


def _quantile(scores: Sequence[float], level: float) -> float:
    ordered = np.sort(np.asarray(scores, dtype=float))
    k = conformal_rank(len(ordered), level / 100.0)
    return float(ordered[min(k, len(ordered)) - 1])


@dataclass(frozen=True)
class Calibration:
    sets: dict[str, Scores]  # each set of errors, by what made them (see the docstring)
    scales: dict[str, float]  # per series: what its errors were divided by
    direct: int  # steps 1..direct from direct forecasts; steps after, from recursion
    folds: int  # validation folds the direct scores come from
    source: str  # the models that made the scores, in words

    @property
    def steps(self) -> int:
        """Steps ahead every set calibrates."""
        return min(len(s) for s in self.sets.values())

    def counts(self) -> list[int]:
        """Per step, the errors each set rests on (the fewest of the sets)."""
        return [min(len(s[i]) for s in self.sets.values()) for i in range(self.steps)]

    def quantile(self, step: int, level: float) -> float:
        """The score bounding a `level` (%) interval `step` (1..) steps ahead: the wider of
        the sets'; NaN beyond the calibrated steps."""
        if step > self.steps or not all(s[step - 1] for s in self.sets.values()):
            return float("nan")
        return max(_quantile(s[step - 1], level) for s in self.sets.values())

    def coarse(self, level: float) -> list[int]:
        """The steps with too few scores to guarantee `level` (%)."""
        return [i + 1 for i, n in enumerate(self.counts())
                if conformal_rank(n, level / 100.0) > n]

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
        return {"sets": {k: [list(step) for step in v] for k, v in self.sets.items()},
                "scales": self.scales, "direct": self.direct, "folds": self.folds,
                "source": self.source}

    @staticmethod
    def from_json(value: dict[str, Any]) -> "Calibration":
        return Calibration({k: tuple(tuple(float(x) for x in step) for step in v)
                            for k, v in value["sets"].items()},
                           {str(k): float(v) for k, v in value["scales"].items()},
                           int(value["direct"]), int(value["folds"]), str(value["source"]))


def series_scale(history: np.ndarray, season: int) -> float:
    """A series' scale for its errors: MASE's (the in-sample seasonal-naive mean absolute
    error), else its standard deviation, else 1."""
    from lstm_tune.stats.metrics import seasonal_naive_mae

    h = np.asarray(history, dtype=float)
    for value in (seasonal_naive_mae(h, season), float(np.std(h)) if len(h) else float("nan")):
        if math.isfinite(value) and value > 0:
            return float(value)
    return 1.0


def inside(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Whether each actual value lies in its interval (rows: origins, columns: steps)."""
    actual = np.asarray(actual, dtype=float).reshape(lower.shape)
    return (actual >= lower) & (actual <= upper)
