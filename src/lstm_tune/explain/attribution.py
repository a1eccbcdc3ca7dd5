"""The one result type every explainer returns; plots and reports read only this.

Like SHAP's Explanation: parallel arrays that slice together, over (sample, time step,
feature). Time steps are named by how far they are before the target ("t-1" is the last
step of the window for a one-step-ahead forecast).

Two kinds of values exist, and faithfulness is judged by kind:
- "contribution": signed, in units of the explained output, relative to `base_values`
  (SHAP; LIME, whose local slopes are turned into slope x (input - training mean));
- "weight": unsigned, a share of where the model looks (attention), not what moves it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Attribution:
    values: np.ndarray  # (samples, steps, features): contribution or weight of each cell
    base_values: np.ndarray  # (samples,): the output the values are relative to
    data: np.ndarray  # (samples, steps, features): the inputs, in the data's units
    feature_names: tuple[str, ...]
    step_names: tuple[str, ...]
    method: str  # e.g. "SHAP GradientExplainer (expected gradients)"
    output: str  # what is explained: "forecast (scaled)" or "class 'x' probability"
    predictions: np.ndarray = field(default_factory=lambda: np.zeros(0))  # (samples,)
    # "exact", "expected" (on average), "local" (base + sum = the explainer's local surrogate
    # model at the input, not the model itself) or None (not promised)
    additivity: str | None = None
    kind: str = "contribution"  # or "weight" (unsigned, e.g. attention)
    # (steps, features), model input units: the input the contributions are relative to
    # (SHAP: the background's mean; LIME: the training mean); None for weights
    reference: np.ndarray | None = None

    def __post_init__(self) -> None:
        n, t, f = self.values.shape
        if self.data.shape[:2] != (n, t) or len(self.step_names) != t:
            raise ValueError(f"values {self.values.shape} and data {self.data.shape} disagree")
        if len(self.feature_names) != f:
            raise ValueError(f"{f} features but {len(self.feature_names)} names")
        if self.kind not in ("contribution", "weight"):
            raise ValueError(f"kind must be 'contribution' or 'weight', got {self.kind!r}")
        if self.base_values.shape != (n,):
            raise ValueError(f"base_values must have shape ({n},), got {self.base_values.shape}")

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.values.shape  # type: ignore[return-value]

    def __getitem__(self, index: Any) -> "Attribution":
        """Select samples, keeping every array aligned."""
        idx = np.atleast_1d(np.arange(len(self.values))[index])
        preds = self.predictions[idx] if len(self.predictions) else self.predictions
        return replace(self, values=self.values[idx], base_values=self.base_values[idx],
                       data=self.data[idx], predictions=preds)

    def importance(self) -> np.ndarray:
        """Global importance of each cell: mean |value| over samples, shape (steps, features)."""
        return np.abs(self.values).mean(axis=0)

    @property
    def signed(self) -> bool:
        return self.kind == "contribution"
