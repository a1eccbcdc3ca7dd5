"""Windows, chronological splits, scalers fitted on train only, transforms inverted exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_tune.stats import metrics
from lstm_tune.data.framing import load_data
from lstm_tune.data.framing import frame
from lstm_tune.data.transform import Transform
from lstm_tune.errors import StudyError
from lstm_tune.spec import TRANSFORMS, load_spec
from lstm_tune.tasks.baselines import forecast_baselines

from tests.conftest import tiny_study


@pytest.fixture
def airline(write_study):
    spec = load_spec(write_study(tiny_study()))
    return spec, load_data(spec.data_settings)


def test_airline_is_the_known_series(airline):
    _, table = airline
    assert len(table) == 144 and table.target.sum() == 40363
    assert table.times[0] == "1949-01" and table.times[-1] == "1960-12"


@pytest.mark.parametrize("transform", TRANSFORMS)
def test_every_transform_inverts_exactly_and_keeps_the_test_points(airline, transform):
    spec, table = airline
    data = frame(spec.data_settings, table, transform)
    assert list(data.test.target_idx) == list(range(120, 144))
    assert list(data.val.target_idx) == list(range(108, 120))
    for split in (data.train, data.val, data.test):
        np.testing.assert_allclose(data.to_units(split, split.y), data.actual(split), rtol=1e-5)


@pytest.mark.parametrize("split, validation", [({}, 115), ({"validation": 12}, 12),
                                               ({"validation": 0.1}, 230)])
def test_a_long_series_validates_on_its_last_twentieth_before_the_test(write_study, split,
                                                                       validation):
    """Left out, validation is 5% of a series (at least 12 steps: airline's, above): 12 of
    the weekly series' 2,300 weeks chose a trial by chance. What the study file gives stays."""
    spec = load_spec(write_study(tiny_study(data={"builtin": "weekly"}, window=8,
                                            split=split)))
    data = frame(spec.data_settings, load_data(spec.data_settings), "none")
    n = len(data.table.target)
    assert n == 2300
    assert list(data.test.target_idx) == list(range(n - 24, n))
    assert list(data.val.target_idx) == list(range(n - 24 - validation, n - 24))


def test_windows_end_right_before_the_target(airline):
    spec, table = airline
    data = frame(spec.data_settings, table, "none")
    raw = data.test.x[0, :, 0] * data.x_std[0] + data.x_mean[0]
    t = data.test.target_idx[0]
    np.testing.assert_allclose(raw, table.target[t - 12:t], rtol=1e-5)


def test_scaler_is_fitted_on_the_training_part_only(airline):
    spec, table = airline
    data = frame(spec.data_settings, table, "none")
    train = data.train.x.reshape(-1, data.train.x.shape[-1])
    np.testing.assert_allclose(train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(data.train.y.mean(), 0.0, atol=1e-5)
    assert data.test.y.mean() > 1.0  # the test part (higher levels) was not used to centre


def test_baselines_on_airline_match_the_measured_figures(airline):
    spec, table = airline
    data = frame(spec.data_settings, table, "none")
    base = {b.name: metrics.rmse(data.actual(data.test), b.predicted)
            for b in forecast_baselines(data, data.test)}
    assert base["persistence"] == pytest.approx(51.78, abs=0.01)
    assert base["seasonal_naive"] == pytest.approx(49.99, abs=0.01)
    # fitted before the test part, one step ahead from the true history, as the LSTM
    assert base["seasonal_arima"] == pytest.approx(15.28, abs=0.01)
    assert 15 < base["ets"] < 25


def test_transform_reference_uses_only_observed_values():
    y = np.arange(1.0, 40.0)
    tf = Transform("log_seasonal_diff", 12)
    targets = np.array([30, 35])
    ref = tf.reference(y, targets, targets - 1)
    np.testing.assert_allclose(np.exp(ref), y[targets - 12])


@pytest.mark.parametrize("window", [130, 150])
def test_too_few_windows_are_refused(write_study, window):
    """130 steps leave too few windows for train + validation + test; 150 is longer than
    the 144-step series itself."""
    spec = load_spec(write_study(tiny_study(window=window)))
    with pytest.raises(StudyError, match=r"window: the series has 144 steps.*fix: use a shorter window"):
        frame(spec.data_settings, load_data(spec.data_settings), "none")


def test_classification_windows_label_the_last_step(write_study):
    spec = load_spec(write_study(tiny_study(
        data={"builtin": "synthetic_class"}, task="classify", window=6,
        split={"validation": 50, "test": 50}, space={"transform": "none"})))
    table = load_data(spec.data_settings)
    data = frame(spec.data_settings, table, "none")
    assert data.classes == ("0", "1")
    assert data.train.x.shape[1:] == (6, 3)
    idx = data.test.target_idx
    assert list(np.asarray(data.classes)[data.test.y]) == list(table.target[idx])


def _csv(tmp_path, frame: pd.DataFrame) -> str:
    path = tmp_path / "series.csv"
    frame.to_csv(path, index=False)
    return path.name


@pytest.mark.parametrize(
    ("frame_change", "data_spec", "message"),
    [
        (lambda f: f, {"target": "nope"}, "data.target: no column 'nope'"),
        (lambda f: f, {"target": "y", "features": ["zz"]}, "data.features: no column 'zz'"),
        (lambda f: f.assign(y=f.y.where(f.index != 40)), {"target": "y"}, "missing, NaN or infinite"),
        (lambda f: f.assign(y=f.y.replace(f.y.iloc[7], np.inf)), {"target": "y"}, "missing, NaN or infinite"),
        (lambda f: f.assign(y=f.y.astype(object).where(f.index != 3, "lots")), {"target": "y"},
         "non-numeric value 'lots' at data row 4"),
        (lambda f: f.assign(t=f.t.where(f.index != 9, f.t.iloc[8])), {"target": "y", "time": "t"},
         "duplicate time"),
        (lambda f: f.iloc[:30], {"target": "y"}, "window: the series has 30 steps"),
        (lambda f: f.iloc[:0], {"target": "y"}, "has a header but no rows"),
    ],
)
def test_bad_csv_data_is_refused(write_study, tmp_path, frame_change, data_spec, message):
    n = 120
    df = pd.DataFrame({"t": pd.date_range("2000-01-01", periods=n, freq="D").astype(str),
                       "y": np.sin(np.arange(n) / 3.0) + 2.0, "x": np.cos(np.arange(n))})
    csv = _csv(tmp_path, frame_change(df))
    spec = load_spec(write_study(tiny_study(data={"csv": csv, **data_spec},
                                            space={"transform": "none"})))
    with pytest.raises(StudyError, match="fix:") as err:
        frame(spec.data_settings, load_data(spec.data_settings), "none")
    assert message in err.value.line()
    assert "series.csv" in err.value.line()


def test_empty_csv_file(write_study, tmp_path):
    (tmp_path / "series.csv").write_text("")
    spec = load_spec(write_study(tiny_study(data={"csv": "series.csv", "target": "y"})))
    with pytest.raises(StudyError, match="the CSV file is empty"):
        load_data(spec.data_settings)


def test_unknown_builtin(write_study):
    spec = load_spec(write_study(tiny_study(data={"builtin": "weather"})))
    with pytest.raises(StudyError, match="data.builtin: unknown built-in dataset 'weather'"):
        load_data(spec.data_settings)
