"""Statistical baselines for forecasts: exponential smoothing and a seasonal ARIMA.

A tuned LSTM is only worth it if it beats the classical models a forecaster would try first,
on the same points. Both are statsmodels state-space models with fixed orders (no automatic
order search, so the figure is reproducible and cheap): fitted once on everything before the
first test target, then, with those parameters, filtered over the true history so that
every test target (or path of `horizon` targets) is forecast from its own origin, exactly as
the LSTM sees the window before it. On a positive target both run on logs (multiplicative season).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

MIN_SEASONS = 2  # a seasonal component needs at least this many seasons of history
FIT_POINTS = 600  # long series: fit on the last this-many points before the test (speed)


@dataclass(frozen=True)
class StatForecast:
    name: str
    method: str  # what was fitted, in words, for the report
    predicted: np.ndarray  # one forecast per target, data units


def _ets(season: int | None) -> Any:
    """Holt(-Winters): smoothing parameters by likelihood with the initial states
    concentrated out (a few parameters, not season + 2 of them: 5x faster on a weekly
    season, and a higher likelihood), then filtered over the longer history from those same
    fitted initial states, so that nothing after the fitting part sets them."""
    from statsmodels.tsa.statespace.exponential_smoothing import ExponentialSmoothing

    def fit_then_filter(train: np.ndarray, history: np.ndarray) -> Any:
        fitted = ExponentialSmoothing(train, trend=True, seasonal=season,
                                      initialization_method="concentrated").fit(disp=False)
        state = np.asarray(fitted.initial_state, dtype=float).ravel()
        known = ExponentialSmoothing(history, trend=True, seasonal=season,
                                     initialization_method="known", initial_level=state[0],
                                     initial_trend=state[1],
                                     initial_seasonal=state[2:] if season else None)
        return known.filter(fitted.params)

    return fit_then_filter


def _arima(season: int | None) -> Any:
    """(0,1,1)(0,1,1,s): parameters fitted on the differenced series (a state of
    ~s instead of ~2s: 5x faster on a weekly season, the same estimates), then the full
    model filtered over the longer history with them."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    seasonal_order = (0, 1, 1, season) if season else (0, 0, 0, 0)

    def fit_then_filter(train: np.ndarray, history: np.ndarray) -> Any:
        fitted = SARIMAX(train, order=(0, 1, 1), seasonal_order=seasonal_order,
                         simple_differencing=True).fit(disp=False)
        return SARIMAX(history, order=(0, 1, 1), seasonal_order=seasonal_order).filter(
            fitted.params)

    return fit_then_filter


def _models(season: int, seasonal: bool) -> dict[str, tuple[str, Any]]:
    if seasonal:
        return {
            "ets": (f"exponential smoothing, additive trend and season ({season}) "
                    "(Holt-Winters, statsmodels)", _ets(season)),
            "seasonal_arima": (f"seasonal ARIMA (0,1,1)(0,1,1,{season}), fixed orders "
                               "(statsmodels SARIMAX)", _arima(season)),
        }
    return {
        "ets": ("exponential smoothing with additive trend (Holt, statsmodels)", _ets(None)),
        "arima": ("ARIMA (0,1,1), fixed order (statsmodels SARIMAX)", _arima(None)),
    }


def statistical_forecasts(y: np.ndarray, target_idx: np.ndarray, steps_ahead: int,
                          season: int, horizon: int = 1) -> list[StatForecast]:
    """Forecast y[t .. t + horizon - 1] for every t in target_idx from y[: t - steps_ahead + 1]
    (the origin and before), with models fitted on y[: min(target_idx)] only: one value per
    target (horizon 1) or a path (n, horizon). Models that fail to fit are left out.

    The same series and points give the same forecasts, so one process fits them once
    (`compare` evaluates every strategy x seed on the same test points)."""
    y = np.ascontiguousarray(y, dtype=float)
    return list(_cached(y.tobytes(), tuple(int(t) for t in target_idx), steps_ahead, season,
                        horizon))


@lru_cache(maxsize=64)
def _cached(y_bytes: bytes, target_idx: tuple[int, ...], steps_ahead: int, season: int,
            horizon: int) -> tuple[StatForecast, ...]:
    return tuple(_fit_and_forecast(np.frombuffer(y_bytes, dtype=float), np.asarray(target_idx),
                                   steps_ahead, season, horizon))


def _fit_and_forecast(y: np.ndarray, target_idx: np.ndarray, steps_ahead: int,
                      season: int, horizon: int) -> list[StatForecast]:
    start = max(0, int(np.min(target_idx)) - max(FIT_POINTS, 10 * season))
    y = y[start:]
    target_idx = target_idx - start
    first = int(target_idx.min())
    last = int(target_idx.max()) + horizon - 1
    log = bool(np.all(y > 0))
    g = np.log(y) if log else y
    seasonal = season > 1 and first >= MIN_SEASONS * season + 2
    tail = f", fitted on the last {first} points before the test part" if start else ""
    out = []
    for name, (method, fit_then_filter) in _models(season, seasonal).items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                full = fit_then_filter(g[:first], g[: last + 1])
                if steps_ahead == 1 and horizon == 1:  # one step ahead of the true history
                    pred = full.get_prediction(start=first, end=last)
                    z = np.asarray(pred.predicted_mean)[target_idx - first]
                else:  # from each origin, a path with no data after the origin
                    z = np.array([np.asarray(full.get_prediction(
                        start=t - steps_ahead + 1, end=t + horizon - 1, dynamic=True
                    ).predicted_mean)[steps_ahead - 1:] for t in target_idx])
                    z = z[:, 0] if horizon == 1 else z
        except Exception:  # a baseline that cannot be fitted is not shown, never fatal
            continue
        if not np.all(np.isfinite(z)):
            continue
        out.append(StatForecast(name, method + (" on logs" if log else "") + tail,
                                np.exp(z) if log else z))
    return out
