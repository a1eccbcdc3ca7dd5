"""Per-trial overhead: one trial through lstm_tune's objective (unit-metric callback, early
stopping, pruning callback, artifact upload, clean-up) against the same model trained by a
bare `model.fit` for the same epochs. Both include building and compiling the model."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import yaml

from lstm_tune.spec import load_spec

CONFIGS = [
    {"layers": 1, "units_1": 16, "units_2": 16, "learning_rate": 3e-3, "dropout": 0.0,
     "batch_size": 16, "bidirectional": False, "attention": False, "transform": "log_diff"},
    {"layers": 2, "units_1": 32, "units_2": 16, "learning_rate": 3e-3, "dropout": 0.1,
     "batch_size": 16, "bidirectional": False, "attention": True, "transform": "log_diff"},
    {"layers": 1, "units_1": 32, "units_2": 16, "learning_rate": 3e-3, "dropout": 0.0,
     "batch_size": 8, "bidirectional": True, "attention": False, "transform": "log_diff"},
]


def run(epochs: int = 30, repeats: int = 2, configs: int = len(CONFIGS)
        ) -> list[dict[str, float | str]]:
    """The first `configs` configurations (fewer only for a smoke run)."""
    import keras
    import optuna

    from lstm_tune.data.framing import load_data
    from lstm_tune.data.framing import frame
    from lstm_tune.model.build import build_model
    from lstm_tune.records.artifacts import artifact_store
    from lstm_tune.search.objective import Objective
    from lstm_tune.search.storage import open_storage

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    rows: list[dict[str, float | str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "o.yaml"
        path.write_text(yaml.safe_dump({
            "name": "o", "data": {"builtin": "airline"}, "pruner": "median",
            "space": {"layers": [1, 2], "units": [16, 32], "learning_rate": 3e-3,
                      "dropout": [0.0, 0.1], "batch_size": [8, 16],
                      "bidirectional": [False, True], "attention": [False, True],
                      "transform": "log_diff"},
            # patience > epochs: both sides train exactly `epochs` epochs
            "training": {"max_epochs": epochs, "patience": epochs + 1},
        }))
        spec = load_spec(path)
        table = load_data(spec.data_settings)
        data = frame(spec.data_settings, table, "log_diff")
        objective = Objective(spec, table, artifact_store(spec))
        study = optuna.create_study(study_name="o", storage=open_storage(spec),
                                    pruner=optuna.pruners.NopPruner())
        for i, params in enumerate(CONFIGS[:configs]):
            bare, tuned = [], []
            for _ in range(repeats):
                keras.utils.set_random_seed(0)
                start = time.perf_counter()
                model = build_model(params, data.window, len(data.channel_names))
                model.fit(data.train.x, data.train.y, validation_data=(data.val.x, data.val.y),
                          epochs=epochs, batch_size=params["batch_size"], verbose=0)
                model.predict(data.val.x, verbose=0)
                bare.append(time.perf_counter() - start)
                keras.backend.clear_session()

                study.enqueue_trial({k: v for k, v in params.items()})
                start = time.perf_counter()
                study.optimize(objective, n_trials=1)
                tuned.append(time.perf_counter() - start)
            b, t = min(bare), min(tuned)
            rows.append({"config": f"#{i + 1} {params['layers']}x{params['units_1']}"
                         f"{' bi' if params['bidirectional'] else ''}"
                         f"{' att' if params['attention'] else ''}",
                         "bare_fit_s": b, "lstm_tune_trial_s": t,
                         # negative: a trial (with its speed-ups) is faster than a bare fit
                         "trial_vs_bare_fit_pct": 100 * (t - b) / b})
    return rows
