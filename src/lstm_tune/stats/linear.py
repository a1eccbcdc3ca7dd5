"""The linear classifier a classifier is combined with: a logistic regression on the
flattened scaled sequence (resampled to one length), or on TF-IDF of words and word pairs
for texts. Kept as plain numbers (coefficients, scalers, vocabulary and idf), so a saved
predictor holds no pickle, and read from raw input as the LSTM's encoder reads it.

For short texts with little data a linear model on n-grams is hard to beat, and for
sequences it sees every step at once where the LSTM reads them in order: averaging its
probabilities with the network's is the classification counterpart of a forecast
combination (evaluate/combine.py says how the weight is chosen).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

# scikit-learn's defaults, as the reported TF-IDF baseline (tasks/baselines.py)
NGRAMS = (1, 2)
C = 1.0


def _analyzer() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(ngram_range=NGRAMS).build_analyzer()


def resampled(values: Sequence[np.ndarray], steps: int) -> np.ndarray:
    """Sequences (steps x channels, any lengths) resampled linearly, per channel, to
    `steps` steps and flattened: (n, steps x channels), for models that read every step at
    once (the linear classifier, the 1-NN baseline)."""
    rows = []
    for v in values:
        z = np.asarray(v, dtype=float)
        grid = np.linspace(0, len(z) - 1, steps)
        rows.append(np.stack([np.interp(grid, np.arange(len(z)), z[:, c])
                              for c in range(z.shape[1])], axis=1).reshape(-1))
    return np.asarray(rows)


@dataclass(frozen=True)
class Kind:
    """One kind of input the linear classifier reads: its features, fitted and applied."""

    name: str  # the model's name in reports
    method: str  # the model in words
    # (inputs, data) -> the fitted feature state (LinearClassifier's fields) and features
    fit: Callable[[Sequence[Any], Any], tuple[dict[str, Any], Any]]
    # (classifier, inputs) -> features
    features: Callable[["LinearClassifier", Sequence[Any]], Any]


@dataclass(frozen=True)
class LinearClassifier:
    kind: str  # a key of KINDS: "sequences" or "texts"
    classes: tuple[str, ...]  # the data's class order: the columns of `proba`
    coef: np.ndarray  # (classes, features): softmax(features @ coef.T + intercept)
    intercept: np.ndarray
    # sequences: the scaler and the length every sequence is resampled to
    x_mean: np.ndarray = field(default_factory=lambda: np.zeros(0))
    x_std: np.ndarray = field(default_factory=lambda: np.ones(0))
    steps: int = 0
    # texts: the TF-IDF terms (term -> column) and their idf
    vocabulary: dict[str, int] = field(default_factory=dict)
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def name(self) -> str:
        return KINDS[self.kind].name

    @property
    def method(self) -> str:
        return KINDS[self.kind].method

    @staticmethod
    def fit(kind: str, inputs: Sequence[Any], labels: Sequence[str], data: Any
            ) -> "LinearClassifier":
        """Fitted on raw sequences (with the LSTM's scaler and padded length, read from
        `data`) or texts."""
        from sklearn.linear_model import LogisticRegression

        state, features = KINDS[kind].fit(inputs, data)
        classes = tuple(str(c) for c in data.classes)
        fitted = LogisticRegression(C=C, max_iter=2000).fit(features, [str(y) for y in labels])
        coef, intercept = fitted.coef_, fitted.intercept_
        if coef.shape[0] == 1:  # two classes: the second's log-odds against the first's 0
            coef = np.concatenate([np.zeros_like(coef), coef])
            intercept = np.concatenate([[0.0], intercept])
        # one row per class in the data's order; a class the training part lacks never wins
        rows = {str(c): i for i, c in enumerate(fitted.classes_)}
        coef = np.stack([coef[rows[c]] if c in rows else np.zeros(coef.shape[1])
                         for c in classes])
        intercept = np.array([intercept[rows[c]] if c in rows else -1e9 for c in classes])
        return LinearClassifier(kind, classes, coef.astype(float), intercept.astype(float),
                                **state)

    def features(self, inputs: Sequence[Any]) -> Any:
        return KINDS[self.kind].features(self, inputs)

    def proba(self, inputs: Sequence[Any]) -> np.ndarray:
        """Class probabilities (n, classes) of raw sequences or texts."""
        scores = np.asarray(self.features(inputs) @ self.coef.T) + self.intercept
        scores = scores - scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        return e / e.sum(axis=1, keepdims=True)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "classes": list(self.classes),
                "coef": self.coef.tolist(), "intercept": self.intercept.tolist(),
                "x_mean": self.x_mean.tolist(), "x_std": self.x_std.tolist(),
                "steps": self.steps, "vocabulary": self.vocabulary, "idf": self.idf.tolist()}

    @staticmethod
    def from_json(value: dict[str, Any]) -> "LinearClassifier":
        arrays = {k: np.asarray(value[k], dtype=float)
                  for k in ("coef", "intercept", "x_mean", "x_std", "idf")}
        return LinearClassifier(str(value["kind"]), tuple(value["classes"]), arrays["coef"],
                                arrays["intercept"], arrays["x_mean"], arrays["x_std"],
                                int(value["steps"]), dict(value["vocabulary"]), arrays["idf"])


def fit_on(data: Any, splits: Sequence[Any]) -> "LinearClassifier | None":
    """The linear classifier of a dataset of sequences or texts, fitted on the samples of
    `splits` as a predictor reads them (raw); None for windows of one series."""
    kind = KIND_OF_FRAMING.get(data.framing)
    if kind is None:
        return None
    # each sample once: a refit's validation part lies inside its training part
    idx, keep = np.unique(np.concatenate([s.target_idx for s in splits]), return_index=True)
    labels = np.concatenate([data.actual(s) for s in splits])[keep]
    return LinearClassifier.fit(kind, data.raw_samples(idx), labels, data)


def _fit_sequences(inputs: Sequence[Any], data: Any) -> tuple[dict[str, Any], Any]:
    state = {"x_mean": np.asarray(data.x_mean, float), "x_std": np.asarray(data.x_std, float),
             "steps": int(data.window)}
    return state, _scaled_resampled(inputs, **state)


def _sequence_features(model: LinearClassifier, inputs: Sequence[Any]) -> np.ndarray:
    return _scaled_resampled(inputs, model.x_mean, model.x_std, model.steps)


def _scaled_resampled(inputs: Sequence[Any], x_mean: np.ndarray, x_std: np.ndarray,
                      steps: int) -> np.ndarray:
    """Each sequence scaled with the LSTM's scaler, then resampled to `steps` steps."""
    return resampled([(np.asarray(v, float) - x_mean) / x_std for v in inputs], steps)


