"""The final model: what is tested after the search (docs/architecture.md, "final model").

The best trial's validation value is the best of many noisy draws, so its own model is not
necessarily the best model to ship. Three candidates, each built `final.seeds` times:

- single: the best trial's model (seed 0), and its configuration retrained with early
  stopping on fold 0 for the other seeds;
- refit: the best configuration trained on everything before the test part (fold 0's
  validation included) for the median of the epochs its folds kept, without validation;
- ensemble: the mean of the `final.top` best configurations, each refitted so.

`auto` chooses on fold 0's validation part, never on the test part. Each candidate is
rehearsed there with models trained for a fixed number of epochs on fold 0's training part
only, with seeds no trial used: single for the epochs early stopping kept on fold 0, refit
and ensemble for the median over the folds. The best trial's own validation value is not
used: it is the best of many draws on that same part (measured on airline: 10.3-12.6
against 15.5-20.0 on the test part), and with it `auto` chose single every time.

The choice, its validation figures and the members' models (study artifacts: Optuna
refuses artifacts on finished trials) are stored on the study, so evaluating, explaining
and reporting again never retrain.
"""

from __future__ import annotations

import statistics
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import optuna
from optuna.artifacts import download_artifact, upload_artifact

from lstm_tune.data.framing import AnyDataset, Datasets, Loaded, load_data
from lstm_tune.data.splits import ALL, REFIT
from lstm_tune.evaluate import combine
from lstm_tune.evaluate.combine import CombinationChoice
from lstm_tune.records.artifacts import artifact_store
from lstm_tune.records.attrs import FINAL_ATTR, MODEL_ATTR, VAL_FORECASTS_ATTR
from lstm_tune.records.trials import (
    best_trial, load_trial_model, ranked, trial_params, trial_training)
from lstm_tune.spec import StudySpec
from lstm_tune.tasks import get_task

CHOICES = ("single", "refit", "ensemble")
SEED_OFFSET = 1_000_003  # final seeds never repeat a trial's seed (spec.seed + number)


@dataclass
class Member:
    """One trained model of the final choice."""

    trial: int
    fold: int  # the framing it was trained on: 0, or REFIT
    artifact: str | None = None  # a study artifact; None: the trial's own saved model


