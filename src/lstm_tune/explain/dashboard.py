"""Attach an explanation so optuna-dashboard shows it: PNG figures (the dashboard renders
images inline) and the HTML report as study artifacts named after the trial (Optuna refuses
artifacts on a finished trial), and a Markdown note on the trial itself."""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import optuna
from optuna.artifacts import upload_artifact

from lstm_tune.records.artifacts import artifact_store
from lstm_tune.spec import StudySpec


def note_text(result: Any) -> str:
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
    save_note(handle, note_text(result))  # type: ignore[arg-type]
    return ids
