"""Windows, a chronological train/validation/test split, and scalers fitted on train only.

A sample is a window of `window` steps ending at step e, and a target at t = e + steps_ahead.
Samples are ordered by t; the last `test` targets are the test split, the `validation`
before them the validation split, the rest train. The test targets are the same whatever
the transform, so every configuration (and every baseline) is scored on the same points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_tune.data.load import Table
from lstm_tune.data.transform import Transform
from lstm_tune.errors import StudyError
from lstm_tune.data.settings import DataSettings
from lstm_tune.data.splits import holdout_sizes

MIN_TRAIN_SAMPLES = 8


@dataclass(frozen=True)
class Split:
    """One part of the data: scaled model inputs and targets, plus what unscaling needs."""

    x: np.ndarray  # (n, window, channels) float32, scaled
    y: np.ndarray  # (n,) float32 scaled target, or int class index
    target_idx: np.ndarray  # (n,) position of each target in the series
    ref: np.ndarray  # (n,) what the transform adds back (forecasts)

    def __len__(self) -> int:
        return len(self.y)


class FramedData:
    """What both framings share (windows here, whole sequences in padded.py): the splits by
    name, and what the loaded data says of itself. `loaded` is the Table or Sequences."""

    train: Split
    val: Split
    test: Split

    @property
    def loaded(self) -> Any:
        raise NotImplementedError

    def split(self, name: str) -> Split:
        return {"train": self.train, "validation": self.val, "test": self.test}[name]

    def actual_at(self, idx: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def actual(self, split: Split) -> np.ndarray:
        """The split's true targets: values in the data's units, or class labels."""
        return self.actual_at(split.target_idx)

    @property
    def target_name(self) -> str:
        return self.loaded.target_name

    @property
    def source(self) -> str:
        return self.loaded.source

    @property
    def units_name(self) -> str:
        return self.loaded.units

    @property
    def informative(self) -> tuple[tuple[int, str, float], ...]:
        return self.loaded.informative


@dataclass(frozen=True)
class Dataset(FramedData):
    table: Table
    task: str
    window: int
    steps_ahead: int
    season: int
    transform: Transform
    channel_names: tuple[str, ...]
    train: Split
    val: Split
    test: Split
    x_mean: np.ndarray
    x_std: np.ndarray
    y_mean: float
    y_std: float
    classes: tuple[str, ...] = ()

    @property
    def loaded(self) -> Table:
        return self.table

    def to_units(self, split: Split, y_scaled: np.ndarray) -> np.ndarray:
        """Model output for a forecast split, back in the data's own units."""
        return self.units(y_scaled, split.ref)

    def units(self, y_scaled: np.ndarray, ref: np.ndarray) -> np.ndarray:
        """Model output (scaled, transformed) -> forecast in the data's units, given each
        sample's reference (what the transform adds back)."""
        z = np.asarray(y_scaled, dtype=float).reshape(-1) * self.y_std + self.y_mean
        return self.transform.inverse(z, ref)

    def input_steps(self, target_idx: np.ndarray) -> np.ndarray:
        """Series position of every window step, (samples, window), oldest first."""
        ends = np.asarray(target_idx) - self.steps_ahead
        return ends[:, None] - np.arange(self.window - 1, -1, -1)[None, :]

    def raw_inputs(self, target_idx: np.ndarray, target_as_input: bool) -> np.ndarray:
        """The windows' inputs in the data's own units (the target's level, not its
        transform), (samples, window, channels), for showing people what the model saw."""
        steps = self.input_steps(target_idx)
        channels = [self.table.target[steps].astype(float)] if target_as_input else []
        channels += [self.table.features[steps, i] for i in range(self.table.features.shape[1])]
        return np.stack(channels, axis=2)

    def actual_at(self, idx: np.ndarray) -> np.ndarray:
        return self.table.target[np.asarray(idx)]

    def labels_at(self, idx: np.ndarray) -> list[str]:
        """What each sample is called in a report: the time of its target."""
        return [self.table.times[i] for i in np.asarray(idx)]

    framing = "windows"
    masked = False



def make_dataset(spec: DataSettings, table: Table, transform: str = "none") -> Dataset:
    """Window, split and scale the table for one target transform."""
    tf = Transform(transform, spec.season)
    y = table.target
    n, w, h = len(table), spec.window, spec.steps_ahead
    if spec.task == "forecast" and tf.log and np.any(y <= 0):
        raise StudyError(spec.source, "space.transform", f"{transform} needs a positive target "
                         f"but {table.target_name!r} has values <= 0", "drop the log transforms")

    channels: list[np.ndarray] = []
    names: list[str] = []
    if spec.target_as_input:
        channels.append(tf.input_series(y))
        names.append(table.target_name)
    for i, name in enumerate(table.feature_names):
        channels.append(table.features[:, i])
        names.append(name)
    series = np.column_stack(channels)

    first_end = w - 1 + (tf.lag if spec.target_as_input else 0)
    if tf.lag > 1:
        first_end = max(first_end, tf.lag - h)
    ends = np.arange(first_end, n - h)
    n_val, n_test = holdout_sizes(spec.validation, spec.test, n)
    needed = n_val + n_test + MIN_TRAIN_SAMPLES
    if len(ends) < needed:
        raise StudyError(
            table.source, "window",
            f"the series has {n} steps, which gives {max(len(ends), 0)} windows of {w} steps "
            f"(transform {transform}), but {n_val} validation + {n_test} test + "
            f"{MIN_TRAIN_SAMPLES} training windows are needed",
            "use a shorter window, smaller validation/test sizes, or a longer series",
        )
    targets = ends + h
    idx = np.arange(w)[None, :] + (ends - w + 1)[:, None]
    x = series[idx].astype(np.float64)

    if spec.task == "forecast":
        ref = tf.reference(y, targets, ends)
        z = tf.forward(y, targets, ref)
        classes: tuple[str, ...] = ()
    else:
        ref = np.zeros(len(targets))
        classes = tuple(sorted(set(y)))
        lookup = {c: i for i, c in enumerate(classes)}
        z = np.array([lookup[v] for v in y[targets]], dtype=np.int64)

    n_train = len(ends) - n_val - n_test
    parts = {"train": slice(0, n_train), "val": slice(n_train, n_train + n_val),
             "test": slice(n_train + n_val, None)}
    x_train = x[parts["train"]].reshape(-1, x.shape[-1])
    x_mean = x_train.mean(axis=0)
    x_std = x_train.std(axis=0)
    x_std[x_std == 0] = 1.0
    if spec.task == "forecast":
        y_mean = float(z[parts["train"]].mean())
        y_std = float(z[parts["train"]].std()) or 1.0
        y_scaled = ((z - y_mean) / y_std).astype(np.float32)
    else:
        y_mean, y_std, y_scaled = 0.0, 1.0, z
    xs = ((x - x_mean) / x_std).astype(np.float32)

    def part(s: slice) -> Split:
        return Split(xs[s], y_scaled[s], targets[s], ref[s])

    return Dataset(
        table=table, task=spec.task, window=w, steps_ahead=h, season=spec.season, transform=tf,
        channel_names=tuple(names), train=part(parts["train"]), val=part(parts["val"]),
        test=part(parts["test"]), x_mean=x_mean, x_std=x_std, y_mean=y_mean, y_std=y_std,
        classes=classes,
    )
