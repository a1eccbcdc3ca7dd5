"""Evaluate the study's predictor (its final model: the best trial's, a refit or an ensemble)
on the test split, beside the baselines (naive and statistical) on the same points, and over
the final model's seeds; with the test part's interval coverage (forecasts) or reliability
(classes). The predictions are the predictor's, read from the raw data as `predict` reads it.

The test split is never seen by the search; this is the only place that scores it. The
figures are stored on the study (user attribute), so `summary` reads them without TensorFlow.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import optuna

from lstm_tune.stats import metrics
from lstm_tune.data.framing import AnyDataset, Loaded
from lstm_tune.evaluate.final import describe, wanted
from lstm_tune.evaluate.study_predictor import split_outputs
from lstm_tune.evaluate.tested import Tested, read_tested
from lstm_tune.predictor.intervals import LEVELS, inside
from lstm_tune.predictor.predictor import Predictor
from lstm_tune.records.results import save_evaluation
from lstm_tune.search.params import param_values
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
    # data.missing: previous: target values carried forward, rows added for left-out steps
    # and leading rows dropped ({} when nothing was filled)
    filled: dict[str, int] = field(default_factory=dict)
    # the final model (final.py): its choice, members, refit epochs and validation figures
    final: dict[str, Any] = field(default_factory=dict)
    # over the final model's seeds: per test metric, the median, range and every value
    spread: dict[str, dict[str, Any]] = field(default_factory=dict)
    model: str = ""  # the tested model in words
    # forecasts: the test part's conformal intervals (coverage and width per step, per level)
    intervals: dict[str, Any] = field(default_factory=dict)
    # classes: the test part's reliability (expected calibration error and its bins)
    reliability: dict[str, Any] = field(default_factory=dict)
    # forecasts of one series or a panel: the predictor's forecast past the end of the data
    # (rows as `predict` gives them), and the step where recursion begins (None: direct)
    future: dict[str, Any] = field(default_factory=dict)
    # a combination's LSTM on its own, on the same test points: {"without the combination": ...}
    components: dict[str, dict[str, float]] = field(default_factory=dict)
    # per baseline: the model against it on the same test points (significance.Comparison)
    significance: dict[str, dict[str, Any]] = field(default_factory=dict)
    # forecasts, per statistical baseline: tests of its one-step errors before the test part
    # (tasks/baselines.statistical_leftover): does it leave anything for an LSTM to learn
    leftover: dict[str, dict[str, Any]] = field(default_factory=dict)
    # forecasts: the naive baseline's search metric on the validation and the test part
    # ({"name", "validation", "test"}): a test part harder for any model shows there too
    reference: dict[str, Any] = field(default_factory=dict)

    @property
    def model_name(self) -> str:
        return self.model or f"trial #{self.trial}'s LSTM"

    def summary(self, spec: StudySpec) -> dict[str, Any]:
        out = asdict(self)
        out.pop("predictions")
        out["verdict"] = verdict(spec, self)
        out["validation_drop"] = validation_drop(spec, self)
        # a classifier's confusion matrix (its per-class figures are the report's)
        tables = get_task(spec.task).tables(self.predictions, self.classes)
        out.update({k: v for k, v in tables.items() if k == "confusion"})
        return out

    def outcomes(self, spec: StudySpec) -> dict[str, str]:
        """Per baseline: beats, ties or loses, by the significance test at 5% (an
        evaluation stored before the tests existed: by the sign of the difference)."""
        metric, mine = spec.test_metric, self.test[spec.test_metric]
        out = {}
        for name, scores in self.baselines.items():
            test = self.significance.get(name)
            if test:
                out[name] = test["verdict"]
                continue
            better = mine < scores[metric] if spec.direction == "minimize" \
                else mine > scores[metric]
            out[name] = "beats" if better else "loses"
        return out

    def beaten(self, spec: StudySpec) -> tuple[list[str], list[str]]:
        """Baselines the model beats significantly, and those it does not."""
        outcomes = self.outcomes(spec)
        return ([n for n, v in outcomes.items() if v == "beats"],
                [n for n, v in outcomes.items() if v != "beats"])


def _p(value: float | None) -> str:
    if value is None:
        return "p unknown"
    return "p < 0.001" if value < 0.001 else f"p = {value:.2g}"


def _tests_named(significance: dict[str, dict[str, Any]]) -> str:
    """The tests the verdict ran, by name: 'a McNemar test', or where a variant decided
    some baselines (McNemar's exact binomial on few differing samples), 'a McNemar test
    (exact for tfidf_logistic)'."""
    tests = {name: s["test"] for name, s in significance.items()}
    families = list(dict.fromkeys(t.split(" (")[0] for t in tests.values()))
    kinds = list(dict.fromkeys(tests.values()))
    if len(kinds) == 1:
        return f"a {kinds[0]} test"
    if len(families) > 1:
        return " or ".join(f"a {k} test" for k in kinds)
    variants = [f"{k.split(' (')[1].rstrip(')')} for "
                + ", ".join(n for n, t in tests.items() if t == k)
                for k in kinds if " (" in k]
    return f"a {families[0]} test ({'; '.join(variants)})"


def verdict(spec: StudySpec, evaluation: Evaluation) -> str:
    """One plain sentence: which baselines the model beats, ties and loses to on the test
    split, each decided by a significance test at 5%, not by the sign of a difference."""
    metric = spec.test_metric
    shown = get_task(spec.task).metric_label(metric)
    outcomes = evaluation.outcomes(spec)

    def listed(names: list[str]) -> str:
        items = [f"{n} ({evaluation.baselines[n][metric]:.4g}"
                 + (f", {_p(evaluation.significance[n].get('p_value'))})"
                    if n in evaluation.significance else ")") for n in names]
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]

    mine = (f"The {'final' if evaluation.final else 'best'} model "
            f"(test {shown} {evaluation.test[metric]:.4g})")
    parts = []
    for word, text in (("beats", "beats"), ("ties", "ties with"), ("loses", "loses to")):
        names = [n for n, v in outcomes.items() if v == word]
        if names:
            parts.append(f"{text} {listed(names)}")
    said = mine + " " + ("; ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 2
                         else "; ".join(parts)) + "."
    first = next(iter(evaluation.significance.values()), None)
    if first:
        said += (f" Each by {_tests_named(evaluation.significance)} at 5% on the same "
                 f"{first['n']} test "
                 f"{get_task(spec.task).compared}; a tie is a difference the test part "
                 "cannot tell from noise.")
        h = spec.outputs  # a path of steps (forecasts only)
        if h > 1 and first["n"] < 3 * h:
            apart = max(1, round(first["n"] / h))
            said += (f" Their paths of {h} steps overlap: the test part holds about "
                     f"{apart} independent {'one' if apart == 1 else 'ones'}, so only large "
                     "differences can be told apart.")
    said += leftover_sentence(spec, evaluation)
    filled = evaluation.filled
    if filled.get("carried"):
        added = filled.get("added", 0)
        said += (f" {filled['carried']} target value(s) were not in the file"
                 + (f" ({added} on steps it leaves out)" if added else "")
                 + " and were filled with the last value before them (data.missing: "
                 "previous): no window was trained, chosen or scored on them (the "
                 "statistical models were fitted on the filled series).")
    spread = evaluation.spread.get(metric)
    if spread:
        said += (f" Over {len(spread['values'])} seeds its test {shown} has median "
                 f"{spread['median']:.4g} (range {spread['min']:.4g} to {spread['max']:.4g}).")
    return said


