"""A study's predictor: its final model (final.py) with every encoder, the series' tails and
the conformal calibration of its errors, kept on the study as an artifact.

What the evaluation tests is this predictor (evaluate.py scores the test part through it),
so `predict` and `export` hand over the model the report describes. `refit_all=True` is the
production variant: the same configuration(s) trained on all the data, test part included,
for the epochs the search kept; its intervals are the evaluated model's, and its manifest
says it was never tested.

Calibration (predictor/intervals.py): the errors of the search's own models on each
validation fold, which never trained on it (their forecasts are kept on each trial; an
ensemble's are the mean of its members'). A refit or an ensemble is calibrated on the models
of its configurations, not on itself: it trained on fold 0's validation part. Beyond the
model's horizon, a model that reads only the target forecasts recursively, and fold 0's
models are calibrated the same way, from origins whose targets lie in its validation part.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import optuna
from optuna.artifacts import download_artifact, upload_artifact

from lstm_tune.data.framing import AnyDataset, Loaded
from lstm_tune.data.load import Table
from lstm_tune.data.splits import ALL
from lstm_tune.errors import StudyError
from lstm_tune.evaluate import combine
from lstm_tune.evaluate.combine import CombinationChoice
from lstm_tune.evaluate.final import Builder, FinalModel, describe, final_or_best, load_member
from lstm_tune.predictor.bundle import to_zip
from lstm_tune.predictor.combination import ClassCombination, Combination
from lstm_tune.data.clock import Clock
from lstm_tune.predictor.history import SeriesHistory
from lstm_tune.predictor.intervals import Calibration, series_scale
from lstm_tune.stats.linear import fit_on
from lstm_tune.predictor.loading import from_zip
from lstm_tune.predictor.predictor import Member, Predictor
from lstm_tune.records.artifacts import artifact_store
from lstm_tune.records.results import keep_predictor_artifact, kept_predictor
from lstm_tune.spec import StudySpec

# recursive forecasts are calibrated this many steps ahead (at least the horizon): two
# seasons, or 24 steps where the season is short
RECURSIVE_STEPS = 24


def histories(table: Table, names: tuple[str, ...], tail: int | None = None
              ) -> list[SeriesHistory]:
    """The kept series of a table (their last `tail` steps, or all)."""
    spans = {name: (start, stop) for name, start, stop in table.parts}
    out = []
    for name in names:
        start, stop = spans[name]
        if tail is not None:
            start = max(start, stop - tail)
        target = (np.asarray(table.target[start:stop], dtype=float)
                  if np.issubdtype(np.asarray(table.target).dtype, np.number)
                  else np.zeros(stop - start))
        out.append(SeriesHistory(name, target, np.asarray(table.features[start:stop], float),
                                 tuple(table.times[start:stop])))
    return out


def origins_of(table: Table, names: tuple[str, ...], data: AnyDataset, split: Any
               ) -> list[tuple[int, int]]:
    """A split's samples as (series number, position of the window's last step in it)."""
    starts = {name: start for name, start, _ in table.parts}
    return [(int(s), int(t) - data.steps_ahead - starts[names[int(s)]])
            for s, t in zip(split.series_index, split.target_idx)]


def split_outputs(predictor: Predictor, data: AnyDataset, split: Any
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The predictor's outputs on a split's samples, read from the raw data as `predict`
    reads it: (the split's rows it could predict, their outputs). Every test and validation
    sample is predicted; an ensemble whose members need different amounts of history (or a
    combination whose statistical model starts later) predicts the training samples all of
    them can."""
    return _SPLIT_OUTPUTS[data.framing](predictor, data, split)


