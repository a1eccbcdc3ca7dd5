"""How much of a study's budget is used: counted from the storage, so it survives restarts.

A finished trial is one that completed, was pruned, or failed with a recorded reason (it
diverged or crashed in our code). Trials failed because their process died (marked by the
heartbeat check) carry no reason and do not count: they are re-run.
"""

from __future__ import annotations

from dataclasses import dataclass

import optuna
from optuna.trial import FrozenTrial, TrialState

from lstm_tune.records.attrs import REASON_ATTR
from lstm_tune.search.storage import is_claimed
from lstm_tune.spec import StudySpec


def is_finished(t: FrozenTrial) -> bool:
    if t.state in (TrialState.COMPLETE, TrialState.PRUNED):
        return True
    return t.state == TrialState.FAIL and REASON_ATTR in t.user_attrs


@dataclass(frozen=True)
class Budget:
    trials_done: int
    seconds_used: float
    trials_left: int | None
    seconds_left: float | None

    @property
    def exhausted(self) -> bool:
        return (self.trials_left is not None and self.trials_left <= 0) or (
            self.seconds_left is not None and self.seconds_left <= 0
        )


def budget(spec: StudySpec, study: optuna.Study, count_running: bool = False) -> Budget:
    """What is spent. With count_running, trials being run by any process count too: a
    worker about to start one more trial must not overshoot the others. An unclaimed trial
    is one whose process died as it created it (claimed trials are failed when their
    process is gone): counted, it kept a resumed run one trial short."""
    all_trials = study.get_trials(deepcopy=False)
    trials = [t for t in all_trials if is_finished(t)]
    seconds = sum(t.duration.total_seconds() for t in trials if t.duration is not None)
    running = sum(1 for t in all_trials if t.state == TrialState.RUNNING and is_claimed(t)
                  ) if count_running else 0
    left = None if spec.budget.trials is None else spec.budget.trials - len(trials) - running
    secs = None if spec.budget.timeout is None else spec.budget.timeout - seconds
    return Budget(len(trials), seconds, left, secs)
