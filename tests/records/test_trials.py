"""Which trial is the best: a classifier's trials tie on validation accuracy, and the tie goes
to the lower validation cross-entropy (Optuna alone keeps the first of the ties)."""

from __future__ import annotations

import math

import optuna
from optuna.trial import TrialState, create_trial

from lstm_tune.data.framing import load_data
from lstm_tune.evaluate.final import top_trials
from lstm_tune.progress import TrialLog
from lstm_tune.records.artifacts import artifact_store
from lstm_tune.records.attrs import PARAMS_ATTR, TIE_ATTR
from lstm_tune.records.trials import best_trial, ranked
from lstm_tune.search.objective import Objective
from lstm_tune.search.storage import open_storage
from lstm_tune.spec import load_spec

from tests.conftest import TINY_SPACE, tiny_study

CLASSIFY = {"task": "classify", "data": {"builtin": "synthetic_class"}, "window": 6,
            "space": {k: v for k, v in TINY_SPACE.items() if k != "transform"}}


def _trial(value: float | None, tie: float | None, units: int,
           state: TrialState = TrialState.COMPLETE) -> optuna.trial.FrozenTrial:
    attrs = {PARAMS_ATTR: {"units": units}}
    if tie is not None:
        attrs[TIE_ATTR] = tie
    return create_trial(state=state, value=value, user_attrs=attrs)


def test_accuracy_ties_go_to_the_lower_validation_cross_entropy(write_study):
    spec = load_spec(write_study(tiny_study(**CLASSIFY)))
    study = optuna.create_study(direction="maximize")
    study.add_trials([
        _trial(1.0, 0.00035, 8),   # 0: Optuna's best_trial (the first at 1.0)
        _trial(0.9, 0.00001, 9),   # 1: more confident, less accurate
        _trial(1.0, 0.00014, 10),  # 2: the most confident of the ties
        _trial(1.0, None, 11),     # 3: recorded before ties were kept: ranks last of the ties
        _trial(None, None, 12, TrialState.FAIL),
    ])
    assert study.best_trial.number == 0
    assert [t.number for t in ranked(spec, study)] == [2, 0, 3, 1]
    assert best_trial(spec, study).number == 2
    assert best_trial(spec, study, 0).number == 0  # an asked-for trial is still that trial
    assert [t.number for t in top_trials(spec, study, 2)] == [2, 0]

    lines: list[str] = []
    log = TrialLog("accuracy", minimize=False, echo=lines.append)
    empty = optuna.create_study(direction="maximize")
    log(empty)  # the first call only notes what had already finished
    for t in study.get_trials():
        empty.add_trial(t)
        log(empty)
    assert [line.split(";")[1] for line in lines] == [" best 1 (#0)", " best 1 (#0)",
                                                      " best 1 (#2)", " best 1 (#2)"]


def test_a_forecast_ranks_by_its_metric_alone(write_study):
    spec = load_spec(write_study(tiny_study()))
    study = optuna.create_study(direction="minimize")
    study.add_trials([_trial(20.0, None, 8), _trial(18.0, None, 9), _trial(18.0, None, 10)])
    assert [t.number for t in ranked(spec, study)] == [1, 2, 0]


def test_each_classifier_trial_records_its_validation_cross_entropy(write_study):
    spec = load_spec(write_study(tiny_study(**CLASSIFY, budget={"trials": 2})))
    study = optuna.create_study(study_name=spec.name, storage=open_storage(spec),
                                direction="maximize",
                                sampler=optuna.samplers.RandomSampler(seed=0))
    study.optimize(Objective(spec, load_data(spec.data_settings), artifact_store(spec)),
                   n_trials=2)
    for t in study.trials:
        tie = t.user_attrs[TIE_ATTR]
        # the cross-entropy of a two-class model that learned something in a few epochs
        assert math.isfinite(tie) and 0 < tie < 1.5
