"""Independent labelled sequences: a long CSV (one row per step) or UCR/UEA archive files
(`.ts`, or the UCR archive's rows: `ucr_format.py`).

Each sequence has its own steps x channels and one label (a gesture, a speaker, a beat).
Every check that can fail on the user's data happens here, before any storage is opened:
a label that changes within a sequence, a one-step or empty sequence, an empty id, channel
counts that differ between the training and test files, a test class never seen in training.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lstm_tune.data.builtin import load_builtin
from lstm_tune.data.load import (
    builtin_for,
    first_blank_row,
    numeric_column,
    read_csv,
    time_column,
)
from lstm_tune.data.settings import DataSettings
from lstm_tune.data.ts_format import TsFile, TsFormatError
from lstm_tune.data.ucr_format import malformed, read_archive_file
from lstm_tune.errors import StudyError

MIN_STEPS = 2


@dataclass(frozen=True)
class Sequences:
    """A collection of labelled sequences, with the published train/test part of each."""

    source: str
    ids: tuple[str, ...]
    values: tuple[np.ndarray, ...]  # each (steps, channels) float
    labels: np.ndarray  # (n,) str
    channel_names: tuple[str, ...]
    target_name: str
    part: np.ndarray  # (n,) "train" or "test" (published split), or "" (none given)
    units: str = ""
    # (step counted from 1, channel name, coefficient) of the cells that carry the signal
    informative: tuple[tuple[int, str, float], ...] = ()

    def __len__(self) -> int:
        return len(self.values)

    @property
    def lengths(self) -> np.ndarray:
        return np.array([len(v) for v in self.values])

    @property
    def has_published_split(self) -> bool:
        return bool(np.any(self.part == "test"))


def _check_lengths(values: list[np.ndarray], ids: list[str], where: str, field: str) -> None:
    for i, v in zip(ids, values):
        if len(v) < MIN_STEPS:
            raise StudyError(where, field, f"sequence {i!r} has {len(v)} step(s)",
                             f"give every sequence at least {MIN_STEPS} steps, or drop it")


def _from_ts(train: TsFile, test: TsFile | None, where: str, test_where: str,
             informative: tuple = (), units: str = "") -> Sequences:
    if test is not None and test.channels != train.channels:
        raise StudyError(test_where, "data.test_ts", f"{test.channels} channel(s), but the "
                         f"training file has {train.channels}", "give files of the same problem")
    values = list(train.sequences) + list(test.sequences if test else [])
    labels = list(train.labels) + list(test.labels if test else [])
    part = ["train"] * len(train.sequences) + ["test"] * (len(test.sequences) if test else 0)
    ids = [f"{p}{i}" for p, i in zip(part, list(range(len(train.sequences)))
                                      + list(range(len(test.sequences) if test else 0)))]
    _check_lengths(values, ids, where, "data.ts")
    if train.channels == 1:
        names = ("value",)
    else:
        names = tuple(f"dim_{c}" for c in range(train.channels))
    seqs = Sequences(where, tuple(ids), tuple(values), np.asarray(labels, dtype=str), names,
                     "class", np.asarray(part if test else [""] * len(values)), units, informative)
    if test is not None:
        check_test_classes(seqs, test_where, "data.test_ts")
    return seqs


def check_test_classes(seqs: Sequences, where: str, field: str) -> None:
    """A test class never seen in training cannot be predicted: refuse it."""
    train = set(seqs.labels[seqs.part != "test"])
    unseen = sorted(str(v) for v in set(seqs.labels[seqs.part == "test"]) - train)
    if unseen:
        raise StudyError(where, field, f"test class {unseen[0]!r} never occurs in the training "
                         "part", "drop those test sequences or add training examples of it")


def _read_ts(settings: DataSettings, name: str, field: str) -> tuple[TsFile, str]:
    path = settings.data_path(name)
    if not path.is_file():
        raise StudyError(settings.source, field, f"no such file {str(path)!r}",
                         "give a path relative to the study file")
    try:
        return read_archive_file(path), str(path)
    except TsFormatError as exc:
        raise StudyError(str(path), field, *malformed(exc)) from None


def _long_frame(df: pd.DataFrame, settings: DataSettings, where: str, field: str
                ) -> tuple[list[str], list[np.ndarray], list[str], list[str]]:
    """Rows (one per step) -> ids, sequences (steps, channels), one label each, and each
    one's published part ("train"/"test" from split.column, else "")."""
    seq, target, time = settings.sequence or "", settings.target or "", settings.time
    part_col = settings.split_column
    features = list(settings.features)
    columns = [str(c) for c in df.columns]
    df.columns = columns
    for f, names in (("data.sequence", [seq]), ("data.target", [target]),
                     ("data.features", features), ("data.time", [time] if time else []),
                     ("split.column", [part_col] if part_col else [])):
        for name in names:
            if name not in columns:
                raise StudyError(where, f, f"no column {name!r} (columns: {', '.join(columns)})",
                                 "use one of the file's column names")
    if not features:
        features = [c for c in columns if c not in (seq, target, time, part_col)]
        if not features:
            raise StudyError(where, "data.features", "the file has no feature columns",
                             "add numeric columns beside the sequence id and the label")
    ids_raw = df[seq]
    row = first_blank_row(ids_raw)
    if row is not None:
        raise StudyError(where, "data.sequence", f"empty sequence id at data row {row + 1}",
                         "give every row the id of its sequence")
    labels = df[target]
    if labels.isna().any():
        row = int(np.flatnonzero(labels.isna().to_numpy())[0])
        raise StudyError(where, "data.target", f"class column {target!r} is empty at data row "
                         f"{row + 1}", "give every row its sequence's class")
    x = np.column_stack([numeric_column(df, f, where, "data.features") for f in features])
    order = np.arange(len(df))
    if time:
        stamps = time_column(df, time, where, "step", "give every row a step or a date")
        key = pd.DataFrame({"id": ids_raw.astype(str), "t": stamps})
        dup = key.duplicated()
        if dup.any():
            row = int(np.flatnonzero(dup.to_numpy())[0])
            raise StudyError(where, "data.time", f"sequence {key['id'].iloc[row]!r} has step "
                             f"{str(df[time].iloc[row])!r} twice (data row {row + 1})",
                             "keep one row per step of each sequence")
        order = np.lexsort((np.arange(len(df)), stamps.to_numpy()))  # by step, then row
    ids_str = ids_raw.astype(str).str.strip().to_numpy()
    label_str = labels.astype(str).to_numpy()
    part_str = np.full(len(df), "", dtype=object)
    if part_col:
        part_str = df[part_col].astype(str).str.strip().str.lower().to_numpy()
        bad = np.flatnonzero(~np.isin(part_str, ("train", "test")))
        if len(bad):
            raise StudyError(where, "split.column", f"column {part_col!r} has "
                             f"{str(df[part_col].iloc[bad[0]])!r} at data row {bad[0] + 1}",
                             "write train or test in every row")
    seen: dict[str, list[int]] = {}
    for row in order:  # rows of a sequence, in step order; sequences in first-seen order
        seen.setdefault(ids_str[row], []).append(int(row))
    first_row = {k: min(v) for k, v in seen.items()}
    ids, values, out_labels, parts = [], [], [], []
    for sid in sorted(seen, key=first_row.__getitem__):
        rows = seen[sid]
        distinct = list(dict.fromkeys(label_str[rows]))
        if len(distinct) > 1:
            raise StudyError(where, "data.target", f"the label of sequence {sid!r} changes "
                             f"within it ({distinct[0]!r}, then {distinct[1]!r})",
                             "give all rows of a sequence the same label")
        in_parts = list(dict.fromkeys(part_str[rows]))
        if len(in_parts) > 1:
            raise StudyError(where, "split.column", f"sequence {sid!r} is partly train, partly "
                             "test", "put each sequence wholly in one part")
        ids.append(sid)
        values.append(x[rows])
        out_labels.append(distinct[0])
        parts.append(in_parts[0])
    _check_lengths(values, ids, where, field)
    return ids, values, out_labels, parts


