"""Labelled texts: a CSV with a text column and a label column, or the built-in reviews.

Every check that can fail on the user's texts happens here, before any storage is opened:
a missing column, an empty text or label, a class with a single text (it could never be
both learned and tested), a test class never seen in training. A file that is not UTF-8
is refused by `read_csv`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lstm_tune.data.builtin import load_builtin
from lstm_tune.data.load import builtin_for, first_blank_row, read_csv
from lstm_tune.data.sequences import check_test_classes
from lstm_tune.data.settings import DataSettings
from lstm_tune.data.splits import check_classes
from lstm_tune.errors import StudyError


@dataclass(frozen=True)
class Texts:
    """A collection of labelled texts, with the published train/test part of each."""

    source: str
    ids: tuple[str, ...]
    texts: tuple[str, ...]
    labels: np.ndarray  # (n,) str
    text_name: str
    target_name: str
    part: np.ndarray  # (n,) "train" or "test" (published split), or "" (none given)
    # (word, how it acts): +1 towards the positive class, -1 towards the negative, 0 flips
    # the word after it; known for the built-in reviews only
    lexicon: tuple[tuple[str, float], ...] = ()
    units: str = ""
    informative: tuple = ()  # no fixed informative cells: they move from text to text

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def has_published_split(self) -> bool:
        return bool(np.any(self.part == "test"))


def _frame(df: pd.DataFrame, settings: DataSettings, where: str
           ) -> tuple[list[str], list[str], list[str]]:
    """Rows -> texts, labels, and each one's published part ("train"/"test" or "")."""
    text, target, part_col = settings.text or "", settings.target or "", settings.split_column
    columns = [str(c) for c in df.columns]
    df.columns = columns
    for field, name in (("data.text", text), ("data.target", target),
                        ("split.column", part_col)):
        if name and name not in columns:
            raise StudyError(where, field, f"no column {name!r} (columns: {', '.join(columns)})",
                             "use one of the file's column names")
    texts, labels = df[text], df[target]
    for field, what, fix in (("data.text", "text", "give every row its text"),
                             ("data.target", "label", "give every text its label")):
        row = first_blank_row(texts if what == "text" else labels)
        if row is not None:
            raise StudyError(where, field, f"the {what} at data row {row + 1} is empty",
                             f"{fix}, or drop the row")
    parts = [""] * len(df)
    if part_col:
        parts = df[part_col].astype(str).str.strip().str.lower().tolist()
        bad = [i for i, p in enumerate(parts) if p not in ("train", "test")]
        if bad:
            raise StudyError(where, "split.column", f"column {part_col!r} has "
                             f"{str(df[part_col].iloc[bad[0]])!r} at data row {bad[0] + 1}",
                             "write train or test in every row")
    return (texts.astype(str).tolist(), labels.astype(str).str.strip().tolist(), parts)


def _from_csv(settings: DataSettings) -> Texts:
    path = settings.data_path(settings.csv or "")
    where = str(path)
    texts, labels, parts = _frame(read_csv(settings, path, "data.csv"), settings, where)
    ids = [f"row {i + 1}" for i in range(len(texts))]
    test_where = where
    if settings.test_csv:
        tpath = settings.data_path(settings.test_csv)
        test_where = str(tpath)
        ttexts, tlabels, _ = _frame(read_csv(settings, tpath, "data.test_csv"), settings,
                                    test_where)
        ids += [f"test row {i + 1}" for i in range(len(ttexts))]
        texts, labels = texts + ttexts, labels + tlabels
        parts = ["train"] * len(parts) + ["test"] * len(ttexts)
    out = Texts(where, tuple(ids), tuple(texts), np.asarray(labels, dtype=str),
                settings.text or "", settings.target or "", np.asarray(parts))
    if settings.split_column and (not out.has_published_split or np.all(out.part == "test")):
        raise StudyError(where, "split.column", f"column {settings.split_column!r} must mark "
                         "some texts train and some test", "fix the column")
    if out.has_published_split:
        check_test_classes(out, test_where,  # type: ignore[arg-type]
                           "data.test_csv" if settings.test_csv else "split.column")
    check_classes(out.labels, out.part, where, "text")
    return out


def load_texts(settings: DataSettings) -> Texts:
    """Read and check the study's texts (the built-in reviews, or a CSV)."""
    if settings.builtin is not None:
        b = builtin_for(settings)
        df = load_builtin(b, settings.source)
        where = f"{settings.source} (built-in {b.name})"
        return Texts(where, tuple(f"review {i + 1}" for i in range(len(df))),
                     tuple(df[b.text].astype(str)), df[b.target].astype(str).to_numpy(),
                     b.text or "", b.target, np.full(len(df), ""), b.lexicon)
    return _from_csv(settings)
