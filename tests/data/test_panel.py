"""Many series in one study: windows never cross a series, each series is split and scaled
on its own, paths of several steps invert exactly, and short series are named or skipped."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_tune.data.framing import frame, load_data
from lstm_tune.data.settings import DataSettings
from lstm_tune.errors import StudyError
from lstm_tune.spec import TRANSFORMS
from lstm_tune.tasks.baselines import forecast_baselines

RNG = np.random.default_rng(0)


def _panel(tmp_path, lengths=(120, 90), offsets=(0.0, 1e6)) -> DataSettings:
    """Series 'a', 'b', ... of U(1, 2) noise lifted by their offset (rows shuffled: the
    loader must group and order them)."""
    frames = [pd.DataFrame({"store": name, "day": pd.date_range("2020-01-01", periods=n,
                                                               freq="D").strftime("%Y-%m-%d"),
                            "sales": off + 1 + RNG.random(n), "promo": off + RNG.random(n)})
              for name, n, off in zip("abcdef", lengths, offsets)]
    df = pd.concat(frames).sample(frac=1.0, random_state=1)
    df.to_csv(tmp_path / "panel.csv", index=False)
    return DataSettings(str(tmp_path / "p.yaml"), base_dir=str(tmp_path), csv="panel.csv",
                        target="sales", features=("promo",), time="day", series="store",
                        target_as_input=True, window=7, season=7, validation=10, test=14,
                        transforms=TRANSFORMS)


@pytest.mark.parametrize("horizon", [1, 3])
def test_windows_never_cross_series(tmp_path, horizon):
    """Series 'b' sits 1e6 above 'a': a window or target mixing them would show it."""
    settings = _panel(tmp_path)
    data = frame(DataSettings(**{**settings.__dict__, "horizon": horizon}),
                 load_data(settings), "none")
    assert data.series_names == ("a", "b")
    for split in (data.train, data.val, data.test):
        inputs = data.raw_inputs(split.target_idx, True)
        targets = np.asarray(data.actual(split)).reshape(len(split), -1)
        high = split.series == 1
        assert np.all(inputs[high] > 1e5) and np.all(inputs[~high] < 10)
        assert np.all(targets[high] > 1e5) and np.all(targets[~high] < 10)


def test_each_series_tests_its_last_steps_and_is_scaled_on_its_own_training_part(tmp_path):
    settings = _panel(tmp_path)
    table = load_data(settings)
    data = frame(settings, table, "none")
    for s, (name, start, stop) in enumerate(table.parts):
        test = data.test.target_idx[data.test.series == s]
        val = data.val.target_idx[data.val.series == s]
        assert list(test) == list(range(stop - 14, stop)), name
        assert list(val) == list(range(stop - 24, stop - 14)), name
        x = data.train.x[data.train.series == s].reshape(-1, 2)
        np.testing.assert_allclose(x.mean(axis=0), 0.0, atol=1e-4)  # each series centred
        np.testing.assert_allclose(data.unscale_x(data.test.x[data.test.series == s],
                                                  np.full(len(test), s)),
                                   data.raw_inputs(test, True), rtol=1e-6)


@pytest.mark.parametrize("transform", TRANSFORMS)
def test_paths_invert_exactly_for_every_transform(tmp_path, transform):
    settings = DataSettings(**{**_panel(tmp_path).__dict__, "horizon": 5})
    data = frame(settings, load_data(settings), transform)
    assert data.test.y.shape == (len(data.test), 5)
    for split in (data.train, data.val, data.test):
        np.testing.assert_allclose(data.to_units(split, split.y), data.actual(split), rtol=1e-6)
    # a test path lies inside the test part: 14 test steps give 10 origins of 5 steps
    assert len(data.test) == 2 * 10


def test_baselines_forecast_every_step_from_the_origin_within_the_series(tmp_path):
    settings = DataSettings(**{**_panel(tmp_path).__dict__, "horizon": 5})
    data = frame(settings, load_data(settings), "none")
    baselines = {b.name: b.predicted for b in forecast_baselines(data, data.test)}
    origin = data.test.target_idx - 1
    y = data.table.target
    np.testing.assert_array_equal(baselines["persistence"], np.repeat(y[origin][:, None], 5, 1))
    paths = data.target_positions(data.test.target_idx)
    np.testing.assert_array_equal(baselines["seasonal_naive"], y[paths - 7])
    assert {"ets", "seasonal_arima"} <= set(baselines)  # fitted on each series alone
    high = data.test.series == 1
    assert np.all(baselines["seasonal_arima"][high] > 1e5)
    assert np.all(baselines["seasonal_arima"][~high] < 10)


def test_a_short_series_is_named_or_skipped(tmp_path):
    settings = _panel(tmp_path, lengths=(120, 90, 30), offsets=(0.0, 1e6, 5.0))
    with pytest.raises(StudyError, match=r"window: series 'c' has 30 steps.*skip_short"):
        frame(settings, load_data(settings), "none")
    skipping = DataSettings(**{**settings.__dict__, "skip_short": True})
    data = frame(skipping, load_data(skipping), "none")
    assert data.skipped == ("c",) and data.series_names == ("a", "b")
    assert set(data.test.series.tolist()) == {0, 1}


def test_a_path_longer_than_the_test_part_is_refused(tmp_path):
    settings = DataSettings(**{**_panel(tmp_path).__dict__, "horizon": 15})
    with pytest.raises(StudyError, match="horizon: 15 steps ahead do not fit in the 14-step test"):
        frame(settings, load_data(settings), "none")


def test_explained_windows_of_a_series_end_at_the_origin_and_before(tmp_path):
    from lstm_tune.data.framings import framing_of

    settings = _panel(tmp_path)
    data = frame(settings, load_data(settings), "none")
    chosen = framing_of(data).explained(data, 5, series="b", origin="2020-03-01")
    ends = chosen.target_idx - 1
    assert set(chosen.series.tolist()) == {1} and len(chosen) == 5
    assert data.table.times[ends[-1]] == "2020-03-01"
    assert list(np.diff(ends)) == [1, 1, 1, 1]
    both = framing_of(data).explained(data, 6)  # every series in turn, the most recent of each
    assert sorted(both.series.tolist()) == [0, 0, 0, 1, 1, 1]
    assert not len(framing_of(data).explained(data, 5, origin="1999-01-01"))