def _from_csv(settings: DataSettings) -> Sequences:
    path = settings.data_path(settings.csv or "")
    df = read_csv(settings, path, "data.csv")
    where = str(path)
    ids, values, labels, part = _long_frame(df, settings, where, "data.csv")
    if settings.test_csv:
        tpath = settings.data_path(settings.test_csv)
        tdf = read_csv(settings, tpath, "data.test_csv")
        tids, tvalues, tlabels, _ = _long_frame(tdf, settings, str(tpath), "data.test_csv")
        if tvalues[0].shape[1] != values[0].shape[1]:
            raise StudyError(str(tpath), "data.test_csv", "the test file has other feature "
                             "columns than the training file", "give both files the same columns")
        clash = sorted(set(ids) & set(tids))
        if clash:
            raise StudyError(str(tpath), "data.sequence", f"sequence {clash[0]!r} is in both the "
                             "training and the test file", "give test sequences their own ids")
        ids, values, labels = ids + tids, values + tvalues, labels + tlabels
        part = ["train"] * len(part) + ["test"] * len(tids)
    features = list(settings.features) or [
        str(c) for c in df.columns
        if str(c) not in (settings.sequence, settings.target, settings.time, settings.split_column)]
    seqs = Sequences(where, tuple(ids), tuple(values), np.asarray(labels, dtype=str),
                     tuple(features), settings.target or "", np.asarray(part),
                     settings.units or "")
    if settings.test_csv:
        check_test_classes(seqs, str(settings.data_path(settings.test_csv)), "data.test_csv")
    elif settings.split_column:
        if not seqs.has_published_split or np.all(seqs.part == "test"):
            raise StudyError(where, "split.column", f"column {settings.split_column!r} must "
                             "mark some sequences train and some test", "fix the column")
        check_test_classes(seqs, where, "split.column")
    _at_least_two_classes(seqs, where)
    return seqs


def _at_least_two_classes(seqs: Sequences, where: str) -> None:
    classes = set(seqs.labels[seqs.part != "test"])
    if len(classes) < 2:
        raise StudyError(where, "data.target", f"the training sequences have a single class "
                         f"{str(next(iter(classes)))!r}", "classification needs at least two classes")


def load_sequences(settings: DataSettings) -> Sequences:
    """Read and check the study's sequences (built-in, .ts files or a long CSV)."""
    if settings.builtin is not None:
        b = builtin_for(settings)
        train, test = load_builtin(b, settings.source)
        return _from_ts(train, test, f"{settings.source} (built-in {b.name})",
                        f"{settings.source} (built-in {b.name})", b.informative, b.units)
    if settings.ts is not None:
        train, where = _read_ts(settings, settings.ts, "data.ts")
        test, test_where = (_read_ts(settings, settings.test_ts, "data.test_ts")
                            if settings.test_ts else (None, ""))
        seqs = _from_ts(train, test, where, test_where)
        _at_least_two_classes(seqs, where)
        return seqs
    return _from_csv(settings)
