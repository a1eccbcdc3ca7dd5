"""Statistical forecasters: exponential smoothing and a seasonal ARIMA, with fixed orders.

A tuned LSTM is only worth it if it beats the classical models a forecaster would try first,
on the same points; and where they are strong it can lean on them (a hybrid learns what they
leave; a combination averages with them). Both are statsmodels state-space models with fixed
orders (no order search, so a figure is reproducible and cheap). A `StatModel` is fitted once
on a series' first part; with those parameters the model is filtered over the history, and
the forecast of every step ahead from every origin comes from the state predicted at that
origin (design · transition^(h-1) · state: what statsmodels' dynamic prediction computes,
for all origins at once), so a forecast sees the history up to its origin and nothing after.
On a positive series both run on logs (a multiplicative season). A StatModel is plain values:
a predictor carries it to forecast past the data.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np

from lstm_tune.stats.kalman import FilterRun, keep_run, kept_run

MIN_SEASONS = 2  # a seasonal component needs at least this many seasons of history
FIT_POINTS = 600  # long series: fit on the last this-many points before the test (speed)
KINDS = ("ets", "arima")  # the fitted models: statistical baselines, hybrid bases
# what a combination may average the LSTM with: persistence too, which nothing is fitted
# for (on us_macro's recession quarters it beat both fitted models)
COMBINED_KINDS = (*KINDS, "naive")


@dataclass(frozen=True)
class StatForecast:
    name: str
    method: str  # what was fitted, in words, for the report
    predicted: np.ndarray  # one forecast per target, data units


def _ets_model(g: np.ndarray, season: int | None, initial: np.ndarray | None) -> Any:
    from statsmodels.tsa.statespace.exponential_smoothing import ExponentialSmoothing

    if initial is None:
        return ExponentialSmoothing(g, trend=True, seasonal=season,
                                    initialization_method="concentrated")
    return ExponentialSmoothing(g, trend=True, seasonal=season, initialization_method="known",
                                initial_level=initial[0], initial_trend=initial[1],
                                initial_seasonal=initial[2:] if season else None)


# A second start for the smoothing parameters (level, trend[, season]). From statsmodels'
# start (0.1, 0.01, 0.01) the likelihood often climbs to a season that never changes: on
# Holt-Winters series simulated with a seasonal smoothing of 0.6 it stopped at 0 on 7 of 8,
# 2-22 log-likelihood points below where this start ends (tests/stats/test_models.py).
ETS_START = {"smoothing_level": 0.3, "smoothing_trend": 0.01, "smoothing_seasonal": 0.3}


def _ets_fit(model: Any) -> Any:
    """The maximum likelihood fit from statsmodels' start and from ETS_START: the higher
    likelihood is kept (either start may fail alone)."""
    fits = []
    second = np.array([ETS_START.get(name, v)
                       for name, v in zip(model.param_names, model.start_params)])
    for start in (None, second):
        try:
            fits.append(model.fit(start_params=start, disp=False))
        except Exception:  # a start the optimizer cannot leave; the other may still fit
            continue
    fits = [f for f in fits if math.isfinite(f.llf)]
    if not fits:
        raise ValueError("no start fits")
    return max(fits, key=lambda f: f.llf)


def _arima_model(g: np.ndarray, season: int | None, differenced: bool = False) -> Any:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    seasonal_order = (0, 1, 1, season) if season else (0, 0, 0, 0)
    return SARIMAX(g, order=(0, 1, 1), seasonal_order=seasonal_order,
                   simple_differencing=differenced)


@dataclass(frozen=True)
class StatModel:
    """One series' statistical forecaster with fixed, fitted parameters.

    ETS (Holt-Winters): smoothing parameters by likelihood with the initial states
    concentrated out, then filtered from those same initial states (nothing after the
    fitting part sets them). ARIMA (0,1,1)(0,1,1,s): parameters fitted on the differenced
    series (the same estimates, a state half the size), then the full model filtered. Both
    are filtered from `anchor`, the first step they were fitted on."""

    kind: str  # "ets", "arima" or "naive" (persistence: no parameters)
    season: int  # 0: no seasonal component
    log: bool
    anchor: int  # the series position the fit and every filter start at
    params: tuple[float, ...]
    initial: tuple[float, ...] = ()  # ETS: the states at `anchor`

    @property
    def name(self) -> str:
        return model_name(self.kind, self.season)

    @property
    def method(self) -> str:
        if self.kind == "naive":
            return "persistence: the last observed value for every step ahead"
        if self.kind == "ets":
            what = (f"exponential smoothing, additive trend and season ({self.season}) "
                    "(Holt-Winters, statsmodels)" if self.season
                    else "exponential smoothing with additive trend (Holt, statsmodels)")
        else:
            what = (f"seasonal ARIMA (0,1,1)(0,1,1,{self.season}), fixed orders (statsmodels "
                    "SARIMAX)" if self.season else "ARIMA (0,1,1), fixed order "
                                                   "(statsmodels SARIMAX)")
        return what + (" on logs" if self.log else "")

    @staticmethod
    def fit(y: np.ndarray, until: int, season: int, kind: str, recent: bool = True,
            log: bool | None = None) -> "StatModel | None":
        """Fitted on y[start:until] (`recent`: start FIT_POINTS or ten seasons before
        `until`, else 0: every step, as a hybrid needs forecasts from all its training
        origins), on logs where the part is positive, else (or where the log model's
        forecasts run away, as on a series whose relative changes are tiny) on the values;
        `log` True or False: on that scale only (benchmarks compare them). None where it
        cannot be fitted."""
        y = np.asarray(y, dtype=float)
        anchor = max(0, until - max(FIT_POINTS, 10 * season)) if recent else 0
        part = y[anchor:until]
        if len(part) < 4 or not np.all(np.isfinite(part)):
            return None
        if kind == "naive":  # nothing to fit; the anchor only says what history it needs
            return StatModel(kind, 0, False, anchor, ())
        if log is not None:
            return None if log and np.any(part <= 0) else \
                StatModel._fit(part, anchor, season, kind, log)
        model = _fitted(np.ascontiguousarray(part).tobytes(), season, kind)
        return None if model is None else replace(model, anchor=anchor)

    def _sane(self, y: np.ndarray, until: int) -> bool:
        """The fitted model's forecasts of its own fitting part stay near the data."""
        part = y[self.anchor:until]
        ends = np.arange(self.anchor + max(1, len(part) // 2), until)
        paths = self.paths(y, ends, 1, 1)
        low, high = float(part.min()), float(part.max())
        room = 10 * (high - low) + 1e-9 * max(abs(low), abs(high))
        return bool(np.all(np.isfinite(paths)) and np.all(paths > low - room)
                    and np.all(paths < high + room))

    @staticmethod
    def _fit(part: np.ndarray, anchor: int, season: int, kind: str, log: bool
             ) -> "StatModel | None":
        g = np.log(part) if log else part
        seasonal = season if season > 1 and len(part) >= MIN_SEASONS * season + 2 else 0
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if kind == "ets":
                    fitted = _ets_fit(_ets_model(g, seasonal or None, None))
                    initial = tuple(float(v) for v in np.asarray(fitted.initial_state).ravel())
                else:
                    fitted = _arima_model(g, seasonal or None, differenced=True).fit(disp=False)
                    initial = ()
        except Exception:  # a model that cannot be fitted is left out, never fatal
            return None
        params = tuple(float(v) for v in np.asarray(fitted.params))
        if not all(math.isfinite(v) for v in params + initial):
            return None
        return StatModel(kind, seasonal, log, anchor, params, initial)

    def state_space(self, g: np.ndarray) -> Any:
        """The statsmodels model of the (log) values `g`, to filter with `params`."""
        season = self.season or None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.kind == "ets":
                return _ets_model(g, season, np.asarray(self.initial))
            return _arima_model(g, season)

    def _filtered(self, g: np.ndarray) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # no covariance of the parameters (fixed here): it costs a filter per parameter
            return self.state_space(g).filter(np.asarray(self.params), cov_type="none")

    def paths(self, y: np.ndarray, ends: np.ndarray, steps_ahead: int, horizon: int
              ) -> np.ndarray:
        """Forecasts of y[e + steps_ahead .. e + steps_ahead + horizon - 1] from each
        origin e in `ends` (positions in y, at or after `anchor`), each from y[anchor:e+1]
        only: (n, horizon), in the data's units (NaN where the filter fails)."""
        y = np.asarray(y, dtype=float)
        ends = np.asarray(ends, dtype=int)
        out = np.full((len(ends), horizon), np.nan)
        if np.any(ends < self.anchor):  # before the filter starts: nothing to forecast from
            after = ends >= self.anchor
            out[after] = self.paths(y, ends[after], steps_ahead, horizon)
            return out
        if not len(ends):
            return out
        if self.kind == "naive":
            out[:] = y[ends][:, None]
            return out
        part = y[self.anchor: int(ends.max()) + 1]
        if self.log and np.any(part <= 0):
            return out
        g = np.log(part) if self.log else part
        # the kept filter of a history sharing g's first steps, continued (stats/kalman.py)
        key = (self.kind, self.season, self.log, self.params, self.initial)
        finite = bool(np.all(np.isfinite(g)))  # a gap: the filter skips it, so filter anew
        run = kept_run(key) if finite else None
        state = None if run is None else run.states_after(g, ends - self.anchor)
        if state is None:
            try:
                run = FilterRun(self._filtered(g), g)
            except Exception:
                return out
            if finite:
                keep_run(key, run)
            state = run.states[ends - self.anchor + 1].T
        x = run.matrices
        transition, design, obs = x.transition, x.design, x.obs_intercept
        shift = x.state_intercept
        # from the state predicted for the step after each origin, stepped ahead
        for _ in range(steps_ahead - 1):
            state = transition @ state + shift[:, None]
        for h in range(horizon):
            out[:, h] = design @ state + obs
            state = transition @ state + shift[:, None]
        with np.errstate(over="ignore", invalid="ignore"):
            return np.exp(out) if self.log else out

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "season": self.season, "log": self.log,
                "anchor": self.anchor, "params": list(self.params),
                "initial": list(self.initial)}

    @staticmethod
    def from_json(value: dict[str, Any]) -> "StatModel":
        return StatModel(value["kind"], int(value["season"]), bool(value["log"]),
                         int(value["anchor"]), tuple(value["params"]), tuple(value["initial"]))


@lru_cache(maxsize=256)
def _fitted(part_bytes: bytes, season: int, kind: str) -> StatModel | None:
    """The model fitted on `part` (anchored at its start): the same part gives the same
    model, so a process fits it once. A combination's folds, its predictor's calibration,
    the test's statistical baselines and the predictor past the data fit the same parts
    (airline with `combine`: 13 fits, 6 of them distinct)."""
    part = np.frombuffer(part_bytes, dtype=float)
    for log in ([True, False] if np.all(part > 0) else [False]):
        model = StatModel._fit(part, 0, season, kind, log)
        if model is not None and model._sane(part, len(part)):
            return model
    return None


def model_name(kind: str, season: int) -> str:
    """A model's name in reports, the same as its baseline's: `seasonal_arima` where the
    ARIMA has a season, `persistence` for the naive forecast."""
    if kind == "naive":
        return "persistence"
    return "seasonal_arima" if kind == "arima" and season > 1 else kind


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
    y = np.frombuffer(y_bytes, dtype=float)
    targets = np.asarray(target_idx)
    first = int(targets.min())
    out = []
    for kind in KINDS:
        model = StatModel.fit(y, first, season, kind)
        if model is None:
            continue
        z = model.paths(y, targets - steps_ahead, steps_ahead, horizon)
        if not np.all(np.isfinite(z)):
            continue
        tail = (f", fitted on the last {first - model.anchor} points before the test part"
                if model.anchor else "")
        out.append(StatForecast(model.name, model.method + tail,
                                z[:, 0] if horizon == 1 else z))
    return out
