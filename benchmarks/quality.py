"""Search quality per compute on the airline protocol: lstm_tune (TPE with and without
pruning, GA, PSO) against KerasTuner (BayesianOptimization, Hyperband) and a plain Optuna TPE
script without pruning, on the same space, data, splits and metric; plus naive baselines and
a seasonal ARIMA on the same test points.

KerasTuner and statsmodels are optional (`pip install '.[bench]'`); missing ones are skipped.
"""

from __future__ import annotations

import math
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import yaml

from lstm_tune.spec import StudySpec, load_spec

STUDY = Path(__file__).resolve().parent.parent / "studies" / "airline.yaml"


@dataclass
class Row:
    method: str
    seed: int
    trials: int
    best_validation: float
    test_rmse: float
    wall_seconds: float
    epochs: int


@dataclass(frozen=True)
class Budget:
    trials: int
    seeds: int
    max_epochs: int
    patience: int
    hyperband_epochs: int = 27  # Hyperband sets its own trial count from this and factor 3


def airline_spec(folder: Path, name: str, seed: int, budget: Budget, **changes: Any) -> StudySpec:
    raw = yaml.safe_load(STUDY.read_text())
    raw.update(name=name, seed=seed, budget={"trials": budget.trials},
               training={"max_epochs": budget.max_epochs, "patience": budget.patience}, **changes)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return load_spec(path)


def run_lstm_tune(spec: StudySpec, label: str) -> Row:
    from lstm_tune.evaluate.evaluation import evaluate_study
    from lstm_tune.search.study import run_study

    start = time.perf_counter()
    study = run_study(spec)
    wall = time.perf_counter() - start
    ev = evaluate_study(spec, study)
    epochs = sum(int(t.user_attrs.get("epochs", 0)) for t in study.trials)
    return Row(label, spec.seed, len(study.trials), float(study.best_value), ev.test["rmse"],
               wall, epochs)


class _Data:
    """The same datasets lstm_tune builds, one per transform, for the other tools."""

    def __init__(self, spec: StudySpec) -> None:
        from lstm_tune.data.framing import load_data
        from lstm_tune.data.framing import Datasets

        self.spec = spec
        self.datasets = Datasets(spec.data_settings, load_data(spec.data_settings))

    def get(self, transform: str) -> Any:
        return self.datasets.get(transform)

    def rmse(self, model: Any, transform: str, split: str) -> float:
        from lstm_tune.stats import metrics

        data = self.get(transform)
        part = data.split(split)
        pred = np.asarray(model(part.x, training=False))
        value = metrics.rmse(data.actual(part), data.to_units(part, pred))
        return value if math.isfinite(value) else float("inf")


def _params_from(get: Callable[..., Any]) -> dict[str, Any]:
    """The airline search space, asked through any tool's API (the same space everywhere)."""
    return {
        "layers": get("int", "layers", 1, 2),
        "units_1": get("int_log", "units_1", 8, 64),
        "units_2": get("int_log", "units_2", 8, 64),
        "learning_rate": get("float_log", "learning_rate", 1e-4, 3e-2),
        "dropout": get("float", "dropout", 0.0, 0.3),
        "batch_size": get("choice", "batch_size", [8, 16, 32]),
        "bidirectional": get("choice", "bidirectional", [False, True]),
        "attention": get("choice", "attention", [False, True]),
        "transform": get("choice", "transform", ["none", "log_diff", "log_seasonal_diff"]),
    }


def run_plain_optuna(spec: StudySpec, label: str) -> Row:
    """What a user would write by hand: Optuna TPE, Keras fit with early stopping, no pruning."""
    import keras
    import optuna

    from lstm_tune.model.build import build_model

    data = _Data(spec)
    epochs_total = 0
    best: dict[str, Any] = {"value": float("inf")}

    def objective(trial: optuna.Trial) -> float:
        nonlocal epochs_total

        def get(kind: str, name: str, lo: Any, hi: Any = None) -> Any:
            if kind == "int":
                return trial.suggest_int(name, lo, hi)
            if kind == "int_log":
                return trial.suggest_int(name, lo, hi, log=True)
            if kind == "float_log":
                return trial.suggest_float(name, lo, hi, log=True)
            if kind == "float":
                return trial.suggest_float(name, lo, hi)
            return trial.suggest_categorical(name, lo)

        p = _params_from(get)
        d = data.get(p["transform"])
        keras.utils.set_random_seed(spec.seed + trial.number)
        model = build_model(p, d.window, len(d.channel_names))
        hist = model.fit(d.train.x, d.train.y, validation_data=(d.val.x, d.val.y),
                         epochs=spec.training.max_epochs, batch_size=p["batch_size"], verbose=0,
                         callbacks=[keras.callbacks.EarlyStopping(
                             patience=spec.training.patience, restore_best_weights=True)])
        epochs_total += len(hist.history["loss"])
        value = data.rmse(model, p["transform"], "validation")
        if value < best["value"]:
            best.update(value=value, test=data.rmse(model, p["transform"], "test"))
        keras.backend.clear_session()
        return value

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=spec.seed))
    start = time.perf_counter()
    study.optimize(objective, n_trials=spec.budget.trials or 20)
    wall = time.perf_counter() - start
    return Row(label, spec.seed, len(study.trials), float(study.best_value), best["test"], wall,
               epochs_total)


