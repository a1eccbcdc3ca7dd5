"""A worker process: runs a batch of trials of one study, then exits.

Keras leaks about 18 MB per trained model even after clear_session(); a worker that exits
after `recycle_every` trials gives all of it back, so memory stays bounded in long studies.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lstm_tune.spec import StudySpec


def quiet_tensorflow() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("ABSL_MIN_LOG_LEVEL", "2")


def work(spec: "StudySpec", n_trials: int, sampler_seed: int) -> None:
    """Process entry point: run up to n_trials trials of the study, within its budget."""
    quiet_tensorflow()
    import optuna

    from lstm_tune.data.load import load_table
    from lstm_tune.search.budget import budget
    from lstm_tune.search.objective import Objective
    from lstm_tune.search.storage import artifact_store, open_storage
    from lstm_tune.search.strategies import make_pruner, make_sampler

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(
        study_name=spec.name, storage=open_storage(spec),
        sampler=make_sampler(spec, sampler_seed), pruner=make_pruner(spec),
    )
    objective = Objective(spec, load_table(spec), artifact_store(spec))

    def stop_at_budget(study: optuna.Study, _trial: object) -> None:
        if budget(spec, study).exhausted:
            study.stop()

    if budget(spec, study).exhausted:
        return
    study.optimize(objective, n_trials=n_trials, catch=(Exception,), callbacks=[stop_at_budget])
