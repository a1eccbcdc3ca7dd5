"""A worker takes its trials one at a time from the run's shared count: it stops when the
count is spent (the budget stays exact across local workers), and it keeps going while trials
are left, instead of stopping at a fixed share and leaving the last trials to another."""

from __future__ import annotations

import atexit
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import optuna
import pytest
from optuna.trial import TrialState

from lstm_tune.search import interrupt
from lstm_tune.search.storage import open_storage
from lstm_tune.search.study import open_study
from lstm_tune.search.worker import INTERRUPTED, UNLIMITED, process_main, work
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


def test_a_worker_goes_on_when_another_process_fails_its_trial(write_study, monkeypatch):
    """A trial failed under its worker as dead (a stale heartbeat, a misread start time)
    cannot be told its value: Optuna's ValueError ended the worker and with it the run.
    The worker goes on, and the trial, failed with no reason, is run again."""
    from lstm_tune.search.objective import Objective

    spec = load_spec(write_study(tiny_study(budget={"trials": 2},
                                            training={"max_epochs": 1, "patience": 1})))
    open_study(spec)
    run, failed = Objective.__call__, []

    def failed_under_it(self, trial):
        value = run(self, trial)
        if not failed:  # as another process's fail_dead_trials would, mid-trial
            trial.study._storage.set_trial_state_values(trial._trial_id, TrialState.FAIL)
            failed.append(trial.number)
        return value

    monkeypatch.setattr(Objective, "__call__", failed_under_it)
    left = mp.get_context("spawn").Value("i", 2)
    handler = signal.getsignal(signal.SIGINT)
    try:
        work(spec, 25, 0, "w", None, left)
    finally:
        signal.signal(signal.SIGINT, handler)
    study = optuna.load_study(study_name=spec.name, storage=open_storage(spec))
    assert [t.state for t in study.trials] == [TrialState.FAIL] + [TrialState.COMPLETE] * 2
    assert left.value == 0


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


def _worker_process(study_file: str, marker: str, interrupted: bool) -> None:
    """A worker process that would leave a mark if the interpreter's teardown ran."""
    atexit.register(Path(marker).write_text, "torn down")
    if interrupted:
        interrupt.request()
    process_main(load_spec(study_file), 25, 0, "w", None, None)


@pytest.mark.parametrize("interrupted", [False, True])
def test_a_worker_process_ends_without_the_interpreters_teardown(write_study, tmp_path,
                                                                 interrupted):
    # tearing TensorFlow down can hang a worker whose trials are all stored (seen: 3
    # minutes), and the study waits for it: a worker ends with its exit code, no teardown
    study_file = write_study(tiny_study(budget={"trials": 1},
                                        training={"max_epochs": 1, "patience": 1}))
    spec = load_spec(study_file)
    open_study(spec)
    marker = tmp_path / "teardown"
    proc = mp.get_context("spawn").Process(target=_worker_process,
                                           args=(str(study_file), str(marker), interrupted))
    proc.start()
    proc.join(300)
    assert proc.exitcode == (INTERRUPTED if interrupted else 0)
    assert not marker.exists(), "the worker ran the interpreter's teardown"
    study = optuna.load_study(study_name=spec.name, storage=open_storage(spec))
    expected = [] if interrupted else [TrialState.COMPLETE]
    assert [t.state for t in study.trials] == expected


