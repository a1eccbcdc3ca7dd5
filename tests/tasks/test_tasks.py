"""Every task passes the shared suite on every framing; and the baselines' known figures."""

from __future__ import annotations

import pytest

from lstm_tune.data.framing import frame, load_data
from lstm_tune.data.settings import DataSettings
from lstm_tune.tasks import get_task
from tests.tasks.task_suite import TaskSuite


class TestForecastWindows(TaskSuite):
    task = "forecast"
    settings = DataSettings("t.yaml", task="forecast", builtin="airline", target_as_input=True)


class TestForecastPaths(TaskSuite):
    task = "forecast"
    settings = DataSettings("t.yaml", task="forecast", builtin="airline", target_as_input=True,
                            horizon=12, validation=24, test=24)


class TestForecastPanel(TaskSuite):
    task = "forecast"
    settings = DataSettings("t.yaml", task="forecast", builtin="us_macro", target_as_input=True,
                            horizon=4, season=4, validation=8, test=8, metric="mase")


class TestClassifyWindows(TaskSuite):
    task = "classify"
    settings = DataSettings("t.yaml", task="classify", builtin="synthetic_class", window=6,
                            steps_ahead=0, validation=80, test=80)


class TestClassifySequences(TaskSuite):
    task = "classify"
    settings = DataSettings("t.yaml", task="classify", builtin="japanese_vowels",
                            validation=0.2)


@pytest.mark.parametrize(("builtin", "accuracy"), [("gunpoint", 0.913)])
def test_nearest_neighbour_matches_the_published_figure(builtin, accuracy):
    """GunPoint's published 1-NN Euclidean accuracy is 0.913 on the published split; ours,
    fitted on training and validation sequences, must match it."""
    settings = DataSettings("t.yaml", task="classify", builtin=builtin, validation=0.2)
    data = frame(settings, load_data(settings))
    task = get_task("classify")
    nn = {b.name: b for b in task.baselines(data, data.test)}["nearest_neighbour"]
    assert task.scores(data, data.test, nn.predicted)["accuracy"] == pytest.approx(
        accuracy, abs=0.001)
