"""Run a study: validate, open the storage, and feed worker processes until the budget is spent.

The parent process never imports TensorFlow: it checks the input, creates (or resumes) the
study, starts one worker process at a time for a batch of trials, and shows progress read
from the storage. Running the same command again resumes: the budget counts what the
storage already holds.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
from typing import Callable

import optuna

from lstm_tune.data.load import load_table
from lstm_tune.data.window import make_dataset
from lstm_tune.errors import StudyError
from lstm_tune.search.attrs import SPEC_ATTR
from lstm_tune.search.budget import Budget, budget
from lstm_tune.search.storage import open_storage
from lstm_tune.search.strategies import STRATEGIES, make_pruner
from lstm_tune.search.worker import work
from lstm_tune.spec import StudySpec, param_values


class WorkerFailed(RuntimeError):
    pass


def check_inputs(spec: StudySpec) -> None:
    """Everything that can be wrong with the input, found before the storage is touched."""
    if spec.strategy not in STRATEGIES:
        raise StudyError(spec.source, "strategy", f"unknown strategy {spec.strategy!r}",
                         f"use one of {', '.join(STRATEGIES)}")
    table = load_table(spec)
    for transform in param_values(spec.space.transform):
        make_dataset(spec, table, transform)


def open_study(spec: StudySpec) -> optuna.Study:
    """Create the study or load it to resume; fails stale trials left by killed workers."""
    storage = open_storage(spec)
    try:
        study = optuna.create_study(
            study_name=spec.name, storage=storage, direction=spec.direction,
            load_if_exists=True, pruner=make_pruner(spec),
        )
    except ValueError as exc:
        raise StudyError(spec.source, "name", str(exc).splitlines()[0],
                         "use another study name or storage") from None
    if study.direction.name.lower() != spec.direction:
        raise StudyError(
            spec.source, "task", f"study {spec.name!r} in this storage was made for another task "
            f"(it {study.direction.name.lower()}s)", "use another study name or storage",
        )
    if SPEC_ATTR not in study.user_attrs:
        study.set_user_attr(SPEC_ATTR, spec.model_dump(mode="json"))
    optuna.storages.fail_stale_trials(study)
    return study


def sampler_seed(spec: StudySpec, trials_so_far: int) -> int:
    """A fresh but reproducible seed for each worker, so a new worker does not replay the
    random start-up suggestions of the last one."""
    return (spec.seed * 1_000_003 + trials_so_far * 7919) % (2**31 - 1)


def run_study(
    spec: StudySpec,
    on_progress: Callable[[Budget], None] | None = None,
) -> optuna.Study:
    """Run trials in recycled worker processes until the study's budget is spent."""
    check_inputs(spec)
    study = open_study(spec)
    ctx = mp.get_context("spawn")
    while True:
        state = budget(spec, study)
        if on_progress:
            on_progress(state)
        if state.exhausted:
            return study
        batch = spec.recycle_every
        if state.trials_left is not None:
            batch = min(batch, state.trials_left)
        n_before = len(study.get_trials(deepcopy=False))
        proc = ctx.Process(target=work, args=(spec, batch, sampler_seed(spec, n_before)),
                           name="lstm-tune-worker")
        proc.start()
        stop = threading.Event()
        watcher = None
        if on_progress:
            watcher = threading.Thread(
                target=_watch, args=(spec, study, on_progress, stop), daemon=True)
            watcher.start()
        try:
            proc.join()
        finally:
            stop.set()
            if watcher:
                watcher.join()
            if proc.is_alive():
                proc.terminate()
                proc.join()
        if proc.exitcode != 0:
            raise WorkerFailed(
                f"a worker process stopped with exit code {proc.exitcode}; "
                f"completed trials are kept: run the same command again to resume"
            )
        if len(study.get_trials(deepcopy=False)) == n_before:
            return study  # the worker found nothing to do (another process spent the budget)


def _watch(spec: StudySpec, study: optuna.Study, on_progress: Callable[[Budget], None],
           stop: threading.Event) -> None:
    while not stop.wait(1.0):
        try:
            on_progress(budget(spec, study))
        except Exception:  # progress display must never stop a study
            pass
