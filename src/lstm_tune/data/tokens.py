"""Texts as model samples: words, a vocabulary fitted on the training texts, padded ids.

Tokens and vocabulary follow Keras' `TextVectorization` exactly (its default
`lower_and_strip_punctuation` standardisation, split on whitespace; the vocabulary is the
`vocab_size - 2` most frequent training words, ties broken as Keras breaks them, after id 0
for padding and id 1 for unknown words); `tests/data/test_tokens.py` holds the two equal on
the built-in corpus. It is written in Python so that framing texts needs no TensorFlow:
the parent process checks a study's data before any worker starts, and never imports it.

A text keeps its first `max_length` words (how many were cut is kept, and the report says
so); ids are padded with 0 after the last word, and the model's `Embedding(mask_zero=True)`
masks the padding, so a text's prediction is the same alone and in a padded batch. Setting
a word's id to 0 removes it from what the LSTM reads, which is how explainers and the
deletion curve remove words.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence as Seq

import numpy as np

from lstm_tune.data.encoders import PAD_ID as PAD
from lstm_tune.data.encoders import UNKNOWN_ID as UNKNOWN
from lstm_tune.data.encoders import TextEncoder, encode_tokens, words
from lstm_tune.data.settings import DataSettings
from lstm_tune.data.splits import SequenceSplit, class_split
from lstm_tune.data.texts import Texts
from lstm_tune.data.transform import Transform
from lstm_tune.data.window import FramedData, Split

UNKNOWN_TOKEN = "[UNK]"
def fit_vocabulary(token_lists: Seq[Seq[str]], size: int) -> tuple[str, ...]:
    """Padding, unknown, then the `size - 2` most frequent tokens (ties: the later token in
    code-point order first, as Keras' IndexLookup)."""
    counts = Counter(t for tokens in token_lists for t in tokens)
    counts.pop(UNKNOWN_TOKEN, None)
    counts.pop("", None)
    ranked = sorted(counts, key=lambda t: (counts[t], t.encode("utf-8")), reverse=True)
    return ("", UNKNOWN_TOKEN, *ranked[: max(0, size - 2)])


@dataclass(frozen=True)
class TokenDataset(FramedData):
    """Texts framed for a model: the same interface as the other framings, with ids
    (n, length) as inputs."""

    texts: Texts
    split_plan: SequenceSplit
    vocabulary: tuple[str, ...]  # id -> token
    train: Split
    val: Split
    test: Split
    classes: tuple[str, ...]
    window: int  # padded length: max_length, or the longest text if shorter
    max_length: int
    truncated: int  # texts longer than max_length
    channel_names: tuple[str, ...] = ("word",)
    masked: bool = True
    season: int = 1
    task: str = "classify"
    framing: str = "tokens"
    steps_ahead: int = 0
    horizon: int = 1
    metric: str = "accuracy"
    transform: Transform = Transform("none", 1)

    @property
    def loaded(self) -> Texts:
        return self.texts

    @property
    def lexicon(self) -> dict[str, float]:
        return dict(self.texts.lexicon)

    def actual_at(self, idx: np.ndarray) -> np.ndarray:
        return self.texts.labels[np.asarray(idx)]

    def labels_at(self, idx: np.ndarray) -> list[str]:
        return [self.texts.ids[i] for i in np.asarray(idx)]

    def words_at(self, idx: np.ndarray) -> list[list[str]]:
        """Each text's words as written, as far as the model reads them."""
        return [([w for w, _ in words(self.texts.texts[i])] or [self.texts.texts[i].strip()])
                [: self.max_length] for i in np.asarray(idx)]

    def lengths_at(self, idx: np.ndarray) -> np.ndarray:
        return np.array([len(w) for w in self.words_at(idx)])

    def raw_samples(self, idx: np.ndarray) -> list[str]:
        """The texts as written: what a predictor reads."""
        return [self.texts.texts[i] for i in np.asarray(idx)]

    def raw_inputs(self, idx: np.ndarray, target_as_input: bool = False) -> np.ndarray:
        """Token ids as the model reads them, (samples, steps, 1), padding as NaN."""
        ids = self.encode([self.texts.texts[i] for i in np.asarray(idx)]).astype(float)
        ids[ids == PAD] = np.nan
        return ids[..., None]

    def encoder(self) -> TextEncoder:
        """What reads new texts as this dataset read its own (data/encoders.py)."""
        return TextEncoder(tuple(self.vocabulary), self.window, self.max_length,
                           tuple(self.classes))

    @property
    def lookup(self) -> dict[str, int]:
        return self.encoder().lookup

    def encode(self, texts: Seq[str], length: int | None = None) -> np.ndarray:
        """Texts -> (n, length) int32 ids: known words by id, others unknown, padded."""
        return self.encoder().encode(texts, self.window if length is None else length)

    def frame(self, texts: Seq[str]) -> np.ndarray:
        """New texts as model input (the API's predict)."""
        return self.encoder().encode(texts)


def make_token_dataset(settings: DataSettings, texts: Texts, vocab_size: int,
                       max_length: int, fold: int = 0) -> TokenDataset:
    """Split by text (stratified), fit the vocabulary on the fold's training texts, encode."""
    plan, classes, y = class_split(texts.labels, texts.part, settings.validation,
                                   settings.test, settings.seed, texts.source, texts.source,
                                   "text", settings.folds)
    train_idx, val_idx = plan.parts(fold)
    tokens = [[t for _, t in words(x)] for x in texts.texts]
    vocabulary = fit_vocabulary([tokens[i] for i in train_idx], vocab_size)
    lookup = {t: i for i, t in enumerate(vocabulary) if i > UNKNOWN}
    lengths = np.array([len(t) for t in tokens])
    window = int(max(1, min(max_length, lengths.max())))
    x = encode_tokens(tokens, lookup, window, max_length)

    def part(idx: np.ndarray) -> Split:
        return Split(x[idx], y[idx], idx, np.zeros(len(idx)))

    return TokenDataset(
        texts=texts, split_plan=plan, vocabulary=vocabulary, train=part(train_idx),
        val=part(val_idx), test=part(plan.test), classes=classes, window=window,
        max_length=max_length, truncated=int(np.sum(lengths > max_length)))
