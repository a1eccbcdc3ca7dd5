"""The figures and artifacts stored on a study after the search, written and read back in
one place."""

from __future__ import annotations

import optuna

from lstm_tune.records.results import (
    keep_predictor_artifact, kept_predictor, save_evaluation, saved_evaluation)


def test_what_is_stored_reads_back_and_the_two_predictors_stay_apart():
    study = optuna.create_study()
    assert saved_evaluation(study) is None and kept_predictor(study) == {}
    save_evaluation(study, {"test": {"rmse": 1.5}})
    keep_predictor_artifact(study, False, "a1", {"choice": "single"})
    keep_predictor_artifact(study, True, "a2", {"choice": "single", "refit_all": True})
    assert saved_evaluation(study) == {"test": {"rmse": 1.5}}
    assert kept_predictor(study) == {"artifact": "a1", "key": {"choice": "single"}}
    assert kept_predictor(study, refit_all=True)["artifact"] == "a2"
    keep_predictor_artifact(study, False, "a3", {"choice": "refit"})
    assert kept_predictor(study)["artifact"] == "a3"
    assert kept_predictor(study, refit_all=True)["artifact"] == "a2"
