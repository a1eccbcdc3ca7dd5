"""Evaluate the best trial's saved model once on the test split, beside the naive baselines.

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
from lstm_tune.data.load import load_table
from lstm_tune.data.window import Dataset, make_dataset
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
    baselines: dict[str, float] = field(default_factory=dict)
    # per split: target positions, predictions and actual values (data units or classes)
    predictions: dict[str, dict[str, list]] = field(default_factory=dict, repr=False)

    def summary(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("predictions")
        return out


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


def evaluate(spec: StudySpec, study: optuna.Study, number: int | None = None) -> Evaluation:
    """Score the chosen (default: best) trial's model on every split; store the summary."""
    trial = best_trial(spec, study, number)
    params = trial_params(spec, trial)
    data = make_dataset(spec, load_table(spec), params["transform"])
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
    if spec.task == "forecast":
        scores = {"rmse": metrics.rmse(test["actual"], test["predicted"]),
                  "mae": metrics.mae(test["actual"], test["predicted"])}
        base = metrics.baselines(data, data.test)
    else:
        scores = {"accuracy": metrics.accuracy(test["actual"], test["predicted"])}
        majority = max(set(data.actual(data.train)), key=list(data.actual(data.train)).count)
        base = {"majority_class": metrics.accuracy(test["actual"], [majority] * len(test["actual"]))}
    result = Evaluation(trial.number, params, spec.metric_name, float(trial.value or float("nan")),
                        scores, base, predictions)
    if number is None:
        study.set_user_attr(EVALUATION_ATTR, result.summary())
    return result
