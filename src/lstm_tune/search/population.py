"""What the GA and PSO samplers share: generations and slots kept in the storage.

No population lives in memory (docs/architecture.md, decision 2). Each trial gets a
generation and a slot (child index or particle id) as trial system attributes; a generation
holds `size` slots;
a slot is taken by a finished or running trial, so a trial whose process died (failed by the
heartbeat, with no recorded reason) frees its slot and the next trial re-runs it. Whatever a
generation is built from (parents, global best) is computed once and stored as a study
system attribute, so late trials, restarts and other workers all see the same choice.
Keys are namespaced by class name, like Optuna's own GA samplers (`key()` spells them).

The samplers follow Optuna's sampler contract: they evolve whatever search space Optuna
passes to `sample_relative` (the declared space of a study file when given one, else the
intersection of the finished trials' spaces, as Optuna's own samplers infer it), so they
work for any parameters, with or without lstm_tune's study file.
"""

from __future__ import annotations

import abc
import random
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

import numpy as np
import optuna
from optuna.distributions import BaseDistribution
from optuna.samplers import BaseSampler, RandomSampler
from optuna.study import StudyDirection
from optuna.trial import FrozenTrial, TrialState

from optuna.search_space import IntersectionSearchSpace

from lstm_tune.search.budget import is_finished
from lstm_tune.search.space import from_vector, to_vector


def fitness_key(t: FrozenTrial, minimize: bool) -> tuple[int, float]:
    """Lower is better. Completed trials by value, then pruned trials by their last reported
    value, then failed trials: a defined fitness for every finished trial."""
    sign = 1.0 if minimize else -1.0
    if t.state == TrialState.COMPLETE and t.value is not None:
        return (0, sign * t.value)
    if t.state == TrialState.PRUNED and t.intermediate_values:
        last = t.intermediate_values[max(t.intermediate_values)]
        if np.isfinite(last):
            return (1, sign * last)
    return (2, 0.0)


@contextmanager
def seeded_random(seed: int) -> Iterator[None]:
    """DEAP's operators draw from the `random` module: seed it for one call, then restore it."""
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


