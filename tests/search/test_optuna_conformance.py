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
        return lambda: GASampler(population_size=4, elites=1, seed=0)


class TestPSOConformance(BasicSamplerTestCase, RelativeSamplerTestCase):
    @pytest.fixture
    def sampler(self) -> Callable[[], BaseSampler]:
        return lambda: PSOSampler(swarm_size=4, seed=0)


def test_the_readme_example_evolves_a_plain_optuna_study():
    """The README's example: GASampler on a study with no study file."""
    import optuna

    study = optuna.create_study(sampler=GASampler(population_size=10, seed=0))
    study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 1) ** 2, n_trials=60)
    generations = {t.system_attrs.get(GASampler.key("generation")) for t in study.trials}
    assert {0, 1, 2, 3} <= generations
    assert study.best_value < 0.05


@pytest.mark.parametrize("sampler, settings", [(GASampler, GASpec), (PSOSampler, PSOSpec)])
def test_samplers_take_keyword_arguments_defaulting_to_the_study_files(sampler, settings):
    """As Optuna's samplers do: plain keyword arguments, each one the study file's setting
    of that name with the same default, so a sampler made from a study file and one made
    by hand with no arguments search alike."""
    import inspect

    params = inspect.signature(sampler).parameters
    defaults = settings()
    assert {n: p.default for n, p in params.items() if n in type(defaults).model_fields} == \
        defaults.model_dump()
    assert set(type(defaults).model_fields) <= set(params)


def test_a_bad_sampler_setting_is_refused_where_it_is_given():
    with pytest.raises(ValueError, match="elites"):
        GASampler(population_size=4, elites=4)
    with pytest.raises(ValueError, match="max_velocity"):
        PSOSampler(max_velocity=0)
