"""Load a study's data (built-in or CSV) into one checked table.

Every check that can fail on the user's data happens here, before any storage is opened:
missing columns, non-numeric values, NaN/inf, duplicate or unordered timestamps.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd

from lstm_tune.data.builtin import BUILTINS, Builtin, load_builtin
from lstm_tune.data.gaps import PREVIOUS, REFUSE, Filled, fill_previous, steps_of
from lstm_tune.data.season import Season, infer_season
from lstm_tune.data.times import compact_dates, parse_times
from lstm_tune.errors import StudyError
from lstm_tune.data.settings import WIDE_SERIES, WIDE_VALUE, DataSettings
from lstm_tune.data.splits import check_classes


@dataclass(frozen=True)
class Table:
    """A checked series: the target, the input features and a label for each step."""

    source: str
    target_name: str
    target: np.ndarray  # (T,) float for forecasts, class labels for classification
    features: np.ndarray  # (T, F) float
    feature_names: tuple[str, ...]
    times: tuple[str, ...]
    units: str = ""  # the target's units, if known (for axis labels)
    # (lag, feature, coefficient) of the cells that carry the signal, where a built-in knows
    informative: tuple[tuple[int, str, float], ...] = ()
    # many series (a panel): (name, first row, end row) of each, rows of one series together
    # and in time order; () for a single series
    series: tuple[tuple[str, int, int], ...] = ()
    # steps in one season: the study file's, or read from the time column's calendar
    season: Season = Season(1)
    # data.missing: previous: (rows,) True where the target's value was in the file (a
    # carried one is never a target, window.py); None when nothing may be filled
    observed: np.ndarray | None = None
    # and what was filled: target values carried forward, rows added, leading rows dropped
    filled: tuple[int, int, int] | None = None

    def __len__(self) -> int:
        return len(self.target)

    @property
    def panel(self) -> bool:
        return bool(self.series)

    @property
    def parts(self) -> tuple[tuple[str, int, int], ...]:
        """(name, start, stop) of every series; one unnamed part for a single series."""
        return self.series or (("", 0, len(self)),)

    def series_of(self, idx: np.ndarray) -> list[str]:
        """The name of the series each row belongs to."""
        starts = np.array([start for _, start, _ in self.parts])
        names = [name for name, _, _ in self.parts]
        return [names[i] for i in np.searchsorted(starts, np.asarray(idx), side="right") - 1]


def builtin_for(spec: DataSettings) -> Builtin:
    """The study's built-in dataset, checked against its task."""
    name = spec.builtin or ""
    if name not in BUILTINS:
        raise StudyError(
            spec.source, "data.builtin", f"unknown built-in dataset {name!r}",
            f"use one of {', '.join(BUILTINS)} (see 'lstm-tune datasets') or data.csv",
        )
    b = BUILTINS[name]
    if b.task != spec.task:
        raise StudyError(
            spec.source, "task", f"built-in {name!r} is a {b.task} dataset, not {spec.task}",
            f"set task: {b.task}",
        )
    return b


def separator(path: Path, encoding: str | None = None) -> str:
    """The file's field separator, read from its header row (as pandas opens it, so a
    compressed file too): a comma, else the semicolon or tab that spreadsheets write in
    many locales."""
    header = [str(c) for c in pd.read_csv(path, nrows=0, encoding=encoding).columns]
    if len(header) == 1:
        return next((sep for sep in (";", "\t") if sep in header[0]), ",")
    return ","


# what files that are not text begin with: a workbook (.xlsx and .ods are zip files, old
# .xls an OLE file), Parquet
_WORKBOOK = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_PARQUET = b"PAR1"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def _a_table_file(path: Path, field: str) -> None:
    """A workbook or a Parquet file given as a CSV is named as what it is, with the way to
    read it (pandas, then a frame), not as text in an unknown encoding."""
    with open(path, "rb") as f:
        head = f.read(4)
    zipped = path.name.lower().endswith(".zip")  # a zipped CSV: pandas reads it
    workbook = (head.startswith(_WORKBOOK) and not zipped) or \
        path.suffix.lower() in WORKBOOK_SUFFIXES
    if not workbook and head != _PARQUET:
        return
    what, reader = ("a spreadsheet workbook", "pandas.read_excel") if workbook else (
        "a Parquet file", "pandas.read_parquet")
    then = "pass the frame to predict" if field == "--input" else (
        "give the frame to Study.from_frame")
    raise StudyError(str(path), field, f"{what}, not a CSV file",
                     ("save the sheet as 'CSV UTF-8' and name that file, or " if workbook
                      else "write it as CSV and name that file, or ")
                     + f"read it with {reader} and {then}")


