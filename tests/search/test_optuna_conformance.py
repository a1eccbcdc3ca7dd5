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