def filled_counts(loaded: Any) -> dict[str, int]:
    """What data.missing: previous filled in a table ({} for anything else)."""
    counts = getattr(loaded, "filled", None)
    return {} if counts is None else dict(zip(("carried", "added", "dropped"), counts))


def leftover_sentence(spec: StudySpec, evaluation: Evaluation) -> str:
    """Where the model does not beat the best statistical baseline: whether that model's
    one-step errors before the test part hold anything for an LSTM to learn ('' where it
    beats it, or nothing was tested)."""
    metric = spec.test_metric
    tested = {n: v for n, v in evaluation.leftover.items() if n in evaluation.baselines}
    if not tested:
        return ""
    sign = 1 if spec.direction == "minimize" else -1
    name = min(tested, key=lambda n: sign * evaluation.baselines[n][metric])
    if evaluation.outcomes(spec).get(name) == "beats":
        return ""
    info = tested[name]
    if info["tested"] == 1:
        one = next(iter(info["series"].values()))
        figures = (f"Ljung-Box p = {one['ljung_box_p']:.2g} up to lag {one['lags']}, "
                   f"BDS p = {one['bds_p']:.2g}")
    else:
        figures = f"in {info['noise']} of {info['tested']} series"
    if info["noise"] == info["tested"]:
        return (f" What {name} leaves cannot be told from noise: its one-step errors before "
                f"the test part pass both tests of dependence ({figures}), so the series' "
                "own past holds little more for any model to learn"
                + ("; what the inputs add is not tested." if info.get("inputs")
                   else ", and a tie is the likely best here."))
    # where the ARIMA left dependence (weekly, us_macro; docs/benchmarks.md) the LSTM alone
    # did best, with two folds on us_macro; a hybrid beat its ARIMA there, not the LSTM
    kind = info["kind"]
    hybrid = "" if kind in param_values(spec.space.base) else \
        f", or a hybrid on it (space.base: [{kind}])"
    dependent = (figures if info["tested"] == 1
                 else f"in {info['tested'] - info['noise']} of {info['tested']} series")
    return (f" {name}'s one-step errors before the test part still depend on the past "
            f"({dependent}), so a model may learn more than it: more trials (budget.trials) "
            f"or validation folds (split.folds) may find it{hybrid}.")