def read_csv(spec: DataSettings, path: Path, field: str = "data.csv") -> pd.DataFrame:
    """A CSV file read as text, or one clear StudyError. In a file separated by semicolons
    or tabs, numbers with decimal commas are read as numbers."""
    if not path.is_file():
        raise StudyError(spec.source, field, f"no such file {str(path)!r}",
                         "give a path relative to the study file")
    _a_table_file(path, field)
    encoding = spec.encoding
    try:
        sep = separator(path, encoding)
        df = pd.read_csv(path, sep=sep, encoding=encoding)
    except pd.errors.EmptyDataError:
        raise StudyError(str(path), field, "the CSV file is empty",
                         "give a CSV with a header row and data rows") from None
    except UnicodeDecodeError as exc:
        # a study's own files may be in another encoding; new data is read in the study's
        set_it = "" if field == "--input" else ", or set data.encoding to the encoding it " \
            "was written in (cp1252 for Windows in Western Europe)"
        raise StudyError(
            str(path), field, f"the file is not {encoding or 'UTF-8'} text (it holds byte "
            f"0x{exc.object[exc.start]:02x})", f"save it as UTF-8 (a spreadsheet's "
            f"'CSV UTF-8'){set_it}") from None
    except (pd.errors.ParserError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StudyError(str(path), field, f"cannot read it as CSV ({first})",
                         "save it as comma-separated UTF-8 text with a header row") from None
    if df.empty:
        raise StudyError(str(path), field, "the CSV file has a header but no rows",
                         "add data rows")
    # columns that name things (series, sequences, classes, texts) stay as written
    names = {spec.series, spec.sequence, spec.text,
             spec.target if spec.task == "classify" else None} - {None}
    return df if sep == "," else _decimal_commas(df, names)


# a number written with a decimal comma, as spreadsheets that separate fields with
# semicolons write them: 5,25  -0,5  ,5  7  1,5E-3 (no thousands separators)
_DECIMAL_COMMA = r"^\s*[-+]?(\d+,?\d*|,\d+)([eE][-+]?\d+)?\s*$"


def _decimal_commas(df: pd.DataFrame, names: set[str]) -> pd.DataFrame:
    """Columns whose every value is a number written with a decimal comma, read as numbers.
    Only in files separated otherwise than by commas: there a comma is the decimal one,
    where in a comma-separated file 1,234 may be a thousand (those are refused, with the
    fix). The columns in `names` (ids and classes: 1,2 is a name there) and a column where
    two values would read as one number (1,1 and 1,10: names, not numbers) are left as
    written."""
    for column in df.columns:
        values = df[column]
        if column in names or pd.api.types.is_numeric_dtype(values):
            continue
        text = values.dropna().astype(str)
        if text.str.contains(",", regex=False).any() and text.str.match(_DECIMAL_COMMA).all():
            numbers = pd.to_numeric(text.str.replace(",", ".", regex=False))
            if numbers.nunique() == text.str.strip().nunique():
                df[column] = numbers.reindex(values.index)
    return df


def first_blank_row(column: pd.Series) -> int | None:
    """The first row (from 0) whose cell is missing or only spaces, or None."""
    blank = (column.isna() | (column.astype(str).str.strip() == "")).to_numpy()
    return int(np.flatnonzero(blank)[0]) if blank.any() else None


def numeric_column(df: pd.DataFrame, column: str, where: str, field: str,
                   missing: str | None = None) -> np.ndarray:
    """A column's numbers; text refused at its row, and an infinite value, and (unless
    `missing`, the study's data.missing, is PREVIOUS: left as NaN for gaps.py) an empty
    cell. `missing` REFUSE names the setting in the fix (None: new data for a model)."""
    values = pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float)
    raw = df[column]
    bad = np.flatnonzero(np.isnan(values) & raw.notna().to_numpy())
    if len(bad):
        row = int(bad[0])
        comma = re.fullmatch(r"\s*-?[\d.,]*\d,\d[\d.,]*\s*", str(raw.iloc[row])) is not None
        raise StudyError(
            where, field, f"column {column!r} has a non-numeric value {raw.iloc[row]!r} "
            f"at data row {row + 1}", "write numbers with a decimal point and no thousands "
            "separator (1234.5, not 1,234.5 or 1234,5)" if comma
            else "make every value in the column a number",
        )
    if missing == PREVIOUS:
        infinite = np.flatnonzero(np.isinf(values))
        if len(infinite):
            raise StudyError(where, field, f"column {column!r} has an infinite value at data "
                             f"row {infinite[0] + 1}", "make every value in the column a "
                             "finite number")
        return values
    empty = np.flatnonzero(~np.isfinite(values))
    if len(empty):
        row = int(empty[0])
        raise StudyError(
            where, field, f"column {column!r} has {len(empty)} missing, NaN or infinite "
            f"value(s), the first at data row {row + 1}", "fill or drop those rows"
            + (", or set data.missing: previous to carry the last value forward (a filled "
               "target is never scored)" if missing == REFUSE else ""),
        )
    return values


