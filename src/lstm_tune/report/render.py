"""Render the study report: one HTML file that opens offline, every user string escaped."""

from __future__ import annotations

import warnings
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import optuna
from optuna.trial import TrialState

from lstm_tune import __version__
from lstm_tune.data.framing import Loaded
from lstm_tune.data.load import Table
from lstm_tune.data.sequences import Sequences
from lstm_tune.data.texts import Texts
from lstm_tune.data.tokens import words
from lstm_tune.errors import StudyError
from lstm_tune.evaluate.evaluation import Evaluation, validation_drop, verdict
from lstm_tune.records.attrs import REASON_ATTR, TIE_ATTR
from lstm_tune.records.trials import rank_key, strategies_used, trial_training
from lstm_tune.report import figures
from lstm_tune.report.explain_page import EXPLAIN_LINK
from lstm_tune.report.pages import env, write_page
from lstm_tune.spec import StudySpec, evolution_warning
from lstm_tune.tasks import get_task

IMPORTANCE_METHOD = "fANOVA, Optuna's FanovaImportanceEvaluator (random forest, seed 0)"
RELIABLE_IMPORTANCE_TRIALS = 30  # below this many complete trials, the ranking is a hint


def param_importances(study: optuna.Study) -> dict[str, float]:
    """fANOVA importances, named as such (Optuna's default evaluator is another method)."""
    done = [t for t in study.get_trials(deepcopy=False) if t.state == TrialState.COMPLETE]
    if len(done) < 3:
        return {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return optuna.importance.get_param_importances(
                study, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0))
    except (ValueError, RuntimeError):
        return {}


def reproduce_snippet(spec: StudySpec, evaluation: Evaluation, xla: bool = False,
                      training: tuple[int, int] = (60, 8)) -> str:
    """Python that retrains the best trial's configuration as the search did (its seed is
    the study seed + the trial number, and XLA as the trial had it)."""
    params = ", ".join(f"{k!r}: {v!r}" for k, v in evaluation.params.items())
    # made in Python there is no study file to load: the Study run holds the settings
    loaded = ("", "spec = study.spec  # study: the lstm_tune.Study this report is from\n") \
        if spec.made_in_python else ("from lstm_tune.spec import load_spec\n",
                                     f"spec = load_spec({spec.source!r})\n")
    return (
        "from lstm_tune.data.framing import frame, load_data\n"
        + loaded[0] + "from lstm_tune.model.train import fit\n\n"
        + loaded[1] +
        f"params = {{{params}}}\n"
        "data = frame(spec.data_settings, load_data(spec.data_settings), params)\n"
        f"result = fit(params, data, max_epochs={training[0]}, "
        f"patience={training[1]}, seed={spec.seed + evaluation.trial}"
        + (", xla=True" if xla else "") + ")\n"
        "print(result.value)  # the validation metric; result.model is the Keras model\n")


def check_report_dir(spec: StudySpec) -> None:
    """Fail before the search, not after it, if the report cannot be written."""
    path = spec.report_path
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise StudyError(spec.source, "report_dir", f"cannot write reports to {str(path)!r} "
                         f"({exc.strerror or exc})", "make the folder writable or set "
                         "report_dir in the study file") from None


def text_description(spec: StudySpec, loaded: Texts, params: dict[str, Any]
                     ) -> dict[str, Any]:
    """Texts: their words, the best model's vocabulary and length, and how many it cut."""
    tokens = [words(t) for t in loaded.texts]
    counts = np.array([len(t) for t in tokens])
    longest = int(params.get("max_length", counts.max()))
    distinct = len({w for t in tokens for w in t})
    size = params.get("vocab_size")
    if size is None:
        kept = "keeps its most frequent training words"
    elif int(size) - 2 >= distinct:  # padding and unknown take two ids
        kept = (f"has room for every word (vocab_size {size}; the texts hold {distinct} "
                "distinct words)")
    else:
        kept = (f"keeps the {int(size) - 2} most frequent training words of the "
                f"{distinct} distinct words in the texts (vocab_size {size}, with padding "
                "and unknown)")
    cut = int(np.sum(counts > longest))
    split = ("the published test part" if loaded.has_published_split
             else "a stratified held-out part")
    return {"inputs": f"{len(loaded)} texts ({loaded.text_name}) of {counts.min()}-"
                      f"{counts.max()} words (median {int(np.median(counts))}); the best model "
                      f"{kept}, and reads the first {longest} words of a text: "
                      + (f"{cut} text(s) ({cut / len(counts):.1%}) were longer and truncated"
                         if cut else "none is longer"),
            "target": f"one class per text ({loaded.target_name}); test on {split}",
            "channels": ["word"], "y_label": loaded.target_name, "source": loaded.source}


