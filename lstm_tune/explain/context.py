"""What every explainer needs: the model, the data it was trained on, and how to read it."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_tune.data.window import Dataset
from lstm_tune.explain.attribution import step_names

# SHAP and LIME call the model positionally; Keras warns that its input is named. Harmless.
warnings.filterwarnings("ignore", message="The structure of `inputs` doesn't match")


@dataclass
class ExplainContext:
    model: Any
    data: Dataset
    seed: int = 0
    background_size: int = 100
    shap_samples: int = 200
    lime_samples: int = 1000

    @property
    def task(self) -> str:
        return self.data.task

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Channel names as the model reads them: a transformed target says how."""
        names = list(self.data.channel_names)
        label = self.data.transform.label
        if label and names and names[0] == self.data.table.target_name:
            names[0] = f"{names[0]} ({label})"
        return tuple(names)

    @property
    def step_names(self) -> tuple[str, ...]:
        return step_names(self.data.window, self.data.steps_ahead)

    @property
    def train_x(self) -> np.ndarray:
        return self.data.train.x

    def background(self) -> np.ndarray:
        """A seeded sample of training windows: the reference inputs for SHAP."""
        x = self.train_x
        if len(x) <= self.background_size:
            return x
        idx = np.random.default_rng(self.seed).choice(len(x), self.background_size, replace=False)
        return x[np.sort(idx)]

    def raw_output(self, x: np.ndarray) -> np.ndarray:
        """The model's output for a batch of windows: one place that calls the model."""
        return np.asarray(self.model(np.asarray(x, dtype=np.float32), training=False))

    def output(self, x: np.ndarray, output: int | None = None) -> np.ndarray:
        """The explained model output for each window (scaled forecast or class probability)."""
        out = self.raw_output(x)
        if self.task == "classify":
            return out[:, output if output is not None else 0].astype(np.float64)
        return out.reshape(-1).astype(np.float64)

    def output_name(self, output: int | None = None) -> str:
        if self.task == "classify":
            return f"probability of class {self.data.classes[output or 0]!r}"
        return "forecast (model scale)"

    def unscaled(self, x: np.ndarray) -> np.ndarray:
        return x * self.data.x_std + self.data.x_mean