def series_table(data: AnyDataset, predicted: np.ndarray, baselines: list[Any]
                 ) -> dict[str, dict[str, float]]:
    """Per series of a panel: the model's errors and each baseline's metric beside them
    ({} for one series, or for classes)."""
    task = get_task(data.task)
    table = task.by_series(data, data.test, predicted)
    for b in baselines if table else ():
        for name, errors in task.by_series(data, data.test, b.predicted).items():
            table[name][f"{b.name}_{data.metric}"] = errors[data.metric]
    return table


# intervals whose test coverage at some step ahead is this unlikely under their level are
# too narrow for the test part (a one-sided binomial test, Bonferroni over the steps)
NARROW_P = 0.01
# the steps a recursive forecast past the data shows where the series has no season
NO_SEASON_STEPS = 12
# a test metric this much worse than the validation metric it was chosen on is flagged:
# 25% more error (forecasts), 5 points less accuracy (classes)
DROP_RATIO = 1.25
DROP_POINTS = 0.05


def validation_drop(spec: StudySpec, evaluation: Evaluation) -> str | None:
    """A warning when the test metric is much worse than the best trial's validation metric,
    saying what usually causes it and what the study file can do; None when it holds."""
    name = evaluation.metric.removeprefix("val_")
    test, val = evaluation.test.get(name), evaluation.validation
    whose = "the best trial's"
    mix = (evaluation.final or {}).get("combination") or {}
    if mix.get("curve") and f"{mix.get('weight', -1):.2f}" in mix["curve"] and \
            not mix.get("criterion"):  # a classes' curve is of log loss, not the metric
        # a combination is judged against its own validation figure, at its weight
        val, whose = float(mix["curve"][f"{mix['weight']:.2f}"]), "the combination's"
    if test is None or not np.isfinite(val) or not np.isfinite(test):
        return None
    if spec.direction == "minimize":
        if val <= 0 or test <= DROP_RATIO * val:
            return None
        worse = f"{test / val - 1:.0%} worse than"
    else:
        if val - test <= DROP_POINTS:
            return None
        worse = f"{(val - test) * 100:.3g} points below"
    points = len(evaluation.predictions.get("validation", {}).get("actual", []))
    folds = spec.split.folds
    task = get_task(spec.task)
    where = (f"{points} validation {task.points}"
             + (f" (of the last of {folds} folds)" if folds > 1 else "")) if points else \
        "the validation part"
    fixes = [f for f in (
        "split.folds: 3 (each trial scored on several validation parts)" if folds == 1 else "",
        "final.model: ensemble (average the best configurations)"
        if spec.final.model == "single" else "",
        "a larger split.validation") if f]
    shown = task.metric_label(name)
    said = f"Test {shown} {test:.4g} is {worse} {whose} validation {shown} {val:.4g}"
    luck = (f"The search picked the trial that scored best on {where}: the fewer they are, "
            "the more that score owes to luck, and the test part shows what to expect. To "
            "make the choice sturdier, in the study file: " + "; ".join(fixes) + ".")
    ref = evaluation.reference
    harder = (ref["test"] / ref["validation"] if ref and spec.direction == "minimize"
              and ref.get("validation", 0) > 0 else 1.0)
    if harder <= DROP_RATIO:
        return f"{said}. {luck}"
    data_part = (f"{said}, and {ref['name']}'s is {harder - 1:.0%} worse on the test part "
                 f"than on the validation part ({ref['validation']:.4g} to {ref['test']:.4g}): "
                 "the test part is harder to forecast for any model")
    if test / val <= DROP_RATIO * harder:
        return f"{data_part}, so the drop is the data's more than the search's pick."
    return f"{data_part}, but the model's drop is larger still. {luck}"


