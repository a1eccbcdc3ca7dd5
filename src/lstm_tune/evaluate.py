"""Evaluate the final model (the best trial's, a refit or an ensemble: final.py) on the test
split, beside the baselines (naive and statistical) on the same points, and over its seeds.

The test split is never seen by the search; this is the only place that scores it. The
figures are stored on the study (user attribute), so `summary` reads them without TensorFlow.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import optuna

from lstm_tune import metrics
from lstm_tune.data.framing import AnyDataset, Datasets, frame, load_data
from lstm_tune.final import combined, describe, final_model, load_member, wanted
from lstm_tune.search.attrs import EVALUATION_ATTR
from lstm_tune.search.trials import best_trial, load_trial_model, trial_params
from lstm_tune.spec import StudySpec
from lstm_tune.tasks import get_task


@dataclass
class Evaluation:
    trial: int
    params: dict[str, Any]
    metric: str
    validation: float
    test: dict[str, float]
    # per baseline: its test metrics (rmse and mae, or accuracy), and what it is in words
    baselines: dict[str, dict[str, float]] = field(default_factory=dict)
    baseline_methods: dict[str, str] = field(default_factory=dict)
    # per split: target positions, predictions and actual values (data units or classes)
    predictions: dict[str, dict[str, list]] = field(default_factory=dict, repr=False)
    classes: list[str] = field(default_factory=list)  # classification: in the model's order
    # forecasts: the metric for each step ahead (1..horizon), of the model and each baseline
    by_step: dict[str, list[float]] = field(default_factory=dict)
    # forecasts: per series, the model's errors and each baseline's metric (`<name>_<metric>`)
    by_series: dict[str, dict[str, float]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # series left out as too short
    # the final model (final.py): its choice, members, refit epochs and validation figures
    final: dict[str, Any] = field(default_factory=dict)
    # over the final model's seeds: per test metric, the median, range and every value
    spread: dict[str, dict[str, Any]] = field(default_factory=dict)
    model: str = ""  # the tested model in words

    @property
    def model_name(self) -> str:
        return self.model or f"trial #{self.trial}'s LSTM"

    def summary(self, spec: StudySpec) -> dict[str, Any]:
        out = asdict(self)
        out.pop("predictions")
        out["verdict"] = verdict(spec, self)
        if self.classes:
            out["confusion"] = self.confusion()
        return out

    def confusion(self) -> list[list[int]]:
        """Test counts: row = actual class, column = predicted class (order of `classes`)."""
        test = self.predictions["test"]
        return metrics.confusion(test["actual"], test["predicted"], tuple(self.classes))

    def beaten(self, spec: StudySpec) -> tuple[list[str], list[str]]:
        """Baselines the model beats on the test metric, and those it does not."""
        metric, mine = spec.test_metric, self.test[spec.test_metric]
        better = (lambda v: mine < v) if spec.direction == "minimize" else (lambda v: mine > v)
        names = list(self.baselines)
        return ([n for n in names if better(self.baselines[n][metric])],
                [n for n in names if not better(self.baselines[n][metric])])


def verdict(spec: StudySpec, evaluation: Evaluation) -> str:
    """One plain sentence: which baselines the model beats on the test split, which not."""
    metric = spec.test_metric

    def listed(names: list[str]) -> str:
        items = [f"{n} ({evaluation.baselines[n][metric]:.4g})" for n in names]
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

    wins, losses = evaluation.beaten(spec)
    mine = (f"The {'final' if evaluation.final else 'best'} model "
            f"(test {metric} {evaluation.test[metric]:.4g})")
    if not losses:
        said = f"{mine} beats every baseline on the same test points: {listed(wins)}."
    elif not wins:
        said = f"{mine} beats no baseline: {listed(losses)} are as good or better."
    else:
        said = f"{mine} beats {listed(wins)}, but not {listed(losses)}."
    spread = evaluation.spread.get(metric)
    if spread:
        said += (f" Over {len(spread['values'])} seeds its test {metric} has median "
                 f"{spread['median']:.4g} (range {spread['min']:.4g} to {spread['max']:.4g}).")
    return said


def series_table(data: AnyDataset, predicted: np.ndarray, baselines: list[Any]
                 ) -> dict[str, dict[str, float]]:
    """Per series of a panel: the model's errors and each baseline's metric beside them."""
    task = get_task(data.task)
    table = task.per_series(data, data.test, predicted)
    for b in baselines:
        for name, errors in task.per_series(data, data.test, b.predicted).items():
            table[name][f"{b.name}_{data.metric}"] = errors[data.metric]
    return table


def spread(values: list[dict[str, float]]) -> dict[str, dict[str, Any]]:
    """Per metric: the median over seeds, its range and every seed's value."""
    return {m: {"median": float(np.median([v[m] for v in values])),
                "min": float(min(v[m] for v in values)),
                "max": float(max(v[m] for v in values)),
                "values": [float(v[m]) for v in values]} for m in values[0]}


def evaluate(spec: StudySpec, study: optuna.Study, number: int | None = None) -> Evaluation:
    """Score the final model (default: the best trial's; see final.py) on every split, and
    over its seeds on the test split; store the summary."""
    trial = best_trial(spec, study, number)
    params = trial_params(spec, trial)
    settings = spec.data_settings
    loaded = load_data(settings)
    final = final_model(spec, study) if number is None and wanted(spec) else None
    if final is None:
        seeds = [[(frame(settings, loaded, params), load_trial_model(spec, trial))]]
    else:
        datasets = Datasets(settings, loaded)
        seeds = [[(datasets.get(trial_params(spec, study.trials[m.trial]), m.fold),
                   load_member(spec, study, m)) for m in members] for members in final.seeds]
    task = get_task(spec.task)
    predictions = {}
    for name in ("train", "validation", "test"):
        data, split, predicted, proba = combined(task, seeds[0], name)
        predictions[name] = {
            "target_idx": split.target_idx.tolist(),
            "labels": data.labels_at(split.target_idx),
            "predicted": np.asarray(predicted).tolist(),
            "actual": data.actual(split).tolist(),
        }
    data = seeds[0][0][0]
    per_seed = []
    for members in seeds[1:]:
        _, split, predicted, seed_proba = combined(task, members, "test")
        per_seed.append(task.scores(data, split, predicted, seed_proba))
    del seeds
    import keras

    keras.backend.clear_session()  # evaluating many studies in one process must not pile up graphs
    test = predictions["test"]
    baselines = task.baselines(data, data.test)
    test["baselines"] = {b.name: b.predicted.tolist() for b in baselines}
    if proba is not None:  # the test split's, the loop's last
        test["probabilities"] = np.round(proba, 6).tolist()
    predicted = np.asarray(test["predicted"])
    forecast = not data.classes
    scores = task.scores(data, data.test, predicted, proba)
    result = Evaluation(
        trial.number, params, spec.metric_name, float(trial.value or float("nan")),
        scores,
        {b.name: task.scores(data, data.test, b.predicted) for b in baselines},
        {b.name: b.method for b in baselines}, predictions, list(data.classes),
        by_step={"model": task.by_step(data, data.test, predicted),
                 **{b.name: task.by_step(data, data.test, b.predicted) for b in baselines}}
        if forecast and data.horizon > 1 else {},
        by_series=series_table(data, predicted, baselines)
        if forecast and data.loaded.panel else {},
        skipped=list(getattr(data, "skipped", ())),
        final=final.summary() if final is not None else {},
        spread=spread([scores, *per_seed]) if per_seed else {},
        model=describe(final) if final is not None else "")
    if number is None:
        study.set_user_attr(EVALUATION_ATTR, result.summary(spec))
    return result
