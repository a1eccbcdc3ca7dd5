"""Windows, a chronological train/validation/test split, and scalers fitted on train only.

A sample is a window of `window` steps ending at step e (its origin), and its targets the
`horizon` steps from t = e + steps_ahead on (a path; one target when horizon is 1). In each
series, a sample whose targets all lie in the last `test` steps is a test sample, one whose
targets all lie in the `validation` steps before them a validation sample, and the samples
whose targets come before that train. Windows never cross series: a panel is cut, split and
scaled series by series. The test targets are the same whatever the transform, so every
configuration (and every baseline) is scored on the same points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_tune.data.encoders import (
    BaseModel,
    SeriesEncoder,
    base_references,
    cut_windows,
    input_values,
    min_history,
    references,
    scaled,
    to_units,
)
from lstm_tune.data.load import Table
from lstm_tune.data.settings import DataSettings
from lstm_tune.data.splits import ALL, REFIT, holdout_sizes, in_turns
from lstm_tune.data.transform import Transform
from lstm_tune.errors import StudyError

MIN_TRAIN_SAMPLES = 8


@dataclass(frozen=True)
class Split:
    """One part of the data: scaled model inputs and targets, plus what unscaling needs.

    A forecast of H > 1 steps has one row of H targets per sample (the path after the
    window); with one step, and for classes, the step axis is dropped."""

    x: np.ndarray  # (n, window, channels) float32, scaled
    y: np.ndarray  # (n,) or (n, H) float32 scaled target, or (n,) int class index
    target_idx: np.ndarray  # (n,) position of each sample's (first) target in the data
    ref: np.ndarray  # like y: what the transform adds back (forecasts)
    series: np.ndarray | None = None  # (n,) which series each sample is cut from

    def __len__(self) -> int:
        return len(self.y)

    @property
    def series_index(self) -> np.ndarray:
        return np.zeros(len(self.y), dtype=int) if self.series is None else self.series

    def take(self, idx: np.ndarray | slice) -> "Split":
        """The samples at `idx`, as a split of their own."""
        return Split(self.x[idx], self.y[idx], self.target_idx[idx], self.ref[idx],
                     None if self.series is None else self.series[idx])

    @staticmethod
    def join(parts: list["Split"]) -> "Split":
        return Split(*(np.concatenate([getattr(p, f) for p in parts]) for f in
                       ("x", "y", "target_idx", "ref", "series_index")))


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
    """Windows cut from one series or from each of many (a panel), each series scaled on
    its own training part, so series of different size share one model."""

    table: Table
    task: str
    window: int
    steps_ahead: int  # the first target's position after the window's last step
    horizon: int  # targets per sample: the next `horizon` steps (forecasts)
    season: int
    transform: Transform
    channel_names: tuple[str, ...]
    train: Split
    val: Split
    test: Split
    x_mean: np.ndarray  # (series, channels)
    x_std: np.ndarray
    y_mean: np.ndarray  # (series,)
    y_std: np.ndarray
    classes: tuple[str, ...] = ()
    metric: str = "rmse"  # what the search optimises (validation_value)
    series_names: tuple[str, ...] = ("",)  # the series kept, in the order of Split.series
    skipped: tuple[str, ...] = ()  # series too short for one window, left out on request
    target_as_input: bool = True
    base: str = "none"  # a hybrid's statistical model (ets, arima), whose forecast is the ref
    base_models: tuple[Any, ...] = ()  # its StatModel of each kept series

    framing = "windows"
    masked = False

    @property
    def loaded(self) -> Table:
        return self.table

    def encoder(self) -> SeriesEncoder:
        """What reads a new history as this dataset read its series (data/encoders.py)."""
        spans = {name: start for name, start, _ in self.table.parts}
        base = {name: BaseModel(m, self.table.times[spans[name] + m.anchor])
                for name, m in zip(self.series_names, self.base_models)}
        return SeriesEncoder(
            self.task, self.window, self.steps_ahead, self.horizon, self.season,
            self.transform.name, self.target_as_input, self.table.target_name,
            tuple(self.table.feature_names), tuple(self.series_names), self.x_mean, self.x_std,
            self.y_mean, self.y_std, tuple(self.classes), base)

    def to_units(self, split: Split, y_scaled: np.ndarray) -> np.ndarray:
        """Model output for a forecast split, back in the data's own units."""
        return self.units(y_scaled, split.ref, split.series_index)

    def units(self, y_scaled: np.ndarray, ref: np.ndarray,
              series: np.ndarray | None = None) -> np.ndarray:
        """Model output (scaled, transformed) -> forecast in the data's units, given each
        sample's reference (what the transform adds back) and series (its scaler)."""
        return to_units(y_scaled, ref, series, self.y_mean, self.y_std, self.transform)

    def unscale_x(self, x: np.ndarray, series: np.ndarray | None = None) -> np.ndarray:
        """Scaled inputs back in the data's units (each sample with its series' scaler)."""
        s = np.zeros(len(x), dtype=int) if series is None else np.asarray(series, dtype=int)
        return x * self.x_std[s][:, None, :] + self.x_mean[s][:, None, :]

    def history_scales(self, split: Split) -> np.ndarray:
        """MASE's scale for each series: the seasonal naive error over its steps before
        the split's first target (never the split itself), on values in the file only (a
        carried one, data.missing, is left out)."""
        from lstm_tune.stats.metrics import seasonal_naive_mae

        starts = {name: start for name, start, _ in self.table.parts}
        s, idx = split.series_index, split.target_idx
        known = self.table.target.astype(float)
        if self.table.observed is not None:
            known = np.where(self.table.observed, known, np.nan)
        out = np.full(len(self.series_names), np.nan)
        for i, name in enumerate(self.series_names):
            if np.any(s == i):
                start = starts[name]
                out[i] = seasonal_naive_mae(known[start:int(idx[s == i].min())], self.season)
        return out

    def target_positions(self, idx: np.ndarray) -> np.ndarray:
        """Every target's position for samples whose first target is at idx: (n, horizon)."""
        return np.asarray(idx)[:, None] + np.arange(self.horizon)[None, :]

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
        """True targets: (n,) for one step or a class, (n, horizon) for a path."""
        if self.horizon == 1:
            return self.table.target[np.asarray(idx)]
        return self.table.target[self.target_positions(idx)]

    def labels_at(self, idx: np.ndarray) -> list[str]:
        """What each sample is called in a report: the time of its (first) target, after
        its series' name when there are several."""
        times = [self.table.times[i] for i in np.asarray(idx)]
        if not self.table.panel:
            return times
        names = self.table.series_of(np.asarray(idx))
        return [f"{n} {t}" for n, t in zip(names, times)]