def sequence_description(spec: StudySpec, loaded: Sequences, params: dict[str, Any]
                         ) -> dict[str, Any]:
    """Independent sequences: their lengths and channels, one class each."""
    lengths = loaded.lengths
    span = (f"{lengths.min()}" if lengths.min() == lengths.max()
            else f"{lengths.min()}-{lengths.max()} (padded at the end and masked)")
    split = ("the published test part" if loaded.has_published_split
             else "a stratified held-out part")
    return {"inputs": f"{len(loaded)} sequences of {span} steps x "
                      f"{len(loaded.channel_names)} channel(s): "
                      + ", ".join(loaded.channel_names),
            "target": f"one class per sequence ({loaded.target_name}); test on {split}",
            "channels": list(loaded.channel_names), "y_label": loaded.target_name,
            "source": loaded.source}


def window_description(spec: StudySpec, loaded: Table, params: dict[str, Any]
                       ) -> dict[str, Any]:
    """Windows of a series (or of each series of a panel): the channels and the target."""
    channels = ([loaded.target_name] if spec.uses_target_as_input else []) + list(
        loaded.feature_names)
    each = (f", cut from each of {len(loaded.parts)} series (each scaled on its own "
            "training part)" if loaded.panel else "")
    target = (f"the next {spec.outputs} steps after the window, all at once (one output per "
              "step)" if spec.outputs > 1 else f"{spec.steps_ahead} step(s) after the window")
    return {"inputs": f"window of {spec.window} steps x {len(channels)} channel(s): "
                      + ", ".join(channels) + each,
            "target": target,
            "season": loaded.season.described if spec.task == "forecast" else None,
            "channels": channels, "source": loaded.source,
            "y_label": loaded.target_name + (f" ({loaded.units})" if loaded.units else "")}


DESCRIPTIONS = {"windows": window_description, "sequences": sequence_description,
                "tokens": text_description}


