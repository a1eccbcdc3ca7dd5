"""Split-conformal intervals: the order statistic, too few errors said so, each series in
its own scale; and the reliability of class probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_tune.stats.metrics import reliability
from lstm_tune.predictor.intervals import Calibration, conformal_rank, inside, series_scale


@pytest.mark.parametrize("n, level, rank", [(12, 0.8, 11), (12, 0.95, 13), (19, 0.95, 19),
                                            (400, 0.95, 381), (4, 0.8, 4), (3, 0.8, 4)])
def test_the_conformal_rank_is_ceil_n_plus_one_times_the_level(n, level, rank):
    assert conformal_rank(n, level) == rank


def test_bounds_scale_each_series_and_say_when_errors_are_too_few():
    scores = (tuple(np.arange(1, 13) / 10.0), tuple(np.arange(1, 41) / 10.0))
    c = Calibration({"own": scores}, {"a": 1.0, "b": 100.0}, direct=2, folds=1, source="test")
    assert c.quantile(1, 80) == pytest.approx(1.1)  # the 11th of 12
    assert c.quantile(1, 95) == pytest.approx(1.2)  # 13 > 12: the largest
    assert c.quantile(2, 95) == pytest.approx(3.9)  # the 39th of 40
    assert c.coarse(95) == [1] and c.coarse(80) == []
    assert np.isnan(c.quantile(3, 80))  # beyond the calibrated steps
    lower, upper = c.bounds(np.array([[10.0, 20.0], [1000.0, 2000.0]]), ["a", "b"], 80)
    np.testing.assert_allclose(upper - lower, [[2.2, 2 * 3.3], [220.0, 2 * 330.0]])
    again = Calibration.from_json(c.to_json())
    assert again == c


def test_two_sets_of_errors_give_the_wider_interval():
    own = (tuple(np.arange(1, 21) / 10.0),)  # 20 errors: 0.1 .. 2.0
    rehearsed = (tuple(np.arange(1, 21) / 5.0),)  # twice as large
    c = Calibration({"own": own, "rehearsed": rehearsed}, {"": 1.0}, 1, 1, "test")
    assert c.quantile(1, 80) == pytest.approx(3.4)  # the 17th of the rehearsed
    narrow = Calibration({"own": own, "rehearsed": (tuple(np.arange(1, 21) / 20.0),)},
                         {"": 1.0}, 1, 1, "test")
    assert narrow.quantile(1, 80) == pytest.approx(1.7)  # the own set is wider here
    assert c.counts() == [20] and c.coarse(95) == [] and c.steps == 1


def test_inside_marks_each_value_in_its_interval_bounds_included():
    actual = np.array([[1.0, 5.0], [3.0, 0.0]])
    lower, upper = np.zeros((2, 2)), np.full((2, 2), 3.0)
    assert inside(actual, lower, upper).tolist() == [[True, False], [True, True]]


def test_a_series_scale_is_its_seasonal_naive_error_else_its_spread():
    assert series_scale(np.array([1.0, 2, 3, 4, 5, 6]), 2) == pytest.approx(2.0)
    assert series_scale(np.array([3.0, 3, 3, 3]), 2) == 1.0  # constant: no scale, use 1
    assert series_scale(np.array([1.0, 1, 3, 3]), 1) == pytest.approx(2 / 3)


def test_reliability_bins_confidence_and_accuracy():
    proba = np.array([[0.92, 0.08], [0.2, 0.8], [0.6, 0.4], [0.95, 0.05]])
    out = reliability(np.array(["a", "b", "b", "a"]), proba, ("a", "b"))
    used = [b for b in out["bins"] if b["count"]]
    assert [b["count"] for b in used] == [1, 1, 2]
    assert used[0]["confidence"] == pytest.approx(0.6) and used[0]["accuracy"] == 0.0
    assert used[2]["confidence"] == pytest.approx(0.935) and used[2]["accuracy"] == 1.0
    # |0 - .6| + |1 - .8| + 2 |1 - .935|, over 4 samples
    assert out["ece"] == pytest.approx((0.6 + 0.2 + 0.13) / 4)


def test_a_coarse_interval_says_what_it_covers_without_rounding_it_up_to_its_level():
    """18 errors cannot promise 95% (that needs 19): the largest error covers 18/19 = 94.7%,
    which a whole percent would round back to the 95% just refused."""
    from types import SimpleNamespace

    from lstm_tune.predictor.predictor import Predictor

    scores = tuple(tuple(np.linspace(0.1, 1.8, 18)) for _ in range(7))
    c = Calibration({"own": scores}, {"": 1.0}, direct=7, folds=1, source="test")
    notes = Predictor.interval_notes(SimpleNamespace(calibration=c), 7, (80, 95))
    assert notes[-1] == ("95% intervals of steps 1-7 rest on 18 errors, too few to promise 95%: "
                         "they use the largest error, which covers 94.7% of new points")
    assert not any(n.startswith("80%") for n in notes)  # 18 errors are enough for 80%
