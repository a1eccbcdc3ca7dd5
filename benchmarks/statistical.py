"""Which statistical forecast the validation part would choose, and what the test part says.

    python -m benchmarks.statistical [--studies airline,weekly] [--folds 1]

The bar a forecaster sets for an LSTM is the best statistical model they would pick, and
they can pick only on data before the test part. For each single-series study, each fitted
model (ETS and the seasonal ARIMA, each on logs and on the values; the baselines run on logs
where a series is positive) and the equal-weight mean of each ETS with each ARIMA (nothing
estimated, as M4's Comb benchmark averages exponential smoothing models) forecasts one step
ahead twice: over the validation part, fitted on the steps before it, and over the test
part, fitted on the steps before that, as the baselines are. `chosen` marks what the
validation part would pick. `--folds N` validates on N rolling origins instead: the N
validation-sized parts before the test part, each forecast by a model fitted on the steps
before it (more points to choose on, as `split.folds` gives the search). Measurements, not
tests.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from benchmarks.forecasts import study_series
from benchmarks.table import markdown
from lstm_tune.stats.models import KINDS, StatModel, model_name

SCALES = {"logs": True, "values": False}


def one_step(y: np.ndarray, start: int, stop: int, season: int, kind: str, log: bool
             ) -> np.ndarray | None:
    """Forecasts of y[start:stop], one step ahead, by `kind` on `log` fitted on the steps
    before `start` (as the baselines are); None where it cannot be fitted."""
    model = StatModel.fit(y, start, season, kind, log=log)
    if model is None:
        return None
    return model.paths(y, np.arange(start - 1, stop - 1), 1, 1)[:, 0]


def series_rows(study: str, y: np.ndarray, validation: int, test: int, season: int,
                folds: int = 1) -> list[dict[str, Any]]:
    first = len(y) - test
    starts = [first - k * validation for k in range(folds, 0, -1)]  # oldest first
    truth = {"validation": np.concatenate([y[a:a + validation] for a in starts]),
             "test": y[first:]}
    forecasts: dict[str, dict[str, np.ndarray]] = {}
    for kind in KINDS:
        for scale, log in SCALES.items():
            found = [one_step(y, a, a + validation, season, kind, log) for a in starts]
            test_part = one_step(y, first, len(y), season, kind, log)
            if test_part is not None and all(f is not None for f in found):
                forecasts[f"{model_name(kind, season)}, {scale}"] = {
                    "validation": np.concatenate(found), "test": test_part}
    ets = [n for n in forecasts if n.startswith("ets")]
    arima = [n for n in forecasts if not n.startswith("ets")]
    for e in ets:
        for a in arima:
            forecasts[f"mean of {e} and {a}"] = {
                p: (forecasts[e][p] + forecasts[a][p]) / 2 for p in truth}
    rmse = {name: {p: float(np.sqrt(np.mean((f[p] - truth[p]) ** 2))) for p in truth}
            for name, f in forecasts.items()}
    chosen = min(rmse, key=lambda n: rmse[n]["validation"]) if rmse else None
    return [{"study": study, "folds": folds, "model": name, "validation RMSE": r["validation"],
             "test RMSE": r["test"], "chosen": "yes" if name == chosen else ""}
            for name, r in rmse.items()]


def study_rows(study: str, folds: int = 1) -> list[dict[str, Any]]:
    settings, series = study_series(study)
    if len(series) != 1:
        raise SystemExit(f"--studies: {study} is a panel; give single-series studies")
    split = settings["split"]
    return series_rows(study, series[0][1], int(split["validation"]), int(split["test"]),
                       int(settings.get("season") or 0), folds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--studies", default="airline,weekly")
    parser.add_argument("--folds", default="1",
                        help="rolling validation origins, or several joined by + (1+3)")
    args = parser.parse_args()
    print(markdown([r for folds in args.folds.split("+") for s in args.studies.split(",")
                    for r in study_rows(s, int(folds))]))


if __name__ == "__main__":
    main()
