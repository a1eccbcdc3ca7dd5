"""Finding a study's trials and their saved models: what evaluation, explanation and the
Python API look up after a search."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import optuna
from optuna.artifacts import download_artifact

from lstm_tune.errors import StudyError
from lstm_tune.search.attrs import MODEL_ATTR, PARAMS_ATTR
from lstm_tune.search.space import SearchSpace
from lstm_tune.search.storage import artifact_store
from lstm_tune.spec import StudySpec


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
