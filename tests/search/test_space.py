"""The search space: one fixed set of parameters, bounds and types respected."""

from __future__ import annotations

import optuna

from lstm_tune.search.space import SearchSpace
from lstm_tune.spec import load_spec

from tests.conftest import tiny_study


def test_space_expands_units_per_layer_and_keeps_fixed_values(write_study):
    spec = load_spec(write_study(tiny_study()))
    space = SearchSpace(spec.space)
    assert set(space.distributions) == {"layers", "units_1", "units_2", "learning_rate",
                                        "batch_size", "attention", "transform"}
    assert space.fixed == {"dropout": 0.0, "bidirectional": False}


def test_suggestions_respect_bounds_types_and_choices(write_study):
    spec = load_spec(write_study(tiny_study()))
    space = SearchSpace(spec.space)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(40):
        trial = study.ask()
        p = space.suggest(trial)
        study.tell(trial, 0.0)
        assert isinstance(p["layers"], int) and 1 <= p["layers"] <= 2
        assert p["units_1"] in (4, 8) and p["units_2"] in (4, 8)
        assert 1e-3 <= p["learning_rate"] <= 2e-2
        assert p["batch_size"] in (16, 32)
        assert p["attention"] in (False, True) and p["bidirectional"] is False
        assert p["transform"] in ("none", "log_seasonal_diff")
