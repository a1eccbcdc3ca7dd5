"""The contract every task implements (checked by tests/tasks/task_suite.py)."""

from __future__ import annotations

from typing import Any, Protocol, Sequence

import numpy as np


class Task(Protocol):
    name: str
    metric: str  # what a model is judged by on test data
    direction: str  # "minimize" or "maximize"
    loss: str
    tie_breaker: str | None  # a log key that breaks ties of the metric (lower is better)
    metrics: tuple[str, ...]  # what a study may choose as its metric
    reads_target: bool  # whether the target's own history can be a model input
    pooled: bool  # `pool: auto` may pool a long input (a class is in a sequence's shape)
    points: str  # what its samples are called in sentences: "points", "samples"
    compared: str  # what a significance test pairs: "origins" (of paths), "samples"
    predicts: str  # what `lstm-tune predict` gives, in words
    predict_input: str  # the input `lstm-tune predict` needs ("": none, the study's data)
    unused_params: tuple[str, ...]  # space entries it fixes off (left out of what people read)

    def metric_label(self, name: str) -> str:
        """A metric's name as sentences show it: 'RMSE', 'balanced accuracy'."""

    def check(self, framing: str, horizon: int | None, target_as_input: bool | None,
              transforms: tuple[str, ...], metric: str | None = None, combine: bool = False,
              bases: tuple[str, ...] = (), missing: str = "refuse") -> str | None:
        """What in the study file this task cannot do with data of this framing
        ("windows", "sequences", "tokens"), as 'field: problem' (None: fine)."""

    def default_metric(self, panel: bool) -> str:
        """The test metric where the study file names none."""

    def targets(self, horizon: int | None) -> tuple[int, int]:
        """What the study's `horizon` means: (steps from the window's last step to the
        first target, targets per sample)."""

    def outputs(self, data: Any) -> int:
        """Units of the model's last layer."""

    def head(self, h: Any, n_outputs: int) -> Any:
        """The Keras output layer applied to the LSTM's summary `h`."""

    def decode(self, data: Any, raw: np.ndarray, ref: np.ndarray,
               series: np.ndarray | None = None) -> np.ndarray:
        """Model outputs -> predictions people read (data units, or class labels)."""

    def readable(self, outputs: np.ndarray, classes: Sequence[str], horizon: int
                 ) -> tuple[np.ndarray, np.ndarray | None]:
        """A predictor's outputs (forecasts already in the data's units, or class
        probabilities) as people read them, with the probabilities (None for forecasts)."""

    def validation_value(self, data: Any, raw: np.ndarray) -> float:
        """The search's objective on the validation split, from the model's raw outputs."""

    def validation_logs(self, data: Any, raw: np.ndarray) -> dict[str, float]:
        """What each epoch logs: `val_<metric>`, and the tie breaker if any."""

    def scores(self, data: Any, split: Any, predicted: np.ndarray,
               proba: np.ndarray | None = None) -> dict[str, float]:
        """Metrics of predictions of a split; the first is the data's `metric`."""

    def by_step(self, data: Any, split: Any, predicted: np.ndarray) -> list[float]:
        """The metric for each step ahead (one value when one step is predicted)."""

    def combine(self, members: list[tuple[Any, Any, np.ndarray]]
                ) -> tuple[np.ndarray, np.ndarray | None]:
        """Several models' outputs on the same samples, each as (its dataset, the split it
        read, its raw output) -> one prediction people read, and class probabilities
        (None for forecasts)."""

    def by_series(self, data: Any, split: Any, predicted: np.ndarray
                  ) -> dict[str, dict[str, float]]:
        """Per series of a panel, its errors on the split ({} for one series or for
        independent samples)."""

    def compare(self, data: Any, split: Any, predicted: np.ndarray, baseline: np.ndarray
                ) -> Any:
        """The model against one baseline on the same samples of the split, by a test
        of significance (significance.Comparison)."""

    def baselines(self, data: Any, split: Any) -> list[Any]:
        """Simple predictors of the same split, for the verdict."""

    def leftover(self, data: Any, split: Any) -> dict[str, dict[str, Any]]:
        """Per statistical baseline: tests of what it leaves in its errors before the
        split, per series (stats/residuals.py); {} where there is none (classes)."""

    def reference(self, data: Any, split: Any) -> Any | None:
        """The naive baseline of a split (nothing fitted, nothing chosen): scored on the
        validation and the test part it says whether the test part is harder to predict
        for any model; None where the task has none that would say it (classes)."""

    # --- what an explanation explains (explain/) --------------------------------------

    def kept_forecasts(self, data: Any, model: Any) -> list | None:
        """What a trial keeps of its validation part for the predictor's intervals: a
        forecaster's validation forecasts in the data's units, as lists (None: nothing)."""

    def served(self, classes: Sequence[str], horizon: int) -> str:
        """What a model's raw output is, in words (the export's manifest)."""

    def class_problem(self, data: Any, class_name: str | None) -> str | None:
        """What is wrong with explaining `class_name` (None: the default output), if
        anything: a class the data does not have, or any class of a forecast."""

    def explained_output(self, data: Any, raw: np.ndarray, class_name: str | None = None
                         ) -> Any:
        """The output an explanation attributes: None (a forecast: the explained step's),
        one class for every sample, or one class per sample."""

    def pick(self, raw: np.ndarray, output: Any, step: int) -> np.ndarray:
        """Each sample's explained output from the model's raw outputs (n, outputs)."""

    def output_name(self, data: Any, output: Any, step: int) -> str:
        """The explained output, in a few words (figures, attributions)."""

    def output_scale(self, data: Any, output: Any, step: int) -> str:
        """What the explained output is and in what scale, in a sentence (the page)."""

    def tables(self, predictions: dict[str, Any], classes: Sequence[str]) -> dict[str, Any]:
        """The task's own tables of the test predictions, for the report (classes: the
        confusion matrix and the per-class figures; forecasts: none)."""

    def sample_errors(self, data: Any, split: Any, predicted: np.ndarray, actual: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray | None]:
        """Each explained sample's error, and (a panel) the same in a scale comparable
        across series (None where it is already)."""
