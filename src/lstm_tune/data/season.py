"""A series' season when the study file gives none: read from its time column's calendar.

The season sets the seasonal-naive and seasonal ARIMA/ETS baselines, MASE's scale and the
seasonal transforms, so a wrong one makes every baseline weaker than a forecaster's own:
a fixed 12 on daily sales compared the LSTM with a seasonal naive of twelve days ago and a
seasonal ARIMA with a 12-day cycle. Each calendar gets the cycle most often modelled for
it: a week of days, a year of weeks, months or quarters, a day of hours. Steps counted by
numbers say nothing of a cycle, so they get none (season 1) and the study file can give one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DAY = 86400.0
# (shortest, longest) spacing in days, the season, and the calendar's name
CALENDARS = (
    ((1.0, 1.0), 7, "daily"),
    ((7.0, 7.0), 52, "weekly"),
    ((28.0, 31.0), 12, "monthly"),
    ((89.0, 92.0), 4, "quarterly"),
    ((365.0, 366.0), 1, "yearly"),
)
# steps within a day: a day of them is a season, as long as that is at most this many steps
# (half-hourly). A seasonal ETS or ARIMA carries a state per step of the season: measured
# here on 12 seasons of data, one fit took 0.5-1.5 s with a season of 24, 2-3 s with 48 and
# 16-19 s with 96 (15 minutes), and a study fits several per series
MOST_STEPS_A_DAY = 48
GIVEN = "given in the study file"


@dataclass(frozen=True)
class Season:
    """The steps in one season (1: none) and why, for the report and the terminal."""

    steps: int
    reason: str = GIVEN

    @property
    def described(self) -> str:
        """The season in words: '7 steps (the time column 'day' holds daily dates; ...)'."""
        if self.reason == GIVEN:
            return f"{self.steps} steps ({GIVEN})" if self.steps > 1 else f"none ({GIVEN})"
        if self.steps > 1:
            return f"{self.steps} steps ({self.reason}; season: in the study file changes it)"
        return (f"none ({self.reason}; season: N in the study file gives one, if the series "
                "repeats every N steps)")


def _spacing(stamps: pd.Series, parts: tuple[tuple[str, int, int], ...]) -> float | None:
    """The median time between neighbouring steps of a series, in seconds (panels: within
    each series); None where no series has two steps."""
    values = pd.to_datetime(stamps).to_numpy(dtype="datetime64[ns]").astype("int64")
    gaps = [np.diff(values[start:stop]) for _, start, stop in parts if stop - start > 1]
    if not gaps:
        return None
    return float(np.median(np.concatenate(gaps))) / 1e9


def weekdays_only(stamps: pd.Series) -> bool:
    """Daily steps that never fall on a Saturday or Sunday: business days."""
    return bool((pd.to_datetime(stamps).dt.day_of_week < 5).all())


def infer_season(stamps: pd.Series | None, time: str | None,
                 parts: tuple[tuple[str, int, int], ...]) -> Season:
    """The season of a series whose study file gives none, from its ordered time column
    `time` read as `stamps` (dates, or numbers that count steps)."""
    if stamps is None or not time:
        return Season(1, "the data has no time column")
    if not pd.api.types.is_datetime64_any_dtype(stamps):
        return Season(1, f"the time column {time!r} counts steps, not dates")
    seconds = _spacing(stamps, parts)
    if seconds is None or seconds <= 0:
        return Season(1, f"too few dates in {time!r} to tell their spacing")
    days = seconds / DAY
    for (low, high), steps, calendar in CALENDARS:
        if low <= days <= high:
            if calendar == "daily" and weekdays_only(stamps):
                steps, calendar = 5, "business-daily"
            return Season(steps, f"the time column {time!r} holds {calendar} dates")
    a_day = DAY / seconds
    if seconds < DAY and abs(a_day - round(a_day)) < 1e-9:
        steps = int(round(a_day))
        every = "hourly" if seconds == 3600 else f"{seconds / 60:g}-minute"
        if steps <= MOST_STEPS_A_DAY:
            return Season(steps, f"the time column {time!r} holds {every} times, a day of "
                                 "them a season")
        return Season(1, f"the time column {time!r} holds {every} times: a day of them "
                         f"({steps} steps) is too long a season for the seasonal ETS and "
                         "ARIMA baselines to fit quickly")
    return Season(1, f"the dates in {time!r} are {days:.3g} days apart, no usual cycle")