def test_ctrl_c_in_a_callback_whose_errors_python_ignores_still_stops_the_worker():
    """A Ctrl-C that lands in a weakref callback run by the garbage collector is not printed
    as a traceback and lost: it is raised again where the worker runs."""
    script = """
import time, weakref
from lstm_tune.search import interrupt
from lstm_tune.search.worker import handle_interrupts
handle_interrupts()
class Model: pass
model = Model()
def on_collected(ref):
    raise KeyboardInterrupt  # as the SIGINT handler raises it, inside the callback
ref = weakref.ref(model, on_collected)
try:
    del model
    for _ in range(200):
        time.sleep(0.01)
    print("went on")
except KeyboardInterrupt:
    print("stopped", interrupt.requested())
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "stopped True", (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


def test_workers_fork_from_the_server_unless_told_to_spawn(write_study, monkeypatch):
    """Workers fork from the server that imported TensorFlow (every other test runs them
    so, on Linux); with LSTM_TUNE_START_METHOD=spawn (and off Linux) each is a fresh interpreter,
    which still runs its trials."""
    from lstm_tune.search.study import START_ENV, run_study, worker_context

    monkeypatch.delenv(START_ENV, raising=False)
    assert worker_context().get_start_method() == (
        "forkserver" if sys.platform.startswith("linux") else "spawn")
    monkeypatch.setenv(START_ENV, "spawn")
    assert worker_context().get_start_method() == "spawn"
    spec = load_spec(write_study(tiny_study(budget={"trials": 1},
                                            training={"max_epochs": 1, "patience": 1})))
    assert [t.state for t in run_study(spec).get_trials()] == [TrialState.COMPLETE]


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(),
                    reason="only the main thread handles signals")
def test_ctrl_c_in_the_study_loop_waits_for_a_safe_point():
    """Ctrl-C while the parent reads the storage set a flag that the loop acts on between
    storage calls: raised inside a read, it left SQLite's lock held (CI: 'database is
    locked' after two 60 s waits)."""
    from lstm_tune.search.study import _defer_ctrl_c

    before = signal.getsignal(signal.SIGINT)
    asked = threading.Event()
    restore = _defer_ctrl_c(asked)
    try:
        os.kill(os.getpid(), signal.SIGINT)  # no KeyboardInterrupt here
        for _ in range(100):
            if asked.is_set():
                break
            time.sleep(0.01)
        assert asked.is_set()
    finally:
        restore()
    assert signal.getsignal(signal.SIGINT) is before


def test_a_trial_whose_process_died_before_claiming_it_holds_no_slot(write_study):
    """A run killed between creating a trial and claiming it leaves the trial RUNNING with no
    owner and no heartbeat (seen in CI: the resumed run then counted it as running elsewhere
    and stopped one trial short of the budget, and no check ever failed it)."""
    from datetime import datetime, timedelta

    from lstm_tune.search.storage import GRACE_SECONDS, fail_dead_trials

    spec = load_spec(write_study(tiny_study(budget={"trials": 3},
                                            training={"max_epochs": 1, "patience": 1})))
    study = open_study(spec)
    orphan = study._storage.create_new_trial(study._study_id)  # as the killed run left it
    handler = signal.getsignal(signal.SIGINT)
    try:
        work(spec, 25, 0, "resumed", None, None)
    finally:
        signal.signal(signal.SIGINT, handler)
    states = [t.state for t in study.get_trials()]
    assert states.count(TrialState.COMPLETE) == 3, states
    # just created, it may still be claimed by a live process; past the grace it is dead
    assert fail_dead_trials(study) == 0
    old = optuna.trial.create_trial(state=TrialState.RUNNING)
    old.datetime_start = datetime.now() - timedelta(seconds=GRACE_SECONDS + 5)
    stale = study._storage.create_new_trial(study._study_id, template_trial=old)
    assert fail_dead_trials(study) == 1
    assert study._storage.get_trial(stale).state == TrialState.FAIL
    assert study._storage.get_trial(orphan).state == TrialState.RUNNING


@pytest.mark.parametrize("storage", ["sqlite", "journal"])
def test_a_trial_is_created_claimed(write_study, tmp_path, monkeypatch, storage):
    """A process killed just after its trial was created left it RUNNING with no owner (seen
    in CI: SIGKILLed there, the resumed run had to leave it RUNNING for the grace period, and
    finished before that). Created with its owner, it is failed as soon as its process is
    gone."""
    from lstm_tune.records.attrs import OWNER_ATTR
    from lstm_tune.search.storage import fail_dead_trials

    url = f"sqlite:///{tmp_path / 'k.db'}" if storage == "sqlite" else \
        f"journal:///{tmp_path / 'k.journal'}"
    spec = load_spec(write_study(tiny_study(storage=url)))
    study = open_study(spec)

    def killed(self, *args, **kwargs):  # the first thing after Optuna created the trial
        raise KeyboardInterrupt

    monkeypatch.setattr(optuna.Trial, "__init__", killed)
    handler = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(SystemExit):
            work(spec, 1, 0, "w", None, None)
    finally:
        signal.signal(signal.SIGINT, handler)
    [trial] = open_study(spec).get_trials()
    assert trial.state == TrialState.RUNNING
    assert trial.system_attrs[OWNER_ATTR]["pid"] == os.getpid()
    assert fail_dead_trials(study) == 0  # its owner (this process) is alive
    monkeypatch.setattr("lstm_tune.search.storage._alive", lambda owner: False)
    assert fail_dead_trials(study) == 1  # and failed once it is gone, grace or not


