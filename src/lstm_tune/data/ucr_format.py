"""A reader for the UCR archive's own layout: one sequence per line, its class label first,
then its values, no header.

The UCR archive (2018) ships every univariate problem as `NAME_TRAIN.tsv` / `NAME_TEST.tsv`
in this layout (tab-separated; a variable-length problem pads its shorter sequences with
NaN at the end), the 2015 archive as comma-separated files, and Keras' own time-series
classification example reads FordA from it. The `.ts` files of timeseriesclassification.com
(`ts_format.py`) hold the same problems with a header; a study reads either as `data.ts`,
told apart by their first line. Every problem is one `UcrFormatError` naming the line.
"""

from __future__ import annotations

import gzip
import math
import re
from pathlib import Path

import numpy as np

from lstm_tune.data.encoders import unpad
from lstm_tune.data.ts_format import TsFile, TsFormatError, parse_ts, read_text


class UcrFormatError(TsFormatError):
    """A malformed UCR file (rows of label and values): the message names the line."""


_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(nan|NaN|NAN)$")


def _fields(line: str) -> list[str]:
    """A line's fields: tab-separated (2018), else comma-separated (2015), else spaces."""
    sep = "\t" if "\t" in line else "," if "," in line else None
    return [f.strip() for f in line.strip().split(sep)]


def looks_like_ucr(text: str) -> bool:
    """Whether a file's first line is a UCR row: a label and at least two values, all
    numbers (a CSV's header has names; a `.ts` file starts with `#` or `@`)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    fields = _fields(first)
    return len(fields) >= 3 and all(_NUMBER.match(f) for f in fields)


def _label(text: str) -> str:
    """A class label as the archive writes it: `1`, `-1`, or (2015) `1.0000000e+00`, which
    names class `1` too."""
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if math.isfinite(value) and value == int(value) else text


def parse_ucr(text: str, problem: str = "") -> TsFile:
    """Parse the text of a UCR file; raises UcrFormatError on anything a model cannot read."""
    sequences: list[np.ndarray] = []
    labels: list[str] = []
    width, first = None, 0
    for i, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        fields = _fields(raw)
        if width is not None and len(fields) != width:
            raise UcrFormatError(f"line {i}: {len(fields)} fields, but line {first} has "
                                 f"{width} (a UCR file pads shorter sequences with NaN to one "
                                 "width)")
        width, first = len(fields), first or i
        try:
            values = np.array([float(v) for v in fields[1:]], dtype=float)
        except ValueError:
            raise UcrFormatError(f"line {i}: a value is not a number (a UCR line is the class "
                                "label, then the sequence's values)") from None
        label = fields[0]
        if not label or label.lower() == "nan":
            raise UcrFormatError(f"line {i}: no class label in the first field")
        values = unpad(values[:, None])  # the padding of a shorter sequence
        if not len(values):
            raise UcrFormatError(f"line {i}: an empty sequence")
        if not np.isfinite(values).all():
            raise UcrFormatError(f"line {i}: missing or infinite values inside the sequence; "
                                 "fill them before the study")
        sequences.append(values)
        labels.append(_label(label))
    if not sequences:
        raise UcrFormatError("no sequences")
    return TsFile(problem, sequences, labels, tuple(sorted(set(labels))), layout="ucr")


def problem_name(path: str | Path) -> str:
    """`FordA` for `FordA_TRAIN.tsv` (the archive's file names)."""
    stem = Path(path).name.split(".")[0]
    return re.sub(r"_(TRAIN|TEST)$", "", stem, flags=re.I)


def is_ucr_file(path: str | Path) -> bool:
    """Whether a file (not named `.ts`) holds UCR rows, by its first line."""
    try:
        opened = gzip.open(path, "rt", encoding="utf-8") if str(path).endswith(".gz") \
            else open(path, encoding="utf-8")
        with opened as f:
            return looks_like_ucr(f.readline(1 << 20))
    except (OSError, EOFError, UnicodeDecodeError):
        return False  # the file's own reader says what is wrong


def read_archive_file(path: str | Path, labelled: bool = True) -> TsFile:
    """A UCR/UEA archive file in either layout: a `.ts` file (its header says what it holds;
    `labelled=False` also reads unlabelled cases) or UCR rows (always label first)."""
    text = read_text(path)
    if looks_like_ucr(text):
        return parse_ucr(text, problem_name(path))
    return parse_ts(text, labelled)


def malformed(exc: TsFormatError) -> tuple[str, str]:
    """The problem and the fix of an archive file that cannot be read, in its own layout."""
    if isinstance(exc, UcrFormatError):
        return (f"malformed UCR file: {exc}", "fix the file (each line: the class label, then "
                "the sequence's values) or convert it to a long CSV")
    return (f"malformed .ts file: {exc}", "fix the file (see the UCR/UEA .ts format) or "
            "convert it to a long CSV")
