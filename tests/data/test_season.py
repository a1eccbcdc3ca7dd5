"""The season a study file leaves out is read from its dates: the cycle of each calendar,
none where the time column counts steps; the baselines then use it (a daily series with a
weekly cycle is compared with the value a week before, not twelve days before)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_tune.data.framing import frame, load_data
from lstm_tune.data.load import load_table
from lstm_tune.data.season import infer_season
from lstm_tune.data.settings import DataSettings
from lstm_tune.errors import StudyError
from lstm_tune.tasks.baselines import forecast_baselines


@pytest.mark.parametrize("freq, steps", [
    ("D", 7), ("B", 5), ("W-SUN", 52), ("MS", 12), ("ME", 12), ("QS", 4), ("QE", 4),
    ("YS", 1), ("h", 24), ("2h", 12), ("30min", 48), ("15min", 1), ("7min", 1),
])
def test_each_calendar_gets_its_cycle(freq, steps):
    stamps = pd.Series(pd.date_range("2001-01-01", periods=40, freq=freq))
    assert infer_season(stamps, "t", (("", 0, 40),)).steps == steps


def test_steps_counted_by_numbers_or_no_time_column_have_no_season():
    for season in (infer_season(pd.Series(np.arange(40)), "step", (("", 0, 40),)),
                   infer_season(None, None, (("", 0, 40),))):
        assert season.steps == 1 and season.described.startswith("none (")
        assert "season: N in the study file" in season.described


def test_a_day_of_short_steps_is_too_long_a_season_to_fit():
    """A day of 15-minute steps (96) makes each seasonal ETS or ARIMA fit slow: none, and
    the reason says so."""
    stamps = pd.Series(pd.date_range("2001-01-01", periods=400, freq="15min"))
    season = infer_season(stamps, "t", (("", 0, 400),))
    assert season.steps == 1 and "(96 steps) is too long a season" in season.described


def test_a_panel_spacing_is_read_within_each_series():
    """Two monthly series one after the other: the jump between them is not a step."""
    a = pd.date_range("1990-01-01", periods=30, freq="MS")
    b = pd.date_range("2010-01-01", periods=30, freq="MS")
    stamps = pd.Series(a.append(b))
    assert infer_season(stamps, "month", (("a", 0, 30), ("b", 30, 60))).steps == 12


def _daily(tmp_path, season=None) -> DataSettings:
    """A year of daily values with a weekly cycle (peaks on Saturdays) and little noise."""
    rng = np.random.default_rng(0)
    days = pd.date_range("2021-01-04", periods=364, freq="D")
    sales = 100 + 20 * (days.dayofweek == 5) + rng.normal(0, 1, len(days))
    pd.DataFrame({"day": days.strftime("%Y-%m-%d"), "sales": sales}).to_csv(
        tmp_path / "daily.csv", index=False)
    return DataSettings(str(tmp_path / "s.yaml"), base_dir=str(tmp_path), csv="daily.csv",
                        target="sales", time="day", target_as_input=True, window=14,
                        season=season, validation=28, test=28)


def test_a_daily_series_is_compared_with_the_value_a_week_before(tmp_path):
    settings = _daily(tmp_path)
    table = load_table(settings)
    assert table.season.steps == 7 and "daily dates" in table.season.described
    data = frame(settings, load_data(settings), "none")
    found = {b.name: b for b in forecast_baselines(data, data.test, statistical=False)}
    idx = data.test.target_idx
    np.testing.assert_array_equal(found["seasonal_naive"].predicted, table.target[idx - 7])
    # a week back is the cycle itself: the naive forecast of the same weekday is close
    error = np.abs(found["seasonal_naive"].predicted - table.target[idx]).mean()
    assert error < 3 < np.abs(found["persistence"].predicted - table.target[idx]).mean()


def test_a_season_the_study_file_gives_wins(tmp_path):
    table = load_table(_daily(tmp_path, season=14))
    assert table.season.steps == 14 and "given in the study file" in table.season.described


def test_no_season_means_no_seasonal_naive_and_no_seasonal_transform(tmp_path):
    settings = _daily(tmp_path, season=None)
    df = pd.read_csv(tmp_path / "daily.csv")
    df["day"] = np.arange(len(df))  # steps counted by numbers
    df.to_csv(tmp_path / "daily.csv", index=False)
    data = frame(settings, load_data(settings), "none")
    assert data.season == 1
    names = [b.name for b in forecast_baselines(data, data.test, statistical=False)]
    assert names == ["persistence"]
    with pytest.raises(StudyError) as err:
        frame(settings, load_data(settings), "seasonal_diff")
    assert err.value.field == "space.transform" and "season: N" in err.value.fix
