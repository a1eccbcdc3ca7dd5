"""Metrics in the data's own units, and the naive baselines every forecast is compared with."""

from __future__ import annotations

import numpy as np

from lstm_tune.data.window import Dataset, Split


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(actual, float) - np.asarray(predicted, float)) ** 2)))


def mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(actual, float) - np.asarray(predicted, float))))


def accuracy(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.asarray(actual) == np.asarray(predicted)))


def persistence(data: Dataset, split: Split) -> np.ndarray:
    """The last observed value: y[t - steps_ahead]."""
    return data.table.target[split.target_idx - data.steps_ahead]


def seasonal_lag(data: Dataset) -> int:
    """k seasons back, k the fewest that reach the window's end or before."""
    return (int(np.ceil(data.steps_ahead / data.season)) or 1) * data.season


def seasonal_naive(data: Dataset, split: Split) -> np.ndarray:
    """The value one season earlier, from observed data: y[t - seasonal_lag]."""
    return data.table.target[split.target_idx - seasonal_lag(data)]


def baselines(data: Dataset, split: Split) -> dict[str, float]:
    """Test RMSE of the naive forecasts on exactly the split's target points."""
    actual = data.actual(split)
    out = {"persistence": rmse(actual, persistence(data, split))}
    if np.all(split.target_idx - seasonal_lag(data) >= 0):
        out["seasonal_naive"] = rmse(actual, seasonal_naive(data, split))
    return out