def time_column(df: pd.DataFrame, time: str, where: str, noun: str, fix: str) -> pd.Series:
    """The time (or step) column as dates or numbers; an unreadable or empty one refused."""
    stamps = parse_times(df[time])
    if stamps.isna().any():
        row = int(np.flatnonzero(stamps.isna().to_numpy())[0])
        raise StudyError(where, "data.time", f"column {time!r} has an unreadable or empty "
                         f"{noun} at data row {row + 1}", fix)
    return stamps


def from_wide(df: pd.DataFrame, where: str, columns: Sequence[str], time: str | None,
              keep: Sequence[str], field: str, keep_gaps: bool = False) -> pd.DataFrame:
    """Series side by side, one column each (a wide CSV), as one long table: a row per
    series and time, the series' name in WIDE_SERIES and its value in WIDE_VALUE, with the
    `keep` columns (time, features) on every row. Empty cells where a series has not
    started or has ended are left out (series of different lengths); a non-number is
    refused at its own row of the file (as are an unreadable or repeated time), and so is
    an empty cell between values where no time column shows the gap, unless `keep_gaps`
    (data.missing: previous): then it is kept, empty, for gaps.py to fill."""
    taken = [c for c in (WIDE_SERIES, WIDE_VALUE) if c in keep]
    if taken:
        raise StudyError(where, field, f"series in columns are read into columns "
                         f"{WIDE_SERIES!r} and {WIDE_VALUE!r}, and the file's {taken[0]!r} "
                         "is read too", f"rename column {taken[0]!r}")
    if time is not None:
        repeated = time_column(df, time, where, "time", "give every row a date or a number"
                               ).duplicated().to_numpy()
        if repeated.any():
            row = int(np.flatnonzero(repeated)[0])
            raise StudyError(where, "data.time", f"duplicate time {df[time].iloc[row]!r} at "
                             f"data row {row + 1}", "keep one row per time step")
    numbers: dict[str, pd.Series] = {}
    for column in columns:
        values = numbers[column] = pd.to_numeric(df[column], errors="coerce")
        if (values.isna() & df[column].notna()).any():
            numeric_column(df, column, where, field)  # refuses, naming the row and the fix
        infinite = np.flatnonzero(np.isinf(values.to_numpy(dtype=float)))
        if len(infinite):  # named at the file's row, not the reshaped table's
            raise StudyError(where, field, f"column {column!r} has an infinite value at data "
                             f"row {infinite[0] + 1}", "make every value in the column a "
                             "finite number")
        inside = values.notna().to_numpy()
        if not inside.any():  # left out, the series would be missing without a word
            raise StudyError(where, field, f"column {column!r} holds no values",
                             f"fill it, or leave it out of {field}")
        if time is None and not keep_gaps:
            first, last = np.flatnonzero(inside)[[0, -1]]
            gaps = np.flatnonzero(~inside[first:last])
            if len(gaps):
                raise StudyError(where, field, f"column {column!r} is empty at data row "
                                 f"{first + gaps[0] + 1}, between values", "fill it, or give "
                                 "a time column (data.time) so that gaps can be told")
    long = df.assign(**numbers).melt(id_vars=list(keep), value_vars=list(columns),
                                     var_name=WIDE_SERIES, value_name=WIDE_VALUE)
    if not keep_gaps:
        return long[long[WIDE_VALUE].notna()].reset_index(drop=True)
    # each series' own span, from its first value to its last (between them, a gap)
    within = pd.concat([numbers[c].notna().cummax() & numbers[c].notna()[::-1].cummax()[::-1]
                        for c in columns], ignore_index=True)
    return long[within.to_numpy()].reset_index(drop=True)


