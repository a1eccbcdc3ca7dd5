"""The search space: one fixed set of parameters, bounds and types respected."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import optuna
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

from lstm_tune.search.params import FromData
from lstm_tune.search.space import DataSize, SearchSpace, from_vector, to_vector
from lstm_tune.spec import load_spec

from tests.conftest import tiny_study


def test_space_expands_units_per_layer_and_keeps_fixed_values(write_study):
    spec = load_spec(write_study(tiny_study()))
    space = SearchSpace(spec.space)
    assert set(space.distributions) == {"layers", "units_1", "units_2", "learning_rate",
                                        "batch_size", "attention", "transform"}
    assert space.fixed == {"dropout": 0.0, "bidirectional": False, "base": "none"}
    # `pool: auto` and `conv: auto` are fitted to the data


def test_a_space_without_transforms_tries_those_the_data_allows(write_study, tmp_path):
    """`transform: auto` (the default): the level, its change and its change over a season,
    on logs for a positive series; no seasonal change where a path outruns a season or the
    series has none (steps counted by numbers, unless the study file gives one)."""
    import pandas as pd

    from lstm_tune.data.framing import candidate_transforms, load_data

    space = {k: v for k, v in tiny_study()["space"].items() if k != "transform"}
    cases = [(tiny_study(space=space), ("none", "log_diff", "log_seasonal_diff")),
             (tiny_study(space=space, horizon=13, split={"validation": 13, "test": 24}),
              ("none", "log_diff"))]
    n = 100
    pd.DataFrame({"t": range(n), "y": np.sin(np.arange(n) / 3.0)}).to_csv(
        tmp_path / "signed.csv", index=False)
    signed = tiny_study(space=space, data={"csv": "signed.csv", "target": "y", "time": "t"},
                        split={"validation": 8, "test": 8})
    cases += [(signed, ("none", "diff")),
              ({**signed, "season": 6}, ("none", "diff", "seasonal_diff"))]
    for i, (study, expected) in enumerate(cases):
        spec = load_spec(write_study(study, f"s{i}.yaml"))
        assert spec.space.transform == FromData()
        found = candidate_transforms(spec.data_settings, load_data(spec.data_settings))
        assert found == expected, i
        auto = SearchSpace(spec.space, DataSize(100, 12, found))
        assert auto.distributions["transform"].choices == expected


def test_suggestions_respect_bounds_types_and_choices(write_study):
    spec = load_spec(write_study(tiny_study()))
    space = SearchSpace(spec.space)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(40):
        trial = study.ask()
        p = space.suggest(trial)
        study.tell(trial, 0.0)
        assert isinstance(p["layers"], int) and 1 <= p["layers"] <= 2
        assert p["units_1"] in (4, 8) and p.get("units_2", 4) in (4, 8)
        assert ("units_2" in p) == (p["layers"] == 2)  # units of absent layers are not asked
        assert 1e-3 <= p["learning_rate"] <= 2e-2
        assert p["batch_size"] in (16, 32)
        assert p["attention"] in (False, True) and p["bidirectional"] is False
        assert p["transform"] in ("none", "log_seasonal_diff")


@pytest.mark.parametrize("distribution", [
    IntDistribution(1, 3), IntDistribution(3, 9, step=2), IntDistribution(0, 1),
    FloatDistribution(-1.0, 1.0, step=0.5), CategoricalDistribution(["a", "b", "c", "d"]),
])
def test_every_discrete_value_gets_an_equal_share_of_the_unit_interval(distribution):
    """GA and PSO draw points in [0, 1]; with rounding, the two ends of `layers 1..3` got a
    quarter each and the middle a half. Equal-width buckets give each value the same share."""
    grid = np.linspace(0.0, 1.0, 12001)[:-1] + 0.5 / 12000
    counts = Counter(from_vector({"x": distribution}, np.array([u]))["x"] for u in grid)
    shares = np.array(list(counts.values())) / len(grid)
    np.testing.assert_allclose(shares, 1.0 / len(counts), atol=1e-3)
    for value in counts:  # and each value maps back into its own bucket
        assert from_vector({"x": distribution}, to_vector({"x": distribution}, {"x": value}))[
            "x"] == value


def test_values_come_back_with_the_distributions_types():
    space = {"i": IntDistribution(1, 100, log=True), "f": FloatDistribution(1e-5, 1.0, log=True),
             "s": FloatDistribution(-10.2, 10.2, step=0.1), "c": CategoricalDistribution([1, 10])}
    for u in np.linspace(0, 1, 23):
        p = from_vector(space, np.full(4, u))
        assert type(p["i"]) is int and 1 <= p["i"] <= 100
        assert type(p["f"]) is float and 1e-5 <= p["f"] <= 1.0
        assert type(p["s"]) is float and -10.2 <= p["s"] <= 10.2
        assert p["c"] in (1, 10)


def test_auto_batch_sizes_fit_the_number_of_training_samples(write_study):
    """`batch_size: auto` (the default) becomes powers of two giving 12-64 batches an
    epoch, fitted when the data is known; before that it is no parameter at all."""
    from lstm_tune.search.space import auto_batch_sizes

    assert auto_batch_sizes(DataSize(2039)) == (32, 64, 128)  # 16-64 batches
    assert auto_batch_sizes(DataSize(108, 12)) == (8, 16)  # airline: the smallest sizes
    assert auto_batch_sizes(DataSize(10**6)) == (256, 512)
    for n in (50, 600, 2039, 9000):
        sizes = auto_batch_sizes(DataSize(n))
        assert len(sizes) >= 2 and all(b & (b - 1) == 0 for b in sizes)
    spec = load_spec(write_study({**tiny_study(), "space": {"batch_size": "auto"}}))
    assert spec.model_dump(mode="json")["space"]["batch_size"] == "auto"
    assert "batch_size" not in SearchSpace(spec.space).distributions
    fitted = SearchSpace(spec.space, DataSize(2039)).distributions["batch_size"]
    assert isinstance(fitted, CategoricalDistribution) and fitted.choices == (32, 64, 128)
    assert load_spec(write_study({**tiny_study(), "space": {}})).space.batch_size == \
        spec.space.batch_size  # the default


def test_auto_batch_sizes_keep_an_epochs_step_loop_short():
    """Long samples drop the small batch sizes: at most 2,000 sequential LSTM steps an
    epoch (batches x steps), since the step loop, not arithmetic, sets an epoch's time."""
    from lstm_tune.search.space import MAX_EPOCH_STEPS, auto_batch_sizes

    weekly = DataSize(2039, 52)
    assert auto_batch_sizes(weekly) == (64, 128)  # batches of 32: 64 x 52 = 3,328 steps
    assert all(math.ceil(2039 / b) * 52 <= MAX_EPOCH_STEPS for b in auto_batch_sizes(weekly))
    assert auto_batch_sizes(DataSize(2600, 13)) == (64, 128)  # short texts: by fit alone
    assert auto_batch_sizes(DataSize(50, 150)) == (8, 16)  # GunPoint: few long sequences
    # OSULeaf's 170 sequences of 427 steps: 21 or 11 batches an epoch, the nearest to 12
    # (it was 256 and 512: one batch of all 170, one update an epoch)
    assert auto_batch_sizes(DataSize(170, 427)) == (8, 16)