@dataclass(frozen=True)
class _Origins:
    """The window ends of one series, by part."""

    train: np.ndarray
    val: np.ndarray
    test: np.ndarray


def _origins(start: int, stop: int, tf: Transform, spec: DataSettings, horizon: int,
             fold: int = 0, observed: np.ndarray | None = None) -> _Origins:
    """Window ends of the series at [start, stop): test samples have every target in the
    last `test` steps, validation in the `validation` steps before them, train before that.
    Fold j moves the validation block j blocks earlier (a rolling origin): its training
    windows end before it, and the windows between it and the test part are left out. The
    REFIT fold trains on every window before the test part (fold 0's validation included),
    the ALL fold on every window (a production refit, test part included). With `observed`
    (the table's, data.missing: previous), a window whose targets include a value carried
    forward is in no part: no window is trained, chosen or scored on a value not in the
    file."""
    k0 = spec.steps_ahead
    first_end = start + min_history(spec.window, k0, tf.lag, spec.target_as_input) - 1
    ends = np.arange(first_end, stop - k0 - horizon + 1)
    n_val, n_test = holdout_sizes(spec.validation, spec.test, stop - start)
    if observed is not None:
        ends = ends[observed[ends[:, None] + k0 + np.arange(horizon)[None, :]].all(axis=1)]
    first, last = ends + k0, ends + k0 + horizon - 1
    test_from = stop - n_test
    val_to = test_from - max(fold, 0) * n_val
    val_from = val_to - n_val
    train_to = {REFIT: test_from, ALL: stop}.get(fold, val_from)
    return _Origins(ends[last < train_to], ends[(first >= val_from) & (last < val_to)],
                    ends[first >= test_from])


def _too_short(o: _Origins) -> bool:
    return len(o.train) < MIN_TRAIN_SAMPLES or len(o.val) < 1 or len(o.test) < 1


def _short_problem(table: Table, name: str, start: int, stop: int, spec: DataSettings,
                   transform: str, horizon: int) -> str:
    n_val, n_test = holdout_sizes(spec.validation, spec.test, stop - start)
    series = f"series {name!r}" if table.panel else "the series"
    carried = 0 if table.observed is None else int((~table.observed[start:stop]).sum())
    targets = f", {carried} of them carried forward and never a target" if carried else ""
    ahead = f" and {horizon} steps ahead" if horizon > 1 else ""
    folds = f" in each of {spec.folds} folds" if spec.folds > 1 else ""
    return (f"{series} has {stop - start} steps{targets}: too few for windows of "
            f"{spec.window} steps"
            f"{ahead} (transform {transform}) with {n_val} validation + {n_test} test steps "
            f"and {MIN_TRAIN_SAMPLES} training windows{folds}")


