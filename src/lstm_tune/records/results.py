"""What the stages after the search store on the study for readers without TensorFlow
(`summary`, `export`'s manifest, the dashboard): the evaluation's summary and the kept
predictors' artifacts, written and read back here only."""

from __future__ import annotations

from typing import Any

import optuna

from lstm_tune.records.attrs import EVALUATION_ATTR, PREDICTOR_ATTR


def save_evaluation(study: optuna.Study, summary: dict[str, Any]) -> None:
    """Store the test figures (`Evaluation.summary`) on the study."""
    study.set_user_attr(EVALUATION_ATTR, summary)


def saved_evaluation(study: optuna.Study) -> dict[str, Any] | None:
    """The test figures last stored on the study (None before the first evaluation)."""
    return study.user_attrs.get(EVALUATION_ATTR)


def _kind(refit_all: bool) -> str:
    return "all" if refit_all else "tested"


def kept_predictor(study: optuna.Study, refit_all: bool = False) -> dict[str, Any]:
    """The predictor kept on the study ({"artifact": id, "key": what it was built for}),
    the tested one or the production refit; {} if none was kept."""
    return (study.user_attrs.get(PREDICTOR_ATTR) or {}).get(_kind(refit_all)) or {}


def keep_predictor_artifact(study: optuna.Study, refit_all: bool, artifact: str,
                            key: dict[str, Any]) -> None:
    """Record a kept predictor's artifact and what it was built for."""
    kept = dict(study.user_attrs.get(PREDICTOR_ATTR) or {})
    kept[_kind(refit_all)] = {"artifact": artifact, "key": key}
    study.set_user_attr(PREDICTOR_ATTR, kept)
