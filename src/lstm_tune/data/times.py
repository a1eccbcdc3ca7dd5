"""A time column read as times: dates however spreadsheets and exports write them, or
numbers counting steps.

One reading for the whole column (not value by value, where pandas read 01/07/2020 month
first and 13/01/2020 day first in one column), shared by the loader and the clock.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd


_QUARTER = r"^\s*\d{4}\s*-?\s*Q[1-4]\s*$"
# dates as spreadsheets write them in most locales: 31/12/2020, 31.12.2020, 12/31/20 (+ time)
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(\s.*)?$")


def _numeric_dates(text: pd.Series) -> pd.Series | None:
    """A column of dates written day and month as numbers before the year, read in one
    order for the whole column (None: not such a column). Element by element, pandas read
    01/07/2020 month first and 13/01/2020 day first in one column. Day first where a first
    number passes 12, month first where a second one does; where neither does, the order
    whose steps are the more even (monthly dates on the 1st: 28-31 days apart day first,
    1 and 355 month first), month first on a tie."""
    if len(text) == 0 or not _DAY_MONTH.match(text.iloc[0]):  # ISO dates: no cost
        return None
    parts = text.str.extract(_DAY_MONTH)
    if parts[0].isna().any():
        return None
    first, second = parts[0].astype(int), parts[2].astype(int)
    yy = parts[3].astype(int)
    year = yy.where(parts[3].str.len() == 4, yy + np.where(yy >= 69, 1900, 2000))
    rest = parts[4].fillna("")

    def read(day: pd.Series, month: pd.Series) -> pd.Series:
        iso = (year.astype(str).str.zfill(4) + "-" + month.astype(str).str.zfill(2) + "-"
               + day.astype(str).str.zfill(2) + rest)
        stamps = pd.to_datetime(iso, errors="coerce", format="ISO8601")  # fast, and most
        odd = stamps.isna()  # a time of day written otherwise ("1pm"): one by one
        if odd.any():
            stamps[odd] = pd.to_datetime(iso[odd], errors="coerce", format="mixed")
        return stamps

    if (first > 12).any() and not (second > 12).any():
        return read(first, second)
    if (second > 12).any() or not len(text) > 2:
        return read(second, first)
    day_first, month_first = read(first, second), read(second, first)

    def unevenness(stamps: pd.Series) -> float:
        steps = np.diff(np.unique(stamps.dropna().to_numpy())).astype(float)
        return float(steps.max() / steps.min()) if len(steps) and steps.min() > 0 else np.inf

    return day_first if unevenness(day_first) < unevenness(month_first) else month_first


def compact_dates(values: pd.Series) -> bool:
    """Whole numbers that are all dates written YYYYMMDD (20000108), as exports often give."""
    if not pd.api.types.is_integer_dtype(values) or values.empty:
        return False
    if values.min() < 10000101 or values.max() > 99991231:
        return False
    return not pd.to_datetime(values.astype(str), format="%Y%m%d", errors="coerce").isna().any()


def parse_times(values: pd.Series) -> pd.Series:
    """A time column as timestamps (NaT where unreadable), or its numbers when it counts
    steps. Quarters (1998Q1) and compact dates (20000108) are read as dates; anything else
    element by element without the warning pandas prints for it (a user cannot act on it),
    in UTC where the offsets change (local times across a daylight-saving change)."""
    if compact_dates(values):
        return pd.to_datetime(values.astype(str), format="%Y%m%d")
    if pd.api.types.is_numeric_dtype(values):
        return values
    text = values.astype(str)
    if len(text) and text.str.match(_QUARTER, case=False).all():
        periods = pd.PeriodIndex(text.str.replace(r"[\s-]", "", regex=True).str.upper(), freq="Q")
        return pd.Series(periods.to_timestamp(), index=values.index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        numeric = _numeric_dates(text)
        if numeric is not None:
            return numeric
        try:
            return pd.to_datetime(values, errors="coerce", format="mixed")
        except ValueError:  # UTC offsets that change (daylight saving): read them in UTC
            stamps = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
    # a time with no offset among times with one cannot be placed: unreadable
    return stamps.where(text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)\s*$"))
