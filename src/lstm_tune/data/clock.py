"""How a series counts time: dates at a pandas frequency, numbers with a step, or positions.

Read off the data's own times, it writes the times after a series' end as the data writes
them (`1961-01` after `1960-12`: a forecaster's future), and the steps a file leaves out
(data.missing: the rows added for them).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from lstm_tune.data.season import weekdays_only
from lstm_tune.data.times import parse_times


def _quarter(ts: pd.Timestamp) -> str:
    return f"{ts.year}Q{ts.quarter}"


_FORMATS: tuple[str | Callable[[pd.Timestamp], str], ...] = (
    "%Y-%m-%d", "%Y-%m", "%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z",  # one UTC offset throughout
    "%Y%m%d", "%Y/%m/%d", _quarter) + tuple(  # as spreadsheets write dates in most locales
        f"{day_month}{clock}" for day_month in ("%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y")
        for clock in ("", " %H:%M", " %H:%M:%S"))


def _show(ts: pd.Timestamp, fmt: str | Callable[[pd.Timestamp], str]) -> str:
    return fmt(ts) if callable(fmt) else ts.strftime(fmt)


@dataclass(frozen=True)
class Clock:
    """How the data counts time: dates at a pandas frequency, numbers with a step, or
    only positions (then a time after the end reads `<last>+k`)."""

    kind: str  # "dates", "numbers" or "steps"
    freq: str | None = None
    format: str | None = None  # a strftime pattern, or "quarter" (1998Q1)
    step: float | None = None

    @staticmethod
    def infer(times: Sequence[str]) -> "Clock":
        """The clock of a series' times (the data's own strings)."""
        times = [str(t) for t in times]
        if len(times) < 3:
            return Clock("steps")
        try:
            numbers = np.array([float(t) for t in times])
        except ValueError:
            numbers = None
        if numbers is not None:
            steps = np.diff(numbers)
            return Clock("numbers", step=float(np.median(steps))) if len(steps) else Clock("steps")
        stamps = parse_times(pd.Series(list(times), dtype=str))
        if stamps.isna().any():
            return Clock("steps")
        recent = stamps.iloc[-min(len(stamps), 60):]
        try:
            freq = pd.infer_freq(pd.DatetimeIndex(recent))
        except (TypeError, ValueError):
            freq = None
        if freq is None and weekdays_only(recent) and \
                recent.diff().median() == pd.Timedelta(days=1):
            freq = "B"  # business days with holidays left out (no pandas frequency has them)
        if freq is None:
            return Clock("steps")
        tail = list(zip(stamps.iloc[-3:], times[-3:]))
        for fmt in _FORMATS:
            if all(_show(ts, fmt) == text for ts, text in tail):
                return Clock("dates", freq, "quarter" if callable(fmt) else fmt)
        return Clock("steps")

    def after(self, last: str, count: int) -> list[str]:
        """The `count` times after `last`."""
        if self.kind == "numbers" and self.step is not None:
            base = float(last)
            values = [base + self.step * k for k in range(1, count + 1)]
            whole = float(self.step).is_integer() and base.is_integer()
            return [str(int(v)) if whole else f"{v:g}" for v in values]
        if self.kind == "dates" and self.freq and self.format:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                start = self._read(last)
                stamps = pd.date_range(start, periods=count + 1, freq=self.freq)[1:]
            fmt: Any = _quarter if self.format == "quarter" else self.format
            return [_show(ts, fmt) for ts in stamps]
        return [f"{last}+{k}" for k in range(1, count + 1)]

    def _read(self, time: str) -> pd.Timestamp:
        """A time in the data's own writing (read on its own, 01/08/2020 was January 8th), or
        as written otherwise (a frame's dates as its index: 1960-12-01 for 1960-12)."""
        if self.format and self.format != "quarter":
            try:
                return pd.to_datetime(time, format=self.format)
            except ValueError:
                pass
        return pd.to_datetime(time, format="mixed", dayfirst=str(self.format).startswith("%d"))

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "freq": self.freq, "format": self.format, "step": self.step}

    @staticmethod
    def from_json(value: dict[str, Any]) -> "Clock":
        return Clock(**value)
