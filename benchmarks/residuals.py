"""What the statistical models leave for an LSTM to learn, per shipped forecasting study.

    python -m benchmarks.residuals [--studies airline,us_macro,weekly] [--resamples 2000]

An LSTM beats a statistical model on a series only where the model's errors still hold
something the past predicts. For each series, each statistical baseline (ETS, seasonal
ARIMA) is fitted as the baselines are (on the steps before the test part), and its one-step
errors (on logs where it runs on logs) are tested over the steps before the test part, after
a warm-up of two seasons, as the verdict tests them (lstm_tune/stats/residuals.py):
Ljung-Box (autocorrelation up to one season's lag) and BDS (any dependence, nonlinear too,
embedding dimension 2). Where both keep a p above 5%, the errors cannot be told from noise:
a forecaster reading the series' own past can hardly beat the model, and a gain on the
test part is mostly the luck of its points. Beside them, the
model's test RMSE (one step ahead) with a 95% bootstrap interval over the test points: how
far the luck of those points alone moves it. A series with inputs may still hold what only
the inputs predict; that is not tested here. Measurements, not tests.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from benchmarks.forecasts import study_series
from benchmarks.table import markdown
from lstm_tune.stats.models import KINDS, StatModel
from lstm_tune.stats.residuals import leftover


def _interval(errors: np.ndarray, resamples: int, rng: np.random.Generator) -> tuple[float,
                                                                                      float]:
    picks = rng.integers(0, len(errors), size=(resamples, len(errors)))
    rmse = np.sqrt(np.mean(errors[picks] ** 2, axis=1))
    return float(np.quantile(rmse, 0.025)), float(np.quantile(rmse, 0.975))


def series_rows(name: str, y: np.ndarray, test: int, season: int, resamples: int,
                rng: np.random.Generator) -> list[dict[str, Any]]:
    first = len(y) - test
    rows = []
    for kind in KINDS:
        model, found = StatModel.fit(y, first, season, kind), leftover(y, first, season, kind)
        if model is None or found is None:
            continue
        tested = np.arange(first - 1, len(y) - 1)
        level = y[tested + 1] - model.paths(y, tested, 1, 1)[:, 0]
        low, high = _interval(level, resamples, rng)
        rows.append({"series": name, "model": model.name, "errors": found.errors,
                     "Ljung-Box lags": found.lags, "Ljung-Box p": found.ljung_box_p,
                     "BDS p": found.bds_p, "noise": "yes" if found.noise else "no",
                     "test RMSE": float(np.sqrt(np.mean(level ** 2))),
                     "95% interval": f"{low:.4g}-{high:.4g}"})
    return rows


def study_rows(study: str, resamples: int, rng: np.random.Generator) -> list[dict[str, Any]]:
    settings, series = study_series(study)
    season = int(settings.get("season") or 0)
    test = int(settings["split"]["test"])
    return [{"study": study, **row} for name, y in series
            for row in series_rows(name, y, test, season, resamples, rng)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--studies", default="airline,us_macro,weekly")
    parser.add_argument("--resamples", type=int, default=2000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows = [r for s in args.studies.split(",") for r in study_rows(s, args.resamples, rng)]
    print(markdown(rows))


if __name__ == "__main__":
    main()