def check_horizon(spec: DataSettings, table: Table) -> None:
    """A path of `horizon` steps must fit inside the test part and the validation part."""
    for name, start, stop in table.parts:
        n_val, n_test = holdout_sizes(spec.validation, spec.test, stop - start)
        for field, size in (("split.test", n_test), ("split.validation", n_val)):
            if spec.horizon > size:
                what = f" of series {name!r}" if table.panel else ""
                raise StudyError(spec.source, "horizon", f"{spec.horizon} steps ahead do not fit "
                                 f"in the {size}-step {field.split('.')[1]} part{what}",
                                 f"use horizon <= {size} or a larger {field}")


def allowed_transforms(spec: DataSettings, table: Table) -> tuple[str, ...]:
    """What a search tries when the study file names no transform (`transform: auto`):
    the target's level, its change and its change over a season (on logs where every
    value is positive), the seasonal one where a forecast's path fits in a season and
    every series is long enough for its windows. Measured on the weekly series: the level
    alone (the old default) scored RMSE 0.524, below persistence (0.448); with these
    0.378 (ETS 0.374)."""
    if spec.task != "forecast":
        return ("none",)
    positive = bool(np.all(np.asarray(table.target, dtype=float) > 0))
    change, seasonal = ("log_diff", "log_seasonal_diff") if positive else ("diff",
                                                                           "seasonal_diff")
    out = ["none", change]
    season = table.season.steps
    tf = Transform(seasonal, season)
    fits = season > 1 and spec.steps_ahead + spec.horizon - 1 <= season
    if fits and not any(_too_short(_origins(start, stop, tf, spec, spec.horizon,
                                            spec.folds - 1, table.observed))
                        for _, start, stop in table.parts):
        out.append(seasonal)
    return tuple(out)


def fit_base(y: np.ndarray, spec: DataSettings, base: str, stop: int, fold: int, season: int
             ) -> Any:
    """A hybrid's statistical model of one series (its positions from 0 to stop), fitted
    on every step before the fold's validation part (the REFIT fold: before the test part;
    ALL: every step), the steps the fold's training windows forecast."""
    from lstm_tune.stats.models import StatModel

    n_val, n_test = holdout_sizes(spec.validation, spec.test, stop)
    until = {REFIT: stop - n_test, ALL: stop}.get(fold, stop - n_test - max(fold, 0) * n_val
                                                  - n_val)
    return StatModel.fit(y, until, season, base, recent=False)


