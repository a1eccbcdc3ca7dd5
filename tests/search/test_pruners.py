"""Successive halving by the optimizer's updates: rungs, values, and a real study."""

from __future__ import annotations

import math

import optuna
import pytest
from optuna.study import StudyDirection
from optuna.trial import TrialState

from lstm_tune.data.framing import load_data
from lstm_tune.records.attrs import UPDATES_ATTR
from lstm_tune.search.objective import Objective
from lstm_tune.search.pruners import (
    UpdateHalvingPruner,
    first_rung_updates,
    make_pruner,
    updates_curve,
)
from lstm_tune.records.artifacts import artifact_store
from lstm_tune.search.space import DataSize
from lstm_tune.search.storage import open_storage
from lstm_tune.spec import load_spec
from lstm_tune.model.train import updates_per_epoch

from tests.conftest import TINY_SPACE, tiny_study


def test_the_curve_counts_updates_and_keeps_the_best_so_far():
    by_epoch = {0: 5.0, 1: 3.0, 2: 4.0, 3: float("nan"), 4: 2.0}
    curve = updates_curve(by_epoch, 16, StudyDirection.MINIMIZE)
    assert list(curve) == [16, 32, 48, 64, 80]  # epoch e ends after (e + 1) x 16 updates
    assert [curve[k] for k in (16, 32, 48, 80)] == [5.0, 3.0, 3.0, 2.0]
    assert math.isnan(curve[64])  # a diverged epoch is not hidden behind an earlier best
    accuracy = updates_curve({0: 0.5, 1: 0.4, 2: 0.7}, 1, StudyDirection.MAXIMIZE)
    assert list(accuracy.values()) == [0.5, 0.5, 0.7]


def _trial(study: optuna.Study, per_epoch: int, values: list[float]) -> bool:
    """A trial reporting `values` epoch by epoch: whether the pruner stopped it, and where
    (the number of epochs it ran, in its user attrs)."""
    trial = study.ask()
    trial.set_user_attr(UPDATES_ATTR, per_epoch)
    for epoch, value in enumerate(values):
        trial.report(value, epoch)
        if trial.should_prune():
            trial.set_user_attr("ran", epoch + 1)
            study.tell(trial, state=TrialState.PRUNED)
            return True
    study.tell(trial, min(values))
    return False


def test_a_trial_of_larger_batches_is_judged_after_as_many_updates_not_epochs():
    study = optuna.create_study(pruner=UpdateHalvingPruner(first_rung=320))
    assert not _trial(study, 32, [4.0] * 12)  # 32 updates an epoch: rung 0 after 10 epochs
    # 16 updates an epoch (batches twice as large): a worse trial still runs 20 epochs
    assert _trial(study, 16, [9.0] * 30)
    assert study.trials[-1].user_attrs["ran"] == 20
    # and one whose best so far (not its last epoch) is the better goes on
    assert not _trial(study, 32, [5.0] * 8 + [3.0] + [4.5] * 3)
    assert study.trials[-1].system_attrs["completed_rung_0"] == 3.0


def test_a_trial_without_its_updates_is_not_judged():
    study = optuna.create_study(pruner=UpdateHalvingPruner(first_rung=1))
    trial = study.ask()
    trial.report(1.0, 0)
    assert not trial.should_prune()


@pytest.mark.parametrize(("batch_size", "samples", "max_epochs", "expected"), [
    # weekly: batches of 64 and 128, anchored at 32 (10 epochs of 64)
    ("auto", 2039, 80, 5 * math.ceil(2039 / 32)),
    ([8, 16], 95, 80, 5 * math.ceil(95 / 8)),  # airline: 5 epochs of its smallest batches
    (256, 2039, 120, 5 * math.ceil(2039 / 32)),  # one large batch size: as many updates
    (256, 2039, 40, 13 * math.ceil(2039 / 256)),  # ... within a third of max_epochs
    ([8, 16], 95, 12, 4 * math.ceil(95 / 8)),
])
def test_the_first_rung_is_five_epochs_of_the_smaller_of_32_and_the_smallest_batch(
        write_study, batch_size, samples, max_epochs, expected):
    spec = load_spec(write_study(tiny_study(
        space={**TINY_SPACE, "batch_size": batch_size}, pruner="successive_halving",
        training={"max_epochs": max_epochs, "patience": 5})))
    assert first_rung_updates(spec, DataSize(samples, 12)) == expected
    pruner = make_pruner(spec, DataSize(samples, 12))
    assert isinstance(pruner, UpdateHalvingPruner) and pruner.first_rung == expected


def test_a_study_stops_a_worse_trial_of_larger_batches_after_as_many_updates(write_study):
    """Real training: the first rung is 5 epochs of batches of 8; a trial in batches of 16
    that barely learns is stopped after 10 epochs (epoch-counted halving: 6)."""
    space = {**TINY_SPACE, "layers": 1, "units": 8, "batch_size": [8, 16], "attention": False,
             "transform": "none", "learning_rate": [2.0e-2, 1.0e-6]}
    spec = load_spec(write_study(tiny_study(
        space=space, training={"max_epochs": 15, "patience": 20},
        pruner="successive_halving")))
    objective = Objective(spec, load_data(spec.data_settings), artifact_store(spec))
    size = objective.data_size
    study = optuna.create_study(study_name=spec.name, storage=open_storage(spec),
                                pruner=make_pruner(spec, size))
    study.enqueue_trial({"learning_rate": 2.0e-2, "batch_size": 8})
    study.enqueue_trial({"learning_rate": 1.0e-6, "batch_size": 16})  # barely learns
    study.optimize(objective, n_trials=2)
    good, bad = study.trials
    per_epoch = updates_per_epoch(size.samples, 16)
    assert bad.user_attrs[UPDATES_ATTR] == per_epoch
    assert good.state == TrialState.COMPLETE and bad.state == TrialState.PRUNED
    assert bad.user_attrs["epochs"] == math.ceil(first_rung_updates(spec, size) / per_epoch)
    assert bad.user_attrs["epochs"] == 10
    assert sorted(bad.intermediate_values) == list(range(10))  # the dashboard's epochs