def _sample_outputs(predictor: Predictor, data: AnyDataset, split: Any
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Sequences or texts: every sample, read from its raw values."""
    return np.arange(len(split)), predictor.proba(data.raw_samples(split.target_idx))


def _window_outputs(predictor: Predictor, data: AnyDataset, split: Any
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Windows: from each sample's origin in its series' history."""
    names = tuple(data.series_names)
    origins = origins_of(data.table, names, data, split)
    rows = np.array([i for i, (_, p) in enumerate(origins) if p >= predictor.min_history - 1],
                    dtype=int)
    full = histories(data.table, names)
    outputs = predictor.outputs_at(full, [origins[i] for i in rows])
    finite = np.all(np.isfinite(outputs), axis=1)  # a combination's model starts later
    return rows[finite], outputs[finite]


class PredictorBuilder:
    """Builds the study's predictor (and its calibration) from its final model."""

    def __init__(self, spec: StudySpec, study: optuna.Study, loaded: Loaded | None = None
                 ) -> None:
        self.spec, self.study = spec, study
        self.builder = Builder(spec, study, loaded)
        self.final: FinalModel = final_or_best(spec, study, self.builder)
        self.members = self.final.seeds[0]

    def info(self, refit_all: bool) -> dict[str, Any]:
        spec, d = self.spec, self.spec.data_settings
        from lstm_tune.data.builtin import BUILTINS

        builtin = BUILTINS.get(d.builtin or "")
        return {
            "study": spec.name, "task": spec.task, "final_model": self.final.choice,
            "model": describe(self.final), "trials": self.final.trials,
            "time": d.time or (builtin.time if builtin else None),
            "series_column": d.series or (builtin.series if builtin else None),
            "sequence_column": d.sequence, "text_column": d.text or (
                builtin.text if builtin else None),
            "target": d.target or (builtin.target if builtin else None),
            "wide": list(d.wide),  # series side by side: new data may be written so too
            "encoding": d.encoding,
            "missing": d.missing,  # a history's gaps are filled as the study's were
            "refit_all": refit_all,
            "trained_on": "all the data, test part included: a production refit, never tested"
            if refit_all else "the training part: the model the study's report tested",
        }

    def final_members(self, refit_all: bool) -> list[Member]:
        """The final model's members, or (a production refit) their configurations trained
        on all the data for the epochs the search kept."""
        out = []
        for m in self.members:
            if refit_all:
                model, data = (self.builder.model("all", m.trial, 0),
                               self.builder.data(m.trial, ALL))
            else:
                model, data = (load_member(self.spec, self.study, m),
                               self.builder.data(m.trial, m.fold))
            out.append(Member(model, data.encoder()))
        return out

    def build(self, refit_all: bool = False) -> Predictor:
        members = self.final_members(refit_all)
        first = self.builder.data(self.members[0].trial, self.members[0].fold)
        loaded = self.builder.datasets.loaded
        predictor = Predictor(self.spec.task, members, info=self.info(refit_all))
        return _BUILDS[first.framing](self, predictor, first, loaded, refit_all)

    def _for_samples(self, predictor: Predictor, first: AnyDataset, loaded: Any,
                     refit_all: bool) -> Predictor:
        """Sequences or texts: the members, and a combination's linear classifier."""
        choice = self.choice()
        if choice is not None:  # fitted as the baselines are, or on everything
            parts = [first.train, first.val, *([first.test] if refit_all else [])]
            linear = fit_on(first, parts)
            if linear is not None:
                predictor.combination = ClassCombination(choice.weight, linear)
        return predictor

    def _for_series(self, predictor: Predictor, first: AnyDataset, loaded: Table,
                    refit_all: bool) -> Predictor:
        """Windows: the members with each series' history and clock, a combination's
        statistical model, and a forecast's calibration."""
        names = tuple(first.series_names)
        predictor.clock = Clock.infer(histories(loaded, names[:1])[0].times)
        choice = self.choice()
        if choice is not None:  # fitted before the test part, or on everything
            spans = {name: (start, stop) for name, start, stop in loaded.parts}
            test = first.test
            until = {name: spans[name][1] if refit_all else int(
                test.target_idx[test.series_index == s].min()) for s, name in enumerate(names)}
            predictor.combination = combine.combination(choice, loaded, names, until,
                                                        loaded.season.steps)
        predictor.histories = histories(loaded, names, self.tail(predictor, loaded))
        predictor.calibration = _CALIBRATIONS[self.spec.task](self, loaded, names)
        return predictor

    @staticmethod
    def tail(predictor: Predictor, table: Table) -> int:
        """The steps of each series a predictor keeps: its windows', and a statistical
        model's from the step its filter starts at (a hybrid's base, a combination's)."""
        spans = {name: (start, stop) for name, start, stop in table.parts}
        starts = [times_index for m in predictor.members
                  for times_index in (spans[n][1] - spans[n][0] - b.model.anchor
                                      for n, b in getattr(m.encoder, "base", {}).items())]
        if predictor.combination is not None:
            starts += [spans[n][1] - spans[n][0] - m.anchor
                       for n, m in predictor.combination.models.items()]
        return max([predictor.min_history, *starts])

    def seed_predictor(self, seed: int) -> Predictor:
        """The final model built with another seed (no calibration): its test figures give
        the spread over seeds."""
        members = [Member(load_member(self.spec, self.study, m),
                          self.builder.data(m.trial, m.fold).encoder())
                   for m in self.final.seeds[seed]]
        return Predictor(self.spec.task, members)

    def fold_combination(self, fold: int, table: Table, names: tuple[str, ...]
                         ) -> Combination | None:
        """A combination's statistical model as fitted before fold `fold`'s validation
        part (its weight as chosen): what the fold's forecasts are combined with."""
        choice = self.choice()
        if choice is None:
            return None
        val = self.builder.data(self.members[0].trial, fold).val
        starts = {name: start for name, start, _ in table.parts}
        until = {name: int(val.target_idx[val.series_index == s].min()) if np.any(
            val.series_index == s) else starts[name] for s, name in enumerate(names)}
        return combine.combination(choice, table, names, until, table.season.steps)

    def choice(self) -> CombinationChoice | None:
        c = self.final.combination
        return CombinationChoice.from_attr(c) if c else None

    def recipe(self) -> str:
        """How the final model's configurations are rehearsed on a fold (final.Builder)."""
        return self.builder.recipe(self.final.choice)

    def fold_predictor(self, fold: int, table: Table, names: tuple[str, ...], how: str
                       ) -> Predictor:
        """The final model's configurations trained on fold `fold`'s training part as
        `how` says ('search': the search's own models; a rehearsal: a new seed), with a
        combination's statistical model fitted on the same steps."""
        return Predictor(self.spec.task, [
            Member(self.builder.model(how, m.trial, 0, fold),
                   self.builder.data(m.trial, fold).encoder()) for m in self.members],
            info=self.info(False), combination=self.fold_combination(fold, table, names))

    def calibration_predictor(self, fold: int, table: Table, names: tuple[str, ...]
                              ) -> Predictor:
        """The rehearsal of the final model on fold `fold` (intervals.py says why)."""
        return self.fold_predictor(fold, table, names, self.recipe())

    def fold_errors(self, how: str, table: Table, names: tuple[str, ...],
                    full: list[SeriesHistory], scales: dict[str, float]) -> list[list[float]]:
        """Per step ahead, the scaled errors on every fold's validation part of the final
        model's configurations trained as `how` says (the search's own forecasts are kept
        on each trial)."""
        scores: list[list[float]] = [[] for _ in range(self.spec.outputs)]
        trials = [m.trial for m in self.members]
        for fold in range(self.spec.split.folds):
            data = self.builder.data(trials[0], fold)
            origins = origins_of(table, names, data, data.val)
            if how == "search":
                forecast = self.builder.fold_forecasts(trials, fold, how)[1]
                mix = self.fold_combination(fold, table, names)
                if mix is not None:
                    stat = mix.paths(full, origins, data.steps_ahead, forecast.shape[1])
                    forecast = mix.weight * forecast + (1 - mix.weight) * stat
            else:
                forecast = self.fold_predictor(fold, table, names, how).outputs_at(full, origins)
            actual = np.asarray(data.actual(data.val), float).reshape(forecast.shape)
            for (s, _), f, a in zip(origins, forecast, actual):
                for h in range(forecast.shape[1]):
                    scores[h].append(abs(float(a[h] - f[h])) / scales[names[s]])
        return scores + self.recursive_scores(how, table, names, full, scales)

    def calibrate(self, table: Table, names: tuple[str, ...]) -> Calibration:
        """Two sets of validation errors where both exist (intervals.py): the model's own,
        for the best trial's model (alone or combined), and its configurations'
        rehearsals."""
        full = histories(table, names)
        scales = self.scales(table, names)
        hows = {"rehearsed": self.recipe()}
        if self.final.choice == "single":
            hows["own"] = "search"
        sets = {name: tuple(tuple(s) for s in self.fold_errors(how, table, names, full, scales))
                for name, how in hows.items()}
        what = ("the final configuration" if len(self.members) == 1
                else f"the final configurations (trials "
                     f"{', '.join(f'#{m.trial}' for m in self.members)})")
        source = (f"{what}, the wider of the model's own errors and those of its "
                  "configuration retrained with a new seed on each validation fold's training "
                  "part" if "own" in sets else
                  f"{what} retrained with a new seed on each validation fold's training part")
        return Calibration(sets, scales, self.spec.outputs, self.spec.split.folds, source)

    def scales(self, table: Table, names: tuple[str, ...]) -> dict[str, float]:
        """Each series' scale, from its steps before the earliest validation target."""
        deepest = self.builder.data(self.members[0].trial, self.spec.split.folds - 1)
        spans = {name: start for name, start, _ in table.parts}
        out = {}
        for s, name in enumerate(names):
            rows = deepest.val.target_idx[deepest.val.series_index == s]
            first = int(rows.min()) if len(rows) else spans[name]
            out[name] = series_scale(table.target[spans[name]:first], table.season.steps)
        return out

    def recursive_scores(self, how: str, table: Table, names: tuple[str, ...],
                         full: list[SeriesHistory], scales: dict[str, float]
                         ) -> list[list[float]]:
        """The errors of fold 0's recursive forecasts (its models trained as `how` says),
        for the steps after the horizon (none where the models read features: they
        cannot recurse)."""
        horizon = self.spec.outputs
        steps = max(horizon, 2 * table.season.steps, RECURSIVE_STEPS)
        encoders = [self.builder.data(m.trial, 0).encoder() for m in self.members]
        if not all(e.target_as_input and not e.feature_names for e in encoders):
            return []
        predictor = self.fold_predictor(0, table, names, how)
        data = self.builder.data(self.members[0].trial, 0)
        starts = {name: start for name, start, _ in table.parts}
        positions = data.target_positions(data.val.target_idx)
        targets = sorted({(int(s), int(t) - starts[names[int(s)]])
                          for s, row in zip(data.val.series_index, positions) for t in row})
        first = predictor.min_history - 1
        origins = sorted({(s, t - h) for s, t in targets for h in range(horizon + 1, steps + 1)
                          if t - h >= first})
        if not origins:
            return []
        paths = predictor.recursive_paths(full, origins, steps)
        where = {o: i for i, o in enumerate(origins)}
        out: list[list[float]] = [[] for _ in range(steps - horizon)]
        for s, t in targets:
            actual = float(full[s].target[t])
            for h in range(horizon + 1, steps + 1):
                i = where.get((s, t - h))
                if i is not None:
                    out[h - horizon - 1].append(abs(actual - float(paths[i, h - 1]))
                                                / scales[names[s]])
        return out


# what differs by the framing: how a split's samples are read, and what the predictor keeps
_SPLIT_OUTPUTS = {"windows": _window_outputs, "sequences": _sample_outputs,
                  "tokens": _sample_outputs}
_BUILDS = {"windows": PredictorBuilder._for_series, "sequences": PredictorBuilder._for_samples,
           "tokens": PredictorBuilder._for_samples}
# a forecast's intervals rest on its validation errors; a classifier of windows has none
_CALIBRATIONS = {"forecast": PredictorBuilder.calibrate, "classify": lambda *_: None}


def _key(spec: StudySpec, final: FinalModel, refit_all: bool) -> dict[str, Any]:
    return {**final.settings, "trials": final.trials, "choice": final.choice,
            "refit_all": refit_all}


def stored_predictor(spec: StudySpec, study: optuna.Study, refit_all: bool = False
                     ) -> Predictor | None:
    """The predictor kept on the study, if it was built for its present final model."""
    stored = kept_predictor(study, refit_all)
    if not stored:
        return None
    final = final_or_best(spec, study)
    if stored.get("key") != _key(spec, final, refit_all):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "predictor.zip"
        try:
            download_artifact(artifact_store=artifact_store(spec), file_path=str(path),
                              artifact_id=stored["artifact"])
            return from_zip(path)
        except (StudyError, KeyError, ValueError, OSError):
            return None  # made by another version, or its file is gone: built again


def keep_predictor(spec: StudySpec, study: optuna.Study, predictor: Predictor,
                   builder: PredictorBuilder) -> None:
    """Store a built predictor on the study (an artifact and its key)."""
    refit_all = bool(predictor.info.get("refit_all"))
    with tempfile.TemporaryDirectory() as tmp:
        path = to_zip(predictor, Path(tmp) / "predictor.zip")
        artifact = upload_artifact(artifact_store=artifact_store(spec), file_path=str(path),
                                   study_or_trial=study)
    keep_predictor_artifact(study, refit_all, artifact, _key(spec, builder.final, refit_all))


def study_predictor(spec: StudySpec, study: optuna.Study, refit_all: bool = False,
                    builder: PredictorBuilder | None = None, keep: bool = True,
                    loaded: Loaded | None = None) -> tuple[Predictor, PredictorBuilder | None]:
    """The study's predictor: the one kept on it, else built now (and kept, unless `keep`
    is False: then the builder comes back, for `keep_predictor` once it proved useful)."""
    found = stored_predictor(spec, study, refit_all)
    if found is not None:
        return found, None
    builder = builder or PredictorBuilder(spec, study, loaded)
    predictor = builder.build(refit_all)
    if keep:
        keep_predictor(spec, study, predictor, builder)
        return predictor, None
    return predictor, builder
