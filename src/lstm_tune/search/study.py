"""Run a study: validate, open the storage, and feed worker processes until the budget is spent.

The parent process never imports TensorFlow (workers fork from a server process that imported
it once: warm.py): it checks the input, creates (or resumes) the study, keeps N worker
processes busy, each taking its trials one at a time from a shared count of the trials left
(and replaced when it exits after `recycle_every` trials), and shows progress read from the
storage. Running the same command again resumes: the budget
counts what the storage already holds.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import socket
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import optuna

from lstm_tune.data.framing import candidate_transforms, frame, load_data
from lstm_tune.errors import StudyError, WorkerFailed
from lstm_tune.records.attrs import SPEC_ATTR, WORKER_ATTR
from lstm_tune.search.budget import Budget, budget, is_finished
from lstm_tune.search.parallel import cores
from lstm_tune.search.pruners import make_pruner
from lstm_tune.search.storage import fail_dead_trials, open_storage
from lstm_tune.search.worker import INTERRUPTED, UNLIMITED, process_main
from lstm_tune.spec import StudySpec, param_values


def check_inputs(spec: StudySpec) -> None:
    """Everything that can be wrong with the input, found before the storage is touched."""
    settings = spec.data_settings
    loaded = load_data(settings)
    first = {name: (param_values(p) or [None])[0] for name, p in spec.space.params().items()}
    for transform in candidate_transforms(settings, loaded):
        data = frame(settings, loaded, {**first, "transform": transform})
        if data.masked and max(param_values(spec.space.pool), default=1) > 1:
            raise StudyError(spec.source, "space.pool", "the sequences have different lengths, "
                             "and padded sequences cannot be pooled", "set space.pool: 1")


def open_study(spec: StudySpec) -> optuna.Study:
    """Create the study or load it to resume; fails stale trials left by killed workers."""
    storage = open_storage(spec)
    # Optuna's "A new study created in ..." beside the trial lines lstm_tune prints: off for
    # this call only (the user's own Optuna logging is left as it was)
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(max(verbosity, optuna.logging.WARNING))
    try:
        study = optuna.create_study(
            study_name=spec.name, storage=storage, direction=spec.direction,
            load_if_exists=True, pruner=make_pruner(spec),
        )
    except ValueError as exc:
        raise StudyError(spec.source, "name", str(exc).splitlines()[0],
                         "use another study name or storage") from None
    finally:
        optuna.logging.set_verbosity(verbosity)
    if study.direction.name.lower() != spec.direction:
        raise StudyError(
            spec.source, "task", f"study {spec.name!r} in this storage was made for another task "
            f"(it {study.direction.name.lower()}s)", "use another study name or storage",
        )
    if SPEC_ATTR not in study.user_attrs:
        study.set_user_attr(SPEC_ATTR, spec.model_dump(mode="json"))
    if study.metric_names != [spec.metric_name]:  # the dashboard's name for the objective
        study.set_metric_names([spec.metric_name])
    fail_dead_trials(study)
    return study


def sampler_seed(spec: StudySpec, trials_so_far: int) -> int:
    """A fresh but reproducible seed for each worker, so a new worker does not replay the
    random start-up suggestions of the last one."""
    return (spec.seed * 1_000_003 + trials_so_far * 7919) % (2**31 - 1)


START_ENV = "LSTM_TUNE_START_METHOD"


def worker_context() -> Any:
    """Workers fork from a server process that imported TensorFlow once (search/warm.py):
    measured here, a worker started in 0.07 s instead of the 5.5 s a spawned one spends
    importing it. Off Linux (macOS makes forking after its system libraries are loaded
    unsafe, and Windows cannot fork), or where LSTM_TUNE_START_METHOD=spawn asks for it,
    each worker is a fresh interpreter."""
    if os.environ.get(START_ENV, "forkserver") == "spawn" or \
            not sys.platform.startswith("linux"):
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["lstm_tune.search.warm"])
    return ctx


@contextmanager
def _main_left_alone() -> Iterator[None]:
    """Workers run lstm_tune's own code and need nothing from the program that starts them,
    but a new forkserver or spawned process imports that program's main module again: a
    script calling Study.run() without `if __name__ == "__main__":` ran its top level once
    more in the fork server and in each worker, and ended in multiprocessing's bootstrapping
    RuntimeError. While a worker starts, the main module shows no file or spec to import."""
    main = sys.modules.get("__main__")
    saved = {k: getattr(main, k) for k in ("__file__", "__spec__") if hasattr(main, k)}
    try:
        if "__spec__" in saved:
            main.__spec__ = None
        if "__file__" in saved:
            del main.__file__
        yield
    finally:
        for k, v in saved.items():
            setattr(main, k, v)


@dataclass
class _Live:
    proc: Any
    tag: str


def _finished_by(study: optuna.Study, tag: str) -> int:
    return sum(1 for t in study.get_trials(deepcopy=False)
               if is_finished(t) and t.user_attrs.get(WORKER_ATTR) == tag)


def run_study(
    spec: StudySpec,
    on_progress: Callable[[Budget, optuna.Study], None] | None = None,
    workers: int = 1,
) -> optuna.Study:
    """Run trials in `workers` recycled worker processes until the budget is spent.

    Workers take trials one at a time from a count shared by this run, so N local workers
    never run more trials than the budget, and a worker that finishes early takes the next
    trial instead of waiting (fixed quotas of 15 + 15 left one worker idle for the last
    86-116 s of a 30-trial weekly study). Each also checks the storage before every trial,
    for workers on other machines. A worker that exits after `recycle_every` trials is
    replaced while trials are left.
    """
    check_inputs(spec)
    study = open_study(spec)
    ctx = worker_context()
    threads = max(1, cores() // workers) if workers > 1 else None
    live: list[_Live] = []
    start = budget(spec, study)
    left = ctx.Value("i", UNLIMITED if start.trials_left is None else max(0, start.trials_left))
    failed_exit: int | None = None
    idle = False  # a worker found nothing to do: others (elsewhere) hold the rest of the budget
    stop = threading.Event()
    watcher = None
    if on_progress:
        on_progress(budget(spec, study), study)  # the state before any trial of this run
        watcher = threading.Thread(target=_watch, args=(spec, study, on_progress, stop),
                                   daemon=True)
        watcher.start()
    asked = threading.Event()  # Ctrl-C, acted on between storage calls
    restore = _defer_ctrl_c(asked)
    try:
        while True:
            if asked.is_set():
                raise KeyboardInterrupt
            state = budget(spec, study)
            if failed_exit is None and not idle and not state.exhausted:
                # a new worker only where trials are left beyond one for each live worker
                while len(live) < workers and (left.value == UNLIMITED or left.value > len(live)):
                    tag = f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
                    n_before = len(study.get_trials(deepcopy=False))
                    proc = ctx.Process(
                        target=process_main, name="lstm-tune-worker",
                        args=(spec, spec.recycle_every, sampler_seed(spec, n_before + len(live)),
                              tag, threads, left, dict(os.environ)))
                    with _main_left_alone():
                        proc.start()
                    live.append(_Live(proc, tag))
            if not live:
                break
            if len(live) == 1:
                live[0].proc.join(0.5)  # returns as soon as the worker ends
            else:
                time.sleep(0.5)
            for w in [w for w in live if not w.proc.is_alive()]:
                live.remove(w)
                if w.proc.exitcode == INTERRUPTED:
                    raise KeyboardInterrupt
                if w.proc.exitcode != 0:
                    failed_exit = w.proc.exitcode
                elif _finished_by(study, w.tag) == 0:
                    idle = True
    except KeyboardInterrupt:
        restore()  # a second Ctrl-C stops the clean-up below
        _interrupt(live)
        # a worker whose own write of the failed trial did not land (sqlite busy) has
        # exited by now: its trial is failed here, so none is left running
        fail_dead_trials(study)
        raise
    finally:
        restore()
        stop.set()
        if watcher:
            watcher.join()
        for w in live:
            if w.proc.is_alive():
                w.proc.terminate()
                w.proc.join()
    fail_dead_trials(study)
    if on_progress:
        on_progress(budget(spec, study), study)
    if failed_exit is not None:
        raise WorkerFailed(
            f"a worker process stopped with exit code {failed_exit}; completed trials are "
            "kept: run the same command again to resume")
    return study


def _defer_ctrl_c(asked: threading.Event) -> Callable[[], None]:
    """Ctrl-C sets `asked` instead of raising wherever the main thread is; returns what
    restores the previous handler. Raised in the middle of a storage read, it left SQLite's
    read lock held, so the worker's write of its interrupted trial, then the parent's own,
    each waited out the 60 s lock timeout and ended in 'database is locked' (seen in CI).
    Only the main thread can set a signal handler: elsewhere Ctrl-C is not deferred."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGINT, lambda signum, frame: asked.set())

    def restore() -> None:
        if previous is not None and signal.getsignal(signal.SIGINT) is not previous:
            signal.signal(signal.SIGINT, previous)

    return restore


def _interrupt(live: list[_Live]) -> None:
    """Ctrl-C: let each worker record its running trial as failed, then stop it."""
    for w in live:
        if w.proc.is_alive() and w.proc.pid:
            try:
                os.kill(w.proc.pid, signal.SIGINT)
            except ProcessLookupError:
                pass
    for w in live:
        w.proc.join(60)


def _watch(spec: StudySpec, study: optuna.Study,
           on_progress: Callable[[Budget, optuna.Study], None], stop: threading.Event) -> None:
    while not stop.wait(1.0):
        try:
            on_progress(budget(spec, study), study)
        except Exception:  # progress display must never stop a study
            pass
