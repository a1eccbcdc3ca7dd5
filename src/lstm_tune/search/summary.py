"""A study's state read from the storage alone: no TensorFlow, no training."""

from __future__ import annotations

from collections import Counter
from typing import Any

from optuna.trial import TrialState

from lstm_tune.records.attrs import PARAMS_ATTR
from lstm_tune.records.results import saved_evaluation
from lstm_tune.records.trials import best_trial, ranked
from lstm_tune.search.storage import load_study
from lstm_tune.spec import StudySpec


def study_summary(spec: StudySpec) -> dict[str, Any]:
    study = load_study(spec)
    trials = study.get_trials(deepcopy=False)
    states = Counter(t.state.name.lower() for t in trials)
    best = None
    if ranked(spec, study):
        bt = best_trial(spec, study)
        best = {"number": bt.number, "value": bt.value,
                "params": bt.user_attrs.get(PARAMS_ATTR, bt.params),
                "epochs": bt.user_attrs.get("epochs"), "duration_s": bt.user_attrs.get("duration_s")}
    report = spec.report_path / "index.html"
    return {
        "study": spec.name,
        "storage": spec.storage_url,
        "task": spec.task,
        "strategy": spec.strategy,
        "direction": spec.direction,
        "metric": spec.metric_name,
        "trials": {"total": len(trials), **{s.name.lower(): states.get(s.name.lower(), 0)
                                            for s in TrialState}},
        "best_trial": best,
        "evaluation": saved_evaluation(study),
        "report": str(report) if report.is_file() else None,
    }
