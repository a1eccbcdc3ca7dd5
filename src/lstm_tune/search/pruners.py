"""Pruners: which trials stop early (docs/architecture.md). Every pruner reads the validation
metric Keras reports after each epoch; with several validation folds a trial's steps are
its folds instead.

Successive halving counts the optimizer's updates, not epochs. In batches of 128 an epoch
is a quarter of the updates it is in batches of 32, so a trial judged after 5 epochs of
large batches has had a quarter of the learning. Measured on the weekly case (docs/benchmarks.md,
"Speed on a long series"): counting updates found a better best validation RMSE on each
of five seeds, for 1.5x the epochs.
"""

from __future__ import annotations

import copy
import math

import optuna

from lstm_tune.search.params import param_values
from lstm_tune.records.attrs import UPDATES_ATTR
from lstm_tune.search.space import DataSize, SearchSpace, training_length
from lstm_tune.spec import StudySpec

REDUCTION_FACTOR = 3  # each rung keeps the best third
FIRST_RUNG_EPOCHS = 5
# The first rung comes after as many updates as FIRST_RUNG_EPOCHS epochs in batches of
# this size (Keras' default), or of the space's smallest batch size if that is smaller,
REFERENCE_BATCH = 32
# but within the first third of max_epochs at the smallest batch size: a rung later than
# that would leave halving nothing to judge (the reviews study's batches of 256 would
# first be judged at 40 epochs, its max_epochs).
LATEST_FIRST_RUNG = 1 / REDUCTION_FACTOR


class UpdateHalvingPruner(optuna.pruners.BasePruner):
    """Asynchronous successive halving (Optuna's) over the optimizer's updates: a trial's
    epoch e counts as (e + 1) x its updates per epoch (UPDATES_ATTR, set by the objective),
    and its value at a rung is the best it reached so far, as the median pruner judges.

    Rungs come at `first_rung`, x3, x9 ... updates; a trial goes on past a rung only if it
    is among the best third of the trials that reached it (the best one while fewer than
    three have)."""

    def __init__(self, first_rung: int, reduction_factor: int = REDUCTION_FACTOR) -> None:
        self.first_rung = first_rung
        self._halving = optuna.pruners.SuccessiveHalvingPruner(
            min_resource=first_rung, reduction_factor=reduction_factor)

    def prune(self, study: optuna.Study, trial: optuna.trial.FrozenTrial) -> bool:
        per_epoch = trial.user_attrs.get(UPDATES_ATTR)
        if not per_epoch or not trial.intermediate_values:
            return False
        view = copy.copy(trial)  # the stored curve stays by epoch (the dashboard plots it)
        view.intermediate_values = updates_curve(trial.intermediate_values, int(per_epoch),
                                                 study.direction)
        return self._halving.prune(study, view)


def updates_curve(by_epoch: dict[int, float], per_epoch: int,
                  direction: optuna.study.StudyDirection) -> dict[int, float]:
    """Epoch-indexed values as the best so far after each epoch's updates (a NaN stays NaN:
    halving stops a diverged trial at its next rung)."""
    better = max if direction == optuna.study.StudyDirection.MAXIMIZE else min
    curve: dict[int, float] = {}
    best: float | None = None
    for epoch in sorted(by_epoch):
        value = by_epoch[epoch]
        if not math.isnan(value):
            best = value if best is None else better(best, value)
        curve[(epoch + 1) * per_epoch] = value if math.isnan(value) or best is None else best
    return curve


def first_rung_updates(spec: StudySpec, size: DataSize) -> int:
    """FIRST_RUNG_EPOCHS epochs' updates in batches of REFERENCE_BATCH, or of the space's
    smallest batch size if smaller (so a space of small batches is first judged after 5
    epochs of them, as before), capped at LATEST_FIRST_RUNG of max_epochs in the smallest
    batches. Larger batches get as many updates: more epochs."""
    def per_epoch(batch: int) -> int:  # train.updates_per_epoch, without importing Keras
        return max(1, math.ceil(size.samples / batch))

    smallest = min(param_values(SearchSpace(spec.space, size).defs["batch_size"]))
    most, patience = training_length(spec.training, spec.space, size)
    reference = FIRST_RUNG_EPOCHS * per_epoch(min(REFERENCE_BATCH, smallest))
    if spec.training.patience == "auto":  # not before early stopping could judge the trial
        reference = max(reference, patience * per_epoch(smallest))
    latest = max(1, int(most * LATEST_FIRST_RUNG)) * per_epoch(smallest)
    return min(reference, latest)


def make_pruner(spec: StudySpec, size: DataSize | None = None) -> optuna.pruners.BasePruner:
    """The study's pruner. Successive halving keeps the best third of the trials at each
    rung (see UpdateHalvingPruner); without the data's `size` (a study opened only to read
    or record, where no trial trains) its rungs are 5, 15, 45 ... epochs. The median pruner
    stops a trial whose best so far is worse than the median of the finished ones at the
    same epoch; Hyperband runs several successive-halving brackets over epochs.

    With several validation folds a trial's steps are its folds instead: the mean over the
    folds done is reported after each one, so a configuration worse than the others stops
    after its first fold rather than training all k."""
    if spec.split.folds > 1:
        return fold_pruner(spec)
    if spec.pruner == "successive_halving":
        if size is None:
            return optuna.pruners.SuccessiveHalvingPruner(
                min_resource=FIRST_RUNG_EPOCHS, reduction_factor=REDUCTION_FACTOR)
        return UpdateHalvingPruner(first_rung_updates(spec, size))
    if spec.pruner == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=5)
    if spec.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(
            min_resource=1, max_resource=training_length(spec.training, spec.space, size)[0]
            if size is not None else spec.training.declared()[0],
            reduction_factor=REDUCTION_FACTOR)
    return optuna.pruners.NopPruner()


def fold_pruner(spec: StudySpec) -> optuna.pruners.BasePruner:
    """The study's pruner over fold steps 1..k: successive halving keeps the best third
    of the trials after 1, 3, 9 folds (the best one while fewer than 3 have got there)."""
    if spec.pruner == "successive_halving":
        return optuna.pruners.SuccessiveHalvingPruner(min_resource=1,
                                                      reduction_factor=REDUCTION_FACTOR)
    if spec.pruner == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=0)
    if spec.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=spec.split.folds,
                                              reduction_factor=REDUCTION_FACTOR)
    return optuna.pruners.NopPruner()
