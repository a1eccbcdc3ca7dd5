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
from typing import Any, Sequence

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
class LinearClassifier:
    kind: str  # "sequences" or "texts"
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
        return "tfidf_logistic" if self.kind == "texts" else "logistic_regression"

    @property
    def method(self) -> str:
        if self.kind == "texts":
            return ("TF-IDF of words and word pairs, logistic regression (scikit-learn "
                    "defaults, C=1)")
        return ("logistic regression (scikit-learn defaults, C=1) on the scaled sequence, "
                "resampled to one length and flattened")

    @staticmethod
    def fit(kind: str, inputs: Sequence[Any], labels: Sequence[str], classes: Sequence[str],
            x_mean: np.ndarray | None = None, x_std: np.ndarray | None = None,
            steps: int = 0) -> "LinearClassifier":
        """Fitted on raw sequences (with the LSTM's scaler and padded length) or texts."""
        from sklearn.linear_model import LogisticRegression

        if kind == "texts":
            from sklearn.feature_extraction.text import TfidfVectorizer

            vectorizer = TfidfVectorizer(ngram_range=NGRAMS, sublinear_tf=True)
            features = vectorizer.fit_transform([str(t) for t in inputs])
            model = LinearClassifier(kind, tuple(classes), np.zeros(0), np.zeros(0),
                                     vocabulary={str(k): int(v) for k, v in
                                                 vectorizer.vocabulary_.items()},
                                     idf=np.asarray(vectorizer.idf_, dtype=float))
        else:
            model = LinearClassifier(kind, tuple(classes), np.zeros(0), np.zeros(0),
                                     np.asarray(x_mean, float), np.asarray(x_std, float),
                                     int(steps))
            features = model.features(inputs)
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
        return LinearClassifier(kind, tuple(classes), coef.astype(float),
                                intercept.astype(float), model.x_mean, model.x_std,
                                model.steps, model.vocabulary, model.idf)

    def features(self, inputs: Sequence[Any]) -> Any:
        if self.kind != "texts":
            return resampled([(np.asarray(v, float) - self.x_mean) / self.x_std
                              for v in inputs], self.steps)
        from scipy.sparse import csr_matrix

        analyze = _analyzer()
        rows, cols, values = [], [], []
        for r, text in enumerate(inputs):
            counts: dict[int, int] = {}
            for term in analyze(str(text)):
                if (c := self.vocabulary.get(term)) is not None:
                    counts[c] = counts.get(c, 0) + 1
            if not counts:
                continue
            tf = {c: (1.0 + np.log(n)) * self.idf[c] for c, n in counts.items()}
            norm = float(np.sqrt(sum(v * v for v in tf.values())))
            for c, v in tf.items():
                rows.append(r)
                cols.append(c)
                values.append(v / norm)
        return csr_matrix((values, (rows, cols)), shape=(len(inputs), len(self.idf)))

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
    if data.framing not in ("sequences", "tokens"):
        return None
    # each sample once: a refit's validation part lies inside its training part
    idx, keep = np.unique(np.concatenate([s.target_idx for s in splits]), return_index=True)
    labels = np.concatenate([data.actual(s) for s in splits])[keep]
    if data.framing == "tokens":
        return LinearClassifier.fit("texts", data.raw_samples(idx), labels, data.classes)
    return LinearClassifier.fit("sequences", data.raw_samples(idx), labels, data.classes,
                                data.x_mean, data.x_std, data.window)
