"""Choosing a forecast combination's partner where the answer is known: on a random walk
the last observed value is the best forecast, so validation picks persistence, and every
figure it reports is the plain arithmetic of the last values and the LSTM's forecasts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lstm_tune.data.framing import frame, load_data
from lstm_tune.data.settings import DataSettings
from lstm_tune.evaluate import combine


def rmse(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def test_a_random_walk_combines_with_persistence(tmp_path):
    rng = np.random.default_rng(0)
    y = 100 + np.cumsum(rng.normal(0, 1, 200))
    pd.DataFrame({"t": range(200), "y": y}).to_csv(tmp_path / "rw.csv", index=False)
    settings = DataSettings("rw.yaml", base_dir=str(tmp_path), csv="rw.csv", target="y",
                            time="t", target_as_input=True, window=12, season=12,
                            validation=24, test=24, folds=2)
    loaded = load_data(settings)
    folds, last = [], []
    for fold in range(2):
        data = frame(settings, loaded, "none", fold)
        targets = data.val.target_idx
        lstm = y[targets] + rng.normal(0, 3, len(targets))  # a poor forecaster
        folds.append((data, lstm.reshape(-1, 1)))
        last.append(y[targets - 1])  # the value at each origin
    choice = combine.choose(folds)
    assert choice.kind == "naive" and choice.name == "persistence"
    assert choice.alone["persistence"] < min(choice.alone["ets"], choice.alone["seasonal_arima"])
    targets = [d.val.target_idx for d, _ in folds]
    assert choice.alone["persistence"] == np.mean(
        [rmse(y[t], p) for t, p in zip(targets, last)])
    for w in (0.0, 0.5, 1.0):  # the curve: w x LSTM + (1 - w) x the last value
        assert choice.curve[f"{w:.2f}"] == np.mean(
            [rmse(y[t], w * f[:, 0] + (1 - w) * p) for t, (_, f), p in zip(targets, folds, last)])
    assert choice.weight == float(min(choice.curve, key=lambda w: (choice.curve[w], -float(w))))
    # what a predictor carries: the last value of the history before each origin
    mix = combine.combination(choice, loaded, ("",), {"": 176}, 12)
    assert mix is not None and mix.name == "persistence" and mix.weight == choice.weight
    from lstm_tune.evaluate.study_predictor import histories

    paths = mix.paths(histories(loaded, ("",)), [(0, 180), (0, 190)], 1, 3)
    np.testing.assert_array_equal(paths, np.repeat(y[[180, 190]][:, None], 3, axis=1))