def make_dataset(spec: DataSettings, table: Table, transform: str = "none", fold: int = 0,
                 base: str = "none") -> Dataset:
    """Window, split and scale the table for one target transform and validation fold
    (the scalers see that fold's training windows only). A hybrid (`base` ets or arima)
    learns what a statistical model leaves: its target is the transformed value less the
    transformed forecast of that model (fitted per series on the fold's training steps,
    forecasting from each origin with what was observed up to it), added back to invert."""
    season = table.season.steps
    tf = Transform(transform, season)
    forecast = spec.task == "forecast"
    horizon = spec.horizon if forecast else 1
    y = table.target
    if forecast and tf.log and np.any(y <= 0):
        raise StudyError(spec.source, "space.transform", f"{transform} needs a positive target "
                         f"but {table.target_name!r} has values <= 0", "drop the log transforms")
    least = max(2, spec.steps_ahead + horizon - 1)  # a path must fit in a season
    if forecast and "seasonal" in transform and season < least:
        raise StudyError(spec.source, "space.transform", f"{transform} needs a season of at "
                         f"least {least} steps, and the season is {table.season.described}",
                         "give season: N in the study file or drop the seasonal transforms")
    check_horizon(spec, table)
    classes = tuple(sorted(set(y))) if not forecast else ()
    lookup = {c: i for i, c in enumerate(classes)}
    names = ([table.target_name] if spec.target_as_input else []) + list(table.feature_names)
    # every transform the study may try: a series too short for one of them is short for all,
    # so every transform is scored on the same series and test points
    tried = [Transform(t, season) for t in dict.fromkeys(
        (*(spec.transforms or allowed_transforms(spec, table)), transform))]

    parts: dict[str, list[Split]] = {"train": [], "val": [], "test": []}
    x_mean, x_std, y_mean, y_std, skipped, kept = [], [], [], [], [], []
    models: list[Any] = []  # a hybrid's statistical model of each kept series
    deepest = spec.folds - 1  # the fold with the least to train on
    for name, start, stop in table.parts:
        if any(_too_short(_origins(start, stop, t, spec, horizon, deepest, table.observed))
               for t in tried):
            if spec.skip_short and table.panel:
                skipped.append(name)
                continue
            worst = next(t for t in tried if _too_short(
                _origins(start, stop, t, spec, horizon, deepest, table.observed)))
            raise StudyError(
                table.source, "window",
                _short_problem(table, name, start, stop, spec, worst.name, horizon),
                "use a shorter window or smaller validation/test sizes"
                + (", or fewer split.folds" if spec.folds > 1 else "")
                + (", or set data.skip_short: true to leave such series out" if table.panel
                   else ", or a longer series"))
        origins = _origins(start, stop, tf, spec, horizon, fold, table.observed)
        chunk = y[start:stop]
        model = fit_base(chunk, spec, base, stop - start, fold, season) if base != "none" else None
        if base != "none":
            if model is None:
                raise StudyError(table.source, "space.base", f"the {base} model cannot be "
                                 f"fitted on {'series ' + repr(name) if table.panel else 'the series'}"
                                 , "leave this base out of space.base")
            # windows before the statistical model's first fitted step have no base
            origins = _Origins(*(e[e - start >= model.anchor] for e in
                                 (origins.train, origins.val, origins.test)))
            models.append(model)
        kept.append(name)
        values = input_values(chunk, table.features[start:stop], tf, spec.target_as_input)
        s = len(x_mean)  # this series' index among the kept ones
        ends = {k: getattr(origins, k) for k in parts}
        xs = {k: cut_windows(values, e - start, spec.window) for k, e in ends.items()}
        flat = xs["train"].reshape(-1, values.shape[1])
        mean, std = flat.mean(axis=0), flat.std(axis=0)
        std[std == 0] = 1.0
        x_mean.append(mean)
        x_std.append(std)
        refs, zs = {}, {}
        for k, e in ends.items():
            first = e + spec.steps_ahead
            targets = first[:, None] + np.arange(horizon)[None, :]
            if forecast:
                refs[k] = (references(chunk, e - start, spec.steps_ahead, horizon, tf)
                           if model is None else base_references(model, chunk, e - start,
                                                                 spec.steps_ahead, horizon, tf))
                zs[k] = tf.forward(y, targets, refs[k])
            else:
                refs[k] = np.zeros((len(e), 1))
                zs[k] = np.array([[lookup[v]] for v in y[first]], dtype=np.int64)
        if forecast:
            m, sd = float(zs["train"].mean()), float(zs["train"].std()) or 1.0
        else:
            m, sd = 0.0, 1.0
        y_mean.append(m)
        y_std.append(sd)
        for k, e in ends.items():
            z = ((zs[k] - m) / sd).astype(np.float32) if forecast else zs[k]
            ref = refs[k]
            if horizon == 1:
                z, ref = z[:, 0], ref[:, 0]
            parts[k].append(Split(scaled(xs[k], mean, std), z, e + spec.steps_ahead, ref,
                                  np.full(len(e), s)))
    if not x_mean:
        raise StudyError(table.source, "window", "every series is too short for one window",
                         "use a shorter window or smaller validation/test sizes")

    return Dataset(
        table=table, task=spec.task, window=spec.window, steps_ahead=spec.steps_ahead,
        horizon=horizon, season=season, transform=tf, channel_names=tuple(names),
        train=Split.join(parts["train"]), val=Split.join(parts["val"]),
        test=Split.join(parts["test"]), x_mean=np.asarray(x_mean), x_std=np.asarray(x_std),
        y_mean=np.asarray(y_mean), y_std=np.asarray(y_std), classes=classes,
        metric=spec.metric if forecast else "accuracy", series_names=tuple(kept),
        skipped=tuple(skipped), target_as_input=spec.target_as_input,
        base=base, base_models=tuple(models),
    )


def recent_windows(data: Any, count: int, series: str | None = None,
                   origin: str | None = None) -> Split:
    """The windows to explain: the most recent `count` (test first, then validation and
    train before it), or those ending at `origin` (a time of the data) and before; in a
    panel those of `series`, or of every series in turn."""
    everything = Split.join([data.train, data.val, data.test])
    # a refitted model's training part holds its validation part: each window once
    _, first = np.unique(everything.target_idx, return_index=True)
    everything = everything.take(np.sort(first))
    s = everything.series_index
    keep = np.ones(len(everything), dtype=bool)
    if series is not None:
        keep &= s == data.series_names.index(series)
    if origin is not None:  # in each series, the windows ending at the origin and before
        ends = everything.target_idx - data.steps_ahead
        at = keep & (np.asarray(data.table.times)[ends] == origin)
        last = {int(si): int(e) for si, e in zip(s[at], ends[at])}
        keep &= np.array([int(si) in last and e <= last[int(si)] for si, e in zip(s, ends)])
    # newest first within each series, series taking turns; shown oldest first
    newest = [list(np.flatnonzero(keep & (s == i))[::-1]) for i in range(len(data.series_names))]
    return everything.take(np.sort(np.asarray(in_turns(newest, count), dtype=int)))
