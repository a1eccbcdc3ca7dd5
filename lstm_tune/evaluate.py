"""Evaluate the best trial's saved model once on the test split, beside the baselines (naive
and statistical) on the same points.

The test split is never seen by the search; this is the only place that scores it. The
figures are stored on the study (user attribute), so `summary` reads them without TensorFlow.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import optuna
from optuna.artifacts import download_artifact

from lstm_tune import metrics
from lstm_tune.baselines import class_baselines, forecast_baselines
from lstm_tune.data.framing import load_data
from lstm_tune.data.framing import frame
from lstm_tune.data.window import Dataset
from lstm_tune.errors import StudyError
from lstm_tune.search.attrs import EVALUATION_ATTR, MODEL_ATTR, PARAMS_ATTR
from lstm_tune.search.space import SearchSpace
from lstm_tune.search.storage import artifact_store
from lstm_tune.spec import StudySpec


@dataclass
class Evaluation:
    trial: int
    params: dict[str, Any]
    metric: str
    validation: float
    test: dict[str, float]
    # per baseline: its test metrics (rmse and mae, or accuracy), and what it is in words
    baselines: dict[str, dict[str, float]] = field(default_factory=dict)
    baseline_methods: dict[str, str] = field(default_factory=dict)
    # per split: target positions, predictions and actual values (data units or classes)
    predictions: dict[str, dict[str, list]] = field(default_factory=dict, repr=False)

    def summary(self, spec: StudySpec) -> dict[str, Any]:
        out = asdict(self)
        out.pop("predictions")
        out["verdict"] = verdict(spec, self)
        return out

    def beaten(self, spec: StudySpec) -> tuple[list[str], list[str]]:
        """Baselines the model beats on the test metric, and those it does not."""
        metric, mine = spec.test_metric, self.test[spec.test_metric]
        better = (lambda v: mine < v) if spec.direction == "minimize" else (lambda v: mine > v)
        names = list(self.baselines)
        return ([n for n in names if better(self.baselines[n][metric])],
                [n for n in names if not better(self.baselines[n][metric])])


def verdict(spec: StudySpec, evaluation: Evaluation) -> str:
    """One plain sentence: which baselines the model beats on the test split, which not."""
    metric = spec.test_metric

    def listed(names: list[str]) -> str:
        items = [f"{n} ({evaluation.baselines[n][metric]:.4g})" for n in names]
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

    wins, losses = evaluation.beaten(spec)
    mine = f"The best model (test {metric} {evaluation.test[metric]:.4g})"
    if not losses:
        return f"{mine} beats every baseline on the same test points: {listed(wins)}."
    if not wins:
        return f"{mine} beats no baseline: {listed(losses)} are as good or better."
    return f"{mine} beats {listed(wins)}, but not {listed(losses)}."


def best_trial(spec: StudySpec, study: optuna.Study, number: int | None = None) -> optuna.trial.FrozenTrial:
    trials = study.get_trials(deepcopy=False)
    if number is not None:
        match = [t for t in trials if t.number == number]
        if not match:
            raise StudyError(spec.source, "--trial", f"study {spec.name!r} has no trial {number} "
                             f"(it has {len(trials)})", "give a trial number that exists")
        return match[0]
    try:
        return study.best_trial
    except ValueError:
        raise StudyError(spec.source, "name", f"study {spec.name!r} has no completed trial yet",
                         f"run 'lstm-tune run {spec.source}'") from None


def trial_params(spec: StudySpec, trial: optuna.trial.FrozenTrial) -> dict[str, Any]:
    return trial.user_attrs.get(PARAMS_ATTR) or SearchSpace(spec.space).complete(trial.params)


def load_trial_model(spec: StudySpec, trial: optuna.trial.FrozenTrial) -> Any:
    """The trial's saved model, loaded with safe mode on."""
    from lstm_tune.model import load_model  # TensorFlow only when a model is needed

    artifact_id = trial.user_attrs.get(MODEL_ATTR)
    if not artifact_id:
        raise StudyError(spec.source, "--trial", f"trial {trial.number} has no saved model "
                         "(only trials that were the best so far keep one)", "use --trial best")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        download_artifact(artifact_store=artifact_store(spec), file_path=str(path),
                          artifact_id=artifact_id)
        return load_model(path)


def predict(model: Any, data: Dataset, split_name: str) -> np.ndarray:
    split = data.split(split_name)
    out = np.asarray(model.predict(split.x, verbose=0))
    if data.task == "forecast":
        return data.to_units(split, out)
    return np.asarray(data.classes)[out.argmax(axis=-1)]


def scores(task: str, actual: Any, predicted: Any) -> dict[str, float]:
    """Test metrics of one forecaster: RMSE and MAE in data units, or accuracy."""
    if task == "forecast":
        return {"rmse": metrics.rmse(actual, predicted), "mae": metrics.mae(actual, predicted)}
    return {"accuracy": metrics.accuracy(actual, predicted)}


def evaluate(spec: StudySpec, study: optuna.Study, number: int | None = None) -> Evaluation:
    """Score the chosen (default: best) trial's model on every split; store the summary."""
    trial = best_trial(spec, study, number)
    params = trial_params(spec, trial)
    data = frame(spec.data_settings, load_data(spec.data_settings), params["transform"])
    model = load_trial_model(spec, trial)
    predictions = {}
    for name in ("train", "validation", "test"):
        split = data.split(name)
        predictions[name] = {
            "target_idx": split.target_idx.tolist(),
            "predicted": predict(model, data, name).tolist(),
            "actual": data.actual(split).tolist(),
        }
    del model
    import keras

    keras.backend.clear_session()  # evaluating many studies in one process must not pile up graphs
    test = predictions["test"]
    baselines = (forecast_baselines(data, data.test) if spec.task == "forecast"
                 else class_baselines(data, data.test))
    test["baselines"] = {b.name: b.predicted.tolist() for b in baselines}
    result = Evaluation(
        trial.number, params, spec.metric_name, float(trial.value or float("nan")),
        scores(spec.task, test["actual"], test["predicted"]),
        {b.name: scores(spec.task, test["actual"], b.predicted) for b in baselines},
        {b.name: b.method for b in baselines}, predictions)
    if number is None:
        study.set_user_attr(EVALUATION_ATTR, result.summary(spec))
    return result
