"""Particle-swarm search on the normalised search vector.

Each trial is one particle at one iteration (the generation). Its velocity is stored on the
trial; the swarm's best up to an iteration is fixed once in the study. The update is the
inertia-weighted one of DEAP's PSO examples (DEAP ships no PSO operator of its own):

    v = inertia·v + cognitive·r1·(personal best − x) + social·r2·(swarm best − x),
    clamped to ±max_velocity;  x = x + v, reflected back into [0, 1].
"""

from __future__ import annotations

from typing import Any

import numpy as np
import optuna

from optuna.distributions import BaseDistribution

from lstm_tune.search.population import PopulationSampler, fitness_key


class PSOSampler(PopulationSampler):
    """A particle swarm over the search space, its state in the study's storage. Used on
    its own as any Optuna sampler: `optuna.create_study(sampler=PSOSampler(seed=0))`; the
    defaults are the study file's `pso:` defaults."""

    slot_name = "particle"

    def __init__(self, swarm_size: int = 8, inertia: float = 0.7, cognitive: float = 1.5,
                 social: float = 1.5, max_velocity: float = 0.3, seed: int = 0,
                 search_space: dict[str, BaseDistribution] | None = None) -> None:
        if not 0 < max_velocity <= 1:
            raise ValueError(f"max_velocity ({max_velocity}) must be in (0, 1]: positions "
                             "live in [0, 1]")
        super().__init__(swarm_size, seed, search_space)
        self.inertia, self.cognitive, self.social = inertia, cognitive, social
        self.max_velocity = max_velocity
        self.VELOCITY_KEY = self.key("velocity")

    def _history(self, study: optuna.Study, before: int) -> list[optuna.trial.FrozenTrial]:
        out = []
        for g in range(before):
            out.extend(self.members(study, g))
        return out

    def make_vector(self, study: optuna.Study, generation: int, slot: int,
                    rng: np.random.Generator, space: dict[str, BaseDistribution]
                    ) -> tuple[np.ndarray, dict[str, Any]]:
        d = len(space)
        if generation == 0:
            velocity = rng.uniform(-self.max_velocity, self.max_velocity, d)
            return self.random_vector(rng, space), {"velocity": velocity.tolist()}
        minimize = self.minimize(study)
        history = self._history(study, generation)
        mine = [t for t in history if t.system_attrs.get(self.SLOT_KEY) == slot]
        if not mine:  # this particle never finished a step: start it afresh
            velocity = rng.uniform(-self.max_velocity, self.max_velocity, d)
            return self.random_vector(rng, space), {"velocity": velocity.tolist()}
        last = max(mine, key=lambda t: self.generation_of(t) or 0)
        x = self.vector_of(last, space)
        v = np.asarray(last.system_attrs.get(self.VELOCITY_KEY, np.zeros(d)), dtype=float)
        if len(v) != d:  # the space changed under this particle: no momentum
            v = np.zeros(d)
        personal = min(mine, key=lambda t: fitness_key(t, minimize))

        def swarm_best() -> int:
            return min(history, key=lambda t: fitness_key(t, minimize)).number

        best_number = self.fixed_once(study, f"best_before:{generation}", swarm_best)
        swarm = self.by_number(study, [best_number])
        g = self.vector_of(swarm[0] if swarm else personal, space)
        r1, r2 = rng.random(d), rng.random(d)
        v = self.inertia * v + self.cognitive * r1 * (self.vector_of(personal, space) - x) \
            + self.social * r2 * (g - x)
        v = np.clip(v, -self.max_velocity, self.max_velocity)
        x = x + v
        low, high = x < 0.0, x > 1.0
        x[low], v[low] = -x[low], -v[low]
        x[high], v[high] = 2.0 - x[high], -v[high]
        return np.clip(x, 0.0, 1.0), {"velocity": v.tolist(), "from_trial": last.number}
