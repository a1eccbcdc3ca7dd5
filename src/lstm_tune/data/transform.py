"""Target transforms (log, differencing, seasonal differencing), inverted exactly.

An LSTM fed z-scored levels cannot extrapolate past the training range (docs/architecture.md,
decision 4). A transform turns the target into something stationary-ish: the model predicts
z = g(y[t]) - g(y[ref]) and the forecast is g⁻¹(ẑ + g(y[ref])), where g is log or identity
and ref is nothing, the last observed step, or the same step one season earlier.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Transform:
    name: str
    season: int

    @property
    def log(self) -> bool:
        return self.name.startswith("log")

    @property
    def lag(self) -> int:
        """How far back the differencing reaches (0: none)."""
        if "seasonal_diff" in self.name:
            return self.season
        if self.name.endswith("diff"):
            return 1
        return 0

    @property
    def label(self) -> str:
        """What the model reads of the target, in words ('' for the level itself)."""
        what = "log" if self.log else ""
        if self.lag == 1:
            what = f"{what} change".strip()
        elif self.lag:
            what = f"{what} change over {self.season} steps".strip()
        return what

    def level(self, y: np.ndarray) -> np.ndarray:
        return np.log(y) if self.log else np.asarray(y, dtype=float)

    def unlevel(self, g: np.ndarray) -> np.ndarray:
        return np.exp(g) if self.log else g

    def input_series(self, y: np.ndarray) -> np.ndarray:
        """The target as a model input: g(y) differenced at the transform's lag (NaN before it)."""
        g = self.level(y)
        if self.lag == 0:
            return g
        out = np.full_like(g, np.nan)
        out[self.lag:] = g[self.lag:] - g[: -self.lag]
        return out

    def reference(self, y: np.ndarray, target_idx: np.ndarray, window_end: np.ndarray) -> np.ndarray:
        """g(y[ref]) for each target (target_idx: (n,) or (n, steps) positions): what is
        added back to the model's output."""
        g = self.level(y)
        target_idx = np.asarray(target_idx)
        if self.lag == 0:
            return np.zeros(target_idx.shape)
        if self.lag == 1:  # the last observed value, for every step of the path
            end = g[np.asarray(window_end)]
            return np.broadcast_to(end.reshape(end.shape + (1,) * (target_idx.ndim - 1)),
                                   target_idx.shape).copy()
        return g[target_idx - self.season]  # the same step one season earlier (needs h <= season)

    def forward(self, y: np.ndarray, target_idx: np.ndarray, ref: np.ndarray) -> np.ndarray:
        return self.level(y[target_idx]) - ref

    def inverse(self, z: np.ndarray, ref: np.ndarray) -> np.ndarray:
        return self.unlevel(np.asarray(z, dtype=float) + ref)
