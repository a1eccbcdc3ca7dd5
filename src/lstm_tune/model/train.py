"""Fit one model on one dataset: the training code every strategy and benchmark shares.

The validation metric is computed in the data's own units after every epoch and put in the
epoch logs as `val_<metric>`: the study's forecast metric (`val_rmse`, `val_mase`, ...) or
`val_accuracy` (classification). Early stopping and
pruning watch that metric, so configurations with different target transforms are compared
on the same scale. It is the only validation pass: Keras' own (`validation_data`) would
predict the same windows a second time, and an eager model call per epoch costs about
0.05 s on the CPU, so predictions go through the model's compiled predict function.

Training batches come from one `tf.data` pipeline built per fit: given NumPy arrays, Keras
rebuilds its input pipeline every epoch, which doubled the time of an epoch on these small
windowed datasets. The optimizer's variables are built before `fit`: otherwise Keras creates
them while tracing the first train step and TensorFlow traces that step a second time, which
nearly doubled the first epoch of every trial (`python -m benchmarks --suites speedups`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import keras
import numpy as np

from lstm_tune.data.framing import AnyDataset as Dataset
from lstm_tune.model.build import build_model
from lstm_tune.tasks import get_task


class Diverged(RuntimeError):
    """Training produced a NaN or infinite loss."""


class FiniteLoss(keras.callbacks.Callback):
    """Stops a fit whose training loss became NaN or infinite (no validation to watch)."""

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            raise Diverged(f"diverged: training loss became {float(loss)} at epoch {epoch + 1}")


class EpochClock(keras.callbacks.Callback):
    """Appends each epoch's seconds (the first one includes tracing or XLA compiling) to
    `seconds`: the objective records them on every trial, pruned and failed ones too, so a
    slow trial shows where its time went; the benchmarks time epochs with it. `cpu` (if
    given) gets each epoch's CPU seconds of the whole process: far below the seconds, the
    epoch waited (on another process, a lock, the system) rather than computed. `first_step`
    (if given) gets the seconds of each fit's first batch: the trace (and XLA compile)."""

    def __init__(self, seconds: list[float], cpu: list[float] | None = None,
                 first_step: list[float] | None = None) -> None:
        super().__init__()
        self.seconds, self.cpu, self.first_step = seconds, cpu, first_step
        self._start = self._cpu_start = 0.0
        self._stepped = False

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._start, self._cpu_start = time.perf_counter(), time.process_time()

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if not self._stepped and self.first_step is not None:
            self.first_step.append(time.perf_counter() - self._start)
        self._stepped = True

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)
        if self.cpu is not None:
            self.cpu.append(time.process_time() - self._cpu_start)


class UnitMetric(FiniteLoss):
    """Adds the validation metric in the data's units to each epoch's logs."""

    def __init__(self, data: Dataset) -> None:
        super().__init__()
        self.data = data

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is None:
            return
        super().on_epoch_end(epoch, logs)
        pred = np.asarray(self.model.predict_on_batch(self.data.val.x))
        logs.update(get_task(self.data.task).validation_logs(self.data, pred))