def load_table(spec: DataSettings) -> Table:
    """Read the study's data and check it; raises StudyError on anything a model cannot use."""
    d = spec
    if d.builtin is not None:
        b = builtin_for(spec)
        df = load_builtin(b, spec.source)
        where = f"{spec.source} (built-in {b.name})"
        target = d.target or b.target
        features = list(d.features) if d.features else list(b.features)
        time = d.time or b.time
        # the known cells hold only for the built-in's own inputs
        informative = b.informative if not d.features else ()
        units = d.units or b.units
        series = d.series or b.series
    else:
        df = read_csv(spec, spec.data_path(spec.csv or ""))
        where = str(spec.data_path(d.csv or ""))
        target, features, time, informative = d.target or "", list(d.features), d.time, ()
        units = d.units or ""
        series = d.series

    columns = [str(c) for c in df.columns]
    df.columns = columns
    for field, names in (("data.target", list(d.wide) or [target]), ("data.features", features),
                         ("data.time", [time] if time else []),
                         ("data.series", [series] if series and not d.wide else [])):
        for name in names:
            if name not in columns:
                raise StudyError(where, field, f"no column {name!r} (columns: {', '.join(columns)})",
                                 "use one of the file's column names")
    # data.missing names a forecast's setting; classes are never filled (spec.py)
    missing = d.missing if spec.task == "forecast" else None
    if d.wide:
        df = from_wide(df, where, d.wide, time, [c for c in (time, *features) if c],
                       "data.target", keep_gaps=missing == PREVIOUS)
    if target in features:
        raise StudyError(where, "data.features", f"the target {target!r} is also listed as a feature",
                         "remove it from data.features (set data.target_as_input instead)")
    if len(set(features)) != len(features):
        raise StudyError(where, "data.features", "a feature is listed twice", "list each once")
    if not features and not spec.target_as_input:
        raise StudyError(where, "data.features", "the model would have no inputs",
                         "list feature columns or set data.target_as_input: true")

    df, parts, stamps = in_order(df, where, time, series, wide=bool(d.wide), missing=missing)
    filled = None
    if missing == PREVIOUS:
        filled = filled_gaps(df, parts, stamps, where, time, series, target, features, bool(d.wide))
        df, parts, stamps = filled.df, filled.parts, filled.stamps
    season = (Season(spec.season) if spec.season is not None else
              infer_season(stamps, time, parts or (("", 0, len(df)),)))
    if stamps is not None and compact_dates(df[time]):  # shown as dates, not as 20000108
        times = tuple(stamps.dt.strftime("%Y-%m-%d"))
    else:
        times = tuple(str(v) for v in df[time]) if time else tuple(str(i) for i in range(len(df)))

    if spec.task == "forecast":
        y = numeric_column(df, target, where, "data.target", missing)
        constant_series(y, parts, target, where)
    else:
        labels = df[target]
        if labels.isna().any():
            row = int(np.flatnonzero(labels.isna().to_numpy())[0])
            raise StudyError(where, "data.target", f"class column {target!r} is empty at data row "
                             f"{row + 1}", "give every row a class")
        y = labels.astype(str).to_numpy()
        if len(set(y)) < 2:
            raise StudyError(where, "data.target", f"class column {target!r} has a single class",
                             "classification needs at least two classes")
        # a class of one step is for the split by time to judge; a class per step is not one
        check_classes(y, np.full(len(y), "train"), where, "step", singles=False)
    x = np.column_stack([numeric_column(df, f, where, "data.features", missing)
                         for f in features]) if features else np.zeros((len(df), 0))
    return Table(where, target, y, x, tuple(features), times, units, informative, parts, season,
                 None if filled is None else filled.observed,
                 None if filled is None else (filled.carried, filled.added, filled.dropped))


