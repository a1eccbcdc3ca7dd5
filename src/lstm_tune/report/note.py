"""The study's note in optuna-dashboard: the verdict against the baselines and where the
report is, so a person who opens the dashboard first reads the conclusion there."""

from __future__ import annotations

from pathlib import Path

import optuna

from lstm_tune.evaluate.evaluation import Evaluation, verdict
from lstm_tune.records.results import kept_predictor
from lstm_tune.report.render import IMPORTANCE_METHOD, param_importances
from lstm_tune.spec import StudySpec


def note_text(spec: StudySpec, evaluation: Evaluation, report: Path,
              importances: dict[str, float] | None = None, model: str | None = None) -> str:
    """The note: the verdict, the test figures, the report's importances (the dashboard's
    own panel ranks by another method, so they may differ) and where the model is."""
    metric = spec.test_metric
    lines = [f"## {spec.name}: best trial #{evaluation.trial}", "",
             verdict(spec, evaluation), "",
             f"| forecaster | test {metric} | what it is |", "|---|---|---|",
             f"| best model | {evaluation.test[metric]:.4g} | {evaluation.model_name} |"]
    for name, values in evaluation.baselines.items():
        lines.append(f"| {name} | {values[metric]:.4g} | {evaluation.baseline_methods[name]} |")
    if evaluation.by_step:  # a path of several steps: how the error grows with the step
        steps = len(evaluation.by_step["model"])
        lines += ["", f"| test {metric} by step ahead | " + " | ".join(
            str(k) for k in range(1, steps + 1)) + " |", "|---" * (steps + 1) + "|"]
        lines += [f"| {'best model' if name == 'model' else name} | "
                  + " | ".join(f"{v:.4g}" for v in values) + " |"
                  for name, values in evaluation.by_step.items()]
    if evaluation.by_series:
        ranked = sorted(evaluation.by_series, key=lambda n: evaluation.by_series[n][metric])
        lines += ["", f"{len(ranked)} series; best {ranked[0]}, worst {ranked[-1]} "
                  f"(test {metric}); the report lists every one."]
    if importances:
        lines += ["", f"Parameter importances in the report ({IMPORTANCE_METHOD}): "
                  + ", ".join(f"{k} {v:.2f}" for k, v in list(importances.items())[:5])
                  + ". The dashboard's own importance panel uses Optuna's default evaluator "
                  "(PED-ANOVA), a different method, so its order can differ."]
    if model:
        lines += ["", f"The model the report tested: study artifact `{model}` (below); "
                  f"`lstm-tune export {spec.source} FOLDER` writes it out with a manifest."]
    uri = report.resolve().as_uri()
    lines += ["", f"Report: [{report.name}]({uri}) (`{report.resolve()}`)", "",
              f"Explain the model: `lstm-tune explain {spec.source}`"]
    return "\n".join(lines)


def save_study_note(spec: StudySpec, study: optuna.Study, evaluation: Evaluation,
                    report: Path) -> None:
    from optuna_dashboard import save_note

    save_note(study, note_text(spec, evaluation, report, param_importances(study),
                               kept_predictor(study).get("artifact")))
