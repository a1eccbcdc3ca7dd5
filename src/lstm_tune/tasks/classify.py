"""Classification (of windows of one series, or of whole sequences): a softmax head,
cross-entropy, accuracy with balanced accuracy, macro F1 and log loss beside it, and the
majority class and 1-nearest-neighbour as baselines."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from lstm_tune.stats import metrics
from lstm_tune.errors import problem_and_fix


class Classify:
    name = "classify"
    metric = "accuracy"
    metrics = ("accuracy",)  # what a study may choose to optimise
    direction = "maximize"
    loss = "sparse_categorical_crossentropy"
    reads_target = False  # a class column is never an input
    pooled = True  # a long sequence's class survives pooling (search/space.py)
    points = "samples"
    compared = "samples"
    predicts = "predictions on new data"
    predict_input = " --input FILE"
    unused_params = ("transform", "base")  # a class has no transform or statistical base

    def metric_label(self, name: str) -> str:
        return "macro F1" if name == "macro_f1" else name.replace("_", " ")

    def check(self, framing: str, horizon: int | None, target_as_input: bool | None,
              transforms: tuple[str, ...], metric: str | None = None, combine: bool = False,
              bases: tuple[str, ...] = (), missing: str = "refuse") -> str | None:
        if metric is not None and metric not in self.metrics:
            return problem_and_fix(f"metric: classification is judged by accuracy, not "
                                   f"{metric!r}", "remove metric or set it to accuracy")
        if target_as_input:
            what = "a sequence's label" if framing == "sequences" else "a class column"
            return problem_and_fix(f"data.target_as_input: {what} cannot be an input", "remove it")
        if any(t != "none" for t in transforms):
            return "space.transform: classification takes no target transform"
        if combine and framing == "windows":
            return problem_and_fix(
                "final.combine: classified windows of one series have no linear classifier "
                "to combine with (sequences and texts do)", "remove it")
        if any(b != "none" for b in bases):
            return problem_and_fix("space.base: a statistical base is for forecasts",
                                   "remove it")
        if missing != "refuse":
            return problem_and_fix(f"data.missing: {missing} fills the steps of series to "
                                   "forecast", "remove it, and fill the data before the study")
        return None

    def default_metric(self, panel: bool) -> str:
        return self.metric

    def targets(self, horizon: int | None) -> tuple[int, int]:
        """(label's steps after the window's last step, targets per sample): by default
        the label of the last step."""
        return horizon or 0, 1

    def outputs(self, data: Any) -> int:
        return len(data.classes)

    def head(self, h: Any, n_outputs: int) -> Any:
        from keras import layers

        return layers.Dense(n_outputs, activation="softmax", name="classes")(h)

    def decode(self, data: Any, raw: np.ndarray, ref: np.ndarray,
               series: np.ndarray | None = None) -> np.ndarray:
        return np.asarray(data.classes)[np.asarray(raw).argmax(axis=-1)]

    def readable(self, outputs: np.ndarray, classes: Sequence[str], horizon: int
                 ) -> tuple[np.ndarray, np.ndarray]:
        """The most probable class of each sample, and the probabilities."""
        return np.asarray(classes)[outputs.argmax(axis=1)], outputs

    # small validation sets tie on accuracy (10 sequences: steps of 0.1): among epochs of
    # equal validation accuracy the one with the lower validation cross-entropy is kept
    tie_breaker = "val_loss"

    def validation_value(self, data: Any, raw: np.ndarray) -> float:
        return float(np.mean(np.asarray(raw).argmax(axis=-1) == data.val.y))

    def validation_logs(self, data: Any, raw: np.ndarray) -> dict[str, float]:
        raw = np.asarray(raw, dtype=float)
        p = np.clip(raw[np.arange(len(raw)), data.val.y], 1e-12, 1.0)
        return {"val_accuracy": self.validation_value(data, raw),
                "val_loss": float(-np.mean(np.log(p)))}

    def scores(self, data: Any, split: Any, predicted: np.ndarray,
               proba: np.ndarray | None = None) -> dict[str, float]:
        actual = data.actual(split)
        out = {"accuracy": metrics.accuracy(actual, predicted),
               "balanced_accuracy": metrics.balanced_accuracy(actual, predicted),
               "macro_f1": metrics.macro_f1(actual, predicted)}
        if proba is not None:
            out["log_loss"] = metrics.log_loss(actual, proba, data.classes)
        return out

    def by_step(self, data: Any, split: Any, predicted: np.ndarray) -> list[float]:
        return [self.scores(data, split, predicted)["accuracy"]]

    def by_series(self, data: Any, split: Any, predicted: np.ndarray
                  ) -> dict[str, dict[str, float]]:
        return {}  # samples are not grouped by series

    def combine(self, members: list[tuple[Any, Any, np.ndarray]]
                ) -> tuple[np.ndarray, np.ndarray]:
        """The class of the mean probabilities (every member has the same classes)."""
        proba = np.mean([np.asarray(raw, dtype=float) for _, _, raw in members], axis=0)
        return self.decode(members[0][0], proba, np.zeros(len(proba))), proba

    def compare(self, data: Any, split: Any, predicted: np.ndarray, baseline: np.ndarray
                ) -> Any:
        """McNemar on the samples exactly one of the two classifies right."""
        from lstm_tune.tasks.significance import mcnemar

        return mcnemar(data.actual(split), predicted, baseline)

    def baselines(self, data: Any, split: Any) -> list[Any]:
        from lstm_tune.tasks.baselines import class_baselines

        return class_baselines(data, split)

    def leftover(self, data: Any, split: Any) -> dict[str, dict[str, Any]]:
        return {}  # no statistical model reads a class

    def reference(self, data: Any, split: Any) -> None:
        return None  # the majority class's accuracy moves only with the class shares

    def kept_forecasts(self, data: Any, model: Any) -> None:
        return None  # a classifier has no intervals

    def served(self, classes: Sequence[str], horizon: int) -> str:
        return "class probabilities, columns " + ", ".join(classes)

    def class_problem(self, data: Any, class_name: str | None) -> str | None:
        if class_name is None or class_name in data.classes:
            return None
        return f"no class {class_name!r} (classes: {', '.join(data.classes)})"

    def explained_output(self, data: Any, raw: np.ndarray, class_name: str | None = None
                         ) -> Any:
        """The class asked for; else the positive class of a binary task; else each
        sample's predicted class."""
        if class_name is not None:
            return data.classes.index(class_name)
        return 1 if len(data.classes) == 2 else np.asarray(raw).argmax(axis=1)

    def pick(self, raw: np.ndarray, output: Any, step: int) -> np.ndarray:
        """The probability of the explained class (repeated over tiled batches)."""
        raw = np.asarray(raw)
        chosen = np.resize(np.asarray(output if output is not None else 0), len(raw))
        return raw[np.arange(len(raw)), chosen].astype(np.float64)

    def output_name(self, data: Any, output: Any, step: int) -> str:
        if output is not None and np.ndim(output):
            return "probability of the predicted class"
        return f"probability of class {data.classes[int(output or 0)]!r}"

    output_scale = output_name

    def tables(self, predictions: dict[str, Any], classes: Sequence[str]) -> dict[str, Any]:
        """The test confusion matrix (row = actual, column = predicted, in `classes`' order)
        and each class's test count, share, precision and recall (and training share)."""
        test = predictions["test"]
        return {"confusion": metrics.confusion(test["actual"], test["predicted"], tuple(classes)),
                "per_class": metrics.per_class(test["actual"], test["predicted"], tuple(classes),
                                               predictions.get("train", {}).get("actual"))}

    def sample_errors(self, data: Any, split: Any, predicted: np.ndarray, actual: np.ndarray
                      ) -> tuple[np.ndarray, None]:
        """1 where the class is wrong, 0 where it is right."""
        return (np.asarray(predicted) != np.asarray(actual)).astype(float), None
