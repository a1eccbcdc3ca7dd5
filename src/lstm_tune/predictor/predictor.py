"""The predictor: the model a study tested, with everything it needs to read raw input.

Its members are the final model's Keras models (one, or an ensemble's), each with the
encoder of the data it was trained on (scalers, transform, vocabulary: data/encoders.py);
their outputs are averaged as the evaluation averaged them (forecasts in the data's units,
class probabilities). A forecaster also keeps the tail of every series and the conformal
calibration of its errors (intervals.py), so `predict()` forecasts past the end of the data
with intervals and nothing else. The evaluation scores the test part through the same
`outputs_at`, so what the report tested is what `predict` and `export` hand over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
import pandas as pd

from lstm_tune.data.encoders import Encoder
from lstm_tune.errors import StudyError
from lstm_tune.predictor.combination import AnyCombination
from lstm_tune.data.clock import Clock
from lstm_tune.predictor.history import SeriesHistory
from lstm_tune.predictor.intervals import LEVELS, Calibration
from lstm_tune.tasks import get_task

Origin = tuple[int, int]  # (which history, the position of the window's last step)

# rows a model reads at once: its compiled predict step on a whole chunk (Keras' `predict`
# sets up an input pipeline per call, which dominated recursive forecasts: 0.15 s a call)
CHUNK = 4096


def run_model(model: Any, x: np.ndarray) -> np.ndarray:
    """A Keras model's outputs on `x`, chunk by chunk."""
    return np.concatenate([np.asarray(model.predict_on_batch(x[i: i + CHUNK]))
                           for i in range(0, len(x), CHUNK)])


@dataclass
class Member:
    model: Any  # a keras.Model
    encoder: Encoder


