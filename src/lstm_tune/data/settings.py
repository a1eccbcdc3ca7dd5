"""The plain settings the data layer reads: no study file, no search, no storage.

`StudySpec.data_settings` builds them from a study file; the Python API builds the same
from its arguments. Keeping the data layer on these (not on the whole study) lets it be
used and tested on its own, and keeps the layers one-way (docs/architecture.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


# the columns a wide CSV's series are read into (see DataSettings.wide)
WIDE_SERIES, WIDE_VALUE = "series", "value"


@dataclass(frozen=True)
class DataSettings:
    source: str  # where the settings came from (the study file), for error messages
    base_dir: str = "."  # relative data paths start here
    task: str = "forecast"
    builtin: str | None = None
    csv: str | None = None
    test_csv: str | None = None
    ts: str | None = None
    test_ts: str | None = None
    target: str | None = None
    features: tuple[str, ...] = field(default_factory=tuple)
    time: str | None = None
    sequence: str | None = None
    text: str | None = None  # the text column of a CSV of labelled texts
    series: str | None = None  # the column naming each series of a panel (long CSV)
    skip_short: bool = False  # leave out series too short for one window (else refuse)
    units: str | None = None
    encoding: str | None = None  # the CSV files' text encoding (None: UTF-8)
    missing: str = "refuse"  # a series' empty cells and left-out steps: or "previous" (gaps.py)
    # series side by side, one column each (a wide CSV): read as a panel whose series
    # column is WIDE_SERIES and target WIDE_VALUE
    wide: tuple[str, ...] = ()
    target_as_input: bool = False
    window: int = 12
    season: int | None = None  # None: from the time column's calendar (season.py)
    steps_ahead: int = 1  # the first target's position after the window's last step
    horizon: int = 1  # forecasts: how many steps the model predicts at once
    transforms: tuple[str, ...] = ("none",)  # every target transform the study may try
    metric: str = "rmse"  # forecasts: what the search optimises (rmse, mae, mase, smape)
    # holdout sizes: counts, or fractions below 1; None: the framing's default (splits.py:
    # a series' 5% (at least 12 steps) and last 24 steps, labelled samples' 15% and 20%)
    validation: float | None = None
    test: float | None = None
    folds: int = 1  # validation folds: rolling origins (series) or stratified k-fold (labels)
    split_column: str | None = None  # "train"/"test" per sequence: a published split
    seed: int = 0

    def data_path(self, name: str) -> Path:
        """A data file named in the study file, from the study file's folder, normalised
        (`data/x.csv`, not `studies/../data/x.csv`, in messages and reports)."""
        return Path(os.path.normpath(Path(self.base_dir) / name))
