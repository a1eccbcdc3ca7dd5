"""Load a study's data (built-in or CSV) into one checked table.

Every check that can fail on the user's data happens here, before any storage is opened:
missing columns, non-numeric values, NaN/inf, duplicate or unordered timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lstm_tune.data.builtin import BUILTINS, Builtin
from lstm_tune.errors import StudyError
from lstm_tune.data.settings import DataSettings


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

    def __len__(self) -> int:
        return len(self.target)


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


def read_csv(spec: DataSettings, path: Path, field: str = "data.csv") -> pd.DataFrame:
    """A CSV file read as text, or one clear StudyError."""
    if not path.is_file():
        raise StudyError(spec.source, field, f"no such file {str(path)!r}",
                         "give a path relative to the study file")
    try:
        df = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise StudyError(str(path), field, "the CSV file is empty",
                         "give a CSV with a header row and data rows") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StudyError(str(path), field, f"cannot read it as CSV ({first})",
                         "save it as comma-separated UTF-8 text with a header row") from None
    if df.empty:
        raise StudyError(str(path), field, "the CSV file has a header but no rows",
                         "add data rows")
    return df


def numeric_column(df: pd.DataFrame, column: str, where: str, field: str) -> np.ndarray:
    values = pd.to_numeric(df[column], errors="coerce").to_numpy(dtype=float)
    raw = df[column]
    bad = np.flatnonzero(np.isnan(values) & raw.notna().to_numpy())
    if len(bad):
        row = int(bad[0])
        raise StudyError(
            where, field, f"column {column!r} has a non-numeric value {raw.iloc[row]!r} "
            f"at data row {row + 1}", "make every value in the column a number",
        )
    missing = np.flatnonzero(~np.isfinite(values))
    if len(missing):
        row = int(missing[0])
        raise StudyError(
            where, field, f"column {column!r} has {len(missing)} missing, NaN or infinite "
            f"value(s), the first at data row {row + 1}", "fill or drop those rows before the study",
        )
    return values


def time_column(df: pd.DataFrame, time: str, where: str, noun: str, fix: str) -> pd.Series:
    """The time (or step) column as dates or numbers; an unreadable or empty one refused."""
    stamps = pd.to_datetime(df[time], errors="coerce") if df[time].dtype == object else df[time]
    if stamps.isna().any():
        row = int(np.flatnonzero(stamps.isna().to_numpy())[0])
        raise StudyError(where, "data.time", f"column {time!r} has an unreadable or empty "
                         f"{noun} at data row {row + 1}", fix)
    return stamps


def load_table(spec: DataSettings) -> Table:
    """Read the study's data and check it; raises StudyError on anything a model cannot use."""
    d = spec
    if d.builtin is not None:
        b = builtin_for(spec)
        df = b.load()
        where = f"{spec.source} (built-in {b.name})"
        target = d.target or b.target
        features = list(d.features) if d.features else list(b.features)
        time = d.time or b.time
        # the known cells hold only for the built-in's own inputs
        informative = b.informative if not d.features else ()
        units = d.units or b.units
    else:
        df = read_csv(spec, Path(spec.base_dir) / (spec.csv or ""))
        where = str(Path(spec.base_dir) / (d.csv or ""))
        target, features, time, informative = d.target or "", list(d.features), d.time, ()
        units = d.units or ""

    columns = [str(c) for c in df.columns]
    df.columns = columns
    for field, names in (("data.target", [target]), ("data.features", features),
                         ("data.time", [time] if time else [])):
        for name in names:
            if name not in columns:
                raise StudyError(where, field, f"no column {name!r} (columns: {', '.join(columns)})",
                                 "use one of the file's column names")
    if target in features:
        raise StudyError(where, "data.features", f"the target {target!r} is also listed as a feature",
                         "remove it from data.features (set data.target_as_input instead)")
    if len(set(features)) != len(features):
        raise StudyError(where, "data.features", "a feature is listed twice", "list each once")
    if not features and not spec.target_as_input:
        raise StudyError(where, "data.features", "the model would have no inputs",
                         "list feature columns or set data.target_as_input: true")

    if time:
        stamps = time_column(df, time, where, "time", "give every row a date or a number")
        dup = stamps.duplicated()
        if dup.any():
            row = int(np.flatnonzero(dup.to_numpy())[0])
            raise StudyError(where, "data.time", f"duplicate time {df[time].iloc[row]!r} at data "
                             f"row {row + 1}", "keep one row per time step")
        order = np.argsort(stamps.to_numpy(), kind="stable")
        df = df.iloc[order].reset_index(drop=True)
        times = tuple(str(v) for v in df[time])
    else:
        times = tuple(str(i) for i in range(len(df)))

    if spec.task == "forecast":
        y = numeric_column(df, target, where, "data.target")
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
    x = np.column_stack([numeric_column(df, f, where, "data.features") for f in features]) \
        if features else np.zeros((len(df), 0))
    return Table(where, target, y, x, tuple(features), times, units, informative)

