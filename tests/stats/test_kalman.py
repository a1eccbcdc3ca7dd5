"""A kept filter, continued where a history parts from it, gives exactly what filtering
that history from its start gives: the forecasts a recursion asks for of histories that
are the true one up to an origin and fed-back values after it."""

import numpy as np
import pytest

from lstm_tune.data.builtin import _airline
from lstm_tune.stats import kalman
from lstm_tune.stats.models import StatModel

Y = _airline()["passengers"].to_numpy(float)


def fresh(model: StatModel, history: np.ndarray, horizon: int = 3) -> np.ndarray:
    kalman._kept.clear()
    return model.paths(history, np.array([len(history) - 1]), 1, horizon)


@pytest.mark.parametrize("kind", ["arima", "ets"])
def test_a_continued_filter_forecasts_as_a_fresh_one(kind):
    model = StatModel.fit(Y, 120, 12, kind)
    rng = np.random.default_rng(0)
    for origin in (100, 101, 110, 119):
        for fed in (0, 1, 6, 20):
            history = np.concatenate([Y[:origin + 1],
                                      Y[origin + 1:origin + 1 + fed] * rng.uniform(0.9, 1.1, fed)])
            expected = fresh(model, history)
            model.paths(Y, np.array([len(Y) - 1]), 1, 1)  # the true series' filter, kept
            continued = model.paths(history, np.array([len(history) - 1]), 1, 3)
            np.testing.assert_allclose(continued, expected, rtol=1e-12)


def test_many_origins_at_once_and_a_longer_history_than_kept():
    model = StatModel.fit(Y, 120, 12, "arima")
    ends = np.array([90, 100, 119, 130, 143])
    expected = fresh(model, Y, 1)  # the last origin only, as a check of the next line
    kalman._kept.clear()
    model.paths(Y[:100], np.array([99]), 1, 1)  # kept: the first 100 steps
    both = model.paths(Y, ends, 1, 2)
    kalman._kept.clear()
    np.testing.assert_allclose(both, model.paths(Y, ends, 1, 2), rtol=1e-12)
    np.testing.assert_allclose(both[-1:, :1], expected, rtol=1e-12)


def test_a_history_that_parts_leaves_the_kept_one_as_it_was():
    model = StatModel.fit(Y, 120, 12, "arima")
    kalman._kept.clear()
    truth = model.paths(Y, np.arange(100, 143), 1, 1)
    other = Y[:120].copy()
    other[110:] *= 1.5
    model.paths(other, np.array([119]), 1, 1)
    np.testing.assert_allclose(model.paths(Y, np.arange(100, 143), 1, 1), truth, rtol=1e-12)


def test_the_least_recently_used_runs_go_past_the_memory_bound(monkeypatch):
    kalman._kept.clear()
    models = [StatModel.fit(Y[:n], n, 12, "arima") for n in (100, 110, 120)]
    for m in models:
        m.paths(Y, np.array([130]), 1, 1)
    assert len(kalman._kept) == 3
    one = max(r.nbytes for r in kalman._kept.values())
    monkeypatch.setattr(kalman, "KEPT_BYTES", int(2.5 * one))
    models[0].paths(Y, np.array([131]), 1, 1)  # used again: the second is now the oldest
    newest = StatModel.fit(Y[:90], 90, 12, "arima")
    newest.paths(Y, np.array([130]), 1, 1)
    order = [models[1].params, models[2].params, models[0].params, newest.params]
    kept = [k[3] for k in kalman._kept]
    assert kept == order[-len(kept):] and len(kept) == 2
    assert sum(r.nbytes for r in kalman._kept.values()) <= kalman.KEPT_BYTES
