"""Our GA and PSO samplers pass Optuna's own sampler conformance suite, built without a study
file: they follow Optuna's contract and serve any search space Optuna passes them."""

from __future__ import annotations

from typing import Callable

import pytest
from optuna.samplers import BaseSampler
from optuna.testing.pytest_samplers import BasicSamplerTestCase, RelativeSamplerTestCase

from lstm_tune.search.ga import GASampler
from lstm_tune.search.pso import PSOSampler
from lstm_tune.spec import GASpec, PSOSpec


class TestGAConformance(BasicSamplerTestCase, RelativeSamplerTestCase):
    @pytest.fixture
    def sampler(self) -> Callable[[], BaseSampler]:
        return lambda: GASampler(GASpec(population_size=4, elites=1), seed=0)


class TestPSOConformance(BasicSamplerTestCase, RelativeSamplerTestCase):
    @pytest.fixture
    def sampler(self) -> Callable[[], BaseSampler]:
        return lambda: PSOSampler(PSOSpec(swarm_size=4), seed=0)


def test_the_readme_example_evolves_a_plain_optuna_study():
    """The README's example: GASampler on a study with no study file."""
    import optuna

    study = optuna.create_study(sampler=GASampler(GASpec(population_size=10), seed=0))
    study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=60)
    generations = {t.system_attrs.get(GASampler.key("generation")) for t in study.trials}
    assert {0, 1, 2, 3} <= generations
    assert study.best_value < 0.05
