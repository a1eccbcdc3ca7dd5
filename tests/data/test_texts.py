"""Texts: reading a CSV of texts, tokens and vocabulary as Keras builds them, framing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lstm_tune.data.builtin import (MIXED_CONTRAST, REVIEW_NEGATION, REVIEW_NEGATIVE,
                                    REVIEW_POSITIVE, _mixed_reviews, _reviews)
from lstm_tune.data.framing import Datasets, frame, load_data
from lstm_tune.data.settings import DataSettings
from lstm_tune.data.tokens import PAD, UNKNOWN, fit_vocabulary, words
from lstm_tune.errors import StudyError

REVIEWS = DataSettings(source="t.yaml", task="classify", builtin="reviews",
                       validation=0.15, test=0.2)
PARAMS = {"vocab_size": 1000, "max_length": 50}


def test_tokens_and_vocabulary_are_those_of_keras_text_vectorization():
    """Our pure-Python tokens and vocabulary equal TextVectorization's on the corpus, with
    capitals, punctuation and a vocabulary cut short (ties broken the same way)."""
    import keras

    texts = list(_reviews()["review"][:300]) + ["Naïve CAFÉ, it's 'great'!!", "x-ray... (ok)"]
    for size in (40, 1000):
        layer = keras.layers.TextVectorization(max_tokens=size, output_mode="int")
        layer.adapt(texts)
        ours = fit_vocabulary([[t for _, t in words(x)] for x in texts], size)
        assert tuple(layer.get_vocabulary()) == ours
        lookup = {t: i for i, t in enumerate(ours) if i > UNKNOWN}
        ids = np.asarray(layer(texts))
        for row, text in zip(ids, texts):
            expected = [lookup.get(t, UNKNOWN) for _, t in words(text)]
            assert row[: len(expected)].tolist() == expected
            assert not row[len(expected):].any()


def test_vocabulary_is_fitted_on_training_texts_only():
    loaded = load_data(REVIEWS)
    data = frame(REVIEWS, loaded, PARAMS)
    train_words = {t for i in data.train.target_idx for _, t in words(loaded.texts[i])}
    assert set(data.vocabulary[2:]) <= train_words
    # a word only in a test text is read as unknown
    texts = list(loaded.texts)
    i = int(data.test.target_idx[0])
    texts[i] = texts[i] + " zyzzyva"
    changed = type(loaded)(**{**loaded.__dict__, "texts": tuple(texts)})
    again = frame(REVIEWS, changed, PARAMS)
    assert "zyzzyva" not in again.vocabulary
    assert UNKNOWN in again.encode([texts[i]])[0]


def test_padding_truncation_and_the_truncated_count():
    loaded = load_data(REVIEWS)
    lengths = np.array([len(words(t)) for t in loaded.texts])
    data = frame(REVIEWS, loaded, {"vocab_size": 1000, "max_length": 6})
    assert data.window == 6 and data.truncated == int(np.sum(lengths > 6)) > 0
    x = data.train.x
    assert x.dtype == np.int32 and x.shape[1] == 6
    full = frame(REVIEWS, loaded, PARAMS)
    assert full.window == lengths.max()
    short = np.flatnonzero(lengths[full.train.target_idx] < full.window)[0]
    n = lengths[full.train.target_idx[short]]
    assert (full.train.x[short, n:] == PAD).all() and (full.train.x[short, :n] != PAD).all()
    assert [len(w) for w in data.words_at(data.train.target_idx[:20])] == \
        np.minimum(lengths[data.train.target_idx[:20]], 6).tolist()


def test_datasets_are_built_once_per_vocabulary_and_length():
    datasets = Datasets(REVIEWS, load_data(REVIEWS))
    a = datasets.get({**PARAMS, "embedding_dim": 8, "transform": "none"})
    assert datasets.get({**PARAMS, "embedding_dim": 32}) is a
    assert datasets.get({"vocab_size": 1000, "max_length": 6}) is not a


def test_punctuation_only_text_reads_as_one_unknown_word():
    data = frame(REVIEWS, load_data(REVIEWS), PARAMS)
    ids = data.encode(["!!! ...", "great"])
    assert ids[0].tolist()[:2] == [UNKNOWN, PAD]
    assert ids[1, 0] == data.vocabulary.index("great")


def test_builtin_reviews_are_decided_by_their_sentiment_phrase():
    df = _reviews()
    positive = {"good", "great", "excellent", "wonderful", "superb", "delightful",
                "brilliant", "enjoyable"}
    for text, label in zip(df["review"][:200], df["sentiment"][:200]):
        tokens = [t for _, t in words(text)]
        adjective = next(t for t in tokens if t in positive or t in
                         {"bad", "awful", "terrible", "boring", "dreadful", "dull", "poor", "weak"})
        at = tokens.index(adjective)
        negated = at > 0 and tokens[at - 1] == REVIEW_NEGATION
        assert label == ("positive" if (adjective in positive) != negated else "negative")


def _phrases(tokens: list[str]) -> list[bool]:
    """Each sentiment phrase of a text in order, as True where it reads positive."""
    return [(t in REVIEW_POSITIVE) != (i > 0 and tokens[i - 1] == REVIEW_NEGATION)
            for i, t in enumerate(tokens) if t in REVIEW_POSITIVE or t in REVIEW_NEGATIVE]


def test_mixed_reviews_are_decided_by_the_last_clause_with_a_tenth_of_labels_wrong():
    """The noisier corpus is what its description says: on two-clause texts the words
    are balanced between the sentiments and only their order tells the label."""
    df = _mixed_reviews()
    agree, two = [], 0
    for text, label in zip(df["review"], df["sentiment"]):
        tokens = [t for _, t in words(text)]
        phrases = _phrases(tokens)
        contrast = [t for t in tokens if t in MIXED_CONTRAST]
        assert len(phrases) == len(contrast) + 1 and len(contrast) <= 1
        if contrast:
            two += 1
            assert phrases[0] != phrases[1]
        agree.append(label == ("positive" if phrases[-1] else "negative"))
    assert 0.45 < two / len(df) < 0.55
    assert 0.88 < float(np.mean(agree)) < 0.92


def _csv(tmp_path, frame_: pd.DataFrame, name: str = "texts.csv") -> DataSettings:
    frame_.to_csv(tmp_path / name, index=False)
    return DataSettings(source="t.yaml", base_dir=str(tmp_path), task="classify",
                        csv=name, text="body", target="label", validation=0.25, test=0.25)


def test_a_csv_of_texts_with_a_published_test_file(tmp_path):
    train = pd.DataFrame({"body": [f"text {i} {'good' if i % 2 else 'bad'}" for i in range(12)],
                          "label": ["p" if i % 2 else "n" for i in range(12)]})
    settings = _csv(tmp_path, train)
    train.head(4).to_csv(tmp_path / "test.csv", index=False)
    settings = DataSettings(**{**settings.__dict__, "test_csv": "test.csv"})
    data = frame(settings, load_data(settings), PARAMS)
    assert len(data.test) == 4 and data.split_plan.published
    assert data.labels_at(data.test.target_idx)[0] == "test row 1"


def test_test_class_never_seen_in_training_is_refused(tmp_path):
    train = pd.DataFrame({"body": ["a", "b", "c", "d"], "label": ["p", "n", "p", "n"]})
    settings = _csv(tmp_path, train)
    pd.DataFrame({"body": ["e"], "label": ["x"]}).to_csv(tmp_path / "test.csv", index=False)
    settings = DataSettings(**{**settings.__dict__, "test_csv": "test.csv"})
    with pytest.raises(StudyError, match="test class 'x' never occurs"):
        load_data(settings)


def test_class_split_refuses_a_held_out_class_the_training_part_lacks():
    from lstm_tune.data.splits import class_split

    labels = np.array(["a", "b"] * 6 + ["c"])
    part = np.array([""] * 12 + ["test"])
    with pytest.raises(StudyError, match="class 'c' has no text in the training part"):
        class_split(labels, part, 0.25, 0.25, 0, "w", "src", "text")
    plan, classes, y = class_split(labels[:12], part[:12], 0.25, 0.25, 0, "w", "src", "text")
    assert classes == ("a", "b") and (np.asarray(classes)[y] == labels[:12]).all()
