"""data.missing: previous: empty cells and left-out steps carry the last value forward,
and a carried value is never a target (nothing is trained, chosen or scored on it)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_tune.data.load import load_table
from lstm_tune.data.settings import WIDE_SERIES, WIDE_VALUE, DataSettings
from lstm_tune.data.window import make_dataset
from lstm_tune.errors import StudyError


def monthly(tmp_path, drop=(10, 11, 20), empty=(5,), periods=60):
    """A monthly series with values 100, 101, ...: `empty` cells blank, `drop` rows left out."""
    stamps = pd.date_range("2015-01-01", periods=periods, freq="MS")
    df = pd.DataFrame({"month": stamps.strftime("%Y-%m"), "sales": 100.0 + np.arange(periods),
                       "price": np.sin(np.arange(periods))})
    df.loc[list(empty), "sales"] = np.nan
    df = df.drop(index=list(drop))
    df.to_csv(tmp_path / "sales.csv", index=False)
    return tmp_path / "sales.csv"


def settings(path, missing="previous", **kw):
    base = dict(source="study.yaml", csv=path.name, base_dir=str(path.parent), target="sales",
                time="month", target_as_input=True, missing=missing, window=6, validation=8,
                test=8)
    return DataSettings(**{**base, **kw})


def test_empty_cells_and_left_out_steps_carry_the_last_value(tmp_path):
    table = load_table(settings(monthly(tmp_path), features=("price",)))
    assert len(table) == 60  # the three left-out months are back
    assert table.times[9:13] == ("2015-10", "2015-11", "2015-12", "2016-01")  # as written
    # the value before each gap, never the one after it (that would be the future)
    assert table.target[4:7].tolist() == [104, 104, 106]
    assert table.target[9:13].tolist() == [109, 109, 109, 112]
    assert table.features[10, 0] == table.features[9, 0] == pytest.approx(np.sin(9))
    assert np.flatnonzero(~table.observed).tolist() == [5, 10, 11, 20]
    assert table.filled == (4, 3, 0)


def test_without_the_setting_a_gap_is_refused_naming_it(tmp_path):
    path = monthly(tmp_path, drop=(), empty=(5,))
    with pytest.raises(StudyError, match="column 'sales' has 1 missing.*at data row 6; fix: "
                       "fill or drop those rows, or set data.missing: previous"):
        load_table(settings(path, missing="refuse"))
    with pytest.raises(StudyError, match="steps from '2015-10' to '2016-01'.*set data.missing: "
                       "previous"):
        load_table(settings(monthly(tmp_path, empty=()), missing="refuse"))


@pytest.mark.parametrize("horizon", [1, 3])
def test_no_window_has_a_carried_value_as_a_target(tmp_path, horizon):
    """In every part and fold, each target of each window was in the file; the windows
    left out are exactly those with a carried target."""
    empty = (30, 47, 55)  # in the training, validation and test parts
    spec = settings(monthly(tmp_path, empty=empty), horizon=horizon, folds=2)
    table = load_table(spec)
    for fold in (0, 1):
        data = make_dataset(spec, table, "diff", fold=fold)
        for split in (data.train, data.val, data.test):
            assert table.observed[data.target_positions(split.target_idx)].all()
    test = make_dataset(spec, table, "diff").test.target_idx
    complete = make_dataset(settings(monthly(tmp_path, drop=(), empty=()), horizon=horizon),
                            load_table(settings(monthly(tmp_path, drop=(), empty=()),
                                                horizon=horizon))).test.target_idx
    hit = {int(i) for i in complete if not table.observed[i:i + horizon].all()}
    assert hit and sorted(set(complete.tolist()) - hit) == test.tolist()


def test_mase_scale_leaves_carried_values_out(tmp_path):
    path = monthly(tmp_path, drop=(), empty=(13,))
    values = pd.read_csv(path)["sales"].to_numpy().copy()
    values[14:] += np.random.default_rng(0).normal(0, 5, len(values) - 14)
    pd.read_csv(path).assign(sales=values).to_csv(path, index=False)
    spec = settings(path, season=12)
    data = make_dataset(spec, load_table(spec))
    history = values[:data.test.target_idx.min()]  # NaN at month 13, as in the file
    errors = np.abs(history[12:] - history[:-12])
    assert np.isnan(errors).sum() == 2  # month 13 less month 1, month 25 less month 13
    assert data.history_scales(data.test)[0] == pytest.approx(np.nanmean(errors))


def test_a_panel_and_series_side_by_side_are_filled_each_on_its_own(tmp_path):
    long = pd.DataFrame({"shop": ["a"] * 10 + ["b"] * 10, "step": list(range(10)) * 2,
                         "sales": np.r_[np.arange(10.0), 50 + np.arange(10.0)]})
    long = long.drop(index=[3, 14])
    long.loc[10, "sales"] = np.nan  # b's first step: nothing before it to carry
    long.to_csv(tmp_path / "long.csv", index=False)
    table = load_table(DataSettings(source="s.yaml", csv="long.csv", base_dir=str(tmp_path),
                                    target="sales", time="step", series="shop",
                                    target_as_input=True, missing="previous"))
    assert table.series == (("a", 0, 10), ("b", 10, 19))
    assert table.target[:5].tolist() == [0, 1, 2, 2, 4]  # a's left-out step 3
    assert table.target[10:15].tolist() == [51, 52, 53, 53, 55]  # b from step 1
    assert table.times[10] == "1" and table.filled == (2, 2, 1)

    wide = pd.DataFrame({"north": [1, 2, np.nan, 4, 5, 6.0],
                         "south": [np.nan, 1, 2, 3, np.nan, np.nan]})
    wide.to_csv(tmp_path / "wide.csv", index=False)
    table = load_table(DataSettings(source="s.yaml", csv="wide.csv", base_dir=str(tmp_path),
                                    target=WIDE_VALUE, wide=("north", "south"),
                                    series=WIDE_SERIES, target_as_input=True,
                                    missing="previous"))
    # an empty cell between values is a gap; before the first and after the last, no series
    assert table.series == (("north", 0, 6), ("south", 6, 9))
    assert table.target.tolist() == [1, 2, 2, 4, 5, 6, 1, 2, 3]


@pytest.mark.parametrize("times, problem", [
    (["0", "1", "2", "3", "7.5", "8.5"], "its time '7.5' is off the frequency of its other "
     "times, so they cannot be added; fix: give every time at the series' one frequency"),
    (["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04", "2020-01-07 12:00"],
     "its time '2020-01-07 12:00' is off the frequency"),
    # no three steps in a row to read a frequency from
    (["0", "1", "3", "4", "6", "7"], "steps from '1' to '3' .2, where its usual step is 1.: "
     "steps are missing, and their times cannot be told from the series' frequency; fix: add "
     "the missing rows at the series' one frequency"),
])
def test_steps_off_the_series_frequency_are_refused(tmp_path, times, problem):
    pd.DataFrame({"month": times, "sales": np.arange(len(times), dtype=float)}).to_csv(
        tmp_path / "sales.csv", index=False)
    with pytest.raises(StudyError, match=problem):
        load_table(settings(tmp_path / "sales.csv"))


def test_a_series_with_no_full_row_is_refused(tmp_path):
    pd.DataFrame({"month": ["2020-01", "2020-02", "2020-03"], "sales": [1.0, 2, 3],
                  "price": [np.nan] * 3}).to_csv(tmp_path / "sales.csv", index=False)
    with pytest.raises(StudyError, match="data.missing: the series has no row with the target "
                       "and every feature filled"):
        load_table(settings(tmp_path / "sales.csv", features=("price",)))


def test_text_and_infinity_are_still_refused(tmp_path):
    path = monthly(tmp_path, drop=(), empty=())
    df = pd.read_csv(path).astype({"sales": object})
    df.loc[3, "sales"] = "twelve"
    df.to_csv(path, index=False)
    with pytest.raises(StudyError, match="non-numeric value 'twelve' at data row 4"):
        load_table(settings(path))
    df.loc[3, "sales"] = "inf"
    df.to_csv(path, index=False)
    with pytest.raises(StudyError, match="infinite value at data row 4"):
        load_table(settings(path))


def test_steps_of_a_tenth_are_added_where_they_belong(tmp_path):
    """Numbered times a tenth apart: 0.1 * 7 is not 0.7 in floating point, so the rows are
    placed by their count of steps, not looked up by value."""
    times = [round(0.1 * i, 1) for i in range(30)]
    pd.DataFrame({"month": times, "sales": np.arange(30.0)}).drop(index=[3, 17]).to_csv(
        tmp_path / "sales.csv", index=False)
    table = load_table(settings(tmp_path / "sales.csv"))
    assert table.times[:5] == ("0.0", "0.1", "0.2", "0.3", "0.4")
    assert table.target.tolist() == [0, 1, 2, 2, *range(4, 17), 16, *range(18, 30)]
