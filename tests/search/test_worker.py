"""A worker takes its trials one at a time from the run's shared count: it stops when the
count is spent (the budget stays exact across local workers), and it keeps going while trials
are left, instead of stopping at a fixed share and leaving the last trials to another."""

from __future__ import annotations

import multiprocessing as mp
import signal

import optuna
import pytest
from optuna.trial import TrialState

from lstm_tune.search import interrupt
from lstm_tune.search.storage import open_storage
from lstm_tune.search.study import open_study
from lstm_tune.search.worker import INTERRUPTED, UNLIMITED, work
from lstm_tune.spec import load_spec
from tests.conftest import tiny_study


def test_a_worker_runs_what_the_shared_count_allows(write_study):
    spec = load_spec(write_study(tiny_study(budget={"trials": 5},
                                            training={"max_epochs": 1, "patience": 1})))
    open_study(spec)
    left = mp.get_context("spawn").Value("i", 3)
    handler = signal.getsignal(signal.SIGINT)
    try:
        # a worker allowed 25 trials (recycle_every) runs all three the count holds, where a
        # fixed share of a two-worker run would have stopped it after two
        work(spec, 25, 0, "first", None, left)
        assert left.value == 0
        work(spec, 25, 0, "second", None, left)  # nothing left: it runs none
        study = optuna.load_study(study_name=spec.name, storage=open_storage(spec))
        workers = [t.user_attrs["worker"] for t in study.trials]
        assert workers == ["first"] * 3
        # with no count, the storage's budget (5 trials) stops it
        left.value = UNLIMITED
        work(spec, 25, 0, "third", None, left)
    finally:
        signal.signal(signal.SIGINT, handler)
    trials = study.get_trials()
    assert [t.user_attrs["worker"] for t in trials] == ["first"] * 3 + ["third"] * 2
    assert all(t.state == TrialState.COMPLETE for t in trials)


def test_a_worker_asked_to_stop_starts_no_trial(write_study, monkeypatch):
    # a trial that swallowed Ctrl-C (recorded as failed by Optuna's catch) must not be
    # followed by another: the worker exits as interrupted
    spec = load_spec(write_study(tiny_study(budget={"trials": 5},
                                            training={"max_epochs": 1, "patience": 1})))
    open_study(spec)
    monkeypatch.setattr(interrupt, "_requested", True)
    handler = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit) as stopped:
            work(spec, 25, 0, "w", None, mp.get_context("spawn").Value("i", 5))
    finally:
        signal.signal(signal.SIGINT, handler)
    assert stopped.value.code == INTERRUPTED
    study = optuna.load_study(study_name=spec.name, storage=open_storage(spec))
    assert study.trials == []
