"""Reading what a user hands `predict`: a series history, sequences or texts.

Every problem is one StudyError naming the input, the field and the fix (the CLI prints it
as one line and exits 2, writing nothing): a missing column, text where numbers
belong, an unknown series, a history shorter than the model's window, sequences of the
wrong channel count, a `.ts` file of other dimensions. Columns the model does not read are
left alone, as the study's own data file may hold them, and named in a note; a text's are
kept beside its prediction (an id to join it back by).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from lstm_tune.data.encoders import unpad
from lstm_tune.data.gaps import PREVIOUS
from lstm_tune.data.load import (
    filled_gaps,
    from_wide,
    in_order,
    numeric_column,
    read_csv,
    time_column,
)
from lstm_tune.data.settings import DataSettings
from lstm_tune.data.ts_format import TsFormatError
from lstm_tune.data.ucr_format import is_ucr_file, malformed, read_archive_file
from lstm_tune.errors import StudyError
from lstm_tune.predictor.history import SeriesHistory
from lstm_tune.tasks import get_task

if TYPE_CHECKING:
    from lstm_tune.predictor.predictor import Origin, Predictor

PYTHON_INPUT = "predict input"


def _is_path(data: Any) -> bool:
    return isinstance(data, Path) or (isinstance(data, str) and (
        Path(data).suffix.lower() in (".csv", ".ts", ".tsv", ".gz") or Path(data).is_file()))


def _frame(data: Any, predictor: "Predictor", time: str | None = None
           ) -> tuple[pd.DataFrame, str]:
    """A DataFrame and what to call it in errors; a CSV file read in the encoding of the
    study's own (data.encoding). Dates in a frame's index (as
    `read_csv(..., index_col=0, parse_dates=True)` gives, and as `Study.from_frame` takes
    them) become its `time` column, written as a CSV writes them."""
    if isinstance(data, pd.DataFrame):
        if data.empty:
            raise StudyError(PYTHON_INPUT, None, "the frame has no rows", "pass rows of history")
        frame = data.copy()
        if time and time not in frame.columns and isinstance(
                frame.index, (pd.DatetimeIndex, pd.PeriodIndex)):
            stamps = frame.index
            dates_only = isinstance(stamps, pd.DatetimeIndex) and bool(
                (stamps == stamps.normalize()).all())
            frame = frame.reset_index(drop=True)
            frame.insert(0, time, stamps.strftime("%Y-%m-%d") if dates_only
                         else stamps.astype(str))
        return frame, PYTHON_INPUT
    path = Path(data)
    settings = DataSettings(source=str(path), encoding=predictor.info.get("encoding"))
    return read_csv(settings, path, "--input"), str(path)


def _columns(df: pd.DataFrame, where: str, required: list[str], optional: list[str]
             ) -> list[str]:
    """Refuse a frame without a column the model reads; hand back the columns it does not
    read (a study's own data file may hold others: the model ignores them there too)."""
    columns = [str(c) for c in df.columns]
    df.columns = columns
    missing = [c for c in required if c not in columns]
    if missing:
        raise StudyError(where, "columns", f"no column {missing[0]!r} (columns: "
                         f"{', '.join(columns)})", f"give the columns the model reads: "
                         f"{', '.join(required)}")
    return [c for c in columns if c not in required and c not in optional]


def ignored_note(ignored: Sequence[str], required: Sequence[str], kept: bool = False) -> str:
    """What `predict` says of the columns the model does not read."""
    which = ", ".join(repr(c) for c in ignored)
    return (f"column{'s' if len(ignored) > 1 else ''} {which} not read by the model (it reads "
            f"{', '.join(required)}){'; kept beside each prediction' if kept else ''}")


# --- series --------------------------------------------------------------------------------


def read_history(predictor: "Predictor", data: Any) -> tuple[list[SeriesHistory], list[str]]:
    """The series to forecast from (the predictor's own tails, or a user's history), and
    notes on the columns it does not read."""
    if data is None:
        if not predictor.histories:
            raise StudyError(PYTHON_INPUT, None, "this predictor keeps no history",
                             "pass a history with the study's columns")
        return list(predictor.histories), []
    if not (isinstance(data, pd.DataFrame) or _is_path(data)):
        raise StudyError(PYTHON_INPUT, None, f"a forecaster reads a history, not "
                         f"{type(data).__name__}", "pass a DataFrame or a CSV path with the "
                         "study's columns")
    info = predictor.info
    time, series_col = info.get("time"), info.get("series_column") if predictor.panel else None
    df, where = _frame(data, predictor, time)
    e = predictor.encoder
    target = e.target_name
    needs_target = predictor.reads_target_history
    columns = [str(c) for c in df.columns]
    trained = info.get("wide") or []  # the study's series, side by side
    wide = [c for c in trained if c in columns]
    if trained and not wide and series_col not in columns:
        long_form = ", ".join(c for c in (series_col, time, target, *e.feature_names) if c)
        raise StudyError(where, "columns", f"none of the model's series ("
                         f"{', '.join(trained[:8])}{', ...' if len(trained) > 8 else ''}) "
                         f"is a column (columns: {', '.join(columns)})", "give them side by "
                         f"side as the study's data does, or in long form ({long_form})")
    unread: list[str] = []
    notes: list[str] = []
    filling = info.get("missing") == PREVIOUS
    melted = bool(wide) and series_col not in columns
    if melted:  # as the study's file: series side by side
        keep = [c for c in (time, *e.feature_names) if c]
        unread = _columns(df, where, keep, wide)
        df = from_wide(df, where, wide, time, keep, "columns", keep_gaps=filling)
    required = [c for c in (series_col, time) if c] + ([target] if needs_target else []) \
        + list(e.feature_names)
    ignored = unread + _columns(df, where, required, [target])
    df, parts, stamps = in_order(df, where, time, series_col, wide=melted,
                                 missing=PREVIOUS if filling else None)
    if filling:  # gaps filled as the study's data's were (gaps.py)
        if target not in df.columns:  # a model that does not read it: zeros, as below
            df[target] = 0.0
        filled = filled_gaps(df, parts, stamps, where, time, series_col, target,
                             list(e.feature_names), melted)
        df, parts = filled.df, filled.parts
        if filled.carried:
            added = f", {filled.added} on steps it leaves out" if filled.added else ""
            notes.append(f"{filled.carried} value(s) of {target!r} were not in the history"
                         f"{added}: filled with the last value before them, as the study's "
                         "data were (data.missing: previous)")
    parts = parts or (("", 0, len(df)),)
    known = predictor.series
    if target in df.columns and get_task(predictor.task).reads_target:  # not labels
        y = numeric_column(df, target, where, target)
    else:
        y = np.zeros(len(df))
    x = (np.column_stack([numeric_column(df, f, where, f) for f in e.feature_names])
         if e.feature_names else np.zeros((len(df), 0)))
    times = tuple(str(v) for v in df[time]) if time else tuple(str(i) for i in range(len(df)))
    out = []
    for name, start, stop in parts:
        name = str(name) if series_col else (known[0] if known else "")
        if name not in known:
            raise StudyError(where, series_col or "series", f"unknown series {name!r}",
                             f"use a series the model was trained on ({', '.join(known[:8])}"
                             f"{', ...' if len(known) > 8 else ''})")
        if stop - start < predictor.min_history:
            what = f"series {name!r} has" if predictor.panel else "the history has"
            raise StudyError(where, "rows", f"{what} {stop - start} steps; the model needs at "
                             f"least {predictor.min_history} (its window and the target "
                             "transform's lag)", "pass a longer history")
        out.append(SeriesHistory(name, y[start:stop], x[start:stop], times[start:stop]))
    reads = [c for c in (time, *wide, *e.feature_names) if c] if melted else required
    return out, ([ignored_note(ignored, reads)] if ignored else []) + notes


def origin_positions(predictor: "Predictor", histories: list[SeriesHistory],
                     origins: Sequence[str] | str | None, kept: bool = False) -> list["Origin"]:
    """Where forecasts start: the end of each history, every step with enough history
    ('all'), or the given times. `kept`: the histories are the tails the predictor keeps,
    not the user's, so an earlier origin needs the data passed in."""
    def refused(problem: str, fix: str) -> StudyError:
        if not kept:
            return StudyError(PYTHON_INPUT, "origins", problem, fix)
        return StudyError("predict", "origins", f"{problem}; this model keeps the last "
                          f"{max(len(h) for h in histories)} steps of each series",
                          f"{fix}, or pass the data (--input) to forecast from earlier ones")

    first = predictor.min_history - 1
    if origins is None:
        return [(h, len(hist) - 1) for h, hist in enumerate(histories)]
    if isinstance(origins, str) and origins == "all":
        return [(h, p) for h, hist in enumerate(histories) for p in range(first, len(hist))]
    wanted = [str(o) for o in ([origins] if isinstance(origins, str) else origins)]
    out = []
    for t in wanted:
        found = [(h, hist.times.index(t)) for h, hist in enumerate(histories) if t in hist.times]
        if not found:
            raise refused(f"{t!r} is not a time of the history",
                          "give times as the history writes them")
        short = [h for h, p in found if p < first]
        if short:
            raise refused(f"origin {t!r} has fewer than {predictor.min_history} steps of "
                          "history behind it", "give a later origin")
        out += found
    return out


# --- sequences and texts -------------------------------------------------------------------


@dataclass
class Samples:
    """Sequences or texts to classify: their ids (None: `kept` names the rows), values,
    the input's columns kept beside each prediction, and notes on the input."""

    ids: list[str] | None
    values: list[Any]
    kept: dict[str, list[Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def read_samples(predictor: "Predictor", data: Any) -> Samples:
    """The sequences or texts to classify."""
    return _SAMPLE_READERS[predictor.framing](predictor, data)


def _checked_sequences(predictor: "Predictor", data: Any) -> Samples:
    """Sequences with the channels (and length) the model reads."""
    samples, where = _sequences(predictor, data)
    try:
        predictor.encoder.check(samples.values)
    except ValueError as exc:
        raise StudyError(where, "channels" if "shape" in str(exc) else "steps", str(exc),
                         "give sequences with the channels (and length) the model reads"
                         ) from None
    return samples


def _sequences(predictor: "Predictor", data: Any) -> tuple[Samples, str]:
    channels = list(predictor.encoder.channel_names)
    if _is_path(data):
        path = Path(data)
        if path.name.lower().endswith((".ts", ".ts.gz")) or (path.is_file()
                                                              and is_ucr_file(path)):
            return _ts_file(path, predictor.encoder)
        return _long_csv(predictor, path, channels)
    if isinstance(data, pd.DataFrame):
        raise StudyError(PYTHON_INPUT, None, "a DataFrame of sequences is ambiguous",
                         "pass a list of (steps, channels) arrays, or a long CSV path")
    try:
        values = [np.asarray(v, dtype=float) for v in data]
    except (TypeError, ValueError):
        raise StudyError(PYTHON_INPUT, None, "sequences must hold numbers",
                         "pass a list of (steps, channels) arrays of numbers") from None
    values = [unpad(v[:, None] if v.ndim == 1 else v) for v in values]  # as in training
    if not values:
        raise StudyError(PYTHON_INPUT, None, "no sequences", "pass at least one sequence")
    bad = next((i for i, v in enumerate(values) if not np.all(np.isfinite(v))), None)
    if bad is not None:
        raise StudyError(PYTHON_INPUT, f"sequence {bad}", "has missing or infinite values",
                         "fill them first")
    return Samples([str(i) for i in range(len(values))], values), PYTHON_INPUT


def _ts_file(path: Path, encoder: Any) -> tuple[Samples, str]:
    """A UCR/UEA archive file of new cases: `.ts` (labelled or not) or UCR rows (each with
    a label first, as the archive writes them). A known label is not read by the model; it
    is shown beside the predicted class."""
    channels = len(encoder.channel_names)
    if not path.is_file():
        raise StudyError(str(path), "--input", "no such file", "check the path")
    try:
        ts = read_archive_file(path, labelled=False)
    except TsFormatError as exc:
        raise StudyError(str(path), "--input", *malformed(exc)) from None
    steps, ucr = {len(s) for s in ts.sequences}, ts.layout == "ucr"
    if ucr and not encoder.masked and steps == {encoder.window - 1}:
        raise StudyError(str(path), "--input", f"each line has {encoder.window - 1} values "
                         f"after its first, and the model reads {encoder.window}: a UCR "
                         "line's first value is its class label", "write a label (any: it "
                         "is not read) before each sequence's values")
    if ts.channels != channels:
        raise StudyError(str(path), "--input" if ucr else "@dimensions",
                         f"{ts.channels} dimension(s), but the "
                         f"model reads {channels}", f"give cases of {channels} dimension(s)")
    ids = [f"case {i + 1}" for i in range(len(ts.sequences))]
    if ts.labels and all(ts.labels):  # known: beside each prediction, to compare
        return Samples(None, list(ts.sequences), {"id": ids, "label": list(ts.labels)}), \
            str(path)
    return Samples(ids, list(ts.sequences)), str(path)


def output_columns(predictor: "Predictor") -> set[str]:
    """The columns a class table writes: an input's column of the same name is not kept."""
    return {"id", "class", *(f"p_{c}" for c in predictor.classes)}


def _long_csv(predictor: "Predictor", path: Path, channels: list[str]) -> tuple[Samples, str]:
    df, where = _frame(path, predictor)
    info = predictor.info
    seq, time, label = info.get("sequence_column") or "sequence", info.get("time"), \
        info.get("target")
    ignored = _columns(df, where, [seq] + channels, [c for c in (time, label) if c])
    order = np.arange(len(df))
    if time and time in df.columns:
        stamps = time_column(df, time, where, "step", "give every row a step")
        order = np.lexsort((np.arange(len(df)), stamps.to_numpy()))
    x = np.column_stack([numeric_column(df, c, where, c) for c in channels])
    ids = df[seq].astype(str).str.strip().to_numpy()
    rows: dict[str, list[int]] = {}
    for r in order:
        rows.setdefault(ids[r], []).append(int(r))
    first = {k: min(v) for k, v in rows.items()}
    names = sorted(rows, key=first.__getitem__)
    notes = [ignored_note(ignored, [seq] + channels)] if ignored else []
    values = [x[rows[n]] for n in names]
    if label and label in df.columns and label not in output_columns(predictor):
        # known labels beside the predictions, to compare
        known = df[label].to_numpy()  # as written (an empty cell stays empty)
        return Samples(None, values, {"id": names, label: [known[first[n]] for n in names]},
                       notes), where
    return Samples(names, values, notes=notes), where


def _texts(predictor: "Predictor", data: Any) -> Samples:
    if _is_path(data):
        df, where = _frame(data, predictor)
        column = predictor.info.get("text_column") or "text"
        target = predictor.info.get("target")
        others = _columns(df, where, [column], [])
        # an empty text is read as no words, as in a list of texts (the model's answer
        # without evidence), not a reason to refuse the rest of the file
        blank = df[column].isna() | (df[column].astype(str).str.strip() == "")
        texts = df[column].fillna("").astype(str)
        # the other columns (an id, the label if known) go beside each prediction, unless
        # one is named as an output column is
        outputs = output_columns(predictor)
        kept = {c: df[c].tolist() for c in others if c not in outputs or c == "id"}
        unread = [c for c in others if c != target]  # the label is expected, not noted
        notes = [ignored_note(unread, [column], kept=set(others) <= set(kept))] if unread else []
        if blank.any():
            rows = np.flatnonzero(blank.to_numpy()) + 1
            notes.append(f"{len(rows)} empty text(s) (data row {', '.join(map(str, rows[:5]))}"
                         f"{', ...' if len(rows) > 5 else ''}) read as no words")
        ids = None if kept else [f"row {i + 1}" for i in range(len(df))]
        return Samples(ids, texts.tolist(), kept, notes)
    if isinstance(data, str) or not isinstance(data, (list, tuple, np.ndarray, pd.Series)):
        raise StudyError(PYTHON_INPUT, None, "texts come as a list of strings",
                         "pass a list of texts, or a CSV path")
    texts = list(data)
    bad = next((i for i, t in enumerate(texts) if not isinstance(t, str)), None)
    if bad is not None:
        raise StudyError(PYTHON_INPUT, f"text {bad}", f"is {type(texts[bad]).__name__}, not a "
                         "string", "pass texts as strings")
    if not texts:
        raise StudyError(PYTHON_INPUT, None, "no texts", "pass at least one text")
    return Samples([str(i) for i in range(len(texts))], texts)


_SAMPLE_READERS = {"sequences": _checked_sequences, "tokens": _texts}
