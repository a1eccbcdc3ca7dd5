"""A worker process: runs trials of one study until the budget is spent or it has run
`recycle_every` of them, then exits.

Keras leaks about 18 MB per trained model even after clear_session(); a worker that exits
after `recycle_every` trials gives all of it back, so memory stays bounded in long studies.
Before each trial it takes one from the run's shared count of trials left (so the local
workers never run more than the budget, and none sits idle while another still has trials
queued), and checks the budget in the storage (finished trials, plus those other processes
are running), so workers on many machines stop together.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import TYPE_CHECKING, Any

from lstm_tune.search import interrupt

if TYPE_CHECKING:
    from lstm_tune.spec import StudySpec

UNLIMITED = -1  # the shared count when only the storage's budget (time) limits the trials


def take_trial(left: Any) -> bool:
    """Take one trial from the run's shared count (a `multiprocessing.Value`); False when
    none is left."""
    with left.get_lock():
        if left.value == UNLIMITED:
            return True
        if left.value <= 0:
            return False
        left.value -= 1
        return True


def give_back(left: Any) -> None:
    """Return a taken trial to the run's shared count (it did not count: run it again)."""
    with left.get_lock():
        if left.value != UNLIMITED:
            left.value += 1


def finished_elsewhere(exc: BaseException | None) -> bool:
    """Whether Optuna could not record a trial's result because another process had
    finished it meanwhile: its ValueError, or the AssertionError Optuna 5 raises over it
    where the objective itself raised nothing."""
    while exc is not None:
        if isinstance(exc, ValueError) and str(exc).startswith("Cannot tell a"):
            return True
        exc = exc.__context__
    return False


INTERRUPTED = 130


def configure_tensorflow(threads: int | None, deterministic: bool) -> None:
    """Quiet logs and a CPU thread share; must run before TensorFlow is imported."""
    from lstm_tune.quiet import import_tensorflow

    if threads:
        os.environ["TF_NUM_INTRAOP_THREADS"] = str(threads)
        os.environ["TF_NUM_INTEROP_THREADS"] = "1"
        os.environ["OMP_NUM_THREADS"] = str(threads)
    import_tensorflow()
    import tensorflow as tf

    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    if deterministic:
        tf.config.experimental.enable_op_determinism()


def handle_interrupts() -> None:
    """Ctrl-C raises KeyboardInterrupt wherever the trial is, and says so to `interrupt`.

    Where it lands in a callback whose exceptions Python only prints (seen in CI: a weakref
    callback of SQLAlchemy's, run by the garbage collector), it put a traceback on the
    user's terminal and did not stop the trial; it is delivered again instead."""
    def on_interrupt(signum: int, frame: object) -> None:
        interrupt.request()
        raise KeyboardInterrupt

    previous = sys.unraisablehook

    def on_unraisable(info: Any) -> None:
        if info.exc_type is not None and issubclass(info.exc_type, KeyboardInterrupt):
            # 10 ms on, out of this hook (a handler raising here is ignored too)
            signal.setitimer(signal.ITIMER_REAL, 0.01)
            return
        previous(info)

    signal.signal(signal.SIGINT, on_interrupt)
    signal.signal(signal.SIGALRM, on_interrupt)  # the Ctrl-C delivered again
    sys.unraisablehook = on_unraisable


def work(spec: "StudySpec", n_trials: int, sampler_seed: int, tag: str = "",
         threads: int | None = None, left: Any = None) -> None:
    """Run up to n_trials trials of the study, within its budget and the run's shared count
    of trials `left` (None: the storage's budget alone); SystemExit(INTERRUPTED) on Ctrl-C."""
    handle_interrupts()
    try:
        _work(spec, n_trials, sampler_seed, tag, threads, left)
    except KeyboardInterrupt:  # the running trial is already recorded as failed by Optuna
        sys.exit(INTERRUPTED)
    except Exception:
        # Ctrl-C while Optuna records the interrupted trial: its write can fail (seen in CI:
        # sqlite 'database is locked' while the parent reads progress). The parent fails the
        # trial as stale after the worker exits, so this is still an interruption, with no
        # traceback on the user's terminal.
        if interrupt.requested():
            sys.exit(INTERRUPTED)
        raise


def process_main(spec: "StudySpec", n_trials: int, sampler_seed: int, tag: str = "",
                 threads: int | None = None, left: Any = None,
                 environ: dict[str, str] | None = None) -> None:
    """The worker process's target: `work`, then `leave` with its exit code. `environ`: the
    parent's environment when it started this worker (a forked worker has the fork server's,
    from when that started)."""
    if environ is not None:
        os.environ.clear()
        os.environ.update(environ)
    try:
        work(spec, n_trials, sampler_seed, tag, threads, left)
    except SystemExit as stop:
        leave(stop.code if isinstance(stop.code, int) else 1)
    leave(0)


def leave(code: int) -> None:
    """End the worker process now, without the interpreter's teardown.

    Every trial is in the storage by then, and tearing TensorFlow down can hang: a worker of
    a two-worker weekly study sat 3 minutes after its last trial, its main thread waiting in a
    tf.data iterator's destructor with no Python code left to run, and the study waited for
    it (seen with py-spy, which was reading the worker every 8 s and may have lengthened the
    wait). Nothing the worker holds needs a clean exit: storage writes are synchronous, and
    the shared count of trials lives in shared memory."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _work(spec: "StudySpec", n_trials: int, sampler_seed: int, tag: str,
          threads: int | None, left: Any) -> None:
    configure_tensorflow(threads, spec.deterministic)
    import optuna

    from lstm_tune.data.framing import load_data
    from lstm_tune.records.artifacts import artifact_store
    from lstm_tune.records.attrs import WORKER_ATTR
    from lstm_tune.search.budget import budget
    from lstm_tune.search.objective import Objective
    from lstm_tune.search.pruners import make_pruner
    from lstm_tune.search.storage import claiming, fail_dead_trials, open_storage
    from lstm_tune.search.strategies import make_sampler

    # failures are recorded on their trials (and shown in the report), not logged with tracebacks
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    objective = Objective(spec, load_data(spec.data_settings), artifact_store(spec))
    size = objective.data_size
    study = claiming(optuna.load_study(
        study_name=spec.name, storage=open_storage(spec),
        sampler=make_sampler(spec, sampler_seed, size), pruner=make_pruner(spec, size),
    ))
    fail_dead_trials(study)

    def run_one(trial: optuna.Trial) -> float:
        if tag:
            trial.set_user_attr(WORKER_ATTR, tag)
        return objective(trial)

    for _ in range(n_trials):
        if interrupt.requested():  # the last trial swallowed Ctrl-C: start no other
            raise KeyboardInterrupt
        # a trial counted as running elsewhere may be a dead process's (killed just before
        # this run started, it was still exiting when the run looked): look again first
        if budget(spec, study, count_running=True).exhausted and (
                not fail_dead_trials(study) or budget(spec, study, count_running=True).exhausted):
            return
        if left is not None and not take_trial(left):
            return
        try:
            study.optimize(run_one, n_trials=1, catch=(Exception,))
        except Exception as exc:
            # another process failed this trial as dead (a stale heartbeat, a start time
            # misread): it has no reason, so it does not count and is run again
            if not finished_elsewhere(exc):
                raise
            if left is not None:
                give_back(left)
