"""Search strategies are Optuna samplers (docs/architecture.md, decision 2): a name ->
sampler factory.

A new strategy is one module plus one line in STRATEGIES; the study loop never changes.
"""

from __future__ import annotations

from typing import Callable

import optuna

from lstm_tune.search.space import DataSize, SearchSpace
from lstm_tune.spec import StudySpec

SamplerFactory = Callable[[StudySpec, int, "DataSize | None"], optuna.samplers.BaseSampler]


def _tpe(spec: StudySpec, seed: int, size: DataSize | None) -> optuna.samplers.BaseSampler:
    return optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(10, max(3, (spec.budget.trials or 30) // 3)))


def _random(spec: StudySpec, seed: int, size: DataSize | None) -> optuna.samplers.BaseSampler:
    return optuna.samplers.RandomSampler(seed=seed)


def _ga(spec: StudySpec, seed: int, size: DataSize | None) -> optuna.samplers.BaseSampler:
    from lstm_tune.search.ga import GASampler

    # state lives in the storage: the study seed, not the per-worker one, keeps it reproducible
    return GASampler(**spec.ga.model_dump(), seed=spec.seed,
                     search_space=SearchSpace(spec.space, size).distributions)


def _pso(spec: StudySpec, seed: int, size: DataSize | None) -> optuna.samplers.BaseSampler:
    from lstm_tune.search.pso import PSOSampler

    return PSOSampler(**spec.pso.model_dump(), seed=spec.seed,
                      search_space=SearchSpace(spec.space, size).distributions)


STRATEGIES: dict[str, SamplerFactory] = {"tpe": _tpe, "random": _random, "ga": _ga, "pso": _pso}


def make_sampler(spec: StudySpec, seed: int, size: DataSize | None = None
                 ) -> optuna.samplers.BaseSampler:
    """The study's sampler (the strategy name is checked by the study file's schema, and by
    `compare` for its --strategies list); `size` fits `auto` entries to the data."""
    return STRATEGIES[spec.strategy](spec, seed, size)
