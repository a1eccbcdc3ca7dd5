"""Several validation folds: rolling origins for a series, stratified k-fold for labelled
samples; each fold's scalers and vocabulary see that fold's training part only."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from lstm_tune.data.framing import Datasets, frame, load_data
from lstm_tune.data.padded import make_sequence_dataset
from lstm_tune.data.sequences import load_sequences
from lstm_tune.data.settings import DataSettings
from lstm_tune.data.splits import REFIT, sequence_split
from lstm_tune.errors import StudyError

from tests.data.test_sequences import long_csv

AIRLINE = DataSettings(source="study.yaml", builtin="airline", target_as_input=True,
                       validation=12, test=24, folds=3)


def test_rolling_origins_move_the_validation_block_back_and_keep_the_test_points():
    table = load_data(AIRLINE)
    for fold in range(3):
        data = frame(AIRLINE, table, "none", fold)
        val_from = 108 - 12 * fold
        assert list(data.val.target_idx) == list(range(val_from, val_from + 12))
        assert data.train.target_idx.max() == val_from - 1  # an expanding window
        assert list(data.test.target_idx) == list(range(120, 144))


@pytest.mark.parametrize("fold", [0, 1, 2])
def test_a_folds_scalers_never_see_its_validation_part(fold):
    table = load_data(AIRLINE)
    data = frame(AIRLINE, table, "none", fold)
    val_from = int(data.val.target_idx.min())
    bumped = dataclasses.replace(table, target=np.where(np.arange(len(table)) >= val_from,
                                                        table.target * 100.0, table.target))
    again = frame(AIRLINE, bumped, "none", fold)
    np.testing.assert_array_equal(again.x_mean, data.x_mean)
    np.testing.assert_array_equal(again.y_mean, data.y_mean)
    np.testing.assert_array_equal(again.train.x, data.train.x)
    assert not np.array_equal(again.val.y, data.val.y)  # the bump did reach the validation


def test_datasets_are_built_per_fold():
    datasets = Datasets(AIRLINE, load_data(AIRLINE))
    assert datasets.get("none", 1) is datasets.get("none", 1)
    assert datasets.get("none", 1) is not datasets.get("none", 0)


def test_a_series_too_short_for_its_folds_names_the_folds():
    deep = dataclasses.replace(AIRLINE, folds=10)
    with pytest.raises(StudyError, match="each of 10 folds.*fewer split.folds"):
        frame(deep, load_data(deep), "none")


def test_stratified_folds_validate_every_sample_once():
    labels = np.array(["a"] * 30 + ["b"] * 10)
    plan = sequence_split(labels, np.full(40, ""), validation=0.25, test=0.25, seed=0, where="s",
                          folds=3)
    assert len(plan.folds) == 3
    rest = sorted(set(range(40)) - set(plan.test))
    assert sorted(np.concatenate([f.validation for f in plan.folds])) == rest
    for f in plan.folds:
        assert sorted(np.concatenate([f.train, f.validation])) == rest
        assert list(labels[f.validation]).count("b") in (2, 3)  # stratified


def test_too_few_members_of_a_class_for_the_folds_is_refused():
    labels = np.array(["a"] * 30 + ["b"] * 4)
    with pytest.raises(StudyError, match="split.folds.*'b' has 3 samples.*fewer split.folds"):
        sequence_split(labels, np.full(34, ""), validation=0.25, test=0.25, seed=0,
                       where="s", folds=5)


@pytest.mark.parametrize("fold", [0, 1, 2])
def test_sequence_scaling_sees_the_folds_training_sequences_only(tmp_path, fold):
    settings = dataclasses.replace(long_csv(tmp_path, n=30), folds=3)
    seqs = load_sequences(settings)
    data = make_sequence_dataset(settings, seqs, fold)
    train = set(data.train.target_idx.tolist())
    assert not train & set(data.val.target_idx.tolist())
    bumped = dataclasses.replace(seqs, values=tuple(
        v + (0 if i in train else 1e6) for i, v in enumerate(seqs.values)))
    again = make_sequence_dataset(settings, bumped, fold)
    np.testing.assert_allclose(again.x_mean, data.x_mean)
    np.testing.assert_allclose(again.x_std, data.x_std)


def test_a_folds_vocabulary_comes_from_its_training_texts():
    settings = DataSettings(source="t.yaml", task="classify", builtin="reviews",
                            validation=0.1, test=0.1, folds=3)
    loaded = load_data(settings)
    params = {"vocab_size": 1000, "max_length": 50}
    for fold in range(3):
        data = frame(settings, loaded, params, fold)
        texts = list(loaded.texts)
        i = int(data.val.target_idx[0])
        texts[i] += " zyzzyva"
        again = frame(settings, dataclasses.replace(loaded, texts=tuple(texts)), params, fold)
        assert "zyzzyva" not in again.vocabulary


def test_the_refit_fold_trains_on_everything_before_the_test_part():
    table = load_data(AIRLINE)
    data = frame(AIRLINE, table, "none", REFIT)
    assert data.train.target_idx.max() == 119  # validation targets (108-119) included
    assert list(data.test.target_idx) == list(range(120, 144))
    # its scalers never see the test part
    bumped = dataclasses.replace(table, target=np.where(np.arange(len(table)) >= 120,
                                                        table.target * 100.0, table.target))
    np.testing.assert_array_equal(frame(AIRLINE, bumped, "none", REFIT).x_mean, data.x_mean)
    plan = sequence_split(np.array(["a"] * 30 + ["b"] * 10), np.full(40, ""), 0.25, 0.25, 0, "s",
                          folds=3)
    train, _ = plan.parts(REFIT)
    assert sorted(train) == sorted(set(range(40)) - set(plan.test))
