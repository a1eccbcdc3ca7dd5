"""Time columns as users' files write them: quarters and compact dates read as dates,
without warnings a user cannot act on."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from lstm_tune.data.load import load_table
from lstm_tune.data.times import parse_times
from lstm_tune.data.settings import DataSettings
from lstm_tune.errors import StudyError


@pytest.mark.parametrize("values, first, second", [
    (["1998Q1", "1998Q2"], "1998-01-01", "1998-04-01"),
    ([20000108, 20000115], "2000-01-08", "2000-01-15"),
    (["1949-01", "1949-02"], "1949-01-01", "1949-02-01"),
])
def test_dates_are_read_without_a_warning(values, first, second):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stamps = parse_times(pd.Series(values))
    assert [str(s.date()) for s in stamps] == [first, second]


def test_step_numbers_stay_numbers():
    assert parse_times(pd.Series([1, 2, 3])).tolist() == [1, 2, 3]
    assert parse_times(pd.Series([1, 50000101])).tolist() == [1, 50000101]  # not all dates


def test_a_table_shows_compact_dates_as_dates(tmp_path):
    days = pd.date_range("2000-01-08", periods=30, freq="W-SAT")
    frame = pd.DataFrame({"day": days.strftime("%Y%m%d").astype(int),
                          "y": np.arange(30.0)})
    frame.to_csv(tmp_path / "d.csv", index=False)
    settings = DataSettings(source="d.yaml", csv=str(tmp_path / "d.csv"), target="y",
                            time="day", target_as_input=True)
    table = load_table(settings)
    assert table.times[:2] == ("2000-01-08", "2000-01-15")


def test_data_paths_are_shown_normalised():
    settings = DataSettings(source="studies/s.yaml", base_dir="studies", csv="../data/x.csv")
    assert str(settings.data_path(settings.csv)) == "data/x.csv"


def test_local_times_across_a_daylight_saving_change_are_read_in_utc(tmp_path):
    """Berlin's clocks go forward on 2021-03-28: the offsets change from +0100 to +0200, and
    the hours stay one apart in UTC, so the table is hourly with a daily season."""
    hours = pd.date_range("2021-03-25", periods=24 * 8, freq="h", tz="Europe/Berlin")
    written = pd.Series(hours.strftime("%Y-%m-%dT%H:%M:%S%z"))
    assert written.str[-5:].nunique() == 2
    stamps = parse_times(written)
    assert (stamps.diff().dropna() == pd.Timedelta(hours=1)).all()
    pd.DataFrame({"hour": written, "y": np.sin(np.arange(len(hours)))}).to_csv(
        tmp_path / "h.csv", index=False)
    settings = DataSettings(source="h.yaml", csv=str(tmp_path / "h.csv"), target="y",
                            time="hour", target_as_input=True)
    table = load_table(settings)
    assert table.season.steps == 24 and table.times[0] == written[0]
    # the same local times without their offsets skip an hour: the fix says why
    frame = pd.DataFrame({"hour": hours.strftime("%Y-%m-%d %H:%M"), "y": 1.0 + np.arange(192)})
    frame.to_csv(tmp_path / "h.csv", index=False)
    with pytest.raises(StudyError) as err:
        load_table(settings)
    assert "steps from '2021-03-28 01:00' to '2021-03-28 03:00' (2 hours, where its usual " \
        "step is 1 hour)" in err.value.line()
    assert err.value.line().endswith("fix: write the times in UTC or with their UTC offset "
                                     "(local clock times skip an hour where daylight saving "
                                     "starts)")
    # an hour the clock skips is no step left out: not added by data.missing either
    with pytest.raises(StudyError, match="steps from '2021-03-28 01:00' to '2021-03-28 03:00'.*"
                       "fix: write the times in UTC"):
        load_table(replace(settings, missing="previous"))
    # a time without an offset among times with one cannot be placed: it is unreadable
    mixed = written.copy()
    mixed[5] = mixed[5][:-5]
    assert parse_times(mixed).isna().tolist() == [i == 5 for i in range(len(mixed))]


def test_business_days_may_leave_out_holidays_but_other_steps_may_not(tmp_path):
    """A trading calendar skips holidays by design; a daily or numbered series that skips
    steps would have its windows read across them as one step."""
    days = pd.bdate_range("2021-01-04", periods=120).delete([10, 50, 51])  # holidays
    frame = pd.DataFrame({"day": days.strftime("%Y-%m-%d"), "y": np.sin(np.arange(117.0))})
    frame.to_csv(tmp_path / "b.csv", index=False)
    settings = DataSettings(source="b.yaml", csv=str(tmp_path / "b.csv"), target="y",
                            time="day", target_as_input=True)
    assert load_table(settings).season.steps == 5
    frame.assign(day=np.delete(np.arange(118), 40)).to_csv(tmp_path / "b.csv", index=False)
    with pytest.raises(StudyError, match="steps from '39' to '41' \\(2, where its usual "
                                         "step is 1\\)"):
        load_table(settings)


DAYS = pd.date_range("2020-01-01", periods=40, freq="D")
MONTHS = pd.date_range("2019-01-01", periods=30, freq="MS")


@pytest.mark.parametrize("stamps, written", [
    (DAYS, "%d/%m/%Y"), (DAYS, "%m/%d/%Y"), (DAYS, "%d.%m.%Y"), (DAYS, "%d-%m-%y"),
    (DAYS + pd.Timedelta(hours=13), "%d/%m/%Y %H:%M"),
    # no day passes 12: the order whose steps are even (day first: 28-31 days apart)
    (MONTHS, "%d/%m/%Y"), (MONTHS, "%m/%d/%Y"), (MONTHS, "%d.%m.%Y"),
])
def test_dates_written_with_the_day_or_the_month_first_read_one_way(stamps, written):
    """Element by element, pandas read 01/07/2020 as January 7th and 13/01/2020 as January
    13th in one column: a day-first column came out in a scrambled order."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read = parse_times(pd.Series(stamps.strftime(written)))
    assert list(read) == list(stamps)


def test_a_day_first_csv_runs_as_its_iso_twin(tmp_path):
    frame = pd.DataFrame({"day": DAYS.strftime("%d/%m/%Y"), "y": np.sin(np.arange(40.0))})
    frame.to_csv(tmp_path / "d.csv", index=False)
    settings = DataSettings(source="d.yaml", csv=str(tmp_path / "d.csv"), target="y",
                            time="day", target_as_input=True)
    table = load_table(settings)
    assert table.times[:3] == ("01/01/2020", "02/01/2020", "03/01/2020")  # as written
    assert table.season.steps == 7  # daily: read day first, the steps are one day
    bad = frame.assign(day=frame.day.where(frame.index != 3, "32/01/2020"))
    bad.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(StudyError, match="unreadable or empty time at data row 4"):
        load_table(settings)