def filled_gaps(df: pd.DataFrame, parts: tuple[tuple[str, int, int], ...],
                stamps: pd.Series | None, where: str, time: str | None, series: str | None,
                target: str, features: list[str], wide: bool) -> Filled:
    """data.missing: previous (gaps.py), once text in a number column is refused: a
    study's table, or a history a forecaster is given."""
    for column, field in ((target, "data.target"), *((f, "data.features") for f in features)):
        df[column] = numeric_column(df, column, where, field, PREVIOUS)

    def refuse(name: str, times: pd.Series, written: pd.Series, off: int | None) -> NoReturn:
        if off is not None:
            which = f"series {name!r} has" if name else "the series has"
            raise StudyError(where, "data.time", f"{which} steps left out, and its time "
                             f"{str(written.iloc[off])!r} is off the frequency of its other "
                             "times, so they cannot be added",
                             "give every time at the series' one frequency")
        gap_refused(times, written, name, where, wide, PREVIOUS, filling=True)
        raise AssertionError("a series with steps left out has a gap")

    return fill_previous(df, parts, stamps, time, series, target, features, where, refuse)


def constant_series(y: np.ndarray, parts: tuple[tuple[str, int, int], ...], target: str,
                    where: str) -> None:
    """A series that holds one value throughout has nothing to forecast, and no scale for
    MASE or the model's inputs: it is refused before anything is trained."""
    for name, start, stop in parts or (("", 0, len(y)),):
        chunk = y[start:stop]
        if len(chunk) and np.all(chunk == chunk[0]):
            what = f"series {name!r} of column {target!r}" if parts else f"column {target!r}"
            raise StudyError(where, "data.target", f"{what} holds one value ({chunk[0]:g}) "
                             "throughout: there is nothing to forecast",
                             "drop that series from the file" if parts
                             else "choose a target column whose values vary")


def in_order(df: pd.DataFrame, where: str, time: str | None, series: str | None,
             wide: bool = False, missing: str | None = None
             ) -> tuple[pd.DataFrame, tuple[tuple[str, int, int], ...], pd.Series | None]:
    """Rows of one series together (series by name) and in time order within each; the
    (name, start, stop) of every series of a panel; the time column read as times, in the
    rows' new order (None without one). `wide`: the series were the file's columns (a
    missing step there may be an empty cell). `missing`: the study's data.missing (None:
    new data for a model); with PREVIOUS, left-out steps are let be (gaps.py adds them)."""
    if series:
        ids = df[series]
        if ids.isna().any() or (ids.astype(str).str.strip() == "").any():
            row = int(np.flatnonzero((ids.isna() | (ids.astype(str).str.strip() == "")
                                      ).to_numpy())[0])
            raise StudyError(where, "data.series", f"column {series!r} is empty at data row "
                             f"{row + 1}", "give every row the name of its series")
        ids = ids.astype(str)
    else:
        ids = pd.Series([""] * len(df), index=df.index)
    keys = [ids]
    stamps = None
    if time:
        stamps = time_column(df, time, where, "time", "give every row a date or a number")
        dup = pd.DataFrame({"s": ids, "t": stamps}).duplicated()
        if dup.any():
            row = int(np.flatnonzero(dup.to_numpy())[0])
            which = f" in series {ids.iloc[row]!r}" if series else ""
            raise StudyError(where, "data.time", f"duplicate time {df[time].iloc[row]!r}{which} "
                             f"at data row {row + 1}", "keep one row per time step"
                             + (" of each series" if series else ""))
        keys.append(stamps)
    order = pd.DataFrame({f"k{i}": k.to_numpy() for i, k in enumerate(keys)}).sort_values(
        [f"k{i}" for i in range(len(keys))], kind="stable").index.to_numpy()
    df = df.iloc[order].reset_index(drop=True)
    if stamps is not None:
        stamps = stamps.iloc[order].reset_index(drop=True)
    if not series:
        if stamps is not None:
            _no_gaps(stamps, df[time], (("", 0, len(df)),), where, missing=missing)
        return df, (), stamps
    ids = ids.iloc[order].reset_index(drop=True)
    starts = np.flatnonzero(np.r_[True, ids.to_numpy()[1:] != ids.to_numpy()[:-1]])
    stops = np.r_[starts[1:], len(df)]
    parts = tuple((ids.iloc[a], int(a), int(b)) for a, b in zip(starts, stops))
    if stamps is not None:
        _one_frequency(stamps, parts, where, time)
        _no_gaps(stamps, df[time], parts, where, wide, missing)
    return df, parts, stamps


