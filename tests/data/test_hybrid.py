"""A hybrid's target is what its statistical model leaves: the model is fitted per series on
the fold's training steps only, forecasts each origin from the history up to it, and is
added back exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_tune.data.framing import frame, load_data
from lstm_tune.data.splits import REFIT
from lstm_tune.spec import load_spec
from lstm_tune.stats.models import StatModel

from tests.conftest import TINY_SPACE, tiny_study


@pytest.fixture
def airline(write_study):
    spec = load_spec(write_study(tiny_study(space={**TINY_SPACE, "base": ["none", "arima"]})))
    return spec, load_data(spec.data_settings)


@pytest.mark.parametrize("transform", ["none", "log", "log_diff"])
def test_the_target_is_what_the_statistical_model_leaves(airline, transform):
    spec, table = airline
    data = frame(spec.data_settings, table, {"transform": transform, "base": "arima"})
    y = table.target
    model = StatModel.fit(y, 108, 12, "arima", recent=False)  # before the validation part
    for split in (data.train, data.val, data.test):
        np.testing.assert_allclose(data.to_units(split, split.y), data.actual(split), rtol=1e-5)
        forecast = model.paths(y, split.target_idx - 1, 1, 1)[:, 0]
        level = np.log(forecast) if transform.startswith("log") else forecast
        np.testing.assert_allclose(split.ref, level, rtol=1e-9)
    assert data.base_models == (model,)
    # the refit (training + validation) is fitted on everything before the test part
    refit = frame(spec.data_settings, table, {"transform": transform, "base": "arima"}, REFIT)
    assert refit.base_models == (StatModel.fit(y, 120, 12, "arima", recent=False),)


def test_a_hybrid_never_sees_a_target_or_anything_after_it(airline, write_study, tmp_path):
    """Change every value from a validation month on: the training part's samples and the
    forecasts of origins before that month do not move."""
    spec, table = airline
    data = frame(spec.data_settings, table, {"transform": "none", "base": "arima"})
    changed = np.where(np.arange(len(table)) >= 112, table.target * 3.0, table.target)
    pd.DataFrame({"month": table.times, "passengers": changed}).to_csv(
        tmp_path / "changed.csv", index=False)
    spec_b = load_spec(write_study(tiny_study(
        data={"csv": "changed.csv", "target": "passengers", "time": "month"},
        space={**TINY_SPACE, "base": ["none", "arima"]}), "changed.yaml"))
    other = frame(spec_b.data_settings, load_data(spec_b.data_settings),
                  {"transform": "none", "base": "arima"})
    np.testing.assert_array_equal(other.train.ref, data.train.ref)
    np.testing.assert_array_equal(other.train.y, data.train.y)
    before = data.val.target_idx <= 112  # origins up to month 111
    np.testing.assert_allclose(other.val.ref[before], data.val.ref[before], rtol=1e-12)
    assert not np.allclose(other.val.ref[~before], data.val.ref[~before])


def test_a_base_is_only_for_forecasts(write_study):
    from lstm_tune.errors import StudyError

    with pytest.raises(StudyError, match="space.base: a statistical base is for forecasts"):
        load_spec(write_study(tiny_study(task="classify", data={"builtin": "synthetic_class"},
                                         space={"layers": 1, "units": 4,
                                                "learning_rate": 0.01, "base": "ets"})))
