"""A reader for the UCR/UEA archive's `.ts` files (sktime/aeon format), classification only.

Why our own: the well-kept readers live in aeon (pins pandas < 3.1 and numba < 0.64) and
sktime (pins pandas < 3.1), which conflict with our stack; the format is small. What is
read: `#` comment lines, the header (`@problemName`, `@timeStamps`, `@missing`, `@univariate`,
`@dimensions`, `@equalLength`, `@seriesLength`, `@classLabel`), then after `@data` one case
per line, channels separated by `:`, values by `,`, the class label last. Every header claim
is checked against the data, and every problem is one `TsFormatError` naming the line.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


class TsFormatError(ValueError):
    """A malformed `.ts` file: the message names the line and what is wrong."""


@dataclass
class TsFile:
    problem: str
    sequences: list[np.ndarray]  # each (steps, channels) float
    labels: list[str]
    class_labels: tuple[str, ...]  # as declared by @classLabel
    header: dict[str, str] = field(default_factory=dict)
    layout: str = "ts"  # "ucr": the UCR archive's rows, label first (ucr_format.py)

    @property
    def channels(self) -> int:
        return self.sequences[0].shape[1] if self.sequences else 0


_BOOLEAN_KEYS = ("timestamps", "missing", "univariate", "equallength")


def _boolean(value: str, key: str, line: int) -> bool:
    if value.lower() not in ("true", "false"):
        raise TsFormatError(f"line {line}: @{key} must be true or false, got {value!r}")
    return value.lower() == "true"


def read_text(path: str | Path) -> str:
    """The file's text; `.gz` files are decompressed."""
    path = Path(path)
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as f:
                return f.read()
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TsFormatError("not a UTF-8 text file") from None
    except (OSError, EOFError) as exc:
        raise TsFormatError(f"cannot read it ({exc})") from None


def parse_ts(text: str, labelled: bool = True) -> TsFile:
    """Parse the text of a `.ts` file; raises TsFormatError on anything inconsistent.
    `labelled=False` also reads files of unlabelled cases (`@classLabel false`, as one
    gives new cases to predict); their labels are empty."""
    header: dict[str, str] = {}
    lines = text.splitlines()
    data_at = None
    for i, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not line.startswith("@"):
            raise TsFormatError(f"line {i}: data before @data (expected a @key header line)")
        key, _, value = line[1:].partition(" ")
        key = key.lower()
        if key == "data":
            data_at = i
            break
        header[key] = value.strip()
    if data_at is None:
        raise TsFormatError("no @data line: the header must end with @data")
    for key in ("problemname", "classlabel") if labelled else ():
        if key not in header:
            raise TsFormatError(f"the header has no @{'problemName' if key == 'problemname' else 'classLabel'}")
    flags = {k: _boolean(header[k], k, 0) for k in _BOOLEAN_KEYS if k in header}
    if flags.get("timestamps"):
        raise TsFormatError("@timeStamps true is not supported: give the values without times")
    label_parts = header.get("classlabel", "false").split()
    has_labels = bool(label_parts) and label_parts[0].lower() == "true"
    if labelled and not has_labels:
        raise TsFormatError("@classLabel must be 'true' followed by the class labels "
                            "(only classification files are read)")
    classes = tuple(label_parts[1:]) if has_labels else ()
    if has_labels and len(classes) < 2:
        raise TsFormatError("@classLabel lists fewer than two classes")
    dims = 1 if flags.get("univariate", True) else None
    if "dimensions" in header:
        try:
            dims_declared = int(header["dimensions"])
        except ValueError:
            raise TsFormatError(f"@dimensions must be a whole number, got {header['dimensions']!r}") from None
        if dims is not None and dims_declared != 1:
            raise TsFormatError(f"@univariate true but @dimensions {dims_declared}")
        dims = dims_declared
    length = None
    if "serieslength" in header:
        try:
            length = int(header["serieslength"])
        except ValueError:
            raise TsFormatError(f"@seriesLength must be a whole number, got {header['serieslength']!r}") from None

    sequences: list[np.ndarray] = []
    labels: list[str] = []
    for i in range(data_at + 1, len(lines) + 1):
        line = lines[i - 1].strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(":")
        label = ""
        if has_labels:
            if len(parts) < 2:
                raise TsFormatError(f"line {i}: no class label (expected values:label)")
            label = parts.pop().strip()
            if label not in classes:
                raise TsFormatError(f"line {i}: class {label!r} is not declared in @classLabel "
                                    f"({' '.join(classes)})")
        channels = []
        for c, chunk in enumerate(parts, start=1):
            try:
                values = [float("nan") if v.strip() == "?" else float(v)
                          for v in chunk.split(",")] if chunk.strip() else []
            except ValueError:
                raise TsFormatError(f"line {i}, channel {c}: a value is not a number") from None
            channels.append(values)
        if dims is not None and len(channels) != dims:
            raise TsFormatError(f"line {i}: {len(channels)} channel(s), but the header says {dims}")
        dims = len(channels)
        steps = {len(ch) for ch in channels}
        if len(steps) != 1:
            raise TsFormatError(f"line {i}: its channels have different lengths {sorted(steps)}")
        n = steps.pop()
        if n == 0:
            raise TsFormatError(f"line {i}: an empty sequence")
        if length is not None and n != length:
            raise TsFormatError(f"line {i}: {n} values, but @seriesLength is {length}")
        seq = np.asarray(channels, dtype=float).T
        if np.isnan(seq).any() and not flags.get("missing", False):
            raise TsFormatError(f"line {i}: missing values (NaN or ?) but @missing is not true")
        if not np.isfinite(seq).all():
            raise TsFormatError(f"line {i}: missing or infinite values; fill them before the study")
        sequences.append(seq)
        labels.append(label)
    if not sequences:
        raise TsFormatError("no cases after @data")
    if flags.get("equallength", False) and len({len(s) for s in sequences}) > 1:
        raise TsFormatError("@equalLength true, but the cases have different lengths")
    return TsFile(header.get("problemname", ""), sequences, labels, classes, header)


def read_ts(path: str | Path, labelled: bool = True) -> TsFile:
    return parse_ts(read_text(path), labelled)
