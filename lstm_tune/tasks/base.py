"""The contract every task implements (checked by tests/tasks/task_suite.py)."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np


class Task(Protocol):
    name: str
    metric: str  # what a model is judged by on test data
    direction: str  # "minimize" or "maximize"
    loss: str
    tie_breaker: str | None  # a log key that breaks ties of the metric (lower is better)
    default_steps_ahead: int  # target position after the window's last step
    reads_target: bool  # whether the target's own history can be a model input

    def check(self, sequences: bool, horizon: int | None, target_as_input: bool | None,
              transforms: tuple[str, ...]) -> str | None:
        """What in the study file this task cannot do, as 'field: problem' (None: fine)."""

    def outputs(self, data: Any) -> int:
        """Units of the model's last layer."""

    def head(self, h: Any, n_outputs: int) -> Any:
        """The Keras output layer applied to the LSTM's summary `h`."""

    def decode(self, data: Any, raw: np.ndarray, ref: np.ndarray) -> np.ndarray:
        """Model outputs -> predictions people read (data units, or class labels)."""

    def validation_value(self, data: Any, raw: np.ndarray) -> float:
        """The search's objective on the validation split, from the model's raw outputs."""

    def validation_logs(self, data: Any, raw: np.ndarray) -> dict[str, float]:
        """What each epoch logs: `val_<metric>`, and the tie breaker if any."""

    def scores(self, actual: Any, predicted: Any, proba: np.ndarray | None = None,
               classes: tuple[str, ...] = ()) -> dict[str, float]:
        """Test metrics; the first is `metric`."""

    def baselines(self, data: Any, split: Any) -> list[Any]:
        """Simple predictors of the same split, for the verdict."""
