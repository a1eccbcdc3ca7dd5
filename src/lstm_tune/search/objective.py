"""The one objective all strategies share (docs/architecture.md decision 3).

params (from whatever sampler) -> dataset for the chosen transform -> fit with pruning ->
validation metric in data units. With several validation folds (`split.folds`), one model
per fold, each on that fold's own scaled data: the trial's value is the mean over folds, and
the pruner hears the running mean after each fold. Every trial records its params, epochs
run and each one's seconds, each fold's value and kept epoch, the task's tie breaker (a
classifier's validation cross-entropy), a forecaster's validation forecasts of each fold (the
predictor's intervals are calibrated on them, among others), duration and, on failure, the
reason. The model of a
trial that beats or ties the study's best so far (fold 0's: the validation block next to the
test part) is uploaded as an artifact of that trial, so the best trial always has its model,
whichever of a tie wins.
"""

from __future__ import annotations

import gc
import math
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import keras
import optuna
from optuna.artifacts import upload_artifact
from optuna_integration import TFKerasPruningCallback

from lstm_tune.data.framing import Datasets, candidate_transforms
from lstm_tune.data.framings import framing_of
from lstm_tune.data.load import Table
from lstm_tune.model.build import save_model
from lstm_tune.search import interrupt
from lstm_tune.records.attrs import (
    MODEL_ATTR,
    PARAMS_ATTR,
    REASON_ATTR,
    TIE_ATTR,
    TRAINING_ATTR,
    UPDATES_ATTR,
    VAL_FORECASTS_ATTR,
)
from lstm_tune.search.space import (
    DataSize, SearchSpace, auto_convs, auto_pools, training_length)
from lstm_tune.search.params import param_values
from lstm_tune.spec import StudySpec
from lstm_tune.tasks import get_task
from lstm_tune.model.train import EpochClock, fit, monitor, updates_per_epoch, use_xla