def _duration(seconds: float) -> str:
    """A step between dates in words: '1 day', '61 days', '2 hours'."""
    value, unit = (seconds / 86400, "day") if seconds >= 86400 else (seconds / 3600, "hour")
    return f"{value:g} {unit}{'' if value == 1 else 's'}"


def _no_gaps(times: pd.Series, written: pd.Series, parts: tuple[tuple[str, int, int], ...],
             where: str, wide: bool = False, missing: str | None = None) -> None:
    """Every series steps evenly: a window is `window` consecutive steps, a seasonal lag a
    season of them, so a missing step would be read across as if it were one."""
    for name, start, stop in parts:
        gap_refused(times.iloc[start:stop], written.iloc[start:stop], name, where, wide,
                    missing)


def gap_refused(times: pd.Series, written: pd.Series, name: str, where: str, wide: bool,
                missing: str | None = None, filling: bool = False) -> None:
    """Raise the StudyError for a series' first left-out step, if it has one. `missing`:
    the study's data.missing (None: new data for a model, where it is not the user's to
    set); with PREVIOUS gaps.py adds left-out steps, so only an hour a local clock skips is
    refused, or, `filling`, any (the series' frequency could not be read to add them)."""
    steps = steps_of(times)
    if steps is None or not len(steps.gaps):
        return
    # local clock times skip an hour where daylight saving starts: no step is missing there
    clock = (steps.steps[steps.gaps] == steps.usual + 3600) & steps.dated & \
        (steps.usual <= 3600)
    first = 0
    if missing == PREVIOUS and not filling:
        if not clock.any():
            return
        first = int(np.argmax(clock))
    i = int(steps.gaps[first])
    gap, usual = float(steps.steps[i]), steps.usual
    unit = _duration if steps.dated else (lambda v: f"{v:g}")
    which = f"series {name!r} " if name else ""
    setting = "" if missing is None else ", or set data.missing: previous"
    problem = (f"{which}steps from {str(written.iloc[i])!r} to {str(written.iloc[i + 1])!r} "
               f"({unit(gap)}, where its usual step is {unit(usual)}): steps are missing, "
               + ("and their times cannot be told from the series' frequency" if filling
                  else "and a window would read across them as one"))
    raise StudyError(where, "data.time", problem,
                     "write the times in UTC or with their UTC offset (local clock "
                     "times skip an hour where daylight saving starts)" if clock[first] else
                     "add the missing rows at the series' one frequency" if filling else
                     f"fill the empty cells of column {name!r} there, or add the "
                     f"missing rows{setting}" if wide else
                     f"add the missing rows, with their values{setting}")


def _step_of(values: pd.Series) -> str | None:
    """A series' step between times, in words (None when it cannot be told)."""
    if len(values) < 3:
        return None
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.infer_freq(pd.DatetimeIndex(values))
    steps = np.diff(values.to_numpy(dtype=float))
    return f"{np.median(steps):g}"


def _one_frequency(times: pd.Series, parts: tuple[tuple[str, int, int], ...], where: str,
                   time: str) -> None:
    """Every series of a panel steps at the same frequency (one model reads them alike)."""
    seen: dict[str, str] = {}
    for name, start, stop in parts:
        step = _step_of(times.iloc[start:stop])
        if step is None:
            continue
        if seen and step not in seen:
            other, first = next(iter(seen.items()))
            raise StudyError(where, "data.time", f"series {name!r} steps by {step} but series "
                             f"{first!r} by {other} (column {time!r})",
                             "resample every series to one frequency")
        seen.setdefault(step, name)

