"""Independent sequences: read from a long CSV, split by sequence, scaled on training
sequences only, padded with zeros that the model can tell from data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_tune.data.padded import NUDGE, make_sequence_dataset, pad
from lstm_tune.data.sequences import load_sequences
from lstm_tune.data.settings import DataSettings
from lstm_tune.data.splits import sequence_split, stratified_holdout


def long_csv(tmp_path, n=20, seed=0, shuffle=True):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        for t in range(3 + i % 4):  # lengths 3..6
            rows.append({"id": f"s{i}", "t": t, "a": 100.0 * i + t, "b": rng.normal(),
                         "label": ["x", "y", "z"][i % 3]})
    frame = pd.DataFrame(rows)
    if shuffle:  # rows in any order: steps are ordered by the time column
        frame = frame.sample(frac=1.0, random_state=1)
    frame.to_csv(tmp_path / "seq.csv", index=False)
    return DataSettings(source="study.yaml", base_dir=str(tmp_path), task="classify",
                        csv="seq.csv", target="label", sequence="id", time="t",
                        validation=0.2, test=0.25)


def test_long_csv_becomes_ordered_sequences(tmp_path):
    seqs = load_sequences(long_csv(tmp_path))
    assert len(seqs) == 20 and seqs.channel_names == ("a", "b")  # features: the other columns
    i = seqs.ids.index("s5")
    np.testing.assert_array_equal(seqs.values[i][:, 0], [500.0, 501.0, 502.0, 503.0])
    assert seqs.labels[i] == "z" and not seqs.has_published_split


def test_split_is_by_sequence_and_stratified():
    labels = np.array(["a"] * 30 + ["b"] * 10)
    plan = sequence_split(labels, np.full(40, ""), validation=0.25, test=0.25, seed=0, where="s")
    parts = [plan.train, plan.validation, plan.test]
    assert sum(len(p) for p in parts) == 40
    assert not (set(plan.train) & set(plan.validation) or set(plan.train) & set(plan.test)
                or set(plan.validation) & set(plan.test))
    assert len(plan.test) == 10 and list(labels[plan.test]).count("b") in (2, 3)
    assert set(labels[plan.train]) == {"a", "b"}


@pytest.mark.parametrize("n, published, validation, test", [
    (10000, 0, 1200, 2000),  # a large corpus: 20%, and 15% of what is left, not 24 and 12
    (100, 0, 12, 24),  # a small one: never fewer than a series' default
    (320, 50, 40, 50),  # a published test part (270 to train and validate): 15% of 270
    (62, 12, 12, 12),  # GunPoint-like: 50 to train and validate keep 12 to validate
])
def test_labelled_samples_default_to_shares_of_the_data(n, published, validation, test):
    labels = np.array(["a", "b"] * (n // 2))
    part = np.array([""] * n if not published else ["train"] * (n - published) + ["test"] * published)
    plan = sequence_split(labels, part, None, None, seed=0, where="s")
    assert (len(plan.validation), len(plan.test)) == (validation, test)


def test_stratified_holdout_keeps_a_member_of_every_class():
    labels = np.array(["a"] * 10 + ["rare"])
    kept, held = stratified_holdout(labels, np.arange(11), 5, seed=0)
    assert "rare" in labels[kept] and len(held) <= 5


def test_published_split_is_kept():
    part = np.array(["train"] * 6 + ["test"] * 4)
    labels = np.array(["a", "b"] * 5)
    plan = sequence_split(labels, part, validation=2, test=99, seed=0, where="s")
    assert list(plan.test) == [6, 7, 8, 9] and plan.published
    assert len(plan.validation) == 2 and set(plan.train) | set(plan.validation) == set(range(6))


def test_scaling_sees_training_sequences_only(tmp_path):
    settings = long_csv(tmp_path)
    seqs = load_sequences(settings)
    data = make_sequence_dataset(settings, seqs)
    train_steps = np.concatenate([seqs.values[i] for i in data.train.target_idx])
    np.testing.assert_allclose(data.x_mean, train_steps.mean(axis=0))
    # changing every held-out sequence changes nothing of the scaler
    bumped = type(seqs)(**{**seqs.__dict__, "values": tuple(
        v + (0 if i in set(data.train.target_idx) else 1e6) for i, v in enumerate(seqs.values))})
    again = make_sequence_dataset(settings, bumped)
    np.testing.assert_allclose(again.x_mean, data.x_mean)
    np.testing.assert_allclose(again.x_std, data.x_std)


def test_padding_is_zero_and_data_never_is(tmp_path):
    settings = long_csv(tmp_path)
    data = make_sequence_dataset(settings, load_sequences(settings))
    assert data.masked and data.window == 6
    lengths = data.lengths_at(data.train.target_idx)
    for x, n in zip(data.train.x, lengths):
        assert np.all(x[n:] == 0.0)
        assert np.all(np.any(x[:n] != 0.0, axis=1))
    # a real step equal to the training mean would read as padding: it is nudged off zero
    mean, std = np.array([1.0, 2.0]), np.array([1.0, 1.0])
    x = pad([np.array([[1.0, 2.0], [3.0, 4.0]])], mean, std, steps=3)
    assert x[0, 0, 0] == pytest.approx(NUDGE) and np.all(x[0, 2] == 0.0)


def test_frame_scales_new_sequences_like_training(tmp_path):
    settings = long_csv(tmp_path)
    seqs = load_sequences(settings)
    data = make_sequence_dataset(settings, seqs)
    i = int(data.test.target_idx[0])
    np.testing.assert_allclose(data.frame([seqs.values[i]])[0], data.test.x[0], rtol=1e-6)
    with pytest.raises(ValueError, match="expected"):
        data.frame([np.zeros((4, 3))])


def test_a_split_column_is_a_published_split(tmp_path):
    settings = long_csv(tmp_path, shuffle=False)
    frame = pd.read_csv(tmp_path / "seq.csv")
    frame["part"] = np.where(frame["id"].isin(["s0", "s1", "s2", "s3"]), "test", "train")
    frame.to_csv(tmp_path / "seq.csv", index=False)
    settings = DataSettings(**{**settings.__dict__, "split_column": "part"})
    seqs = load_sequences(settings)
    assert seqs.channel_names == ("a", "b")  # the split column is not an input
    data = make_sequence_dataset(settings, seqs)
    assert sorted(seqs.ids[i] for i in data.test.target_idx) == ["s0", "s1", "s2", "s3"]
    assert data.split_plan.published


def test_independent_sequences_are_explained_in_class_turns_and_have_no_origin(tmp_path):
    from lstm_tune.data.framings import NoOrigin, framing_of

    settings = long_csv(tmp_path)
    data = make_sequence_dataset(settings, load_sequences(settings))
    framing = framing_of(data)
    chosen = framing.explained(data, 4)
    labels = data.actual(chosen)
    assert len(chosen) == min(4, len(data.test)) and len(set(labels[:2])) == min(2, len(labels))
    with pytest.raises(NoOrigin, match="independent sequences have no origin"):
        framing.explained(data, 4, origin="3")
