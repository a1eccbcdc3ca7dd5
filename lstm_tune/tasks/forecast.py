"""Forecasting one series: a linear head, MSE on the scaled (transformed) target, RMSE in the
data's units, naive and statistical baselines."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lstm_tune import metrics
from lstm_tune.errors import problem_and_fix


class Forecast:
    name = "forecast"
    metric = "rmse"
    direction = "minimize"
    loss = "mse"
    default_steps_ahead = 1  # the next step
    reads_target = True  # the target's own history may be an input

    def check(self, sequences: bool, horizon: int | None, target_as_input: bool | None,
              transforms: tuple[str, ...]) -> str | None:
        if sequences:
            return problem_and_fix("task: independent sequences (data.sequence, data.ts) are "
                                   "classified", "set task: classify")
        if horizon is not None and horizon < 1:
            return "horizon: a forecast needs horizon >= 1 (steps ahead)"
        return None

    def outputs(self, data: Any) -> int:
        return 1

    def head(self, h: Any, n_outputs: int) -> Any:
        from keras import layers

        return layers.Dense(n_outputs, name="forecast")(h)

    def decode(self, data: Any, raw: np.ndarray, ref: np.ndarray) -> np.ndarray:
        return data.units(raw, ref)

    def validation_value(self, data: Any, raw: np.ndarray) -> float:
        val = data.val
        with np.errstate(all="ignore"):
            value = metrics.rmse(data.actual(val), data.to_units(val, raw))
        return value if math.isfinite(value) else float("inf")

    tie_breaker = None

    def validation_logs(self, data: Any, raw: np.ndarray) -> dict[str, float]:
        return {"val_rmse": self.validation_value(data, raw)}

    def scores(self, actual: Any, predicted: Any, proba: np.ndarray | None = None,
               classes: tuple[str, ...] = ()) -> dict[str, float]:
        return {"rmse": metrics.rmse(actual, predicted), "mae": metrics.mae(actual, predicted)}

    def baselines(self, data: Any, split: Any) -> list[Any]:
        from lstm_tune.baselines import forecast_baselines

        return forecast_baselines(data, split)
