"""The shared objective: real training, recorded attributes, failures recorded and survived."""

from __future__ import annotations

import math

import optuna
import pytest
from optuna.trial import TrialState

from lstm_tune.data.framing import load_data
from lstm_tune.records.artifacts import artifact_store
from lstm_tune.records.attrs import MODEL_ATTR, PARAMS_ATTR, REASON_ATTR
from lstm_tune.search import interrupt
from lstm_tune.search import objective as objective_module
from lstm_tune.search.budget import budget
from lstm_tune.search.objective import Objective
from lstm_tune.search.pruners import make_pruner
from lstm_tune.search.storage import open_storage
from lstm_tune.spec import load_spec
from lstm_tune.model.train import Diverged, UnitMetric

from tests.conftest import TINY_SPACE, tiny_study


def _study(spec):
    return optuna.create_study(study_name=spec.name, storage=open_storage(spec),
                               sampler=optuna.samplers.RandomSampler(seed=0))


def test_failed_trial_is_recorded_with_its_reason_and_the_study_goes_on(write_study, monkeypatch):
    spec = load_spec(write_study(tiny_study(budget={"trials": 3})))
    real_fit = objective_module.fit

    def fit_that_diverges_once(params, data, *args, **kwargs):
        if kwargs["seed"] == spec.seed + 1:  # trial 1
            raise Diverged("diverged: training loss became nan at epoch 2")
        return real_fit(params, data, *args, **kwargs)

    monkeypatch.setattr(objective_module, "fit", fit_that_diverges_once)
    study = _study(spec)
    study.optimize(Objective(spec, load_data(spec.data_settings), artifact_store(spec)), n_trials=3,
                   catch=(Exception,))
    states = [t.state for t in study.trials]
    assert states == [TrialState.COMPLETE, TrialState.FAIL, TrialState.COMPLETE]
    failed = study.trials[1]
    assert failed.user_attrs[REASON_ATTR].startswith("Diverged: diverged: training loss became nan")
    assert budget(spec, study).trials_done == 3  # a recorded failure spends budget
    for t in (study.trials[0], study.trials[2]):
        assert t.user_attrs["epochs"] >= 1 and t.user_attrs["duration_s"] > 0
        clock = t.user_attrs["epoch_seconds"]  # where a slow trial's time went
        assert len(clock) == t.user_attrs["epochs"] and all(x > 0 for x in clock)
        assert sum(clock) <= t.user_attrs["duration_s"]
        cpu = t.user_attrs["epoch_cpu_seconds"]  # computing or waiting
        assert len(cpu) == len(clock) and all(x > 0 for x in cpu)
        first = t.user_attrs["first_step_seconds"]  # the trace: one fit, one first batch
        assert len(first) == 1 and 0 < first[0] <= clock[0]
        # the learning curve is stored even with no pruner (the dashboard plots it)
        assert sorted(t.intermediate_values) == list(range(t.user_attrs["epochs"]))
        assert set(t.user_attrs[PARAMS_ATTR]) >= {"layers", "learning_rate", "transform"}
        assert math.isfinite(t.value) and t.value > 0
    assert MODEL_ATTR in study.best_trial.user_attrs  # the best trial always keeps its model


def test_ctrl_c_that_a_library_turned_into_another_error_is_no_failure(write_study, monkeypatch):
    # the worker's Ctrl-C handler sets the flag and raises KeyboardInterrupt; an error raised
    # while a library cleans up can replace it on the way out
    spec = load_spec(write_study(tiny_study(budget={"trials": 3})))

    def fit_interrupted(*args, **kwargs):
        interrupt.request()
        raise RuntimeError("session closed while committing")

    monkeypatch.setattr(interrupt, "_requested", False)
    monkeypatch.setattr(objective_module, "fit", fit_interrupted)
    study = _study(spec)
    with pytest.raises(KeyboardInterrupt):
        study.optimize(Objective(spec, load_data(spec.data_settings), artifact_store(spec)),
                       n_trials=3, catch=(Exception,))
    [trial] = study.trials  # the study stops: no other trial starts
    assert trial.state == TrialState.FAIL and REASON_ATTR not in trial.user_attrs
    assert budget(spec, study).trials_done == 0  # so a resumed study runs it again


def test_nan_loss_stops_training_with_a_reason():
    callback = UnitMetric(data=None)  # type: ignore[arg-type]
    with pytest.raises(Diverged, match="loss became nan at epoch 3"):
        callback.on_epoch_end(2, {"loss": float("nan")})


def test_folds_give_the_mean_and_a_bad_configuration_stops_after_its_first_fold(write_study):
    space = {**TINY_SPACE, "layers": 1, "units": 8, "batch_size": 16, "attention": False,
             "transform": "none", "learning_rate": [2.0e-2, 1.0e-6]}
    spec = load_spec(write_study(tiny_study(
        space=space, split={"validation": 12, "test": 24, "folds": 3},
        training={"max_epochs": 15, "patience": 3}, pruner="successive_halving")))
    study = optuna.create_study(study_name=spec.name, storage=open_storage(spec),
                                pruner=make_pruner(spec))
    study.enqueue_trial({"learning_rate": 2.0e-2})
    study.enqueue_trial({"learning_rate": 1.0e-6})  # barely learns: worse on its first fold
    study.optimize(Objective(spec, load_data(spec.data_settings), artifact_store(spec)),
                   n_trials=2)
    good, bad = study.trials
    assert good.state == TrialState.COMPLETE and len(good.user_attrs["fold_values"]) == 3
    assert good.value == pytest.approx(sum(good.user_attrs["fold_values"]) / 3)
    assert len(good.user_attrs["best_epochs"]) == 3
    assert sorted(good.intermediate_values) == [1, 2, 3]  # the running mean after each fold
    assert bad.state == TrialState.PRUNED and len(bad.user_attrs["fold_values"]) == 1
    assert bad.user_attrs["fold_values"][0] > good.user_attrs["fold_values"][0]
