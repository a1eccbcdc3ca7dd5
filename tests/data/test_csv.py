"""CSV files as spreadsheets write them: the separator read from the header row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_tune.data.load import load_table, read_csv
from lstm_tune.data.settings import DataSettings
from lstm_tune.errors import StudyError

FRAME = pd.DataFrame({"month": pd.date_range("2000-01-01", periods=30, freq="MS")
                      .strftime("%Y-%m"), "sales": np.arange(30) + 0.25,
                      "note": ["a, b"] * 30})  # a comma inside a field


def _table(tmp_path, name):
    settings = DataSettings(source="s.yaml", csv=str(tmp_path / name), target="sales",
                            time="month", target_as_input=True)
    return load_table(settings)


@pytest.mark.parametrize("sep, name", [(";", "other.csv"), ("\t", "other.csv"),
                                       (";", "other.csv.gz"), (",", "other.csv.gz")])
def test_a_semicolon_or_tab_separated_file_reads_as_the_comma_one(tmp_path, sep, name):
    """Compressed too: the header is read as pandas opens the file."""
    FRAME.to_csv(tmp_path / "comma.csv", index=False)
    FRAME.to_csv(tmp_path / name, index=False, sep=sep)
    ours, theirs = _table(tmp_path, "comma.csv"), _table(tmp_path, name)
    np.testing.assert_array_equal(ours.target, theirs.target)
    assert ours.times == theirs.times


@pytest.mark.parametrize("sep, written", [(";", "0,25"), (",", "1,000.25")])
def test_decimal_commas_and_thousands_separators_are_named_with_the_fix(tmp_path, sep,
                                                                         written):
    FRAME.assign(sales=[written] + ["1.5"] * 29).to_csv(tmp_path / "n.csv", index=False,
                                                          sep=sep)
    with pytest.raises(StudyError) as err:
        _table(tmp_path, "n.csv")
    assert err.value.line().endswith(
        f"column 'sales' has a non-numeric value '{written}' at data row 1; fix: write numbers "
        "with a decimal point and no thousands separator (1234.5, not 1,234.5 or 1234,5)")


@pytest.mark.parametrize("sep", [";", "\t"])
def test_decimal_commas_read_as_numbers_where_fields_are_not_comma_separated(tmp_path, sep):
    """As a spreadsheet in a decimal-comma locale saves a CSV: 0,25 and whole numbers."""
    FRAME.to_csv(tmp_path / "comma.csv", index=False)
    sales = [f"{v:g}".replace(".", ",") for v in FRAME.sales]
    assert sales[:2] == ["0,25", "1,25"]
    FRAME.assign(sales=sales).to_csv(tmp_path / "eu.csv", index=False, sep=sep)
    np.testing.assert_array_equal(_table(tmp_path, "comma.csv").target,
                                  _table(tmp_path, "eu.csv").target)


def test_names_that_look_like_decimal_commas_stay_names(tmp_path):
    """Ids 1,1 and 1,10 are two sequences, not the number 1.1 twice."""
    (tmp_path / "ids.csv").write_text("id;step;a\n1,1;0;0,5\n1,10;0;1,5\n")
    df = read_csv(DataSettings(source="s.yaml"), tmp_path / "ids.csv")
    assert df["id"].tolist() == ["1,1", "1,10"] and df["a"].tolist() == [0.5, 1.5]


def test_decimal_commas_in_a_comma_separated_file_stay_refused(tmp_path):
    """There "1,250" may be a thousand and a quarter: the user says which."""
    FRAME.assign(sales="1,250").to_csv(tmp_path / "n.csv", index=False)
    with pytest.raises(StudyError, match="non-numeric value '1,250'"):
        _table(tmp_path, "n.csv")


def test_a_file_in_another_encoding_is_read_as_data_encoding_says(tmp_path):
    """As a spreadsheet on Windows saves a CSV: cp1252, where UTF-8 refuses the umlaut."""
    frame = FRAME.assign(note="Müller")
    frame.to_csv(tmp_path / "utf8.csv", index=False)
    frame.to_csv(tmp_path / "win.csv", index=False, sep=";", encoding="cp1252")
    with pytest.raises(StudyError) as err:
        _table(tmp_path, "win.csv")
    assert err.value.line().endswith(
        "data.csv: the file is not UTF-8 text (it holds byte 0xfc); fix: save it as UTF-8 (a "
        "spreadsheet's 'CSV UTF-8'), or set data.encoding to the encoding it was written in "
        "(cp1252 for Windows in Western Europe)")
    # new data for a model is read in its study's encoding: the fix is the file's own
    with pytest.raises(StudyError) as err:
        read_csv(DataSettings(source="s.yaml"), tmp_path / "win.csv", "--input")
    assert err.value.line().endswith("fix: save it as UTF-8 (a spreadsheet's 'CSV UTF-8')")
    settings = DataSettings(source="s.yaml", csv=str(tmp_path / "win.csv"), target="sales",
                            time="month", target_as_input=True, encoding="cp1252")
    np.testing.assert_array_equal(load_table(settings).target, _table(tmp_path, "utf8.csv").target)


@pytest.mark.parametrize("name, head, field, words", [
    ("sales.xlsx", b"PK\x03\x04\x14\x00\x06\x00", "data.csv", "a spreadsheet workbook, not a "
     "CSV file; fix: save the sheet as 'CSV UTF-8' and name that file, or read it with "
     "pandas.read_excel and give the frame to Study.from_frame"),
    ("old.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "--input", "a spreadsheet workbook, not "
     "a CSV file; fix: save the sheet as 'CSV UTF-8' and name that file, or read it with "
     "pandas.read_excel and pass the frame to predict"),
    ("s.parquet", b"PAR1\x15\x04", "data.csv", "a Parquet file, not a CSV file; fix: write it "
     "as CSV and name that file, or read it with pandas.read_parquet and give the frame to "
     "Study.from_frame"),
])
def test_a_workbook_or_parquet_file_is_named_as_what_it_is(tmp_path, name, head, field, words):
    """Not "the file is not UTF-8 text; set data.encoding", which no encoding would fix."""
    (tmp_path / name).write_bytes(head + bytes(range(256)))
    with pytest.raises(StudyError) as err:
        read_csv(DataSettings(source="s.yaml"), tmp_path / name, field)
    assert err.value.line().endswith(f"{field}: {words}"), err.value.line()


def test_ids_and_classes_stay_as_written_where_values_have_decimal_commas(tmp_path):
    """In a semicolon-separated panel the series 1,2 and 3,4 are names, not the numbers
    1.2 and 3.4, though every value beside them is a number with a decimal comma; so are
    the classes of labelled sequences."""
    months = FRAME.month.tolist()
    rows = [f"{m};{s};{i},5" for s in ("1,2", "3,4") for i, m in enumerate(months)]
    (tmp_path / "panel.csv").write_text("month;store;sales\n" + "\n".join(rows) + "\n")
    settings = DataSettings(source="s.yaml", csv=str(tmp_path / "panel.csv"), target="sales",
                            time="month", series="store", target_as_input=True)
    table = load_table(settings)
    assert [name for name, _, _ in table.parts] == ["1,2", "3,4"]
    assert table.target[:2].tolist() == [0.5, 1.5]
    (tmp_path / "labels.csv").write_text("id;step;a;grade\n1;0;0,5;1,5\n1;1;1,5;1,5\n"
                                         "2;0;2,5;2,5\n2;1;3,5;2,5\n")
    df = read_csv(DataSettings(source="s.yaml", task="classify", target="grade",
                               sequence="id"), tmp_path / "labels.csv")
    assert df["grade"].tolist() == ["1,5", "1,5", "2,5", "2,5"] and df["a"].iloc[0] == 0.5