def spread(values: list[dict[str, float]]) -> dict[str, dict[str, Any]]:
    """Per metric: the median over seeds, its range and every seed's value."""
    return {m: {"median": float(np.median([v[m] for v in values])),
                "min": float(min(v[m] for v in values)),
                "max": float(max(v[m] for v in values)),
                "values": [float(v[m]) for v in values]} for m in values[0]}


def apart(series: np.ndarray, origins: np.ndarray, step: int) -> np.ndarray:
    """The test rows whose errors `step` steps ahead share no step of the series: in each
    series, the origins `step` apart from its first one (`origins`: each row's position)."""
    keep = np.zeros(len(series), dtype=bool)
    for s in np.unique(series):
        rows = series == s
        keep |= rows & ((origins - origins[rows].min()) % step == 0)
    return keep


def too_narrow(within: np.ndarray, series: np.ndarray, origins: np.ndarray, level: float
               ) -> dict[str, Any] | None:
    """Where the test values fall outside intervals of `level` percent more often than
    chance allows: the step ahead with the least likely count, a binomial test on values
    that share no step (`apart`), its p-value multiplied by the steps tried (Bonferroni);
    None where no step is under NARROW_P. Paths of several steps overlap, so a count over
    every origin would take one surprise for many."""
    from scipy.stats import binomtest

    steps = within.shape[1]
    worst = None
    for step in range(1, steps + 1):
        rows = apart(series, origins, step)
        k, n = int(within[rows, step - 1].sum()), int(rows.sum())
        p = min(1.0, steps * float(binomtest(k, n, level / 100, alternative="less").pvalue))
        if worst is None or p < worst["p"]:
            worst = {"step": step, "inside": k, "points": n, "p": p}
    return worst if worst is not None and worst["p"] < NARROW_P else None


def interval_figures(predictor: Predictor, data: AnyDataset, predicted: np.ndarray
                     ) -> dict[str, Any]:
    """The test part's intervals: per level, the share of actual values inside them and
    their mean width, per step ahead (a panel's widths in each series' scale, as MASE), and
    where the values fall outside more often than chance allows (`narrow`: the test part's
    errors are larger than the validation part's, on which they were set)."""
    c = predictor.calibration
    if c is None:
        return {}
    test = data.test
    paths = np.asarray(predicted, dtype=float).reshape(len(test), -1)
    actual = np.asarray(data.actual(test), dtype=float).reshape(paths.shape)
    names = [data.series_names[int(s)] for s in test.series_index]
    scale = np.array([c.scales[n] for n in names])[:, None]
    out: dict[str, Any] = {"levels": list(LEVELS), "coverage": {}, "width": {},
                           "errors_per_step": c.counts()[: paths.shape[1]],
                           "coarse": {}, "narrow": {}, "source": c.source, "folds": c.folds,
                           "width_unit": "series scale" if predictor.panel else "data units"}
    for level in LEVELS:
        lower, upper = c.bounds(paths, names, level)
        key = f"{level:g}"
        within = inside(actual, lower, upper)
        out["coverage"][key] = [float(v) for v in within.mean(axis=0)]
        width = (upper - lower) / (scale if predictor.panel else 1.0)
        out["width"][key] = [float(v) for v in width.mean(axis=0)]
        out["coarse"][key] = [s for s in c.coarse(level) if s <= paths.shape[1]]
        out["narrow"][key] = too_narrow(within, np.asarray(test.series_index),
                                        np.asarray(test.target_idx), level)
    return out


def test_bounds(predictor: Predictor, data: AnyDataset, predicted: np.ndarray
                ) -> dict[str, list[list[float]]]:
    """Each test forecast's interval bounds, per level: {level: [lower, upper]}."""
    if predictor.calibration is None:
        return {}
    paths = np.asarray(predicted, dtype=float)
    names = [data.series_names[int(s)] for s in data.test.series_index]
    out = {}
    for level in LEVELS:
        lower, upper = predictor.calibration.bounds(paths.reshape(len(paths), -1), names, level)
        out[f"{level:g}"] = [lower.reshape(paths.shape).tolist(), upper.reshape(paths.shape).tolist()]
    return out


def future_forecast(predictor: Predictor) -> dict[str, Any]:
    """The forecast past the end of the data: the horizon, or a season recursively where
    the model reads only the target (NO_SEASON_STEPS where the series has no season), within
    the calibrated steps."""
    steps = predictor.horizon
    calibrated = predictor.calibration.steps if predictor.calibration else steps
    season = int(getattr(predictor.encoder, "season", 1))
    if predictor.recursive:
        steps = max(steps, min(season if season > 1 else NO_SEASON_STEPS, calibrated))
    table = predictor.predict(steps=steps)
    return {"steps": steps, "recursive_from": predictor.horizon + 1
            if steps > predictor.horizon else None,
            "rows": table.to_dict(orient="records"), "notes": table.attrs.get("notes", [])}


