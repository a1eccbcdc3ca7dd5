"""What the stages after the search store on the study for readers without TensorFlow
(`summary`, `export`'s manifest, the dashboard): the evaluation's summary, written and read
back here only."""

from __future__ import annotations

from typing import Any

import optuna

from lstm_tune.records.attrs import EVALUATION_ATTR


def save_evaluation(study: optuna.Study, summary: dict[str, Any]) -> None:
    """Store the test figures (`Evaluation.summary`) on the study."""
    study.set_user_attr(EVALUATION_ATTR, summary)


def saved_evaluation(study: optuna.Study) -> dict[str, Any] | None:
    """The test figures last stored on the study (None before the first evaluation)."""
    return study.user_attrs.get(EVALUATION_ATTR)
