"""The baselines every model is compared with, on exactly the test points it is scored on.

Forecasts: persistence and seasonal naive (from observed data), and the statistical models
of `statistical.py` (exponential smoothing, seasonal ARIMA). Classification: the majority
class of the training part. A tuned LSTM that loses to these is not worth deploying, and
the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_tune.data.window import Dataset, Split
from lstm_tune.statistical import statistical_forecasts


@dataclass(frozen=True)
class Baseline:
    name: str
    method: str  # in words, for the report
    predicted: np.ndarray  # one per test point: data units, or class labels


def persistence(data: Dataset, split: Split) -> np.ndarray:
    """The last observed value: y[t - steps_ahead]."""
    return data.table.target[split.target_idx - data.steps_ahead]


def seasonal_lag(data: Dataset) -> int:
    """k seasons back, k the fewest that reach the window's end or before."""
    return (int(np.ceil(data.steps_ahead / data.season)) or 1) * data.season


def seasonal_naive(data: Dataset, split: Split) -> np.ndarray:
    """The value one season earlier, from observed data: y[t - seasonal_lag]."""
    return data.table.target[split.target_idx - seasonal_lag(data)]


def naive_baselines(data: Dataset, split: Split) -> list[Baseline]:
    out = [Baseline("persistence", f"the last observed value, {data.steps_ahead} step(s) "
                    "before the target", persistence(data, split))]
    if np.all(split.target_idx - seasonal_lag(data) >= 0):
        out.append(Baseline("seasonal_naive", f"the value {seasonal_lag(data)} steps earlier",
                            seasonal_naive(data, split)))
    return out


def forecast_baselines(data: Dataset, split: Split, statistical: bool = True) -> list[Baseline]:
    """Naive and (optionally) statistical forecasts of the split's targets."""
    out = naive_baselines(data, split)
    if statistical:
        out += [Baseline(f.name, f.method, f.predicted) for f in statistical_forecasts(
            data.table.target, split.target_idx, data.steps_ahead, data.season)]
    return out


def class_baselines(data: Dataset, split: Split) -> list[Baseline]:
    train = list(data.actual(data.train))
    majority = max(sorted(set(train)), key=train.count)
    return [Baseline("majority_class", f"always the training part's most frequent class "
                     f"({majority!r})", np.array([majority] * len(split)))]