def reference_drift(spec: StudySpec, data: AnyDataset) -> dict[str, Any]:
    """The task's naive baseline scored by the search metric on the validation part (the
    last fold's, next to the test part) and on the test part; {} where there is none."""
    task = get_task(spec.task)
    name = spec.metric_name.removeprefix("val_")
    found = {part: task.reference(data, data.split(part)) for part in ("validation", "test")}
    if any(b is None for b in found.values()) or not len(data.val):
        return {}
    return {"name": found["test"].name,
            **{part: float(task.scores(data, data.split(part), b.predicted)[name])
               for part, b in found.items()}}


def evaluate(spec: StudySpec, tested: Tested) -> Evaluation:
    """Score the tested model's predictor on every split, and the final model's other seeds
    on the test split, beside the task's baselines. Reads nothing from the storage."""
    predictor, final, trial, data = tested.predictor, tested.final, tested.trial, tested.data
    task = get_task(spec.task)
    predictions = {}
    proba = None
    for name in ("train", "validation", "test"):
        split = data.split(name)
        rows, outputs = split_outputs(predictor, data, split)
        part = split.take(rows)
        predicted, proba = predictor.readable(outputs)
        predictions[name] = {
            "target_idx": part.target_idx.tolist(),
            "labels": data.labels_at(part.target_idx),
            "predicted": np.asarray(predicted).tolist(),
            "actual": data.actual(part).tolist(),
        }
    per_seed = []
    for other in tested.seeds:
        seed_predicted, seed_proba = other.readable(split_outputs(other, data, data.test)[1])
        per_seed.append(task.scores(data, data.test, seed_predicted, seed_proba))
    test = predictions["test"]
    baselines = task.baselines(data, data.test)
    test["baselines"] = {b.name: b.predicted.tolist() for b in baselines}
    if proba is not None:  # the test split's, the loop's last
        test["probabilities"] = np.round(proba, 6).tolist()
    predicted = np.asarray(test["predicted"])
    bounds = test_bounds(predictor, data, predicted)  # none without intervals (classes)
    if bounds:
        test["bounds"] = bounds
    components = {}
    if predictor.combination is not None:  # the LSTM alone, on the same points
        alone = Predictor(predictor.task, predictor.members)
        components["without the combination"] = task.scores(data, data.test, *alone.readable(
            split_outputs(alone, data, data.test)[1]))
    scores = task.scores(data, data.test, predicted, proba)
    significance = {b.name: task.compare(data, data.test, predicted, b.predicted).to_json()
                    for b in baselines}
    by_step = {"model": task.by_step(data, data.test, predicted),
               **{b.name: task.by_step(data, data.test, b.predicted) for b in baselines}}
    chosen = wanted(spec)
    result = Evaluation(
        trial.number, tested.params, spec.metric_name, float(trial.value or float("nan")),
        scores,
        {b.name: task.scores(data, data.test, b.predicted, b.proba) for b in baselines},
        {b.name: b.method for b in baselines}, predictions, list(data.classes),
        by_step=by_step if len(by_step["model"]) > 1 else {},  # a path of several steps
        by_series=series_table(data, predicted, baselines),
        skipped=list(getattr(data, "skipped", ())),
        filled=filled_counts(data.loaded),
        final=final.summary() if chosen else {},
        spread=spread([scores, *per_seed]) if per_seed else {},
        model=describe(final) if chosen else "",
        intervals=interval_figures(predictor, data, predicted),
        reliability=metrics.reliability(data.actual(data.test), proba, data.classes)
        if proba is not None else {},
        # every forecasting predictor has intervals; classifiers have no future
        future=future_forecast(predictor) if predictor.calibration is not None else {},
        components=components, significance=significance,
        leftover=task.leftover(data, data.test), reference=reference_drift(spec, data))
    import keras

    keras.backend.clear_session()  # evaluating many studies in one process must not pile up graphs
    return result


def evaluate_study(spec: StudySpec, study: optuna.Study, loaded: Loaded | None = None,
                   tested: Tested | None = None) -> Evaluation:
    """The study's tested model (`tested`, else read from the storage, or built and stored
    there) scored by `evaluate`, and its summary stored on the study for `summary` and the
    dashboard. `loaded`: the study's data, if the caller has read it."""
    evaluation = evaluate(spec, tested if tested is not None
                          else read_tested(spec, study, loaded))
    save_evaluation(study, evaluation.summary(spec))
    return evaluation
