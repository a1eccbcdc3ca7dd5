"""Forecasting one series or many (a panel), one step or a path of `horizon` steps at once:
a linear head of `horizon` units, MSE on the scaled (transformed) target, errors in each
series' units (RMSE, MAE) and scale-free ones (MASE, sMAPE), naive and statistical
baselines forecasting the same steps from the same origins."""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from lstm_tune.stats import metrics
from lstm_tune.errors import problem_and_fix


MAX_STORED_FORECASTS = 50_000  # values per fold; more is left to be recomputed if needed

class Forecast:
    name = "forecast"
    metric = "rmse"  # of one series; a panel's default is "mase" (StudySpec.test_metric)
    metrics = metrics.FORECAST_METRICS
    direction = "minimize"
    loss = "mse"
    reads_target = True  # the target's own history may be an input
    pooled = False  # a forecast needs its last steps as they are
    points = "points"
    compared = "origins"  # one loss differential per origin (its path's steps averaged)
    predicts = "forecasts past the data"
    predict_input = ""  # the study's data, or --input HISTORY.csv
    unused_params = ()

    def metric_label(self, name: str) -> str:
        return "sMAPE" if name == "smape" else name.upper()  # the symmetric MAPE's usual name

    def check(self, framing: str, horizon: int | None, target_as_input: bool | None,
              transforms: tuple[str, ...], metric: str | None = None, combine: bool = False,
              bases: tuple[str, ...] = (), missing: str = "refuse") -> str | None:
        if framing == "tokens":
            return problem_and_fix("task: texts are classified", "set task: classify")
        if framing == "sequences":
            return problem_and_fix("task: independent sequences (data.sequence, data.ts) are "
                                   "classified", "set task: classify")
        if horizon is not None and horizon < 1:
            return "horizon: a forecast needs horizon >= 1 (steps ahead)"
        if metric is not None and metric not in self.metrics:
            return problem_and_fix(f"metric: a forecast is judged by one of "
                                   f"{', '.join(self.metrics)}, not {metric!r}",
                                   "use one of them")
        return None

    def default_metric(self, panel: bool) -> str:
        """RMSE (data units) for one series, MASE (scale-free) for a panel."""
        return "mase" if panel else self.metric

    def targets(self, horizon: int | None) -> tuple[int, int]:
        """(first target's steps after the window, targets per sample): the next
        `horizon` steps, all at once."""
        return 1, horizon or 1

    def outputs(self, data: Any) -> int:
        return data.horizon

    def head(self, h: Any, n_outputs: int) -> Any:
        from keras import layers

        return layers.Dense(n_outputs, name="forecast")(h)

    def decode(self, data: Any, raw: np.ndarray, ref: np.ndarray,
               series: np.ndarray | None = None) -> np.ndarray:
        return data.units(raw, ref, series)

    def per_series(self, data: Any, split: Any, predicted: np.ndarray,
                   step: int | None = None) -> dict[str, dict[str, float]]:
        """Every error of each series on the split (of one step ahead, if `step` is given:
        0 is the first), MASE scaled by the series' own history before the split."""
        actual, predicted = np.asarray(data.actual(split), float), np.asarray(predicted, float)
        if step is not None and actual.ndim == 2:
            actual, predicted = actual[:, step], predicted[:, step]
        s = split.series_index
        scales = data.history_scales(split)
        with np.errstate(all="ignore"):
            return {name: metrics.forecast_errors(actual[s == i], predicted[s == i], scales[i])
                    for i, name in enumerate(data.series_names) if np.any(s == i)}

    def by_series(self, data: Any, split: Any, predicted: np.ndarray
                  ) -> dict[str, dict[str, float]]:
        return self.per_series(data, split, predicted) if data.table.panel else {}

    def scores(self, data: Any, split: Any, predicted: np.ndarray,
               proba: np.ndarray | None = None) -> dict[str, float]:
        """Each error averaged over the series (for one series, its own), the study's
        metric first."""
        per = self.per_series(data, split, predicted)
        order = (data.metric,) + tuple(m for m in self.metrics if m != data.metric)
        return {m: float(np.mean([v[m] for v in per.values()])) for m in order}

    def by_step(self, data: Any, split: Any, predicted: np.ndarray) -> list[float]:
        """The study's metric for each step ahead (1 to horizon), averaged over series."""
        if data.horizon == 1:
            return [self.scores(data, split, predicted)[data.metric]]
        return [float(np.mean([v[data.metric] for v in
                               self.per_series(data, split, predicted, step).values()]))
                for step in range(data.horizon)]

    def readable(self, outputs: np.ndarray, classes: Sequence[str], horizon: int
                 ) -> tuple[np.ndarray, None]:
        """(n,) forecasts for one step, (n, horizon) for a path; no probabilities."""
        return (outputs[:, 0] if horizon == 1 else outputs), None

    def validation_value(self, data: Any, raw: np.ndarray) -> float:
        val = data.val
        with np.errstate(all="ignore"):
            value = self.scores(data, val, data.to_units(val, raw))[data.metric]
        return value if math.isfinite(value) else float("inf")

    tie_breaker = None

    def validation_logs(self, data: Any, raw: np.ndarray) -> dict[str, float]:
        return {f"val_{data.metric}": self.validation_value(data, raw)}

    def combine(self, members: list[tuple[Any, Any, np.ndarray]]
                ) -> tuple[np.ndarray, None]:
        """The mean forecast in the data's units: members may use different transforms,
        whose outputs only agree once inverted."""
        units = [self.decode(data, raw, split.ref, split.series) for data, split, raw in members]
        return np.mean(units, axis=0), None

    def baselines(self, data: Any, split: Any) -> list[Any]:
        from lstm_tune.tasks.baselines import forecast_baselines

        return forecast_baselines(data, split)

    def leftover(self, data: Any, split: Any) -> dict[str, dict[str, Any]]:
        from lstm_tune.tasks.baselines import statistical_leftover

        return statistical_leftover(data, split)

    def reference(self, data: Any, split: Any) -> Any:
        from lstm_tune.tasks.baselines import naive_baselines

        return naive_baselines(data, split)[0]  # persistence

    def compare(self, data: Any, split: Any, predicted: np.ndarray, baseline: np.ndarray
                ) -> Any:
        """Diebold-Mariano on the study metric's loss over the split's origins, matched
        across series by their distance from each series' end."""
        from lstm_tune.tasks.significance import forecast_comparison

        spans = {name: stop for name, _, stop in data.table.parts}
        stops = np.array([spans[data.series_names[int(s)]] for s in split.series_index])
        times = (np.asarray(split.target_idx) - stops).tolist()
        scales = data.history_scales(split)[split.series_index]
        return forecast_comparison(data.metric, data.actual(split), predicted, baseline, times,
                                   scales, data.horizon)

    def kept_forecasts(self, data: Any, model: Any) -> list | None:
        """The model's validation forecasts (its kept epoch's weights), unless there are
        too many to keep on a trial."""
        if len(data.val) * data.horizon > MAX_STORED_FORECASTS:
            return None
        raw = np.asarray(model.predict_on_batch(data.val.x))
        return np.asarray(self.decode(data, raw, data.val.ref, data.val.series)).tolist()

    def served(self, classes: Sequence[str], horizon: int) -> str:
        return f"forecasts (batch, {horizon}) in the data's units"

    def class_problem(self, data: Any, class_name: str | None) -> str | None:
        return None if class_name is None else \
            f"no class {class_name!r} (classes: none: this is a forecast)"

    def explained_output(self, data: Any, raw: np.ndarray, class_name: str | None = None
                         ) -> None:
        return None

    def pick(self, raw: np.ndarray, output: Any, step: int) -> np.ndarray:
        return np.asarray(raw).reshape(len(raw), -1)[:, step].astype(np.float64)

    def output_name(self, data: Any, output: Any, step: int) -> str:
        if data.horizon > 1:
            return f"forecast {step + 1} step(s) ahead (model scale)"
        return "forecast (model scale)"

    def output_scale(self, data: Any, output: Any, step: int) -> str:
        label = data.transform.label
        ahead = f" {step + 1} step(s) ahead" if data.horizon > 1 else ""
        each = " of each series" if data.table.panel else ""
        return (f"the model's output{ahead}: the {label + ' of ' if label else ''}"
                f"{data.target_name}, standardised on the training part{each}")

    def tables(self, predictions: dict[str, Any], classes: Sequence[str]) -> dict[str, Any]:
        return {}  # its per-series table is `by_series`

    def sample_errors(self, data: Any, split: Any, predicted: np.ndarray, actual: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray | None]:
        """Absolute errors; a panel's also in MASE's scale (series of different units)."""
        errors = np.abs(np.asarray(predicted, float) - np.asarray(actual, float))
        if not data.table.panel:
            return errors, None
        scales = data.history_scales(data.test)[split.series_index]
        return errors, errors / scales.reshape(-1, *[1] * (errors.ndim - 1))  # paths too
