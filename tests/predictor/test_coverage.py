"""Conformal intervals hold their level where the truth is known: the built-in synthetic
series (y[t] = x0[t-1] - 0.8 x0[t-5] + N(0, 0.1^2)), calibrated on 400 validation steps,
covers about 80% and 95% of 1,000 test steps."""

from __future__ import annotations

import pytest

from lstm_tune.evaluate.evaluation import evaluate_study

from tests.searched import searched

pytestmark = pytest.mark.slow

STUDY = {
    "name": "coverage", "data": {"builtin": "synthetic"}, "window": 8,
    "split": {"validation": 400, "test": 1000},
    "space": {"layers": 1, "units": 16, "learning_rate": 0.01, "dropout": 0.0,
              "batch_size": 64, "transform": "none"},
    "training": {"max_epochs": 12, "patience": 3}, "budget": {"trials": 1}, "pruner": "none",
}


def test_coverage_is_within_five_points_of_nominal(tmp_path):
    spec, study = searched(tmp_path, STUDY, trials=1)
    iv = evaluate_study(spec, study).intervals
    assert iv["errors_per_step"] == [400] and iv["coarse"] == {"80": [], "95": []}
    assert abs(iv["coverage"]["80"][0] - 0.80) <= 0.05, iv
    assert abs(iv["coverage"]["95"][0] - 0.95) <= 0.05, iv
    # the intervals are about as wide as the errors: not covering by being huge
    assert iv["width"]["80"][0] < iv["width"]["95"][0] < 2.0, iv  # y itself has sd 1.28