def _fit_texts(inputs: Sequence[Any], data: Any) -> tuple[dict[str, Any], Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(ngram_range=NGRAMS, sublinear_tf=True)
    features = vectorizer.fit_transform([str(t) for t in inputs])
    return {"vocabulary": {str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
            "idf": np.asarray(vectorizer.idf_, dtype=float)}, features


def _text_features(model: LinearClassifier, inputs: Sequence[Any]) -> Any:
    """TF-IDF as the fitted vectorizer computes it (sublinear counts, l2 norm), from the
    stored vocabulary and idf alone."""
    from scipy.sparse import csr_matrix

    analyze = _analyzer()
    rows, cols, values = [], [], []
    for r, text in enumerate(inputs):
        counts: dict[int, int] = {}
        for term in analyze(str(text)):
            if (c := model.vocabulary.get(term)) is not None:
                counts[c] = counts.get(c, 0) + 1
        if not counts:
            continue
        tf = {c: (1.0 + np.log(n)) * model.idf[c] for c, n in counts.items()}
        norm = float(np.sqrt(sum(v * v for v in tf.values())))
        for c, v in tf.items():
            rows.append(r)
            cols.append(c)
            values.append(v / norm)
    return csr_matrix((values, (rows, cols)), shape=(len(inputs), len(model.idf)))


KINDS: dict[str, Kind] = {
    "sequences": Kind(
        "logistic_regression", "logistic regression (scikit-learn defaults, C=1) on the "
        "scaled sequence, resampled to one length and flattened",
        _fit_sequences, _sequence_features),
    "texts": Kind(
        "tfidf_logistic", "TF-IDF of words and word pairs, logistic regression "
        "(scikit-learn defaults, C=1)", _fit_texts, _text_features),
}
# the kind a dataset's framing is read as; windows of one series have none
KIND_OF_FRAMING = {"sequences": "sequences", "tokens": "texts"}