def test_auto_pools_and_convs_fit_long_classified_sequences(write_study):
    """`pool: auto` (the default): GunPoint's 150 steps are pooled to 50 and 25 steps; short
    sequences, forecasts, padded sequences and texts are never pooled. `conv: auto`:
    LSTM-FCN's branch is searched for classified sequences only."""
    import pandas as pd

    from lstm_tune.data.framing import load_data
    from lstm_tune.search.objective import Objective
    from lstm_tune.search.space import auto_pools

    assert auto_pools(150, pooled=True, padded=False) == (3, 6)
    assert auto_pools(1000, pooled=True, padded=False) == (20, 40)
    assert auto_pools(64, pooled=True, padded=False) == (1,)
    assert auto_pools(500, pooled=False, padded=False) == (1,)
    assert auto_pools(500, pooled=True, padded=True) == (1,)
    long_texts = [" ".join(["good" if i % 2 else "bad"] + ["word"] * 80) for i in range(40)]
    pd.DataFrame({"text": long_texts, "label": ["pos", "neg"] * 20}).to_csv(
        write_study({}, "x.yaml").parent / "texts.csv", index=False)
    fcn = ("none", "fcn")  # `conv: auto`: LSTM-FCN searched for classified sequences
    cases = [({"csv": "texts.csv", "text": "text", "target": "label"}, "classify", (1,),
              ("none",)),  # 81 words a text: texts are padded, never pooled
             ({"builtin": "gunpoint"}, "classify", (3, 6), fcn),
             ({"builtin": "japanese_vowels"}, "classify", (1,), fcn),
             ({"builtin": "synthetic_class"}, "classify", (1,), ("none",)),
             ({"builtin": "airline"}, "forecast", (1,), ("none",))]
    for i, (data, task, pools, convs) in enumerate(cases):
        study = {"name": f"s{i}", "data": data, "task": task, "seed": 1}
        spec = load_spec(write_study(study, f"s{i}.yaml"))
        assert spec.space.pool == FromData() and spec.space.conv == FromData()
        size = Objective(spec, load_data(spec.data_settings), None).data_size
        assert size.pools == pools and size.convs == convs, data
        space = SearchSpace(spec.space, size)
        if len(pools) > 1:
            assert space.distributions["pool"].choices == pools
        else:
            assert space.fixed["pool"] == pools[0]
        if data == {"builtin": "gunpoint"}:  # the LSTM reads 150 steps pooled by 3 at least
            assert size.steps == 50
    # a pooling given in the study file, likewise
    spec = load_spec(write_study({"name": "p", "data": {"builtin": "gunpoint"},
                                  "task": "classify", "space": {"pool": [6, 10]}}, "p.yaml"))
    assert Objective(spec, load_data(spec.data_settings), None).data_size.steps == 25


def test_auto_training_counts_updates_so_few_sequences_train_long_enough(write_study):
    """`training: auto` (the default): GunPoint's 40 training sequences in batches of 8 (5
    updates an epoch) train up to 150 epochs with a patience of 30, and successive halving
    judges them first after 30 epochs; 2,039 windows keep 60 and 8; numbers given stay."""
    from lstm_tune.search.pruners import first_rung_updates
    from lstm_tune.search.space import training_length

    spec = load_spec(write_study({"name": "g", "task": "classify",
                                  "data": {"builtin": "gunpoint"}}, "g.yaml"))
    assert spec.training.max_epochs == "auto" and spec.training.patience == "auto"
    gunpoint = DataSize(40, 150)  # batch sizes auto: (8, 16)
    assert training_length(spec.training, spec.space, gunpoint) == (150, 30)
    assert first_rung_updates(spec, gunpoint) == 30 * 5
    assert training_length(spec.training, spec.space, DataSize(2039, 52)) == (60, 8)
    given = load_spec(write_study({"name": "g", "task": "classify", "data": {
        "builtin": "gunpoint"}, "training": {"max_epochs": 20, "patience": 4}}, "h.yaml"))
    assert training_length(given.training, given.space, gunpoint) == (20, 4)
    assert first_rung_updates(given, gunpoint) == 5 * 5
