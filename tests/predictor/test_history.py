"""Times after the end of a series, written as the data writes them."""

from __future__ import annotations

import pytest

from lstm_tune.predictor.history import Clock


@pytest.mark.parametrize("times, after", [
    (["1960-10", "1960-11", "1960-12"], ["1961-01", "1961-02"]),
    (["1980-01-07", "1980-01-14", "1980-01-21"], ["1980-01-28", "1980-02-04"]),
    (["2009-01", "2009-04", "2009-07"], ["2009-10", "2010-01"]),
    (["1998Q2", "1998Q3", "1998Q4"], ["1999Q1", "1999Q2"]),
    (["0", "1", "2"], ["3", "4"]),
    (["0.5", "1.0", "1.5"], ["2", "2.5"]),
    (["2020-01-01 00:00:00", "2020-01-01 01:00:00", "2020-01-01 02:00:00"],
     ["2020-01-01 03:00:00", "2020-01-01 04:00:00"]),
    (["a", "b", "c"], ["c+1", "c+2"]),
    (["2020-01-01", "2020-01-03", "2020-01-10"], ["2020-01-10+1", "2020-01-10+2"]),
])
def test_times_after_the_end(times, after):
    clock = Clock.infer(times)
    assert clock.after(times[-1], 2) == after
    assert Clock.from_json(clock.to_json()) == clock
