"""`fit`: one trace of the train step per trial, for both tasks (the first epoch's cost)."""

from __future__ import annotations

import keras
import pytest
import yaml

from lstm_tune.data.framing import frame, load_data
from lstm_tune.spec import load_spec
from lstm_tune.train import fit

PARAMS = {"layers": 1, "units_1": 4, "learning_rate": 1e-3, "batch_size": 32}


@pytest.mark.parametrize("builtin,task", [("airline", "forecast"), ("synthetic_class", "classify")])
def test_the_train_step_is_traced_once(builtin, task, tmp_path, monkeypatch):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(
        {"name": "s", "data": {"builtin": builtin}, "task": task, "window": 6}))
    spec = load_spec(path)
    data = frame(spec.data_settings, load_data(spec.data_settings))
    traced = []
    original = keras.Model.train_step

    def counting(self, batch):  # runs only while TensorFlow traces the step
        traced.append(1)
        return original(self, batch)

    monkeypatch.setattr(keras.Model, "train_step", counting)
    result = fit(PARAMS, data, max_epochs=3, patience=3, seed=0)
    assert result.epochs == 3
    # Keras creates unbuilt optimizer or metric variables in the first trace, and
    # TensorFlow then traces the step again: that doubled the first epoch of every trial
    assert len(traced) == 1
