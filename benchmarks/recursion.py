"""A hybrid's statistical forecasts in a recursion: the kept filter continued (now) against
filtering every history from the model's first step (before).

    python -m benchmarks.recursion [--calls 20] [--series airline,weekly]

A recursive forecast (the predictor's calibration past the horizon, `predict --steps`)
asks a hybrid's statistical model for the next forecast of histories that are the true
series up to an origin and fed-back forecasts after it: one call per origin and step. For
airline and the weekly series, the seasonal ARIMA and ETS are fitted on the steps before
the test part, and `calls` such histories (origins in the validation part, 0-52 fed-back
values) are forecast both ways. Before, each call filtered from the start and also
estimated the parameters' covariance (statsmodels' default), which costs a filter per
parameter. Prints milliseconds per call, the ratio, the largest relative difference of the
forecasts, and what a hybrid's calibration asks of one model (fold 0's recursions of two
seasons or 24 steps, from every origin 2 to that many steps before a validation target,
one step ahead) would take each way.
"""

from __future__ import annotations

import argparse
import time
import warnings
from typing import Any

import numpy as np

from benchmarks.table import markdown
from lstm_tune.data.builtin import BUILTINS
from lstm_tune.stats import kalman
from lstm_tune.stats.models import StatModel

CASES = (("airline", 12, 12, 24), ("weekly", 52, 104, 104))  # series, season, validation, test


def _before(model: StatModel, g: np.ndarray) -> Any:
    """The filter as it ran before: the parameters' covariance estimated too."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.state_space(g).filter(np.asarray(model.params))


def _histories(y: np.ndarray, first_val: int, first_test: int, calls: int,
               rng: np.random.Generator) -> list[np.ndarray]:
    out = []
    for _ in range(calls):
        origin = int(rng.integers(first_val, first_test - 1))
        fed = int(rng.integers(0, 53))
        tail = y[origin] * np.exp(np.cumsum(rng.normal(0, 0.02, fed)))
        out.append(np.concatenate([y[: origin + 1], tail]))
    return out


def _timed(model: StatModel, histories: list[np.ndarray], fresh: bool) -> tuple[float,
                                                                                np.ndarray]:
    out = []
    start = time.perf_counter()
    for h in histories:
        if fresh:
            kalman._kept.clear()
        out.append(model.paths(h, np.array([len(h) - 1]), 1, 1)[0, 0])
    return (time.perf_counter() - start) / len(histories), np.array(out)


def run(calls: int = 20, series: tuple[str, ...] = ("airline", "weekly")
        ) -> list[dict[str, Any]]:
    rows = []
    rng = np.random.default_rng(0)
    for name, season, validation, test in (c for c in CASES if c[0] in series):
        y = BUILTINS[name].load()[BUILTINS[name].target].to_numpy(float)
        first_test = len(y) - test
        first_val = first_test - validation
        steps = max(2 * season, 24)  # one step ahead: origins from 2 to `steps` before
        asked = (validation + steps - 2) * steps  # each target, each a recursion of `steps`
        for kind in ("arima", "ets"):
            model = StatModel.fit(y, first_test, season, kind)
            histories = _histories(y, first_val, first_test, calls, rng)
            original = StatModel._filtered
            StatModel._filtered = _before  # type: ignore[method-assign]
            try:
                before, slow = _timed(model, histories, fresh=True)
            finally:
                StatModel._filtered = original  # type: ignore[method-assign]
            kalman._kept.clear()
            model.paths(y, np.array([len(y) - 1]), 1, 1)  # the true series' filter, kept
            now, fast = _timed(model, histories, fresh=False)
            rows.append({"series": name, "model": model.name, "calls": calls,
                         "before ms/call": before * 1e3, "now ms/call": now * 1e3,
                         "ratio": before / now,
                         "max relative difference": float(np.max(np.abs(fast - slow)
                                                                 / np.abs(slow))),
                         "calibration calls": asked,
                         "calibration before s": asked * before,
                         "calibration now s": asked * now})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--series", default="airline,weekly")
    args = parser.parse_args()
    print(markdown(run(args.calls, tuple(args.series.split(",")))))


if __name__ == "__main__":
    main()
