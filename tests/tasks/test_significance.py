"""Significance of a model against a baseline, where the answer is known."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lstm_tune.tasks.significance import diebold_mariano, forecast_comparison, mcnemar


def test_identical_forecasts_tie():
    rng = np.random.default_rng(0)
    actual = rng.normal(size=50)
    forecast = actual + rng.normal(size=50)
    c = forecast_comparison("rmse", actual, forecast, forecast, list(range(50)),
                            np.ones(50), 1)
    assert c.verdict == "ties" and c.p_value == 1.0 and c.difference == 0.0


@pytest.mark.parametrize("metric", ["rmse", "mae", "mase", "smape"])
def test_a_clearly_better_forecaster_wins_and_the_worse_one_loses(metric):
    rng = np.random.default_rng(1)
    actual = 100 + rng.normal(size=60)
    good = actual + rng.normal(0, 0.1, 60)
    bad = actual + rng.normal(0, 2.0, 60)
    times, scale = list(range(60)), np.full(60, 2.0)
    win = forecast_comparison(metric, actual, good, bad, times, scale, 1)
    assert win.verdict == "beats" and win.p_value < 1e-4 and win.high < 0 < -win.low
    lose = forecast_comparison(metric, actual, bad, good, times, scale, 1)
    assert lose.verdict == "loses" and lose.low > 0


def test_two_forecasters_of_equal_skill_tie():
    rng = np.random.default_rng(2)
    actual = rng.normal(size=40)
    a, b = actual + rng.normal(size=40), actual + rng.normal(size=40)
    c = forecast_comparison("rmse", actual, a, b, list(range(40)), np.ones(40), 1)
    assert c.verdict == "ties" and c.low < 0 < c.high


def test_the_statistic_is_dm_with_the_hln_correction():
    """By hand: d = loss differentials, h = 2: DM = mean / sqrt((g0 + 2 g1) / T), times
    sqrt((T + 1 - 2h + h(h - 1) / T) / T); p from Student's t with T - 1 degrees."""
    from scipy import stats

    d = np.array([0.5, 0.6, 0.9, 0.8, 1.1, 0.7, 0.8, 0.2, 0.3, 0.1])
    t, h = len(d), 2
    e = d - d.mean()
    g0, g1 = e @ e / t, e[1:] @ e[:-1] / t
    dm = d.mean() / math.sqrt((g0 + 2 * g1) / t)
    expected = dm * math.sqrt((t + 1 - 2 * h + h * (h - 1) / t) / t)
    c = diebold_mariano(d, h)
    assert c.statistic == pytest.approx(expected)
    assert c.p_value == pytest.approx(2 * stats.t.sf(abs(expected), t - 1))
    assert c.n == 10


def test_series_sharing_an_origin_are_one_observation():
    """Two series with the same origins: DM rests on the origins, not on the pairs."""
    rng = np.random.default_rng(3)
    actual = rng.normal(size=(2, 30))
    model, base = actual + 0.1, actual + 1.0
    times = list(range(30)) * 2
    c = forecast_comparison("mae", actual.reshape(-1), model.reshape(-1), base.reshape(-1),
                            times, np.ones(60), 1)
    assert c.n == 30 and c.difference == pytest.approx(-0.9)


def test_mcnemar_matches_statsmodels_and_counts_the_discordant_pairs():
    from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar

    actual = ["a"] * 100
    model = ["a"] * 80 + ["b"] * 20
    base = ["a"] * 60 + ["b"] * 20 + ["a"] * 5 + ["b"] * 15  # 20 only-model, 5 only-base
    c = mcnemar(actual, model, base)
    table = [[60, 20], [5, 15]]  # rows: model right/wrong; columns: baseline right/wrong
    assert c.p_value == pytest.approx(sm_mcnemar(table, exact=False, correction=True).pvalue)
    assert c.verdict == "beats" and c.difference == pytest.approx(0.15)
    assert c.low < 0.15 < c.high
    small = mcnemar(["a"] * 10, ["a"] * 10, ["b"] * 3 + ["a"] * 7)
    assert small.p_value == pytest.approx(sm_mcnemar([[7, 3], [0, 0]], exact=True).pvalue)
    assert small.verdict == "ties"  # 3 of 3 discordant pairs is not enough at 5%
    assert mcnemar(["a"] * 5, ["a"] * 5, ["a"] * 5).verdict == "ties"
