"""A classifier of windows of one series (the label of each step): predict gives the class
of the last window, or of any window of a history, as the evaluation did."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_tune.api import Study
from lstm_tune.data.builtin import BUILTINS
from lstm_tune.data.framing import load_data
from lstm_tune.evaluate.evaluation import evaluate_study

from tests.searched import searched

pytestmark = pytest.mark.slow

STUDY = {"name": "cls", "data": {"builtin": "synthetic_class"}, "task": "classify",
         "window": 6, "split": {"validation": 60, "test": 60},
         "space": {"layers": 1, "units": 8, "learning_rate": 0.01, "batch_size": 32},
         "training": {"max_epochs": 3, "patience": 2}, "budget": {"trials": 1},
         "pruner": "none"}


def test_window_classes_are_predicted_as_evaluated(tmp_path):
    spec, study = searched(tmp_path, STUDY, trials=1)
    test = evaluate_study(spec, study).predictions["test"]
    api = Study(spec)
    last = api.predict()
    assert list(last.columns) == ["time", "class", "p_0", "p_1"]
    assert last["time"].tolist() == ["599"]  # the label of the last step
    times = load_data(spec.data_settings).times
    frame = BUILTINS["synthetic_class"].load()
    table = api.predict(frame, origins=[times[i] for i in test["target_idx"]])
    assert table["class"].tolist() == test["predicted"]
    np.testing.assert_allclose(table[["p_0", "p_1"]], test["probabilities"], atol=1e-6)
    without_labels = api.predict(frame.drop(columns="label"))  # the class is not an input
    assert without_labels["class"].tolist() == last["class"].tolist()
