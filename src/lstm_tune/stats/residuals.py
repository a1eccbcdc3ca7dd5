"""What a statistical model leaves for an LSTM to learn: tests of its one-step errors.

An LSTM reading a series' past beats a statistical model only where the model's errors still
depend on that past. Where they cannot be told from noise, a forecaster reading the series
can hardly do better, and a win on a small test part is mostly the luck of its points: on
airline the seasonal ARIMA's errors pass both tests (Ljung-Box p = 0.78, BDS p = 0.085),
its own test RMSE has a 95% bootstrap interval of 9.5-20.6 over the 24 test months, and no
LSTM, hybrid or combination measured beat it by 5% in median (docs/benchmarks.md). Where
they still depend on the past (us_macro, weekly), a model may learn more: there the LSTM
alone (with two folds on us_macro) did best, and hybrids on the seasonal ARIMA (`space.base`)
improved on it on every seed measured.

The model is fitted as the statistical baselines are, on the steps before the test part,
and its one-step errors over those same steps (on logs where it runs on logs) are tested:
Ljung-Box for autocorrelation up to one season's lag (ten lags without a season), BDS for
any dependence, nonlinear too. Nothing of the test part is read. In a series filled by
`data.missing: previous` the errors at carried values (the model's forecast against a
copy of the value before) are left out: Ljung-Box takes each lag's autocorrelation over
the pairs of errors both kept, BDS the kept errors in order.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from lstm_tune.stats.models import StatModel

LEVEL = 0.05  # both p-values above it: the errors cannot be told from noise
MIN_ERRORS = 30  # fewer errors test too weakly to say anything
WARMUP_SEASONS = 2  # the filter's first steps start from rough states: left out
NO_SEASON_LAGS = 10


@dataclass(frozen=True)
class Leftover:
    errors: int  # how many one-step errors were tested
    lags: int  # Ljung-Box: autocorrelations up to this lag
    ljung_box_p: float
    bds_p: float  # embedding dimension 2

    @property
    def noise(self) -> bool:
        """Neither test tells the errors from noise at the 5% level."""
        return self.ljung_box_p > LEVEL and self.bds_p > LEVEL

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "noise": self.noise}


def one_step_errors(model: StatModel, y: np.ndarray, until: int,
                    observed: np.ndarray | None = None) -> np.ndarray:
    """The model's one-step errors for the targets y[start .. until - 1], on logs where it
    runs on logs (there they are relative and comparable across the series' levels), in
    time order: NaN where the target was carried (`observed` False) or an error is not
    finite, so that the kept ones keep their lags."""
    start = model.anchor + WARMUP_SEASONS * max(model.season, 1) + 1
    ends = np.arange(start - 1, until - 1)
    if not len(ends):
        return np.empty(0)
    forecast = model.paths(y, ends, 1, 1)[:, 0]
    actual = y[ends + 1]
    with np.errstate(all="ignore"):
        errors = np.log(actual) - np.log(forecast) if model.log else actual - forecast
    kept = np.isfinite(errors)
    if observed is not None:
        kept &= np.asarray(observed, dtype=bool)[ends + 1]
    return np.where(kept, errors, np.nan)


def ljung_box_p(errors: np.ndarray, lags: int) -> float:
    """Ljung-Box's p-value up to `lags`, with each autocorrelation taken over the pairs of
    errors that are both there (NaN: left out), n the errors there; with none left out,
    statsmodels' acorr_ljungbox."""
    from scipy.stats import chi2
    from statsmodels.tsa.stattools import acf

    r = acf(errors, nlags=lags, missing="conservative", fft=False)[1:]
    n = int(np.isfinite(errors).sum())
    q = n * (n + 2) * float(np.sum(r ** 2 / (n - np.arange(1, lags + 1))))
    return float(chi2.sf(q, lags))


def leftover(y: np.ndarray, until: int, season: int, kind: str,
             observed: np.ndarray | None = None) -> Leftover | None:
    """Tests of what the statistical model `kind`, fitted on y[:until] as the baselines
    are, leaves in its one-step errors before `until` (those at observed targets: `observed`,
    over y, is False where data.missing carried a value); None where it cannot be fitted or
    leaves too few errors to test."""
    from statsmodels.tsa.stattools import bds

    y = np.asarray(y, dtype=float)
    model = StatModel.fit(y, until, season, kind)
    if model is None:
        return None
    errors = one_step_errors(model, y, until, observed)
    kept = errors[np.isfinite(errors)]
    if len(kept) < MIN_ERRORS or float(np.std(kept)) == 0.0:
        return None
    lags = min(model.season if model.season > 1 else NO_SEASON_LAGS, len(kept) // 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lb = ljung_box_p(errors, lags)
        dependence = float(np.ravel(bds(kept, max_dim=2)[1])[0])
    if not (math.isfinite(lb) and math.isfinite(dependence)):
        return None
    return Leftover(len(kept), lags, lb, dependence)
