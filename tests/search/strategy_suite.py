"""The shared test suite every search strategy must pass (like Optuna's pytest_samplers).

A strategy's test class subclasses StrategySuite and sets `strategy`. The objective here is
cheap (no training) over the same mixed space as a real study: integers, log floats,
floats and categoricals.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import optuna
import pytest
import yaml
from optuna.trial import TrialState

from lstm_tune.search.params import Choice, FloatRange, IntRange
from lstm_tune.records.attrs import REASON_ATTR
from lstm_tune.search.space import SearchSpace
from lstm_tune.search.strategies import make_sampler
from lstm_tune.search.study import sampler_seed
from lstm_tune.spec import StudySpec, load_spec

MIXED_SPACE = {
    "layers": {"low": 1, "high": 3},
    "units": {"low": 4, "high": 128, "log": True},
    "learning_rate": {"low": 1.0e-5, "high": 1.0e-1, "log": True},
    "dropout": {"low": 0.0, "high": 0.5},
    "batch_size": [8, 16, 32, 64],
    "bidirectional": [False, True],
    "attention": [False, True],
    "transform": ["none", "log_diff", "log_seasonal_diff"],
}


def cheap_objective(p: dict[str, Any]) -> float:
    """A smooth-ish landscape over the mixed space; its minimum is 0."""
    return (
        (math.log10(p["learning_rate"]) + 2.5) ** 2
        + ((p["units_1"] - 40) / 24) ** 2
        + (0.5 * ((p["units_2"] - 20) / 24) ** 2 if p["layers"] >= 2 else 0.2)
        + 0.3 * (p["layers"] - 2) ** 2
        + 4 * (p["dropout"] - 0.1) ** 2
        + (0.0 if p["attention"] else 0.3)
        + (0.0 if p["transform"] == "log_seasonal_diff" else 0.5)
        + (0.0 if p["batch_size"] == 16 else 0.2)
        + (0.1 if p["bidirectional"] else 0.0)
    )


def make_spec(tmp_path, strategy: str, seed: int = 0, **extra: Any) -> StudySpec:
    path = tmp_path / f"{strategy}-{seed}.yaml"
    path.write_text(yaml.safe_dump({
        "name": f"{strategy}-{seed}", "data": {"builtin": "airline"}, "space": MIXED_SPACE,
        "strategy": strategy, "seed": seed, "budget": {"trials": 40},
        "ga": {"population_size": 6}, "pso": {"swarm_size": 6}, **extra,
    }))
    return load_spec(path)


def run(spec: StudySpec, n: int, storage: Any = None, study_name: str | None = None,
        objective: Any = None) -> optuna.Study:
    storage = storage or optuna.storages.InMemoryStorage()
    study = optuna.create_study(
        study_name=study_name or spec.name, storage=storage, load_if_exists=True,
        sampler=make_sampler(spec, sampler_seed(spec, 0)),
    )
    space = SearchSpace(spec.space)
    study.optimize(objective or (lambda t: cheap_objective(space.suggest(t))), n_trials=n)
    return study


def sequence(study: optuna.Study) -> list[dict[str, Any]]:
    return [t.params for t in study.trials]


class StrategySuite:
    strategy: str = ""
    resumes_exactly = False  # state in the storage: a restart changes nothing
    beats_random = False

    def test_params_respect_bounds_types_and_choices(self, tmp_path):
        spec = make_spec(tmp_path, self.strategy)
        study = run(spec, 30)
        space = SearchSpace(spec.space)
        assert len(study.trials) == 30
        for t in study.trials:
            assert t.state == TrialState.COMPLETE
            p = t.params  # what the sampler gave, before any conversion of ours
            assert {f"units_{i}" for i in range(1, p["layers"] + 1)} <= set(p)
            assert not {f"units_{i}" for i in range(p["layers"] + 1, 4)} & set(p)  # unused: not asked
            for name, d in space.defs.items():
                if name not in p:
                    continue
                v = p[name]
                if isinstance(d, IntRange):
                    assert type(v) is int and d.low <= v <= d.high, (name, v)
                elif isinstance(d, FloatRange):
                    assert isinstance(v, float) and d.low <= v <= d.high, (name, v)
                elif isinstance(d, Choice):
                    assert v in d.values and type(v) is type(d.values[0]), (name, v)

    def test_same_seed_gives_the_same_sequence(self, tmp_path):
        spec = make_spec(tmp_path, self.strategy, seed=5)
        assert sequence(run(spec, 20)) == sequence(run(spec, 20))
        other = make_spec(tmp_path, self.strategy, seed=6)
        assert sequence(run(other, 20)) != sequence(run(spec, 20))

    def test_resume_after_restart_continues_the_study(self, tmp_path):
        spec = make_spec(tmp_path, self.strategy)
        url = f"sqlite:///{tmp_path / 'resume.db'}"
        run(spec, 10, storage=url)
        resumed = run(spec, 10, storage=url)  # a new process: a new sampler, same storage
        assert [t.number for t in resumed.trials] == list(range(20))
        assert all(t.state == TrialState.COMPLETE for t in resumed.trials)
        if self.resumes_exactly:
            assert sequence(resumed) == sequence(run(spec, 20))

    def test_pruned_and_failed_trials_do_not_break_the_search(self, tmp_path):
        spec = make_spec(tmp_path, self.strategy)
        space = SearchSpace(spec.space)

        def objective(trial: optuna.Trial) -> float:
            value = cheap_objective(space.suggest(trial))
            if trial.number % 5 == 4:
                trial.report(value + 1.0, step=1)
                raise optuna.TrialPruned()
            if trial.number % 7 == 3:
                trial.set_user_attr(REASON_ATTR, "Diverged: loss became nan")  # as Objective does
                raise RuntimeError("loss became nan")
            return value

        study = optuna.create_study(sampler=make_sampler(spec, 0))
        study.optimize(objective, n_trials=30, catch=(RuntimeError,))
        states = [t.state for t in study.trials]
        assert states.count(TrialState.PRUNED) == 6 and states.count(TrialState.FAIL) == 3
        assert states.count(TrialState.COMPLETE) == 21
        assert np.isfinite(study.best_value)

    def test_beats_random_search_on_a_cheap_objective(self, tmp_path):
        if not self.beats_random:
            pytest.skip("only the evolutionary strategies promise this")
        budget = 48

        def median_best(strategy: str) -> float:
            return float(np.median([run(make_spec(tmp_path, strategy, seed=s), budget).best_value
                                    for s in range(10)]))

        mine, rand = median_best(self.strategy), median_best("random")
        assert mine < rand, (mine, rand)

    def test_text_parameters_are_searched(self, tmp_path):
        """A study of texts adds the embedding, vocabulary, length and word dropout to the
        space; every strategy suggests them within their declared ranges."""
        path = tmp_path / "texts.yaml"
        path.write_text(yaml.safe_dump({
            "name": "texts", "task": "classify", "data": {"builtin": "reviews"},
            "space": {"layers": 1, "units": [8, 16], "max_length": {"low": 5, "high": 40},
                      "word_dropout": {"low": 0.0, "high": 0.5}},
            "strategy": self.strategy, "ga": {"population_size": 4}, "pso": {"swarm_size": 4},
        }))
        spec = load_spec(path)
        space = SearchSpace(spec.space)
        study = run(spec, 12, objective=lambda t: sum(
            float(v) for k, v in space.suggest(t).items()
            if k in ("embedding_dim", "max_length", "word_dropout")))
        seen = {k: {t.params[k] for t in study.trials}
                for k in ("embedding_dim", "vocab_size", "max_length", "word_dropout")}
        assert all(16 <= v <= 128 for v in seen["embedding_dim"])  # the default range
        assert seen["vocab_size"] <= {5000, 20000}
        assert all(5 <= v <= 40 for v in seen["max_length"]) and len(seen["max_length"]) > 3
        assert all(0.0 <= v <= 0.5 for v in seen["word_dropout"])
