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
    return GASampler(spec.ga, spec.seed, SearchSpace(spec.space, size).distributions)


def _pso(spec: StudySpec, seed: int, size: DataSize | None) -> optuna.samplers.BaseSampler:
    from lstm_tune.search.pso import PSOSampler

    return PSOSampler(spec.pso, spec.seed, SearchSpace(spec.space, size).distributions)


STRATEGIES: dict[str, SamplerFactory] = {"tpe": _tpe, "random": _random, "ga": _ga, "pso": _pso}


def make_sampler(spec: StudySpec, seed: int, size: DataSize | None = None
                 ) -> optuna.samplers.BaseSampler:
    """The study's sampler (the strategy name is checked by the study file's schema, and by
    `compare` for its --strategies list); `size` fits `auto` entries to the data."""
    return STRATEGIES[spec.strategy](spec, seed, size)


def make_pruner(spec: StudySpec) -> optuna.pruners.BasePruner:
    """Every pruner reads the validation metric after each epoch. Successive halving
    (asynchronous, as Optuna implements it) keeps the best third of the trials that reached
    5, 15, 45 ... epochs; the median pruner stops a trial below the median of the finished
    ones at the same epoch; Hyperband runs several successive-halving brackets.

    With several validation folds a trial's steps are its folds instead: the mean over the
    folds done is reported after each one, so a configuration worse than the others stops
    after its first fold rather than training all k."""
    if spec.split.folds > 1:
        return fold_pruner(spec)
    if spec.pruner == "successive_halving":
        return optuna.pruners.SuccessiveHalvingPruner(min_resource=5, reduction_factor=3)
    if spec.pruner == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=5)
    if spec.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(
            min_resource=1, max_resource=spec.training.max_epochs, reduction_factor=3
        )
    return optuna.pruners.NopPruner()


def fold_pruner(spec: StudySpec) -> optuna.pruners.BasePruner:
    """The study's pruner over fold steps 1..k: successive halving keeps the best third
    of the trials after 1, 3, 9 folds (the best one while fewer than 3 have got there)."""
    if spec.pruner == "successive_halving":
        return optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    if spec.pruner == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=0)
    if spec.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=spec.split.folds,
                                              reduction_factor=3)
    return optuna.pruners.NopPruner()


def evolution_warning(spec: StudySpec, trials: int | None = None) -> str | None:
    """GA and PSO learn only from a finished generation: a budget that ends inside the first
    one is random search under another name. Say so, and what budget would evolve."""
    size = {"ga": spec.ga.population_size, "pso": spec.pso.swarm_size}.get(spec.strategy)
    budget = trials if trials is not None else spec.budget.trials
    if size is None or budget is None or budget >= 2 * size:
        return None
    group = "population" if spec.strategy == "ga" else "swarm"
    evolved = max(0, budget - size)
    return (f"{spec.strategy.upper()} with a {group} of {size} and a budget of {budget} trials: "
            + ("every trial is in generation 0 (random search); " if evolved == 0 else
               f"only {evolved} trial(s) evolve beyond generation 0; ")
            + f"give at least {2 * size} trials (--trials {2 * size}) for one full evolved "
              f"generation, or a smaller {'population_size' if spec.strategy == 'ga' else 'swarm_size'}")
