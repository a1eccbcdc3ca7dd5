"""Where a study's models and predictors are kept: Optuna's artifact store beside it."""

from __future__ import annotations

from optuna.artifacts import FileSystemArtifactStore

from lstm_tune.spec import StudySpec


def artifact_store(spec: StudySpec) -> FileSystemArtifactStore:
    spec.artifact_dir.mkdir(parents=True, exist_ok=True)
    return FileSystemArtifactStore(str(spec.artifact_dir))
