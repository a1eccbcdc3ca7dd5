"""The baselines every model is compared with, on exactly the test points it is scored on.

Forecasts: persistence and seasonal naive (from observed data), and the statistical models
of `statistical.py` (exponential smoothing, seasonal ARIMA). Classification: the majority
class of the training part and 1-nearest-neighbour. A tuned LSTM that loses to these is not
worth deploying, and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


def flat_inputs(data: Any, split: Split) -> np.ndarray:
    """A split's samples as flat vectors for distance-based baselines: windows as they are,
    sequences of different lengths resampled (linearly, per channel) to the padded length."""
    if not getattr(data, "masked", False):
        return split.x.reshape(len(split), -1)
    steps = data.window
    rows = []
    for x, n in zip(split.x, data.lengths_at(split.target_idx)):
        grid = np.linspace(0, n - 1, steps)
        rows.append(np.stack([np.interp(grid, np.arange(n), x[:n, c])
                              for c in range(x.shape[1])], axis=1).reshape(-1))
    return np.asarray(rows)


def class_baselines(data: Any, split: Split) -> list[Baseline]:
    """The majority class and 1-nearest-neighbour (Euclidean) of the samples before `split`
    (training and validation: a baseline has nothing to select)."""
    from sklearn.neighbors import KNeighborsClassifier

    train = list(data.actual(data.train))
    majority = max(sorted(set(train)), key=train.count)
    seen = [data.train, data.val]
    knn = KNeighborsClassifier(n_neighbors=1, algorithm="brute").fit(
        np.concatenate([flat_inputs(data, s) for s in seen]),
        np.concatenate([data.actual(s) for s in seen]))
    resampled = " resampled to one length," if getattr(data, "masked", False) else ""
    return [
        Baseline("majority_class", f"always the training part's most frequent class "
                 f"({majority!r})", np.array([majority] * len(split))),
        Baseline("nearest_neighbour", "the class of the closest training or validation "
                 f"sample (1-NN, Euclidean distance on the scaled{resampled} inputs)",
                 knn.predict(flat_inputs(data, split))),
    ]