def data_description(spec: StudySpec, loaded: Loaded,
                     params: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the report says of the data: its inputs, its target, and how they are framed
    (texts: by the best model's `params`), as its framing describes it."""
    return DESCRIPTIONS[spec.data.framing](spec, loaded, params or {})


def study_context(spec: StudySpec, study: optuna.Study, evaluation: Evaluation,
                  loaded: Loaded) -> dict[str, Any]:
    trials = study.get_trials(deepcopy=False)
    tested = next(t for t in trials if t.number == evaluation.trial)
    minimize = spec.direction == "minimize"
    states = Counter(t.state.name.lower() for t in trials)
    imps = param_importances(study)
    described = data_description(spec, loaded, evaluation.params)
    y_label = described["y_label"]
    table = loaded if isinstance(loaded, Table) and spec.task == "forecast" else None
    single = table is not None and not table.panel  # one series: time-line figures
    preds = figures.first_step(evaluation.predictions) if table else evaluation.predictions
    target = np.asarray(table.target, dtype=float) if table else np.zeros(0)
    test_metric = spec.test_metric
    tables = get_task(spec.task).tables(evaluation.predictions, evaluation.classes)
    label = get_task(spec.task).metric_label(test_metric)  # 'RMSE', 'accuracy': as tables say
    images = {
        "history": figures.history(trials, f"validation {label}", minimize),
        "predictions": figures.predictions(table.times, target, preds, y_label,
                                           table.observed)
        if single and table else None,
        "test_zoom": figures.test_zoom(table.times, preds["test"], y_label)
        if single and table else None,
        "residuals": figures.residuals(table.times, preds, y_label)
        if single and table else None,
        "paths": figures.paths(table.times, target, evaluation.predictions["test"], y_label,
                               0, len(target), "Test forecasts: a path from each origin",
                               context=3 * spec.outputs + len(evaluation.predictions["test"]
                                                              ["target_idx"]))
        if single and table and spec.outputs > 1 else None,
        "by_step": figures.error_by_step(evaluation.by_step, label)
        if evaluation.by_step else None,
        "importances": figures.importances(imps, "fANOVA") if imps else None,
        "confusion": figures.confusion(tables["confusion"], evaluation.classes)
        if "confusion" in tables else None,
        "reliability": figures.reliability(evaluation.reliability["bins"],
                                           evaluation.reliability["ece"])
        if evaluation.reliability else None,
        "future": figures.future(table.times, target, evaluation.future["rows"], y_label,
                                 3 * max(table.season.steps, spec.outputs, 12) // 2,
                                 evaluation.future["recursive_from"], table.observed)
        if single and table and evaluation.future else None,
    }
    best = next((t for t in trials if t.number == evaluation.trial), None)
    name = evaluation.metric.removeprefix("val_")
    if best is not None and len(best.intermediate_values) > 1 and spec.split.folds == 1:
        kept = (best.user_attrs.get("best_epochs") or [None])[0]
        images["learning_curve"] = figures.learning_curve(
            dict(best.intermediate_values), kept, get_task(spec.task).metric_label(name),
            evaluation.test.get(name))
    comparison = {"best model": evaluation.test, **evaluation.components,
                  **evaluation.baselines}
    images["baselines"] = figures.test_vs_baselines(
        {k: v[test_metric] for k, v in comparison.items()}, minimize, label)
    wins, losses = evaluation.beaten(spec)
    done = sorted((t for t in trials if t.state == TrialState.COMPLETE and t.value is not None),
                  key=rank_key(spec.direction))
    failed = [t for t in trials if t.state == TrialState.FAIL]
    return {
        "spec": spec,
        "version": __version__,
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "source": described["source"],
        "data": described,
        "n_trials": len(trials),
        "states": dict(states),
        "evaluation": evaluation,
        "test_metric": test_metric,
        "metric_label": get_task(spec.task).metric_label,  # 'RMSE', 'macro F1': as tables say
        # across series of different units only scale-free figures are averaged; RMSE and
        # MAE stay per series (the series table)
        "metrics": [m for m in evaluation.test
                    if m == test_metric
                    or not (table is not None and table.panel and m in ("rmse", "mae"))],
        "comparison": comparison,
        "methods": {"best model": evaluation.model_name,
                    **{name: "the final model's LSTM alone, on the same points"
                       for name in evaluation.components}, **evaluation.baseline_methods},
        "beats_baselines": not losses,
        "verdict": verdict(spec, evaluation),
        "drop": validation_drop(spec, evaluation),
        "y_label": y_label,
        "importances": imps,
        "importance_method": IMPORTANCE_METHOD,
        "n_complete": len(done),
        "reliable_importance_trials": RELIABLE_IMPORTANCE_TRIALS,
        "evolution_warning": evolution_warning(spec),
        "reproduce": reproduce_snippet(spec, evaluation, bool(tested.user_attrs.get(
            "xla", False)), trial_training(spec, tested)),
        "compared": (spec.report_path / "compare.html").is_file(),
        "top": done[:10],
        # a study run again with another strategy holds trials of each: say so
        "strategies": strategies_used(trials),
        "params": spec.readable_params(evaluation.params),
        # what the sampler chose, apart from the values the space fixed
        "searched": set(next((t.params for t in trials if t.number == evaluation.trial), {})),
        # a classifier's trials tie on accuracy; the column shows what ordered them
        "tie_breaker": get_task(spec.task).tie_breaker,
        "tie_attr": TIE_ATTR,
        "failed": [(t.number, t.user_attrs.get(REASON_ATTR, "process stopped (stale trial)"))
                   for t in failed[:20]],
        "images": {k: figures.data_uri(v) for k, v in images.items() if v is not None},
        "explained": (spec.report_path / "explain.html").is_file(),
        "explain_link": EXPLAIN_LINK,
        "channels": described["channels"],
        "confusion": tables.get("confusion"),
        "per_class": tables.get("per_class"),
        "series_rows": series_rows(evaluation, test_metric),
        "series_images": series_images(spec, evaluation, table, y_label)
        if table is not None and table.panel else [],
        "baseline_names": list(evaluation.baselines),
    }


def series_rows(evaluation: Evaluation, metric: str) -> list[tuple[str, dict[str, float]]]:
    """The panel's series by the model's test metric, best first."""
    return sorted(evaluation.by_series.items(), key=lambda kv: kv[1].get(metric, np.inf))


SHOWN_SERIES = 2  # the best and the worst this many series are drawn


def series_images(spec: StudySpec, evaluation: Evaluation, table: Table, y_label: str
                  ) -> list[tuple[str, str]]:
    """Forecast fans of the best and worst series of a panel, with their metric."""
    rows = series_rows(evaluation, spec.test_metric)
    chosen = rows[:SHOWN_SERIES] + [r for r in rows[-SHOWN_SERIES:] if r not in
                                    rows[:SHOWN_SERIES]]
    spans = {name: (start, stop) for name, start, stop in table.parts}
    test = evaluation.predictions["test"]
    target = np.asarray(table.target, dtype=float)
    out = []
    for name, values in chosen:
        start, stop = spans[name]
        title = (f"Series {name}: test {get_task(spec.task).metric_label(spec.test_metric)} "
                 f"{values[spec.test_metric]:.4g}")
        context = 3 * spec.outputs + int(np.sum((np.asarray(test["target_idx"]) >= start)
                                                & (np.asarray(test["target_idx"]) < stop)))
        out.append((name, figures.data_uri(figures.paths(
            table.times, target, test, y_label, start, stop, title, context))))
    return out


def render_study_report(spec: StudySpec, study: optuna.Study, evaluation: Evaluation,
                        loaded: Loaded) -> Path:
    text = env.get_template("study.html").render(**study_context(spec, study, evaluation, loaded))
    return write_page(spec.report_path / "index.html", text, spec)




def render_compare_report(spec: StudySpec, rows: list[Any], curves: dict[str, list[list[float]]],
                          summary: list[dict[str, Any]], csv_name: str,
                          baselines: dict[str, dict[str, float]] | None = None,
                          warnings_: list[str] | None = None) -> Path:
    seeds = len({r.seed for r in rows})
    label = get_task(spec.task).metric_label(spec.test_metric)
    image = figures.data_uri(figures.compare_curves(curves, f"validation {label}", seeds > 1))
    text = env.get_template("compare.html").render(
        spec=spec, rows=rows, summary=summary, image=image, csv_name=csv_name, seeds=seeds,
        baselines=baselines or {}, warnings=warnings_ or [],
        study_report=(spec.report_path / "index.html").is_file(),
        test_metric=spec.test_metric, metric_label=get_task(spec.task).metric_label,
        version=__version__,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    return write_page(spec.report_path / "compare.html", text, spec)
