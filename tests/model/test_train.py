"""`fit`: one trace of the train step per trial, for both tasks (the first epoch's cost)."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import yaml

from lstm_tune.data.framing import frame, load_data
from lstm_tune.spec import load_spec
from lstm_tune.model.train import batches, fit

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


def test_xla_trains_the_same_model_and_leaves_it_explainable(tmp_path):
    """XLA compiles the train and predict steps: the same data and seed give the same
    validation metric within float noise, and the explainers work on the model."""
    import numpy as np

    from lstm_tune.explain.context import ExplainContext
    from lstm_tune.explain.lime_explainer import explain_lime
    from lstm_tune.explain.shap_explainer import explain_shap

    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"name": "s", "data": {"builtin": "airline"}, "window": 12}))
    spec = load_spec(path)
    data = frame(spec.data_settings, load_data(spec.data_settings), "log_diff")
    plain = fit(PARAMS, data, max_epochs=4, patience=4, seed=0)
    compiled = fit(PARAMS, data, max_epochs=4, patience=4, seed=0, xla=True)
    assert compiled.model.jit_compile and not plain.model.jit_compile
    assert compiled.value == pytest.approx(plain.value, rel=1e-3)
    ctx = ExplainContext(compiled.model, data, seed=0)
    x = data.test.x[:4]
    for attr in (explain_shap(ctx, x), explain_lime(ctx, x)):
        assert attr.values.shape == x.shape and np.all(np.isfinite(attr.values))


def test_xla_is_on_where_an_epoch_is_long_enough_to_pay_for_compiling(tmp_path):
    from lstm_tune.model.train import use_xla

    def data_of(builtin, window, **split):
        path = tmp_path / f"{builtin}.yaml"
        path.write_text(yaml.safe_dump({"name": "s", "data": {"builtin": builtin},
                                        "window": window, "season": window, "split": split}))
        spec = load_spec(path)
        return frame(spec.data_settings, load_data(spec.data_settings))

    airline = data_of("airline", 12)
    weekly = data_of("weekly", 52, validation=104, test=104)
    def one(batch, **arch):
        return {"layers": 1, "attention": False, "batch_size": batch} | arch

    # measured (benchmarks/weekly.py): XLA pays within a trial on the weekly windows in
    # batches of 16 to 64, not in batches of 256, never on airline, and never when an LSTM
    # returns its whole sequence (a second layer, attention)
    assert not any(use_xla("auto", airline, one(b)) for b in (8, 16, 32, 64))
    assert all(use_xla("auto", weekly, one(b)) for b in (16, 32, 64))
    assert use_xla("auto", weekly, one(32, bidirectional=True))
    assert not use_xla("auto", weekly, one(256))
    assert not use_xla("auto", weekly, one(32, layers=2))
    assert not use_xla("auto", weekly, one(32, attention=True))
    assert use_xla("on", airline, one(16)) and not use_xla("off", weekly, one(16))


def test_an_xla_step_gets_whole_batches_where_that_drops_little():
    import numpy as np

    from lstm_tune.model.train import WHOLE_BATCHES_MIN, batches

    def sizes(n: int, xla: bool, epochs: int = 2) -> list[list[int]]:
        data = batches(np.arange(n, dtype="float32")[:, None], np.zeros((n, 1), "float32"),
                       20, 0, xla)
        return [[len(x) for x, _ in data] for _ in range(epochs)]

    n = 20 * WHOLE_BATCHES_MIN + 7  # 16 whole batches and 7 windows over
    # a partial last batch made Keras retrace an XLA step, which XLA then compiled twice more
    assert sizes(n, xla=True) == [[20] * WHOLE_BATCHES_MIN] * 2
    assert sizes(n, xla=False) == [[20] * WHOLE_BATCHES_MIN + [7]] * 2  # plain: every window
    few = 20 * (WHOLE_BATCHES_MIN - 1) + 7  # dropping would lose too much: every window
    assert sizes(few, xla=True) == [[20] * (WHOLE_BATCHES_MIN - 1) + [7]] * 2

    # the windows left out differ from epoch to epoch (reshuffled): not always the same few
    data = batches(np.arange(n, dtype="float32")[:, None], np.zeros((n, 1), "float32"), 20, 0,
                   True)
    seen = [set(np.concatenate([x.numpy()[:, 0] for x, _ in data]).tolist()) for _ in range(4)]
    assert len(set.union(*seen)) > len(seen[0])


@pytest.mark.parametrize("xla", [False, True])
def test_training_batches_are_not_autotuned(xla):
    """tf.data's autotuning thread sleeps up to a minute between rounds and an iterator is
    destroyed only when it wakes: a trial's leftover iterator, collected during a later
    trial, stalled that trial (8-78 s with no CPU, in 1-3 trials of each weekly study)."""
    x, y = np.zeros((40, 5, 1), "float32"), np.zeros((40, 1), "float32")
    data = batches(x, y, 8, seed=0, xla=xla)
    assert data.options().autotune.enabled is False
    assert sum(len(b[0]) for b in data) == 40  # every window, in batches of 8