def is_better(value: float, study: optuna.Study) -> bool:
    try:
        best = study.best_value
    except ValueError:  # no completed trial yet
        return True
    if study.direction == optuna.study.StudyDirection.MINIMIZE:
        return value <= best
    return value >= best


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB.

    Read from VmHWM, which belongs to the process's own memory map: ru_maxrss would carry
    the parent's peak over into a spawned worker (Linux keeps it across fork and exec).
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Objective:
    def __init__(self, spec: StudySpec, table: Table, store: Any) -> None:
        self.spec = spec
        self.table = table
        self.store = store
        self.datasets = Datasets(spec.data_settings, table)
        size = self.data_size
        self.space = SearchSpace(spec.space, size)
        self.max_epochs, self.patience = training_length(spec.training, spec.space, size)

    @property
    def data_size(self) -> DataSize:
        """Training samples and their steps (of the first transform or vocabulary: they
        differ by a few windows at most), which `auto` search-space entries are fitted to."""
        given = self.spec.space.params()
        first = {name: (param_values(p) or [None])[0] for name, p in given.items()}
        data = self.datasets.get(first)
        window = int(data.window)
        pools = auto_pools(window, get_task(self.spec.task).pooled,
                           bool(getattr(data, "masked", False)))
        # the LSTM reads the pooled steps: an epoch's step loop is that long
        least = min(int(v) for v in (param_values(given["pool"]) or pools)) \
            if "pool" in given else 1
        return DataSize(len(data.train), math.ceil(window / max(1, least)),
                        candidate_transforms(self.spec.data_settings, self.table),
                        pools, auto_convs(framing_of(data)))

    def __call__(self, trial: optuna.Trial) -> float:
        start = time.perf_counter()
        params = self.space.suggest(trial)
        trial.set_user_attr(PARAMS_ATTR, params)
        # what `training: auto` came to on this data (the final model trains the same)
        trial.set_user_attr(TRAINING_ATTR, [self.max_epochs, self.patience])
        trial.set_user_attr("strategy", self.spec.strategy)
        epochs = {"run": 0}
        clock: list[float] = []
        cpu: list[float] = []
        first: list[float] = []
        try:
            return self._train(trial, params, epochs, (clock, cpu, first))
        except optuna.TrialPruned:
            raise
        except Exception as exc:
            if interrupt.requested():  # Ctrl-C that a library turned into another error
                raise KeyboardInterrupt from exc
            trial.set_user_attr(REASON_ATTR, f"{type(exc).__name__}: {exc}"[:1000])
            raise
        finally:
            trial.set_user_attr("epochs", epochs["run"])
            trial.set_user_attr("epoch_seconds", [round(x, 2) for x in clock])
            # CPU seconds far below the epoch's: it waited; the first batch: the trace
            trial.set_user_attr("epoch_cpu_seconds", [round(x, 2) for x in cpu])
            trial.set_user_attr("first_step_seconds", [round(x, 2) for x in first])
            trial.set_user_attr("duration_s", round(time.perf_counter() - start, 3))
            # clear_session's own full gc.collect costs ~0.25 s a trial; workers are recycled
            # to bound memory, so a young-generation collection is enough here
            keras.backend.clear_session(free_memory=False)
            gc.collect(1)
            trial.set_user_attr("worker_peak_rss_mb", round(peak_rss_mb(), 1))

    def _train(self, trial: optuna.Trial, params: dict[str, Any], epochs: dict[str, int],
               clock: tuple[list[float], list[float], list[float]]) -> float:
        folds = self.spec.split.folds
        values: list[float] = []
        kept: list[int] = []
        ties: list[float] = []
        seconds = 0.0
        first: keras.Model | None = None
        for fold in range(folds):
            data = self.datasets.get(params, fold)
            done = epochs["run"]
            callbacks: list[keras.callbacks.Callback] = [
                keras.callbacks.LambdaCallback(
                    on_epoch_end=lambda e, logs, done=done: epochs.update(run=done + e + 1)),
                EpochClock(*clock)]
            if folds == 1:
                # every epoch's validation metric is reported, so the storage keeps each
                # trial's learning curve (the dashboard plots it) even when no pruner acts
                callbacks.append(TFKerasPruningCallback(trial, monitor(data)[0]))
            xla = use_xla(self.spec.training.xla, data, params)
            trial.set_user_attr("xla", xla)
            if fold == 0:  # successive halving counts updates (search/pruners.py)
                trial.set_user_attr(UPDATES_ATTR, updates_per_epoch(
                    len(data.train), int(params["batch_size"]), xla))
            result = fit(
                params, data, self.max_epochs, self.patience,
                seed=self.spec.seed + trial.number, extra_callbacks=callbacks, xla=xla,
            )
            if not math.isfinite(result.value):
                raise ValueError(f"validation metric is {result.value} in fold {fold + 1}")
            values.append(result.value)
            kept.append(result.best_epoch)
            forecasts = get_task(data.task).kept_forecasts(data, result.model)
            if forecasts is not None:  # the predictor's intervals are calibrated on them
                stored = trial.user_attrs.get(VAL_FORECASTS_ATTR, []) if fold else []
                trial.set_user_attr(VAL_FORECASTS_ATTR, [*stored, forecasts])
            if result.tie is not None:
                ties.append(result.tie)
                trial.set_user_attr(TIE_ATTR, sum(ties) / len(ties))
            seconds += result.seconds
            trial.set_user_attr("fold_values", values)
            trial.set_user_attr("best_epochs", kept)
            trial.set_user_attr("train_seconds", round(seconds, 3))
            if fold == 0:
                first = result.model
            if folds > 1:
                trial.report(sum(values) / len(values), step=fold + 1)
                if trial.should_prune():
                    raise optuna.TrialPruned(f"pruned after fold {fold + 1} of {folds}")
        value = sum(values) / len(values)
        if first is not None and is_better(value, trial.study):
            with tempfile.TemporaryDirectory() as tmp:
                path = save_model(first, Path(tmp) / "model.keras")
                artifact_id = upload_artifact(
                    artifact_store=self.store, file_path=str(path), study_or_trial=trial
                )
            trial.set_user_attr(MODEL_ATTR, artifact_id)
        return value
