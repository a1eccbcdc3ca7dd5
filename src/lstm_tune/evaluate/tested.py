"""What the stages after the search hand forward, read from the storage in one place.

The storage is the single source of truth (docs/architecture.md, decision 1), so each value
here is read from it, or built and stored there first: `Tested` is the model the study tests
(its final model, the predictor built on it, the data its first member reads, the trial the
search chose and the final model's other seeds), which `evaluate` scores, the report
renders and `predict`/`export` hand over; `Explained` is a model to explain with the data
it was trained on (the tested model, or one trial's). The stages take these values and
read nothing more from the study.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import optuna

from lstm_tune.data.framing import AnyDataset, Loaded, frame, load_data
from lstm_tune.errors import StudyError
from lstm_tune.evaluate.final import FinalModel, load_member, stored_final
from lstm_tune.evaluate.study_predictor import PredictorBuilder, study_predictor
from lstm_tune.predictor.predictor import Predictor
from lstm_tune.records.trials import best_trial, load_trial_model, trial_params
from lstm_tune.spec import StudySpec


@dataclass
class Tested:
    """The model the study tests: its final model and predictor, the trial the search
    chose (its params and validation value), the data the first member reads (splits in
    the model's framing), and the final model built with its other seeds (no calibration:
    their test figures give the spread over seeds)."""

    final: FinalModel
    trial: optuna.trial.FrozenTrial
    params: dict[str, Any]
    data: AnyDataset
    predictor: Predictor
    seeds: list[Predictor] = field(default_factory=list)


def read_tested(spec: StudySpec, study: optuna.Study, loaded: Loaded | None = None) -> Tested:
    """The study's tested model: the final model and predictor stored on it, else built now
    and stored. `loaded`: the study's data, if the caller has read it."""
    builder = PredictorBuilder(spec, study, loaded)
    predictor, _ = study_predictor(spec, study, builder=builder)
    final = builder.final
    first = final.seeds[0][0]
    trial = study.trials[final.settings.get("best_trial", first.trial)]
    data = builder.builder.data(first.trial, first.fold)
    seeds = [builder.seed_predictor(s) for s in range(1, len(final.seeds))]
    return Tested(final, trial, trial_params(spec, trial), data, predictor, seeds)


@dataclass
class Explained:
    """A model to explain and the data it was trained on: the final model the study tested
    (an ensemble's first member, with the others beside it, each with its own data: their
    mean is explained where it is one model's output), or one trial's model (`final` None)."""

    model: Any
    data: AnyDataset
    trial: int
    params: dict[str, Any]
    final: FinalModel | None = None
    others: list[tuple[Any, AnyDataset]] = field(default_factory=list)
    # every member's parameters, in order (an ensemble's differ)
    member_params: list[dict[str, Any]] = field(default_factory=list)


def read_explained(spec: StudySpec, study: optuna.Study, number: int | None = None,
                   loaded: Loaded | None = None) -> Explained:
    """Trial `number`'s model, or (None) the final model the report tested where one was
    built (evaluate/final.py), else the best trial's."""
    trial = best_trial(spec, study, number)
    if trial.state != optuna.trial.TrialState.COMPLETE:
        raise StudyError(spec.source, "--trial", f"trial {trial.number} is "
                         f"{trial.state.name.lower()}, not complete",
                         "explain a completed trial (default: best)")
    loaded = loaded if loaded is not None else load_data(spec.data_settings)
    final = stored_final(spec, study) if number is None else None
    if final is None:
        params = trial_params(spec, trial)
        return Explained(load_trial_model(spec, trial), frame(spec.data_settings, loaded, params),
                         trial.number, params, member_params=[params])
    members = [(m, trial_params(spec, study.trials[m.trial])) for m in final.seeds[0]]
    framed = [(load_member(spec, study, m), frame(spec.data_settings, loaded, p, m.fold))
              for m, p in members]
    (model, data), (first, params) = framed[0], members[0]
    return Explained(model, data, first.trial, params, final, framed[1:],
                     [p for _, p in members])
