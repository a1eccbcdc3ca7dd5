"""What optuna-dashboard shows beside the trials: the study's note (the verdict against the
baselines and where the report is, so a person who opens the dashboard first reads the
conclusion there) and an explanation attached to its trial (PNG figures, which the
dashboard renders inline, and the HTML report as study artifacts named after the trial,
since Optuna refuses artifacts on a finished trial, and a Markdown note on the trial)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import optuna
from optuna.artifacts import upload_artifact

from lstm_tune.evaluate.evaluation import Evaluation, verdict
from lstm_tune.records.artifacts import artifact_store
from lstm_tune.records.results import kept_predictor
from lstm_tune.report.render import IMPORTANCE_METHOD, param_importances
from lstm_tune.spec import StudySpec
from lstm_tune.tasks import get_task


def note_text(spec: StudySpec, evaluation: Evaluation, report: Path,
              importances: dict[str, float] | None = None, model: str | None = None) -> str:
    """The note: the verdict, the test figures, the report's importances (the dashboard's
    own panel ranks by another method, so they may differ) and where the model is."""
    metric = spec.test_metric
    shown = get_task(spec.task).metric_label(metric)
    lines = [f"## {spec.name}: best trial #{evaluation.trial}", "",
             verdict(spec, evaluation), "",
             f"| model | test {shown} | what it is |", "|---|---|---|",
             f"| best model | {evaluation.test[metric]:.4g} | {evaluation.model_name} |"]
    for name, values in evaluation.baselines.items():
        lines.append(f"| {name} | {values[metric]:.4g} | {evaluation.baseline_methods[name]} |")
    if evaluation.by_step:  # a path of several steps: how the error grows with the step
        steps = len(evaluation.by_step["model"])
        lines += ["", f"| test {shown} by step ahead | " + " | ".join(
            str(k) for k in range(1, steps + 1)) + " |", "|---" * (steps + 1) + "|"]
        lines += [f"| {'best model' if name == 'model' else name} | "
                  + " | ".join(f"{v:.4g}" for v in values) + " |"
                  for name, values in evaluation.by_step.items()]
    if evaluation.by_series:
        ranked = sorted(evaluation.by_series, key=lambda n: evaluation.by_series[n][metric])
        lines += ["", f"{len(ranked)} series; best {ranked[0]}, worst {ranked[-1]} "
                  f"(test {shown}); the report lists every one."]
    if importances:
        lines += ["", f"Parameter importances in the report ({IMPORTANCE_METHOD}): "
                  + ", ".join(f"{k} {v:.2f}" for k, v in list(importances.items())[:5])
                  + ". The dashboard's own importance panel uses Optuna's default evaluator "
                  "(PED-ANOVA), a different method, so its order can differ."]
    if model:
        export = spec.how("export", 'export("FOLDER")', " FOLDER")
        lines += ["", f"The model the report tested: study artifact `{model}` (below); "
                  f"`{export}` writes it out with a manifest."]
    uri = report.resolve().as_uri()
    lines += ["", f"Report: [{report.name}]({uri}) (`{report.resolve()}`)", "",
              f"Explain the model: `{spec.how('explain', 'explain()')}`"]
    return "\n".join(lines)


def save_study_note(spec: StudySpec, study: optuna.Study, evaluation: Evaluation,
                    report: Path) -> None:
    from optuna_dashboard import save_note

    save_note(study, note_text(spec, evaluation, report, param_importances(study),
                               kept_predictor(study).get("artifact")))


def explanation_note(result: Any) -> str:
    """A trial's note: the explanation's faithfulness figures per explainer."""
    lines = [f"## Explanation of trial {result.trial}", "",
             f"{len(result.errors)} {result.noun}s explained"
             + (f" (the model: {result.model})." if result.model else "."), "",
             "| explainer | mass on informative cells | sign agreement (worst cell) "
             "| deletion ratio vs random | seconds |",
             "|---|---|---|---|---|"]
    for name, f in result.faithfulness.items():
        share = f"{100 * f.informative_share:.1f}%" if f.informative_share is not None else "unknown"
        signs = f"{100 * f.signs.worst:.1f}%" if f.signs is not None else "n/a"
        lines.append(f"| {name} | {share} | {signs} | {f.deletion.ratio:.2f} "
                     f"| {result.seconds[name]:.1f} |")
    if result.agreement:
        lines += ["", "Agreement where the mass is: " + ", ".join(
            f"{k} {v:.2f}" for k, v in result.agreement.items())]
    lines += ["", f"Figures and the full report are study artifacts named "
              f"`trial{result.trial}_explain*`."]
    return "\n".join(lines)


def attach(spec: StudySpec, study: optuna.Study, trial_number: int, result: Any,
           images: dict[str, Any], report: Path) -> list[str]:
    """Upload figures and report as artifacts of the trial, and save its note."""
    from optuna_dashboard import save_note

    frozen = next(t for t in study.get_trials(deepcopy=False) if t.number == trial_number)
    store = artifact_store(spec)
    prefix = f"trial{trial_number}_explain"
    files: dict[str, bytes] = {f"{prefix}_deletion.png": images["deletion"],
                               f"{prefix}.html": report.read_bytes()}
    files.update({f"{prefix}_global_{k}.png": v for k, v in images["globals"].items()})
    if images["attention"]:
        files[f"{prefix}_attention.png"] = images["attention"]
    ids = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, content in files.items():
            path = Path(tmp) / name
            path.write_bytes(content)
            ids.append(upload_artifact(artifact_store=store, file_path=str(path),
                                       study_or_trial=study))
    # save_note takes a live Trial; it only reads these three attributes of one
    handle = SimpleNamespace(storage=study._storage, study=study, _trial_id=frozen._trial_id)
    save_note(handle, explanation_note(result))  # type: ignore[arg-type]
    return ids