class PopulationSampler(BaseSampler, abc.ABC):
    """A sampler whose trials belong to numbered generations of `size` slots each."""

    slot_name = "slot"  # what a slot is called in the trial's attributes

    def __init__(self, size: int, seed: int,
                 search_space: dict[str, BaseDistribution] | None = None) -> None:
        if size < 2:
            raise ValueError(f"`size` must be greater than or equal to 2, got {size}.")
        self.declared = dict(search_space) if search_space is not None else None
        self.size = size
        self.seed = seed
        self._fallback = RandomSampler(seed=seed)
        self._intersection = IntersectionSearchSpace(include_pruned=True)
        self.GEN_KEY = self.key("generation")
        self.SLOT_KEY = self.key(self.slot_name)
        self.VECTOR_KEY = self.key("vector")

    @classmethod
    def key(cls, name: str) -> str:
        """The storage key of one piece of this sampler's state (trial or study attribute)."""
        return f"{cls.__name__}:{name}"

    # --- Optuna's sampler interface ------------------------------------------------------

    def infer_relative_search_space(self, study: optuna.Study, trial: FrozenTrial
                                    ) -> dict[str, BaseDistribution]:
        """The declared space, or what every finished trial so far has used."""
        if self.declared is not None:
            return dict(self.declared)
        space = self._intersection.calculate(study)
        return {n: d for n, d in sorted(space.items()) if not d.single()}

    def sample_relative(self, study: optuna.Study, trial: FrozenTrial,
                        search_space: dict[str, BaseDistribution]) -> dict[str, Any]:
        if not search_space:
            return {}
        generation, slot = self._assign(study, trial)
        vector, attrs = self.make_vector(study, generation, slot, self.rng(generation, slot),
                                         search_space)
        vector = np.clip(vector, 0.0, 1.0)
        storage = study._storage
        storage.set_trial_system_attr(trial._trial_id, self.VECTOR_KEY, [float(v) for v in vector])
        for key, value in attrs.items():
            storage.set_trial_system_attr(trial._trial_id, self.key(key), value)
        return from_vector(search_space, vector)

    def sample_independent(self, study: optuna.Study, trial: FrozenTrial, param_name: str,
                           param_distribution: BaseDistribution) -> Any:
        return self._fallback.sample_independent(study, trial, param_name, param_distribution)

    # --- what subclasses provide ---------------------------------------------------------

    @abc.abstractmethod
    def make_vector(self, study: optuna.Study, generation: int, slot: int,
                    rng: np.random.Generator, space: dict[str, BaseDistribution]
                    ) -> tuple[np.ndarray, dict[str, Any]]:
        """The point in [0, 1]^len(space) to evaluate in this slot, and extra attributes to
        store on the trial."""

    # --- shared machinery ----------------------------------------------------------------

    def rng(self, generation: int, slot: int) -> np.random.Generator:
        """The same random numbers for the same slot, in any process, on any run."""
        return np.random.default_rng([self.seed, generation, slot])

    def minimize(self, study: optuna.Study) -> bool:
        return study.direction == StudyDirection.MINIMIZE

    def generation_of(self, t: FrozenTrial) -> int | None:
        return t.system_attrs.get(self.GEN_KEY)

    def members(self, study: optuna.Study, generation: int) -> list[FrozenTrial]:
        """The finished trials of a generation."""
        return [t for t in study.get_trials(deepcopy=False)
                if self.generation_of(t) == generation and is_finished(t)]

    def _assign(self, study: optuna.Study, trial: FrozenTrial) -> tuple[int, int]:
        """The latest generation with a free slot, and the lowest free slot in it.

        Safe with many workers: trials that started before this one (smaller numbers) but
        have not stored their slot yet are given theirs first, in number order, exactly as
        they will compute it themselves: each from the trials before it only, so two trials
        never take the same slot. Trials that started after a trial are not looked at for
        it: they left it its slot (had they been counted, a later trial already in the next
        generation would move it there too, leaving a hole and doubling a slot).
        """
        known: list[tuple[int, int, int]] = []  # (number, generation, slot) before this one
        waiting = []
        for t in study.get_trials(deepcopy=False):
            if t.number >= trial.number or not (is_finished(t) or t.state == TrialState.RUNNING):
                continue
            g = self.generation_of(t)
            if g is not None:
                known.append((t.number, g, t.system_attrs.get(self.SLOT_KEY, -1)))
            elif t.state == TrialState.RUNNING:
                waiting.append(t.number)
        for number in sorted(waiting):  # as that trial will see it: the ones before it
            known.append((number, *self._take(self._taken(known, number))))
        generation, slot = self._take(self._taken(known, trial.number))
        storage = study._storage
        # the slot first: a trial with a generation always shows its slot to other workers
        storage.set_trial_system_attr(trial._trial_id, self.SLOT_KEY, slot)
        storage.set_trial_system_attr(trial._trial_id, self.GEN_KEY, generation)
        return generation, slot

    @staticmethod
    def _taken(known: list[tuple[int, int, int]], before: int) -> dict[int, set[int]]:
        """Slots taken in each generation by the trials numbered below `before`."""
        taken: dict[int, set[int]] = {}
        for number, generation, slot in known:
            if number < before:
                taken.setdefault(generation, set()).add(slot)
        return taken

    def _take(self, taken: dict[int, set[int]]) -> tuple[int, int]:
        generation = max(taken) if taken else 0
        while len(taken.get(generation, ())) >= self.size:
            generation += 1
        used = taken.setdefault(generation, set())
        slot = next(s for s in range(self.size + len(used) + 1) if s not in used)
        used.add(slot)
        return generation, slot

    def fixed_once(self, study: optuna.Study, name: str, compute: Callable[[], Any]) -> Any:
        """A value computed by the first trial that needs it, then read by every other."""
        key = f"{type(self).__name__}:{name}"
        attrs = study._storage.get_study_system_attrs(study._study_id)
        if key in attrs:
            return attrs[key]
        value = compute()
        study._storage.set_study_system_attr(study._study_id, key, value)
        # two workers may compute at once: both then use what the storage kept
        return study._storage.get_study_system_attrs(study._study_id).get(key, value)

    def vector_of(self, t: FrozenTrial, space: dict[str, BaseDistribution]) -> np.ndarray:
        """A trial's point: the stored one (it keeps unused genes and continuous positions)
        when it has this space's length, else its params mapped into this space."""
        stored = t.system_attrs.get(self.VECTOR_KEY)
        if stored is not None and len(stored) == len(space):
            return np.asarray(stored, dtype=float)
        return to_vector(space, t.params)

    @staticmethod
    def random_vector(rng: np.random.Generator, space: dict[str, BaseDistribution]) -> np.ndarray:
        return rng.random(len(space))

    def by_number(self, study: optuna.Study, numbers: Sequence[int]) -> list[FrozenTrial]:
        trials = {t.number: t for t in study.get_trials(deepcopy=False)}
        return [trials[n] for n in numbers if n in trials]