def test_a_worker_claims_its_trial_before_sampling_it(write_study, monkeypatch):
    """The window in which a killed process leaves an unclaimed trial is the trial's creation
    only: the owner is recorded before the sampler's own work (GA's reads every trial)."""
    from lstm_tune.records.attrs import OWNER_ATTR
    from lstm_tune.search import strategies

    spec = load_spec(write_study(tiny_study(budget={"trials": 1},
                                            training={"max_epochs": 1, "patience": 1})))
    open_study(spec)
    seen = []
    make = strategies.make_sampler

    def spying(*args, **kwargs):
        sampler = make(*args, **kwargs)
        original = type(sampler).before_trial

        def before_trial(study, trial):
            seen.append(study._storage.get_trial(trial._trial_id).system_attrs.get(OWNER_ATTR))
            original(sampler, study, trial)
        sampler.before_trial = before_trial
        return sampler

    monkeypatch.setattr(strategies, "make_sampler", spying)
    handler = signal.getsignal(signal.SIGINT)
    try:
        work(spec, 25, 0, "w", None, None)
    finally:
        signal.signal(signal.SIGINT, handler)
    assert len(seen) == 1 and seen[0]["pid"] == os.getpid()


def test_a_trial_claimed_by_a_zombie_process_is_failed(write_study):
    """A worker killed with its parent stays a zombie until init reaps it: its pid exists
    and its start time matches. Taken for alive, its trial kept the next run one trial short
    (seen in CI: a resume right after SIGKILL)."""
    import psutil

    from lstm_tune.records.attrs import OWNER_ATTR
    from lstm_tune.search.storage import fail_dead_trials

    spec = load_spec(write_study(tiny_study()))
    study = open_study(spec)
    child = subprocess.Popen([sys.executable, "-c", "pass"])  # never waited for: a zombie
    try:
        deadline = time.time() + 30
        while psutil.Process(child.pid).status() != psutil.STATUS_ZOMBIE:
            assert time.time() < deadline
            time.sleep(0.05)
        trial = study._storage.create_new_trial(study._study_id)
        study._storage.set_trial_system_attr(trial, OWNER_ATTR, {
            "host": __import__("socket").gethostname(), "pid": child.pid,
            "started": psutil.Process(child.pid).create_time()})
        assert fail_dead_trials(study) == 1
        assert study._storage.get_trial(trial).state == TrialState.FAIL
    finally:
        child.wait()


def test_a_live_workers_trial_is_kept_when_the_wall_clock_moves_its_start(write_study):
    """Linux recomputes the boot time from the wall clock at each read, so another process
    can read a worker's start (psutil's create_time) a second off after a tiny clock
    adjustment. Read so, a live worker's trial was failed under it, and the worker ended
    the run with "Cannot tell a FAIL trial" (seen in a 2-worker benchmark)."""
    from lstm_tune.records.attrs import OWNER_ATTR
    from lstm_tune.search.storage import claiming, fail_dead_trials

    study = claiming(open_study(load_spec(write_study(tiny_study()))))
    trial = study._storage.create_new_trial(study._study_id)  # claimed by this process
    owner = study._storage.get_trial(trial).system_attrs[OWNER_ATTR]
    study._storage.set_trial_system_attr(trial, OWNER_ATTR,
                                         {**owner, "started": owner["started"] + 1.0})
    assert fail_dead_trials(study) == 0
    assert study._storage.get_trial(trial).state == TrialState.RUNNING
    # another process given the pid since started later: its trial is failed
    study._storage.set_trial_system_attr(trial, OWNER_ATTR,
                                         {**owner, "ticks": owner["ticks"] + 1})
    assert fail_dead_trials(study) == 1
