"""The series a forecaster reads: each one's recent history, and the times after it.

A predictor keeps the tail of every series it was trained on (enough steps for its windows
and transforms), so `predict()` forecasts past the end of the data with nothing else; a user
may pass a longer or newer history instead. Times after the end are written as the data
writes them (`1961-01` after `1960-12`), by the data's clock (data/clock.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

import numpy as np


@dataclass(frozen=True)
class SeriesHistory:
    """One series, oldest step first: its target (forecasts), features and times."""

    name: str
    target: np.ndarray  # (T,) float; zeros where the target is not needed (classes)
    features: np.ndarray  # (T, F) float
    times: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.target)

    def upto(self, position: int) -> "SeriesHistory":
        """The history up to and including `position`."""
        end = position + 1
        return replace(self, target=self.target[:end], features=self.features[:end],
                       times=self.times[:end])

    def tail(self, steps: int) -> "SeriesHistory":
        start = max(0, len(self) - steps)
        return replace(self, target=self.target[start:], features=self.features[start:],
                       times=self.times[start:])

    def extended(self, values: np.ndarray, times: Sequence[str]) -> "SeriesHistory":
        """The history with forecasts appended as if observed (recursive forecasting; only
        for models whose sole input is the target)."""
        values = np.asarray(values, dtype=float)
        return replace(self, target=np.concatenate([self.target, values]),
                       features=np.zeros((len(self) + len(values), self.features.shape[1])),
                       times=self.times + tuple(times))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "target": self.target.tolist(),
                "features": self.features.tolist(), "times": list(self.times)}

    @staticmethod
    def from_json(value: dict[str, Any]) -> "SeriesHistory":
        target = np.asarray(value["target"], dtype=float)
        features = np.asarray(value["features"], dtype=float).reshape(len(target), -1)
        return SeriesHistory(value["name"], target, features, tuple(value["times"]))
