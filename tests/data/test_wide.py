"""Series side by side, one column each (a wide CSV, `target: [north, south]`): read as the
same panel as its long form, and bad cells refused at their own row of the file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_tune.data.load import load_table
from lstm_tune.data.settings import WIDE_SERIES, WIDE_VALUE, DataSettings
from lstm_tune.errors import StudyError
from lstm_tune.spec import spec_from_dict

N = 40


def wide() -> pd.DataFrame:
    """'south' starts six months after 'north' (empty cells before it); a shared feature."""
    t = np.arange(N)
    return pd.DataFrame({"month": pd.date_range("2010-01-01", periods=N, freq="MS")
                         .strftime("%Y-%m"), "north": 100 + t + np.sin(t),
                         "south": np.r_[[np.nan] * 6, 50 + np.cos(t[6:])],
                         "price": np.linspace(1, 2, N)})


def long(frame: pd.DataFrame) -> pd.DataFrame:
    rows = frame.melt(id_vars=["month", "price"], value_vars=["north", "south"],
                      var_name="region", value_name="sales")
    return rows.dropna(subset=["sales"]).sample(frac=1.0, random_state=0)  # any order


def settings(tmp_path, frame: pd.DataFrame, time: str | None = "month",
             features: tuple[str, ...] = ("price",)) -> DataSettings:
    frame.to_csv(tmp_path / "wide.csv", index=False)
    return DataSettings("s.yaml", base_dir=str(tmp_path), csv="wide.csv", target=WIDE_VALUE,
                        wide=("north", "south"), series=WIDE_SERIES, time=time,
                        features=features, target_as_input=True, season=12)


def test_a_wide_file_reads_as_its_long_form(tmp_path):
    ours = load_table(settings(tmp_path, wide()))
    long(wide()).to_csv(tmp_path / "long.csv", index=False)
    theirs = load_table(DataSettings("s.yaml", base_dir=str(tmp_path), csv="long.csv",
                                     target="sales", series="region", time="month",
                                     features=("price",), target_as_input=True, season=12))
    assert ours.parts == theirs.parts == (("north", 0, N), ("south", N, 2 * N - 6))
    np.testing.assert_array_equal(ours.target, theirs.target)
    np.testing.assert_array_equal(ours.features, theirs.features)
    assert ours.times == theirs.times and ours.times[N] == "2010-07"


@pytest.mark.parametrize("edit, time, words", [
    (lambda f: f.assign(south=f.south.astype(object).where(f.index != 9, "many")), "month",
     "column 'south' has a non-numeric value 'many' at data row 10"),
    (lambda f: f.assign(south=f.south.where(f.index != 20)), None,
     "column 'south' is empty at data row 21, between values; fix: fill it, or give a time "
     "column (data.time) so that gaps can be told"),
    (lambda f: f.assign(south=f.south.where(f.index != 20)), "month",
     "series 'south' steps from '2011-08' to '2011-10'"),
    (lambda f: f.assign(south=f.south.where(f.index != 20)), "month",
     "fix: fill the empty cells of column 'south' there, or add the missing rows"),
    (lambda f: f.assign(south=f.south.where(f.index != 12, np.inf)), "month",
     "column 'south' has an infinite value at data row 13; fix: make every value"),
    (lambda f: f.assign(month=f.month.where(f.index != 30, "2010-02")), "month",
     "duplicate time '2010-02' at data row 31"),
    (lambda f: f.assign(south=np.nan), "month",
     "data.target: column 'south' holds no values; fix: fill it, or leave it out of "
     "data.target"),
    (lambda f: f.rename(columns={"price": "value"}), "month",
     "and the file's 'value' is read too; fix: rename column 'value'"),
])
def test_a_bad_cell_is_named_at_its_row_of_the_file(tmp_path, edit, time, words):
    frame = edit(wide())
    features = ("value",) if "value" in frame.columns else ("price",)
    with pytest.raises(StudyError) as err:
        load_table(settings(tmp_path, frame, time, features))
    assert words in err.value.line(), err.value.line()


def _spec(**data):
    return {"name": "w", "data": {"csv": "wide.csv", "target": ["north", "south"], **data}}


def test_a_study_file_names_series_by_their_columns():
    spec = spec_from_dict(_spec(time="month"), "w.yaml")
    assert spec.data.is_panel and spec.test_metric == "mase"
    d = spec.data_settings
    assert (d.wide, d.target, d.series) == (("north", "south"), WIDE_VALUE, WIDE_SERIES)
    one = spec_from_dict(_spec(target=["north"]), "w.yaml")  # a list of one: that column
    assert one.data.target == "north" and not one.data.is_panel


@pytest.mark.parametrize("change, words", [
    ({"task": "classify"}, "data.target: a list of columns is a panel of series to forecast"),
    ({"data": {"series": "region"}}, "data.target: a list of columns is a panel of series "
     "side by side, and data.series reads another layout"),
    ({"data": {"features": ["south"]}}, "data.features: 'south' is also a target"),
    ({"data": {"target": ["north", "north"]}}, "data.target: a column is listed twice"),
])
def test_a_list_of_targets_is_refused_where_it_cannot_be_a_panel(change, words):
    raw = _spec(**change.pop("data", {}))
    with pytest.raises(StudyError) as err:
        spec_from_dict({**raw, **change}, "w.yaml")
    assert words in err.value.line(), err.value.line()