class TieBreakingStopping(keras.callbacks.EarlyStopping):
    """Early stopping that, among epochs with the same monitored value, prefers the one
    with the lower `tie_key` (and counts that as progress)."""

    def __init__(self, tie_key: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.tie_key = tie_key
        self._loss = math.inf
        self._best_loss = math.inf

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._loss = float((logs or {}).get(self.tie_key, math.inf))
        super().on_epoch_end(epoch, logs)
        if self.best_epoch == epoch:
            self._best_loss = self._loss

    def _is_improvement(self, current: Any, reference: Any) -> bool:
        if super()._is_improvement(current, reference):
            return True
        return bool(current == reference and self._loss < self._best_loss)


def early_stopping(data: Dataset, patience: int) -> keras.callbacks.EarlyStopping:
    """Stop after `patience` epochs without progress and keep the best epoch's weights."""
    name, mode = monitor(data)
    tie = get_task(data.task).tie_breaker
    if tie is None:
        return keras.callbacks.EarlyStopping(monitor=name, mode=mode, patience=patience,
                                             restore_best_weights=True)
    return TieBreakingStopping(tie, monitor=name, mode=mode, patience=patience,
                               restore_best_weights=True)


@dataclass
class FitResult:
    model: keras.Model
    value: float  # best validation metric, data units
    epochs: int  # epochs run
    seconds: float
    best_epoch: int = 0  # the epoch (from 1) whose weights were kept
    tie: float | None = None  # the task's tie breaker at the kept epoch (None: it has none)


# With XLA, an epoch of whole batches only, where that drops at most 1/17 of the windows (a
# different few each epoch): a last, partial batch has a shape of its own, so Keras traced
# the train step again and XLA compiled it again (in the first epoch, and more in the second).
# Measured on the weekly windows, one core, 8-epoch fits: LSTM(16) at batch 64 13.5 ->
# 7.5-8.1 s, two layers of LSTM(16) 26 -> 12-16 s (benchmarks.weekly.epoch_times, with
# this function's partial batch kept for the 'before'; docs/benchmarks.md, speed on the weekly case).
WHOLE_BATCHES_MIN = 16


def whole_batches(samples: int, batch_size: int, xla: bool) -> bool:
    """Whether an epoch leaves out its last, partial batch (WHOLE_BATCHES_MIN)."""
    return xla and samples // batch_size >= WHOLE_BATCHES_MIN


def updates_per_epoch(samples: int, batch_size: int, xla: bool = False) -> int:
    """The optimizer's updates in one epoch of `batches`: what successive halving counts."""
    if whole_batches(samples, batch_size, xla):
        return samples // batch_size
    return -(-samples // batch_size)


def batches(x: np.ndarray, y: np.ndarray, batch_size: int, seed: int, xla: bool = False) -> Any:
    """Training batches, reshuffled every epoch from a seed (deterministic when asked);
    whole batches only for an XLA-compiled step on enough data (WHOLE_BATCHES_MIN)."""
    import tensorflow as tf

    whole = whole_batches(len(x), batch_size, xla)
    # No autotuning: this pipeline has nothing to tune, and autotuning's thread sleeps up to
    # a minute between rounds. An iterator is destroyed only when that thread wakes, so a
    # trial's leftover iterator, collected during a later trial, stalled that trial for as
    # long (py-spy: 8-78 s with no CPU in 1-3 trials of each weekly study; and the worker
    # that waited 3 minutes in TensorFlow's teardown, docs/benchmarks.md "Speed on a long series").
    options = tf.data.Options()
    options.autotune.enabled = False
    return (tf.data.Dataset.from_tensor_slices((x, y))
            .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
            .batch(batch_size, drop_remainder=whole)
            .prefetch(1)
            .with_options(options))


def build_optimizer(model: keras.Model) -> None:
    """Create the optimizer's variables now, so the train step is traced once, not twice.

    Keras builds them during the first trace when no distribution strategy is set, and a
    `tf.function` that creates variables on its first call is traced again.
    """
    if model.optimizer is not None and not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)


def monitor(data: Dataset) -> tuple[str, str]:
    """The Keras log key and mode that early stopping and pruning watch."""
    return f"val_{data.metric}", get_task(data.task).direction[:3]


# XLA compiles a model's train and predict steps once (3-5 s here) and then runs each epoch
# faster, by cutting the fixed cost of every sequential LSTM step of every batch. Measured
# by benchmarks/weekly.py on 2,039 windows of 52 steps: batches of 16 went 2.08 -> 0.70 s an
# epoch (XLA pays after 2 epochs), of 64 0.49 -> 0.24 s (after 15), of 256 0.18 -> 0.14 s
# (after 118: never, in a trial); on airline's 95 windows of 12 it never pays. So XLA is on
# where an epoch runs at least this many sequential LSTM steps (batches x window).
XLA_MIN_STEPS = 1500


def use_xla(setting: str, data: Dataset, params: dict[str, Any]) -> bool:
    """Whether to compile with XLA: the study's `training.xla`, and for `auto` whether it
    pays. Measured (benchmarks/weekly.py): it pays when an epoch runs enough sequential LSTM
    steps (batches x window) to cover compiling, and only when no LSTM returns its whole
    sequence: under XLA a second layer made epochs 2x slower and attention 2.6x. Padded
    sequences of varying length are left to the plain path."""
    if setting in ("on", "off"):
        return setting == "on"
    sequences = int(params.get("layers", 1)) > 1 or bool(params.get("attention"))
    batches = updates_per_epoch(len(data.train), max(1, int(params["batch_size"])))
    return not data.masked and not sequences and batches * data.window >= XLA_MIN_STEPS


def new_model(params: dict[str, Any], data: Dataset, seed: int, xla: bool) -> keras.Model:
    """The trial's model, untrained, its weights drawn from `seed`."""
    keras.utils.set_random_seed(seed)
    return build_model(
        params, data.window, len(data.channel_names), data.task,
        n_outputs=get_task(data.task).outputs(data), masked=data.masked, jit_compile=xla,
        vocabulary=len(getattr(data, "vocabulary", ())),
    )


def fit_epochs(params: dict[str, Any], data: Dataset, epochs: int, seed: int,
               xla: bool = False) -> keras.Model:
    """Train for a fixed number of epochs with no validation: a refit on everything before
    the test part, its epochs learned from the search's folds."""
    model = new_model(params, data, seed, xla)
    build_optimizer(model)
    train = batches(data.train.x, data.train.y, int(params.get("batch_size", 32)), seed, xla)
    model.fit(train, epochs=max(1, epochs), callbacks=[FiniteLoss()], verbose=0, shuffle=False)
    return model


def fit(
    params: dict[str, Any],
    data: Dataset,
    max_epochs: int,
    patience: int,
    seed: int,
    extra_callbacks: list[keras.callbacks.Callback] | None = None,
    xla: bool = False,
) -> FitResult:
    """Build and train a model with early stopping; keeps the best epoch's weights."""
    model = new_model(params, data, seed, xla)
    name, mode = monitor(data)
    stopper = early_stopping(data, patience)
    callbacks: list[keras.callbacks.Callback] = [UnitMetric(data), stopper,
                                                 *(extra_callbacks or [])]
    start = time.perf_counter()
    build_optimizer(model)
    train = batches(data.train.x, data.train.y, int(params.get("batch_size", 32)), seed, xla)
    history = model.fit(train, epochs=max_epochs, callbacks=callbacks, verbose=0, shuffle=False)
    seconds = time.perf_counter() - start
    values = history.history.get(name, [])
    if not values:
        raise Diverged("training produced no validation metric")
    best = min(values) if mode == "min" else max(values)
    if not math.isfinite(best):
        raise Diverged(f"diverged: validation {name} is {best}")
    # the epoch early stopping kept (it prefers the tie-breaker among equal values)
    kept = getattr(stopper, "best_epoch", None)
    kept = values.index(best) if kept is None else kept
    ties = history.history.get(get_task(data.task).tie_breaker or "", [])
    tie = float(ties[kept]) if len(ties) > kept else None
    return FitResult(model, float(best), len(history.history.get("loss", [])), seconds,
                     int(kept) + 1, tie)
