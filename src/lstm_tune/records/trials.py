"""Reading a study's trials back: the best by the study's ranking, their parameters, training
length and saved models, for the final model, evaluation, explanation, the report and the
Python API."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from typing import Any, Callable

import optuna
from optuna.artifacts import download_artifact
from optuna.trial import TrialState

from lstm_tune.errors import StudyError
from lstm_tune.records.artifacts import artifact_store
from lstm_tune.records.attrs import MODEL_ATTR, PARAMS_ATTR, TIE_ATTR, TRAINING_ATTR
from lstm_tune.spec import StudySpec


def rank_key(direction: str) -> Callable[[optuna.trial.FrozenTrial], tuple[float, float, int]]:
    """Sort key of completed trials, best first. Equal values (a classifier's validation
    accuracy often ties at 1) are ordered by the task's tie breaker (validation
    cross-entropy: the more confident model), then by trial number. Optuna's own
    `best_trial` keeps the first of the ties, whatever its confidence."""
    sign = 1.0 if direction == "minimize" else -1.0

    def key(t: optuna.trial.FrozenTrial) -> tuple[float, float, int]:
        tie = t.user_attrs.get(TIE_ATTR)
        return (sign * float(t.value), math.inf if tie is None else float(tie), t.number)

    return key


def ranked(spec: StudySpec, study: optuna.Study) -> list[optuna.trial.FrozenTrial]:
    """Completed trials with a finite value, best first (`rank_key`)."""
    done = [t for t in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
            if t.value is not None and math.isfinite(t.value)]
    return sorted(done, key=rank_key(spec.direction))


def best_trial(spec: StudySpec, study: optuna.Study, number: int | None = None) -> optuna.trial.FrozenTrial:
    """Trial `number`, or the best trial by `ranked`."""
    trials = study.get_trials(deepcopy=False)
    if number is not None:
        match = [t for t in trials if t.number == number]
        if not match:
            raise StudyError(spec.source, "--trial", f"study {spec.name!r} has no trial {number} "
                             f"(it has {len(trials)})", "give a trial number that exists")
        return match[0]
    done = ranked(spec, study)
    if not done:
        raise StudyError(spec.source, "name", f"study {spec.name!r} has no completed trial yet",
                         f"run '{spec.how('run', 'run()')}'")
    return done[0]


def trial_params(spec: StudySpec, trial: optuna.trial.FrozenTrial) -> dict[str, Any]:
    """Every parameter the trial trained with, fixed ones included (the objective keeps
    them on the trial before training)."""
    params = trial.user_attrs.get(PARAMS_ATTR)
    if params is None:
        raise StudyError(spec.source, "--trial", f"trial {trial.number} of study {spec.name!r} "
                         "has no recorded parameters (it was not run by lstm-tune)",
                         "choose a trial lstm-tune ran")
    return dict(params)


def load_trial_model(spec: StudySpec, trial: optuna.trial.FrozenTrial) -> Any:
    """The trial's saved model, loaded with safe mode on."""
    from lstm_tune.model.build import load_model  # TensorFlow only when a model is needed

    artifact_id = trial.user_attrs.get(MODEL_ATTR)
    if not artifact_id:
        raise StudyError(spec.source, "--trial", f"trial {trial.number} has no saved model "
                         "(only trials that were the best so far keep one)", "use --trial best")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        download_artifact(artifact_store=artifact_store(spec), file_path=str(path),
                          artifact_id=artifact_id)
        return load_model(path)


def trial_training(spec: StudySpec, trial: optuna.trial.FrozenTrial) -> tuple[int, int]:
    """(max_epochs, patience) the trial trained with: `training: auto` as it came to on the
    data (kept on the trial), else the study file's numbers."""
    kept = trial.user_attrs.get(TRAINING_ATTR)
    if kept:
        return int(kept[0]), int(kept[1])
    return spec.training.declared()


def strategies_used(trials: list[optuna.trial.FrozenTrial]) -> dict[str, int]:
    """How many trials each strategy chose, in the order they first ran."""
    counts: dict[str, int] = {}
    for t in sorted(trials, key=lambda t: t.number):
        name = t.user_attrs.get("strategy")
        if name:
            counts[name] = counts.get(name, 0) + 1
    return counts
