"""The statistical baselines forecast each test target from the history up to its origin
only: nothing at or after a target (including the test values that later targets see)
may move its forecast."""

import numpy as np
import pytest

from lstm_tune.stats.models import statistical_forecasts


def _seasonal_series(n: int = 160, season: int = 12, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / season) + np.cumsum(rng.normal(0, 1, n))


@pytest.mark.parametrize("horizon", [1, 3])
def test_forecasts_never_see_the_future(horizon):
    y = _seasonal_series()
    targets = np.arange(len(y) - 24, len(y) - horizon + 1)
    before = {f.name: f.predicted for f in statistical_forecasts(y, targets, 1, 12, horizon)}
    assert set(before) == {"ets", "seasonal_arima"}
    cut = int(targets[10])  # change every value from the 11th target on
    changed = y.copy()
    changed[cut:] += 50.0
    after = {f.name: f.predicted for f in statistical_forecasts(changed, targets, 1, 12,
                                                                horizon)}
    for name in before:
        # a target's forecast comes from its origin (the step before it) and earlier
        np.testing.assert_allclose(after[name][:11], before[name][:11], rtol=1e-9,
                                   err_msg=name)
        assert not np.allclose(after[name][11:], before[name][11:]), name


def test_a_seasonal_model_beats_seasonal_naive_on_a_seasonal_random_walk():
    y = _seasonal_series(seed=1)
    targets = np.arange(len(y) - 24, len(y))
    errors = {f.name: np.sqrt(np.mean((f.predicted - y[targets]) ** 2))
              for f in statistical_forecasts(y, targets, 1, 12)}
    naive = np.sqrt(np.mean((y[targets - 12] - y[targets]) ** 2))
    assert errors["seasonal_arima"] < naive and errors["ets"] < naive


@pytest.mark.parametrize("kind", ["ets", "arima"])
def test_paths_from_every_origin_are_statsmodels_dynamic_forecasts(kind):
    """A path from origin e is what statsmodels forecasts dynamically from e, for every
    origin at once; and the model survives JSON (a predictor carries it)."""
    import json
    import warnings

    from lstm_tune.stats.models import StatModel

    y = _seasonal_series()
    model = StatModel.fit(y, 120, 12, kind)
    assert model is not None and model.season == 12 and model.log
    ends = np.array([119, 125, 140])
    paths = model.paths(y, ends, 1, 6)
    res = model._filtered(np.log(y[model.anchor: 141]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for row, e in zip(paths, ends):
            expected = np.exp(res.get_prediction(start=e + 1, end=e + 6, dynamic=True)
                              .predicted_mean)
            np.testing.assert_allclose(row, expected, rtol=1e-10)
    again = StatModel.from_json(json.loads(json.dumps(model.to_json())))
    np.testing.assert_array_equal(again.paths(y, ends, 1, 6), paths)
    # two steps ahead of the window: the first target is e + 2
    np.testing.assert_allclose(model.paths(y, ends, 2, 5), paths[:, 1:], rtol=1e-10)


def test_persistence_forecasts_the_origins_value_for_every_step():
    """The naive kind a combination may choose: nothing fitted, each path the value at its
    origin, named as the persistence baseline is, and carried through JSON."""
    import json

    from lstm_tune.stats.models import COMBINED_KINDS, StatModel

    assert "naive" in COMBINED_KINDS
    y = _seasonal_series()
    model = StatModel.fit(y, 120, 12, "naive")
    assert model is not None and model.params == () and model.name == "persistence"
    ends = np.array([119, 125, 140])
    np.testing.assert_array_equal(model.paths(y, ends, 1, 3), np.repeat(y[ends][:, None], 3, 1))
    np.testing.assert_array_equal(model.paths(y, ends, 2, 2), np.repeat(y[ends][:, None], 2, 1))
    assert np.isnan(model.paths(y, np.array([model.anchor - 1]), 1, 1)).all()
    again = StatModel.from_json(json.loads(json.dumps(model.to_json())))
    np.testing.assert_array_equal(again.paths(y, ends, 1, 3), model.paths(y, ends, 1, 3))


def _holt_winters(seed: int, n: int = 140, season: int = 12, gamma: float = 0.6
                  ) -> np.ndarray:
    """Additive Holt-Winters, error-correction form: level smoothing 0.25, trend 0, season
    `gamma` (a season that changes as it goes), from zero upwards."""
    rng = np.random.default_rng(seed)
    level, trend = 0.0, 0.5
    seasonal = list(10 * np.sin(2 * np.pi * np.arange(season) / season))
    y = []
    for t in range(n):
        e = rng.normal(0, 3)
        s = seasonal[t % season]
        y.append(level + trend + s + e)
        level += trend + 0.25 * e
        seasonal[t % season] = s + gamma * e
    return np.array(y)


@pytest.mark.parametrize("scale", ["levels", "logs"])
def test_ets_finds_a_season_that_changes(scale):
    """From statsmodels' own start the fit stops at a fixed season (smoothing 0) on most of
    these series; the second start finds the one they were made with (0.6), on values
    (a series below zero) and on logs (a positive series, multiplicative season)."""
    from lstm_tune.stats.models import StatModel

    found = []
    for seed in range(8):
        y = _holt_winters(seed)
        y = np.exp(5 + y / 100) if scale == "logs" else y - 200  # below zero: no logs
        model = StatModel.fit(y, 120, 12, "ets")
        assert model is not None and model.log == (scale == "logs") and model.season == 12
        found.append(model.params[2])  # level, trend, season
    assert sum(g > 0.3 for g in found) >= 6, found
