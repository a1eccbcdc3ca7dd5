"""Genetic-algorithm search: DEAP's tournament selection, simulated binary crossover and
polynomial mutation, with elitism, on the normalised search vector.

Generation g's parents and elites are chosen once from generation g-1 (its finished trials
plus the elites it carried) and stored in the study; each trial of generation g is one
child: slot k crosses parents 2*(k//2) and 2*(k//2)+1 and takes the k%2-th offspring.
Elites are carried to the next pool without being trained again.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import optuna
from deap import base, tools

from optuna.distributions import BaseDistribution

from lstm_tune.search.population import PopulationSampler, fitness_key, seeded_random


class _Fitness(base.Fitness):
    weights = (-1.0, -1.0)  # fitness_key: lower is better on both parts


class _Individual(list):
    def __init__(self, vector: np.ndarray, number: int, key: tuple[int, float]) -> None:
        super().__init__(float(v) for v in vector)
        self.number = number
        self.fitness = _Fitness(key)


class GASampler(PopulationSampler):
    """A genetic algorithm over the search space, its state in the study's storage. Used
    on its own as any Optuna sampler: `optuna.create_study(sampler=GASampler(seed=0))`;
    the defaults (the study file's `ga:` defaults) suit budgets of 20-200 trials."""

    slot_name = "child"

    def __init__(self, population_size: int = 8, crossover_prob: float = 0.9,
                 mutation_prob: float = 1.0, tournament_size: int = 3, elites: int = 2,
                 eta: float = 10.0, seed: int = 0,
                 search_space: dict[str, BaseDistribution] | None = None) -> None:
        if not 0 <= elites < population_size:
            raise ValueError(f"elites ({elites}) must be at least 0 and smaller than "
                             f"population_size ({population_size})")
        super().__init__(population_size, seed, search_space)
        self.crossover_prob, self.mutation_prob = crossover_prob, mutation_prob
        self.tournament_size, self.elites, self.eta = tournament_size, elites, eta

    def _pool(self, study: optuna.Study, generation: int, space: dict[str, BaseDistribution]
              ) -> list[_Individual]:
        """Generation g-1's finished trials plus the elites it carried."""
        trials = {t.number: t for t in self.members(study, generation - 1)}
        if generation >= 2:
            plan = self._plan(study, generation - 1, space)
            for t in self.by_number(study, plan["elites"]):
                trials.setdefault(t.number, t)
        minimize = self.minimize(study)
        return [_Individual(self.vector_of(t, space), t.number, fitness_key(t, minimize))
                for t in sorted(trials.values(), key=lambda t: t.number)]

    def _plan(self, study: optuna.Study, generation: int, space: dict[str, BaseDistribution]
              ) -> dict[str, list[int]]:
        def choose() -> dict[str, list[int]]:
            pool = self._pool(study, generation, space)
            if len(pool) < 2:
                return {"parents": [], "elites": [ind.number for ind in pool]}
            with seeded_random(self.seed * 7919 + generation):
                elites = tools.selBest(pool, k=min(self.elites, len(pool)))
                parents = tools.selTournament(pool, k=self.size,
                                              tournsize=min(self.tournament_size, len(pool)))
            return {"parents": [p.number for p in parents], "elites": [e.number for e in elites]}

        return self.fixed_once(study, f"plan:{generation}", choose)

    def make_vector(self, study: optuna.Study, generation: int, slot: int,
                    rng: np.random.Generator, space: dict[str, BaseDistribution]
                    ) -> tuple[np.ndarray, dict[str, Any]]:
        if generation == 0:
            return self.random_vector(rng, space), {}
        numbers = self._plan(study, generation, space)["parents"]
        parents = self.by_number(study, numbers)
        if len(parents) < 2:
            return self.random_vector(rng, space), {"note": "too few finished parents: random"}
        pair = 2 * (slot // 2)
        a, b = parents[pair % len(parents)], parents[(pair + 1) % len(parents)]
        c1, c2 = list(self.vector_of(a, space)), list(self.vector_of(b, space))
        with seeded_random(int(rng.integers(2**31))):
            if random.random() < self.crossover_prob:
                tools.cxSimulatedBinaryBounded(c1, c2, eta=self.eta, low=0.0, up=1.0)
            child = c1 if slot % 2 == 0 else c2
            if random.random() < self.mutation_prob:
                tools.mutPolynomialBounded(child, eta=self.eta, low=0.0, up=1.0,
                                           indpb=max(1.0 / len(child), 0.2))
        return np.asarray(child), {"parents": [a.number, b.number]}