class Predictor:
    """Predictions from raw input: forecasts past the data (with intervals), or classes
    with their probabilities. Build it with `Study.predictor()`, or load a saved one with
    `lstm_tune.load_predictor(DIR)`."""

    def __init__(self, task: str, members: list[Member], histories: Sequence[SeriesHistory] = (),
                 clock: Clock | None = None, calibration: Calibration | None = None,
                 info: dict[str, Any] | None = None,
                 combination: AnyCombination | None = None) -> None:
        if not members:
            raise ValueError("a predictor needs at least one member model")
        self.task = task
        self.members = members
        self.histories = list(histories)
        self.clock = clock or Clock("steps")
        self.calibration = calibration
        self.info = dict(info or {})
        # averaged with a statistical model (forecasts) or a linear classifier (classes)
        self.combination = combination

    # --- what it reads -------------------------------------------------------------------

    @property
    def encoder(self) -> Encoder:
        return self.members[0].encoder

    @property
    def framing(self) -> str:
        return self.encoder.framing

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(self.encoder.classes)

    @property
    def horizon(self) -> int:
        return int(getattr(self.encoder, "horizon", 1))

    @property
    def series(self) -> tuple[str, ...]:
        return tuple(getattr(self.encoder, "series", ()))

    @property
    def panel(self) -> bool:
        return len(self.series) > 1 or self.series not in ((), ("",))

    @property
    def min_history(self) -> int:
        """Steps of history every member needs behind a forecast's origin."""
        return max(int(getattr(m.encoder, "min_history", 1)) for m in self.members)

    @property
    def recursive(self) -> bool:
        """Whether forecasts can be fed back as inputs: every member reads only the target
        (a classifier of windows reads no target: never)."""
        return all(m.encoder.target_as_input and not m.encoder.feature_names
                   for m in self.members)

    @property
    def reads_target_history(self) -> bool:
        """Whether a forecast needs the target's past values: a member reads them, or its
        transform differences them (a classifier of windows reads neither: its target is
        a label, and classes take no transform)."""
        return any(m.encoder.target_as_input or m.encoder.tf.lag for m in self.members)

    def input_schema(self) -> dict[str, Any]:
        """What `predict` reads, for the manifest and for error messages."""
        return self.encoder.input_schema(self.info, self.min_history)

    # --- array level: what evaluation, calibration and predict share ----------------------

    def outputs_at(self, histories: Sequence[SeriesHistory], origins: Sequence[Origin],
                   combine: bool = True) -> np.ndarray:
        """The members' mean output from each origin: forecasts in the data's units
        (n, horizon), or class probabilities (n, classes); a combination's forecasts are
        averaged with its statistical model's (NaN from origins before that model's
        filter starts)."""
        outputs = [self._member_outputs(m, histories, origins) for m in self.members]
        mean = np.mean(outputs, axis=0)
        c = self.combination  # windows are combined with a statistical model (Combination)
        if c is None or not combine:
            return mean
        stat = c.paths(histories, origins, self.encoder.steps_ahead, mean.shape[1])
        return c.weight * mean + (1.0 - c.weight) * stat

    def _member_outputs(self, member: Member, histories: Sequence[SeriesHistory],
                        origins: Sequence[Origin]) -> np.ndarray:
        e = member.encoder
        xs, refs, series, order = [], [], [], []
        for h, hist in enumerate(histories):
            rows = [i for i, (which, _) in enumerate(origins) if which == h]
            if not rows:
                continue
            s = e.series.index(hist.name)
            try:
                x, ref = e.inputs(s, hist.target, hist.features,
                                  np.array([origins[i][1] for i in rows]), hist.times)
            except ValueError as exc:  # a hybrid's history starts after its base does
                raise StudyError("predict input", "rows", str(exc),
                                 "pass the history from that time on") from None
            xs.append(x)
            refs.append(ref)
            series.append(np.full(len(rows), s))
            order.extend(rows)
        raw = run_model(member.model, np.concatenate(xs))
        out = e.decode(raw, np.concatenate(refs), np.concatenate(series))
        back = np.empty_like(out)
        back[np.asarray(order)] = out
        return back

    def readable(self, outputs: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Outputs as people read them: forecasts ((n,) for one step, (n, horizon) for a
        path) with no probabilities, or classes with their probabilities."""
        return get_task(self.task).readable(np.asarray(outputs, dtype=float), self.classes,
                                            self.horizon)

    def proba(self, inputs: Sequence[Any], combine: bool = True) -> np.ndarray:
        """Class probabilities of sequences or texts (already read): the members' mean,
        averaged with a combination's linear classifier's."""
        outputs = []
        for m in self.members:
            x = m.encoder.encode(list(inputs))
            outputs.append(run_model(m.model, x).astype(float))
        mean = np.mean(outputs, axis=0)
        if self.combination is not None and combine:  # samples: a linear classifier
            return self.combination.proba(list(inputs), mean)
        return mean

    def recursive_paths(self, histories: Sequence[SeriesHistory], origins: Sequence[Origin],
                        steps: int) -> np.ndarray:
        """Forecasts of `steps` steps from each origin, `horizon` at a time, each block's
        forecasts fed back as the next one's history: (n, steps). A combination's
        statistical model gives its own path of `steps` from each origin, filtered once
        (re-filtering every fed-back history took minutes on a long seasonal series); the
        LSTM's blocks read the combined forecasts fed back."""
        current = [histories[h].upto(p) for h, p in origins]
        mix = self.combination  # a forecast's: a statistical model (Combination)
        # one filter per series, over its true history, for every origin at once
        stat = None if mix is None else mix.paths(histories, origins, self.encoder.steps_ahead,
                                                  steps)
        out = np.zeros((len(current), 0))
        while out.shape[1] < steps:
            block = self.outputs_at(current, [(i, len(h) - 1) for i, h in enumerate(current)],
                                    combine=False)
            if stat is not None:
                done = out.shape[1]
                width = min(block.shape[1], steps - done)
                block = block[:, :width]
                block = mix.weight * block + (1.0 - mix.weight) * stat[:, done: done + width]
            take = block[:, : steps - out.shape[1]]
            out = np.concatenate([out, take], axis=1)
            current = [c.extended(v, [f"+{k}" for k in range(len(v))])
                       for c, v in zip(current, take)]
        return out

    # --- user level ------------------------------------------------------------------------

    def predict(self, data: Any = None, steps: int | None = None,
                levels: Sequence[float] = LEVELS, origins: Sequence[str] | str | None = None
                ) -> pd.DataFrame:
        """Predictions people read, as a table.

        Forecasts: the next `horizon` steps after the end of each series (the data the
        study saw, or `data`: a DataFrame or CSV path with the study's columns), with
        intervals at `levels` (%); `steps` more than the horizon forecasts recursively (the
        model's forecasts fed back as inputs), where the model reads only the target.
        `origins`: forecast from these times of the history instead ('all': from every
        step with enough history before it). Classes: `data` holds sequences (arrays, a
        long CSV or .ts file) or texts (strings, or a CSV of them); one row per input with
        its class and each class's probability."""
        return _PREDICTS[self.framing](self, data, steps, levels, origins)

    def _predict_series(self, data: Any, steps: int | None, levels: Sequence[float],
                        origins: Sequence[str] | str | None) -> pd.DataFrame:
        """Windows: from each series' history, a forecast (with intervals) or a class."""
        from lstm_tune.predictor.inputs import origin_positions, read_history

        histories, notes = read_history(self, data)
        chosen = origin_positions(self, histories, origins, kept=data is None)
        table = _SERIES_TABLES[self.task](self, histories, chosen, steps, levels, origins)
        table.attrs["notes"] = notes + table.attrs.get("notes", [])
        return table

    def _predict_samples(self, data: Any, steps: int | None, levels: Sequence[float],
                         origins: Sequence[str] | str | None) -> pd.DataFrame:
        """Sequences or texts: each one's class and every class's probability."""
        from lstm_tune.predictor.inputs import read_samples

        if steps is not None or origins is not None:
            raise StudyError("predict", "steps" if steps is not None else "origins",
                             "only forecasts have steps and origins", "leave them out")
        if data is None:
            raise StudyError("predict", "input", f"classifying {self.framing} needs them "
                             "as input", "pass sequences or texts (--input FILE)")
        samples = read_samples(self, data)
        table = self._class_table(samples.ids, self.proba(samples.values), samples.kept)
        table.attrs["notes"] = samples.notes
        return table

    def _window_classes(self, histories: list[SeriesHistory], chosen: list[Origin],
                        steps: int | None, levels: Sequence[float],
                        origins: Sequence[str] | str | None) -> pd.DataFrame:
        """Classified windows: the class of the window ending at each origin."""
        proba = self.outputs_at(histories, chosen)
        rows = {"series": [histories[h].name for h, _ in chosen]} if self.panel else {}
        rows["time"] = [histories[h].times[p] for h, p in chosen]
        return self._class_table(None, proba, rows)

    def _forecasts(self, histories: list[SeriesHistory], chosen: list[Origin],
                   steps: int | None, levels: Sequence[float],
                   origins: Sequence[str] | str | None) -> pd.DataFrame:
        """Forecasts from each origin, `steps` ahead (recursively past the horizon), with
        intervals at `levels`."""
        steps = self.horizon if steps is None else int(steps)
        if steps < 1:
            raise StudyError("predict", "steps", f"{steps} steps", "ask for 1 or more steps")
        notes = []
        if steps <= self.horizon:
            paths = self.outputs_at(histories, chosen)[:, :steps]
        elif not self.recursive:
            raise StudyError("predict", "steps", f"{steps} steps ahead, but the model forecasts "
                             f"{self.horizon} and reads features whose future values are not "
                             "known", f"use steps <= {self.horizon}, or a study with horizon "
                             f"{steps}")
        else:
            paths = self.recursive_paths(histories, chosen, steps)
            notes.append(f"steps {self.horizon + 1}-{steps} are recursive: the model's own "
                         f"forecasts were fed back as inputs ({self.horizon} step(s) at a time)")
        table = self._forecast_rows(histories, chosen, paths, levels, origins is not None)
        notes += self.interval_notes(steps, levels)
        table.attrs["notes"] = notes
        return table

    def _forecast_rows(self, histories: list[SeriesHistory], chosen: list[Origin],
                       paths: np.ndarray, levels: Sequence[float], with_origin: bool
                       ) -> pd.DataFrame:
        steps = paths.shape[1]
        names = [histories[h].name for h, _ in chosen]
        rows: dict[str, list[Any]] = {}
        if self.panel:
            rows["series"] = [n for n in names for _ in range(steps)]
        if with_origin:
            rows["origin"] = [histories[h].times[p] for h, p in chosen for _ in range(steps)]
        rows["time"] = [t for h, p in chosen
                        for t in self.clock.after(histories[h].times[p], steps)]
        rows["step"] = [k for _ in chosen for k in range(1, steps + 1)]
        rows["forecast"] = paths.reshape(-1).tolist()
        for level in levels:
            lower, upper = self.bounds(paths, names, level)
            rows[f"lower_{level:g}"] = lower.reshape(-1).tolist()
            rows[f"upper_{level:g}"] = upper.reshape(-1).tolist()
        return pd.DataFrame(rows)

    def bounds(self, paths: np.ndarray, series: Sequence[str], level: float
               ) -> tuple[np.ndarray, np.ndarray]:
        """The `level` (%) interval of forecasts (n, steps) from step 1; NaN without
        calibration or beyond the calibrated steps."""
        if self.calibration is None:
            nan = np.full(np.shape(paths), np.nan)
            return nan, nan.copy()
        return self.calibration.bounds(paths, series, level)

    def interval_notes(self, steps: int, levels: Sequence[float]) -> list[str]:
        """What a reader of the intervals should know: how many errors each rests on."""
        c = self.calibration
        if c is None:
            return ["no intervals: this predictor has no calibration errors"]
        counts = c.counts()[:steps] or [0]
        many = (f"{min(counts)}" if min(counts) == max(counts)
                else f"{min(counts)}-{max(counts)}")
        notes = [f"intervals: split conformal, from {many} validation errors per step ahead "
                 f"({c.source})"]
        if steps > c.steps:
            notes.append(f"no intervals after step {c.steps}: no validation errors reach "
                         "that far")
        for level in levels:
            coarse = [s for s in c.coarse(level) if s <= steps]
            if coarse:
                n = min(c.counts()[s - 1] for s in coarse)
                which = (f"step {coarse[0]}" if len(coarse) == 1
                         else f"steps {coarse[0]}-{coarse[-1]}")
                notes.append(f"{level:g}% intervals of {which} rest on "
                             f"{n} errors, too few to promise {level:g}%: they use the largest "
                             f"error, which covers {100 * n / (n + 1):.1f}% of new points")
        return notes

    def _class_table(self, ids: Sequence[str] | None, proba: np.ndarray,
                     rows: dict[str, list[Any]] | None = None) -> pd.DataFrame:
        out: dict[str, list[Any]] = dict(rows or {})
        if ids is not None:
            out["id"] = list(ids)
        out["class"] = [self.classes[i] for i in np.asarray(proba).argmax(axis=1)]
        for j, c in enumerate(self.classes):
            out[f"p_{c}"] = np.asarray(proba)[:, j].tolist()
        return pd.DataFrame(out)

    def save(self, path: Any) -> Any:
        """Write the predictor to a folder (models, encoders, histories, calibration and a
        manifest); `lstm_tune.load_predictor(path)` reads it back in any process."""
        from lstm_tune.predictor.bundle import save_predictor

        return save_predictor(self, path)


# what `predict` does, by the framing (what the input is) and, for windows, by the task
_PREDICTS = {"windows": Predictor._predict_series, "sequences": Predictor._predict_samples,
             "tokens": Predictor._predict_samples}
_SERIES_TABLES = {"forecast": Predictor._forecasts, "classify": Predictor._window_classes}
