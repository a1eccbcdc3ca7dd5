"""A series' empty cells and left-out steps, filled with what was known at the time.

`data.missing: previous` carries each series' last observed value forward, over an empty
cell and over a step the file leaves out (a row added at the series' own frequency, read
off its times by data/clock.py). Nothing after a gap is read to fill it: interpolation
would let a window that ends inside a gap see the value after it, which may be its own
target. A filled target is never a target: no window is trained, chosen or scored on it
(window.py keeps `Table.observed`). Steps before a series' first full row have nothing to
carry and are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NoReturn

import numpy as np
import pandas as pd

from lstm_tune.data.clock import Clock
from lstm_tune.data.season import weekdays_only
from lstm_tune.errors import StudyError

REFUSE, PREVIOUS = "refuse", "previous"

# a step this many times the series' usual (median) step leaves steps out: a calendar
# month is 28-31 days, so one left out makes 59-62
GAP_RATIO = 1.5


@dataclass(frozen=True)
class Steps:
    """A series' steps between times: in seconds (dates) or in its own numbers."""

    dated: bool
    steps: np.ndarray  # (T - 1,)
    usual: float  # the median step
    gaps: np.ndarray  # the i whose step to i + 1 leaves steps out


def steps_of(stamps: pd.Series) -> Steps | None:
    """A series' steps and where they leave steps out (None under three times). Business
    days (weekdays, a day apart) skip holidays by design: no gaps."""
    if len(stamps) < 3:
        return None
    dated = pd.api.types.is_datetime64_any_dtype(stamps)
    steps = (stamps.diff().dt.total_seconds() if dated
             else stamps.astype(float).diff()).to_numpy()[1:]
    usual = float(np.median(steps))
    business = dated and usual == 86400 and weekdays_only(stamps)
    gaps = np.zeros(0, dtype=int) if business else np.flatnonzero(steps > GAP_RATIO * usual)
    return Steps(dated, steps, usual, gaps)


@dataclass(frozen=True)
class Filled:
    """The table with its gaps filled, and what was done (for the report)."""

    df: pd.DataFrame
    parts: tuple[tuple[str, int, int], ...]
    stamps: pd.Series | None
    observed: np.ndarray  # (rows,) bool: the target's value was in the file
    added: int  # rows added for left-out steps
    dropped: int  # leading rows with nothing before them to carry

    @property
    def carried(self) -> int:
        """Target values carried forward (the added rows' included)."""
        return int((~self.observed).sum())


@dataclass(frozen=True)
class Grid:
    """A series' times with no step left out, or why they cannot be had."""

    times: pd.Series | None = None  # timestamps or numbers; None: not to be had
    written: tuple[str, ...] = ()  # as the file writes its times
    at: np.ndarray | None = None  # where the series' own times are among them
    off: int | None = None  # the first of the series' own times off that frequency


def every_step(stamps: pd.Series, written: pd.Series, steps: Steps) -> Grid:
    """A series' times with no step left out, at the frequency and in the writing of its
    longest run without a gap (`steps`: steps_of(stamps)); none where it has no such run
    of three steps, or where one of its times is off that frequency."""
    bounds = np.r_[0, steps.gaps + 1, len(stamps)]
    longest = int(np.argmax(np.diff(bounds)))
    clock = Clock.infer([str(v) for v in written.iloc[bounds[longest]:bounds[longest + 1]]])
    dated = pd.api.types.is_datetime64_any_dtype(stamps)
    if clock.kind == "numbers" and clock.step and not dated:
        start, step = float(stamps.iloc[0]), clock.step
        k = (stamps.astype(float).to_numpy() - start) / step
        on = np.isclose(k, np.round(k), atol=1e-6)
        grid = pd.Series(start + step * np.arange(int(round(k[-1])) + 1))
        at = np.round(k).astype(int)  # by position: a float grid may miss 0.1 + 0.2
    elif clock.kind == "dates" and dated:
        try:
            grid = pd.Series(pd.date_range(stamps.iloc[0], stamps.iloc[-1], freq=clock.freq))
        except (TypeError, ValueError):
            return Grid()
        at = pd.Index(grid).get_indexer(stamps)
        on = at >= 0
    else:
        return Grid()
    if not on.all():
        return Grid(off=int(np.flatnonzero(~on)[0]))
    if len(grid) > 100 * len(stamps):  # a step read wrongly, not steps left out
        return Grid()
    first = str(written.iloc[0])
    return Grid(grid, (first, *clock.after(first, len(grid) - 1)), at)


def fill_previous(df: pd.DataFrame, parts: tuple[tuple[str, int, int], ...],
                  stamps: pd.Series | None, time: str | None, series: str | None,
                  target: str, features: list[str], where: str,
                  refuse: Callable[[str, pd.Series, pd.Series, int | None], NoReturn]
                  ) -> Filled:
    """Rows added for the steps each series leaves out, then every empty target and
    feature cell given its series' last value before it. `refuse(name, times, written,
    off)` raises where a series' left-out steps cannot be told from its times (`off`: the
    first of its times off their frequency, if that is why). `df`'s target and feature
    columns hold numbers or nothing."""
    columns = [target, *features]
    pieces, stamp_pieces, new_parts, observed = [], [], [], []
    added = dropped = 0
    for name, start, stop in parts or (("", 0, len(df)),):
        sub = df.iloc[start:stop].reset_index(drop=True)
        t = None if stamps is None else stamps.iloc[start:stop].reset_index(drop=True)
        steps = None if t is None else steps_of(t)
        if steps is not None and len(steps.gaps):
            found = every_step(t, sub[time], steps)
            if found.times is None:
                refuse(name, t, sub[time], found.off)
            grid, written, at = found.times, list(found.written), found.at
            full = sub.set_axis(at).reindex(range(len(grid)))
            times = pd.Series(written, dtype=object)
            times.iloc[at] = sub[time].to_numpy()  # the file's own writing where it has one
            full[time] = times
            if series:
                full[series] = name
            added += len(grid) - len(sub)
            sub, t = full, grid
        seen = sub[target].notna().to_numpy()
        values = sub[columns].ffill()
        complete = values.notna().all(axis=1).to_numpy()
        if not complete.any():
            which = f"series {name!r}" if name else "the series"
            raise StudyError(where, "data.missing", f"{which} has no row with the target and "
                             "every feature filled: there is no value to carry forward",
                             "give one of its rows every value"
                             + (", or drop the series" if name else ""))
        first = int(np.argmax(complete))  # before it, nothing to carry: dropped
        sub = sub.assign(**{c: values[c] for c in columns}).iloc[first:]
        dropped += first
        begin = sum(len(p) for p in pieces)
        pieces.append(sub)
        stamp_pieces.append(None if t is None else t.iloc[first:])
        observed.append(seen[first:])
        new_parts.append((name, begin, begin + len(sub)))
    new_stamps = None if stamps is None else pd.concat(stamp_pieces, ignore_index=True)
    return Filled(pd.concat(pieces, ignore_index=True), tuple(new_parts) if parts else (),
                  new_stamps, np.concatenate(observed), added, dropped)