@dataclass
class FinalModel:
    choice: str
    seeds: list[list[Member]]  # per seed, the members whose predictions are averaged
    # per candidate, fold 0's validation metric per seed (auto only; else empty)
    validation: dict[str, list[float]] = field(default_factory=dict)
    epochs: dict[str, int] = field(default_factory=dict)  # per trial: refit epochs
    settings: dict[str, Any] = field(default_factory=dict)  # the `final` settings used
    # a combination: the statistical model, the LSTM's weight and the validation figures
    # they were chosen by (combine.py)
    combination: dict[str, Any] = field(default_factory=dict)

    @property
    def trials(self) -> list[int]:
        return [m.trial for m in self.seeds[0]]

    def summary(self) -> dict[str, Any]:
        """What a report shows: the choice, its trials, seeds and refit epochs, and each
        candidate's validation figures (median and every seed's)."""
        return {"choice": self.choice, "trials": self.trials, "seeds": len(self.seeds),
                "epochs": self.epochs, "combination": self.combination,
                "validation": {c: {"median": float(statistics.median(v)), "values": v}
                               for c, v in self.validation.items()}}

    def to_attr(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_attr(value: dict[str, Any]) -> "FinalModel":
        seeds = [[Member(**m) for m in members] for members in value["seeds"]]
        return FinalModel(value["choice"], seeds, value.get("validation", {}),
                          value.get("epochs", {}), value.get("settings", {}),
                          value.get("combination", {}))


def wanted(spec: StudySpec) -> bool:
    """Whether the study asks for more than the best trial's own model."""
    return spec.final.model != "single" or spec.final.seeds > 1 or spec.final.combine


def refit_epochs(trial: optuna.trial.FrozenTrial, patience: int) -> int:
    """The median of the epochs the trial's folds kept (older trials: epochs run less the
    patience early stopping waited)."""
    kept = trial.user_attrs.get("best_epochs")
    if kept:
        return max(1, int(round(statistics.median(kept))))
    return max(1, int(trial.user_attrs.get("epochs", 1)) - patience)


def top_trials(spec: StudySpec, study: optuna.Study, k: int) -> list[optuna.trial.FrozenTrial]:
    """The k best completed trials with distinct configurations, best first."""
    out, seen = [], set()
    for t in ranked(spec, study):
        key = repr(sorted(trial_params(spec, t).items()))
        if key not in seen:
            seen.add(key)
            out.append(t)
        if len(out) == k:
            break
    return out


Members = list[tuple[AnyDataset, Any]]  # models (each with its data) whose outputs are averaged


def combined(task: Any, members: Members, name: str
             ) -> tuple[AnyDataset, Any, np.ndarray, np.ndarray | None]:
    """The members' mean prediction on a split (their shared samples) and their mean class
    probabilities (None for forecasts)."""
    splits = [data.split(name) for data, _ in members]
    outputs = []
    for (data, model), split, rows in zip(members, splits, common(splits)):
        part = split.take(rows)
        outputs.append((data, part, np.asarray(model.predict(part.x, verbose=0))))
    predicted, proba = task.combine(outputs)
    data, split, _ = outputs[0]
    return data, split, predicted, proba


class Builder:
    """Trains the candidates' models, once each, and scores them on fold 0's validation."""

    def __init__(self, spec: StudySpec, study: optuna.Study, loaded: Loaded | None = None
                 ) -> None:
        """`loaded`: the study's data as `load_data` read it, if the caller has it."""
        self.spec, self.study = spec, study
        self.datasets = Datasets(spec.data_settings, loaded if loaded is not None
                                 else load_data(spec.data_settings))
        self.best = best_trial(spec, study)
        self.top = top_trials(spec, study, spec.final.top) if spec.final.model in (
            "ensemble", "auto") else [self.best]
        self.trials = {t.number: t for t in [self.best, *self.top]}
        self.epochs = {n: refit_epochs(t, trial_training(spec, t)[1])
                       for n, t in self.trials.items()}
        self._models: dict[tuple[str, int, int, int], Any] = {}
        self._combinations: dict[str, CombinationChoice | None] = {}

    def data(self, trial: int, fold: int) -> AnyDataset:
        return self.datasets.get(trial_params(self.spec, self.trials[trial]), fold)

    def model(self, how: str, trial: int, seed: int, fold: int = 0) -> Any:
        """how: 'single' (early stopping on fold 0), 'search' (the search's own training of
        fold `fold`: early stopping, the trial's seed; fold 0's is the trial's saved model
        where it kept one),
        'rehearse' (fixed epochs, fold `fold`'s training part), 'rehearse_single' (the same
        for the epochs early stopping kept on that fold), 'refit' (fixed epochs, everything
        before the test part) or 'all' (fixed epochs, everything: a production refit)."""
        key = (how, trial, seed, fold)
        if key not in self._models:
            from lstm_tune.model.train import fit, fit_epochs

            params = trial_params(self.spec, self.trials[trial])
            most, patience = trial_training(self.spec, self.trials[trial])
            saved = bool(self.trials[trial].user_attrs.get(MODEL_ATTR))
            if how in ("single", "search") and seed == 0 and fold == 0 and saved:
                model = load_trial_model(self.spec, self.trials[trial])
            elif how == "search":
                model = fit(params, self.data(trial, fold), most, patience,
                            self.spec.seed + trial).model
            elif how == "single":
                model = fit(params, self.data(trial, 0), most, patience, self.seed(seed)).model
            elif how == "rehearse_single":
                kept = self.trials[trial].user_attrs.get("best_epochs") or [self.epochs[trial]]
                model = fit_epochs(params, self.data(trial, fold),
                                   int(kept[min(fold, len(kept) - 1)]), self.seed(seed))
            else:
                fold = {"refit": REFIT, "all": ALL}.get(how, fold)
                model = fit_epochs(params, self.data(trial, fold), self.epochs[trial],
                                   self.seed(seed))
            self._models[key] = model
        return self._models[key]

    def seed(self, s: int) -> int:
        return self.spec.seed + SEED_OFFSET + s

    def members(self, choice: str) -> list[int]:
        return [t.number for t in self.top] if choice == "ensemble" else [self.best.number]

    def fold_forecasts(self, trials: list[int], fold: int, how: str
                       ) -> tuple[AnyDataset, np.ndarray]:
        """The trials' mean forecast of fold `fold`'s validation part, in the data's units
        (n, horizon), by their models of that fold trained as `how` says (seed 0): 'search'
        (the search's own, whose forecasts each trial keeps), 'rehearse_single' or
        'rehearse' (retrained with a new seed: the best trial's own validation errors are
        the smallest of many draws, airline's 13.1 against 18.8-27.4 for its configuration
        retrained with other seeds)."""
        data = self.data(trials[0], fold)
        outputs = []
        for n in trials:
            kept = self.trials[n].user_attrs.get(VAL_FORECASTS_ATTR) or [] \
                if how == "search" else []
            if len(kept) > fold:
                outputs.append(np.asarray(kept[fold], dtype=float).reshape(len(data.val), -1))
                continue
            own = self.data(n, fold)
            raw = np.asarray(self.model(how, n, 0, fold).predict_on_batch(own.val.x))
            outputs.append(np.asarray(own.to_units(own.val, raw)).reshape(len(own.val), -1))
        return data, np.mean(outputs, axis=0)

    def fold_proba(self, trials: list[int], fold: int, how: str
                   ) -> tuple[AnyDataset, np.ndarray]:
        """The trials' mean class probabilities on fold `fold`'s validation part, by their
        models of that fold trained as `how` says (seed 0)."""
        data = self.data(trials[0], fold)
        outputs = [np.asarray(self.model(how, n, 0, fold).predict(self.data(n, fold).val.x,
                                                                  verbose=0), dtype=float)
                   for n in trials]
        return data, np.mean(outputs, axis=0)

    def recipe(self, choice: str) -> str:
        """How a candidate's configurations are rehearsed on a fold: for the epochs early
        stopping kept there (the best trial's own model), or the refit's epochs."""
        return "rehearse_single" if choice == "single" else "rehearse"

    def combination(self, choice: str) -> CombinationChoice | None:
        """The statistical model (forecasts) or linear classifier (classes) and the weight
        of the candidate's combination, chosen on every validation fold from its
        configurations' rehearsals (combine.py); None where no such model fits."""
        if choice not in self._combinations:
            folds, members = range(self.spec.split.folds), self.members(choice)
            how = self.recipe(choice)
            fold_outputs, choose = _PARTNERS[self.spec.task]
            self._combinations[choice] = choose([fold_outputs(self, members, f, how)
                                                 for f in folds])
        return self._combinations[choice]

    def validation(self, choice: str, seed: int) -> float:
        """The candidate's metric on fold 0's validation part, from models trained for a
        fixed number of epochs on its training part only."""
        members = [(self.data(n, 0), self.model(self.recipe(choice), n, seed))
                   for n in self.members(choice)]
        task = get_task(self.spec.task)
        data, split, predicted, proba = combined(task, members, "validation")
        return float(task.scores(data, split, predicted, proba)[data.metric])

    def choose(self) -> tuple[str, dict[str, list[float]]]:
        if self.spec.final.model != "auto":
            return self.spec.final.model, {}
        figures = {c: [self.validation(c, s) for s in range(self.spec.final.seeds)]
                   for c in CHOICES if c != "ensemble" or len(self.top) > 1}
        sign = 1 if self.spec.direction == "minimize" else -1
        # ties keep the simpler candidate (CHOICES is in order of cost)
        choice = min(figures, key=lambda c: (sign * statistics.median(figures[c]),
                                             CHOICES.index(c)))
        return choice, figures

    def store(self, choice: str, seed: int, store: Any) -> list[Member]:
        out = []
        alone = choice == "single"  # the best trial's own model
        for n in self.members(choice):
            if alone and seed == 0:
                out.append(Member(n, 0))
                continue
            how = "single" if alone else "refit"
            from lstm_tune.model.build import save_model

            with tempfile.TemporaryDirectory() as tmp:
                path = save_model(self.model(how, n, seed), Path(tmp) / "model.keras")
                artifact = upload_artifact(artifact_store=store, file_path=str(path),
                                           study_or_trial=self.study)
            out.append(Member(n, 0 if alone else REFIT, artifact))
        return out


# a combination's partner by the task: each validation fold's outputs (forecasts, or class
# probabilities), and how the statistical model or linear classifier is chosen from them
_PARTNERS = {"forecast": (Builder.fold_forecasts, combine.choose),
             "classify": (Builder.fold_proba, combine.choose_classes)}


def build_final(spec: StudySpec, study: optuna.Study, builder: Builder | None = None
                ) -> FinalModel:
    """Choose and train the final model, and store it on the study. A `builder` given
    keeps the models it trained (the predictor's calibration reuses the rehearsals)."""
    builder = builder or Builder(spec, study)
    choice, figures = builder.choose()
    mix = builder.combination(choice) if spec.final.combine else None
    store = artifact_store(spec)
    seeds = [builder.store(choice, s, store) for s in range(spec.final.seeds)]
    final = FinalModel(choice, seeds, figures,
                       {str(n): builder.epochs[n] for n in builder.members(choice)},
                       {**spec.final.model_dump(), "best_trial": builder.best.number},
                       mix.to_attr() if mix is not None else {})
    study.set_user_attr(FINAL_ATTR, final.to_attr())
    return final


def stored_final(spec: StudySpec, study: optuna.Study) -> FinalModel | None:
    """The final model stored on the study, if it was built for these settings and the
    study's present best trial."""
    stored = study.user_attrs.get(FINAL_ATTR)
    if not stored:
        return None
    final = FinalModel.from_attr(stored)
    current = {**spec.final.model_dump(), "best_trial": best_trial(spec, study).number}
    return final if final.settings == current else None


def final_pending(spec: StudySpec, study: optuna.Study) -> bool:
    """Whether evaluating will train a final model first (none stored for these settings)."""
    return wanted(spec) and stored_final(spec, study) is None


def final_model(spec: StudySpec, study: optuna.Study, builder: Builder | None = None
                ) -> FinalModel:
    """The study's stored final model, else a new one (built and stored)."""
    return stored_final(spec, study) or build_final(spec, study, builder)


def final_or_best(spec: StudySpec, study: optuna.Study, builder: Builder | None = None
                  ) -> FinalModel:
    """The final model the study asks for; where it asks for nothing more than the best
    trial's own model, that model as a final model of one member (nothing is trained)."""
    if wanted(spec):
        return final_model(spec, study, builder)
    best = best_trial(spec, study)
    return FinalModel("single", [[Member(best.number, 0)]],
                      settings={**spec.final.model_dump(), "best_trial": best.number})


def describe(final: FinalModel) -> str:
    """The final model in words."""
    trials = final.trials
    if final.choice == "single":
        what = f"trial #{trials[0]}'s model"

    elif final.choice == "refit":
        what = (f"trial #{trials[0]}'s configuration refitted on training + validation for "
                f"{final.epochs[str(trials[0])]} epochs")
    else:
        names = ", ".join(f"#{t}" for t in trials)
        what = f"the mean of trials {names}, each refitted on training + validation"
    n = len(final.seeds)
    what += f" (seed 1 of {n})" if n > 1 else ""
    if final.combination:
        w = float(final.combination["weight"])
        what = (f"{w:.2f} x {what} + {1 - w:.2f} x {final.combination['name']}, the weight "
                "chosen on validation")
    return what


def load_member(spec: StudySpec, study: optuna.Study, member: Member) -> Any:
    if member.artifact is None:
        return load_trial_model(spec, study.trials[member.trial])
    from lstm_tune.model.build import load_model

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        download_artifact(artifact_store=artifact_store(spec), file_path=str(path),
                          artifact_id=member.artifact)
        return load_model(path)


def common(splits: list[Any]) -> list[np.ndarray]:
    """Per split, the rows whose targets every split has (transforms with a longer lag
    start their training windows later), in the same order."""
    shared = set(splits[0].target_idx.tolist())
    for s in splits[1:]:
        shared &= set(s.target_idx.tolist())
    return [np.flatnonzero(np.isin(s.target_idx, list(shared))) for s in splits]