def run_kerastuner(spec: StudySpec, kind: str, label: str, hyperband_epochs: int = 0
                   ) -> Row | None:
    """KerasTuner's `kind` ("bayesian" or "hyperband", which needs `hyperband_epochs`)."""
    try:
        import keras_tuner as kt
    except ImportError:
        return None
    import keras

    from lstm_tune.model.build import build_model

    data = _Data(spec)
    counter = {"epochs": 0}

    class Space(kt.HyperModel):
        def build(self, hp: Any) -> Any:
            def get(kind: str, name: str, lo: Any, hi: Any = None) -> Any:
                if kind == "int":
                    return hp.Int(name, lo, hi)
                if kind == "int_log":
                    return hp.Int(name, lo, hi, sampling="log")
                if kind == "float_log":
                    return hp.Float(name, lo, hi, sampling="log")
                if kind == "float":
                    return hp.Float(name, lo, hi)
                return hp.Choice(name, lo)

            p = _params_from(get)
            d = data.get(p["transform"])
            return build_model(p, d.window, len(d.channel_names))

        def fit(self, hp: Any, model: Any, *args: Any, **kwargs: Any) -> dict[str, float]:
            transform = hp.get("transform")
            d = data.get(transform)
            callbacks = list(kwargs.pop("callbacks", []))
            callbacks.append(keras.callbacks.LambdaCallback(
                on_epoch_end=lambda e, logs: counter.update(epochs=counter["epochs"] + 1)))
            callbacks.append(keras.callbacks.EarlyStopping(
                patience=spec.training.patience, restore_best_weights=True))
            model.fit(d.train.x, d.train.y, validation_data=(d.val.x, d.val.y),
                      batch_size=hp.get("batch_size"), verbose=0, callbacks=callbacks,
                      epochs=kwargs.get("epochs", spec.training.max_epochs),
                      initial_epoch=kwargs.get("initial_epoch", 0))
            return {"val_rmse": data.rmse(model, transform, "validation")}

    objective = kt.Objective("val_rmse", direction="min")
    keras.utils.set_random_seed(spec.seed)
    with tempfile.TemporaryDirectory() as tmp:
        common = dict(objective=objective, seed=spec.seed, directory=tmp, project_name="kt",
                      overwrite=True)
        if kind == "bayesian":
            tuner = kt.BayesianOptimization(Space(), max_trials=spec.budget.trials, **common)
        else:  # Hyperband decides its own number of trials from max_epochs and the factor
            tuner = kt.Hyperband(Space(), max_epochs=hyperband_epochs, factor=3, **common)
        start = time.perf_counter()
        tuner.search(epochs=spec.training.max_epochs, verbose=0)
        wall = time.perf_counter() - start
        best_trial = tuner.oracle.get_best_trials(1)[0]
        hp = tuner.get_best_hyperparameters(1)[0]
        model = tuner.get_best_models(1)[0]
        test = data.rmse(model, hp.get("transform"), "test")
        n = len(tuner.oracle.trials)
    keras.backend.clear_session()
    return Row(label, spec.seed, n, float(best_trial.score), test, wall, counter["epochs"])


def baselines(spec: StudySpec) -> list[tuple[str, float]]:
    """Naive and statistical forecasts on the same test points, data units: the very
    baselines of the study report."""
    from lstm_tune.stats import metrics
    from lstm_tune.tasks.baselines import forecast_baselines

    data = _Data(spec).get("none")
    return [(f"baseline {b.name}", metrics.rmse(data.actual(data.test), b.predicted))
            for b in forecast_baselines(data, data.test)]


def run(budget: Budget, methods: list[str] | None = None) -> tuple[list[Row], list[tuple[str, float]]]:
    """Every method x seed; returns the rows and the baselines."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plan: dict[str, Callable[[int], Row | None]] = {
            "lstm_tune TPE (pruned)": lambda s: run_lstm_tune(
                airline_spec(folder, f"tpe{s}", s, budget), "lstm_tune TPE (pruned)"),
            "lstm_tune TPE (no pruning)": lambda s: run_lstm_tune(
                airline_spec(folder, f"tpenp{s}", s, budget, pruner="none"),
                "lstm_tune TPE (no pruning)"),
            "lstm_tune GA": lambda s: run_lstm_tune(
                airline_spec(folder, f"ga{s}", s, budget, strategy="ga"), "lstm_tune GA"),
            "lstm_tune PSO": lambda s: run_lstm_tune(
                airline_spec(folder, f"pso{s}", s, budget, strategy="pso"), "lstm_tune PSO"),
            "plain Optuna TPE script": lambda s: run_plain_optuna(
                airline_spec(folder, f"plain{s}", s, budget), "plain Optuna TPE script"),
            "KerasTuner BayesianOptimization": lambda s: run_kerastuner(
                airline_spec(folder, f"ktb{s}", s, budget), "bayesian",
                "KerasTuner BayesianOptimization"),
            "KerasTuner Hyperband": lambda s: run_kerastuner(
                airline_spec(folder, f"kth{s}", s, budget), "hyperband",
                f"KerasTuner Hyperband (max_epochs {budget.hyperband_epochs})",
                budget.hyperband_epochs),
        }
        for seed in range(budget.seeds):  # seed-major: a slow spell of the machine hits all
            for name, fn in plan.items():
                if methods and name not in methods:
                    continue
                row = fn(seed)
                if row is not None:
                    rows.append(row)
        base = baselines(airline_spec(folder, "base", 0, budget))
    return rows, base


def medians(rows: list[Row]) -> list[dict[str, Any]]:
    out = []
    for method in dict.fromkeys(r.method for r in rows):
        mine = [r for r in rows if r.method == method]
        out.append({"method": method, "seeds": len(mine),
                    **{k: float(np.median([getattr(r, k) for r in mine]))
                       for k in ("trials", "best_validation", "test_rmse", "wall_seconds",
                                 "epochs")}})
    return out
