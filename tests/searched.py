"""A real study searched in this process (no worker processes): the shared way tests get
trained trials quickly. Trials run Optuna's loop with lstm_tune's own objective."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import optuna
import yaml

from lstm_tune.data.framing import load_data
from lstm_tune.records.artifacts import artifact_store
from lstm_tune.search.objective import Objective
from lstm_tune.search.study import open_study
from lstm_tune.spec import StudySpec, load_spec


def searched(folder: Path, study: dict[str, Any], trials: int, seed: int = 3,
             name: str = "study.yaml") -> tuple[StudySpec, optuna.Study]:
    """Write `study` to folder/name and run `trials` trials of it (random sampler)."""
    (folder / name).write_text(yaml.safe_dump(study))
    spec = load_spec(folder / name)
    opened = open_study(spec)
    opened.sampler = optuna.samplers.RandomSampler(seed=seed)
    opened.optimize(Objective(spec, load_data(spec.data_settings), artifact_store(spec)),
                    n_trials=trials)
    return spec, opened


def variant(folder: Path, study: dict[str, Any], name: str, **changes: Any
            ) -> tuple[StudySpec, optuna.Study]:
    """The searched study with other settings (same name and storage), not run again."""
    (folder / f"{name}.yaml").write_text(yaml.safe_dump({**study, **changes}))
    spec = load_spec(folder / f"{name}.yaml")
    return spec, optuna.load_study(study_name=spec.name, storage=spec.storage_url)
