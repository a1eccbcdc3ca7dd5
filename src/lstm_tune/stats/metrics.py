"""Metrics in the data's own units (baselines live in tasks/baselines.py)."""

from __future__ import annotations

import numpy as np


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(actual, float) - np.asarray(predicted, float)) ** 2)))


def mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(actual, float) - np.asarray(predicted, float))))


def accuracy(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.asarray(actual) == np.asarray(predicted)))


def balanced_accuracy(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean recall over the classes present in `actual`."""
    from sklearn.metrics import balanced_accuracy_score

    return float(balanced_accuracy_score(np.asarray(actual), np.asarray(predicted)))


def per_class(actual: np.ndarray, predicted: np.ndarray, classes: tuple[str, ...],
              train: np.ndarray | None = None) -> list[dict[str, float | int | str]]:
    """Each class's share of the test part (and of the training part), its precision and
    recall: what accuracy alone hides on unbalanced classes."""
    a, p = np.asarray(actual).astype(str), np.asarray(predicted).astype(str)
    rows = []
    for c in classes:
        hits = int(np.sum((a == c) & (p == c)))
        said, true = int(np.sum(p == c)), int(np.sum(a == c))
        rows.append({"class": c, "test": true, "test_share": true / len(a) if len(a) else 0.0,
                     "train_share": (float(np.mean(np.asarray(train).astype(str) == c))
                                     if train is not None and len(train) else None),
                     "precision": hits / said if said else None,
                     "recall": hits / true if true else None})
    return rows


def macro_f1(actual: np.ndarray, predicted: np.ndarray) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(np.asarray(actual), np.asarray(predicted), average="macro",
                          zero_division=0))


def log_loss(actual: np.ndarray, proba: np.ndarray, classes: tuple[str, ...]) -> float:
    """Cross-entropy of the predicted probabilities (columns in the order of `classes`)."""
    from sklearn.metrics import log_loss as sk_log_loss

    p = np.clip(np.asarray(proba, dtype=float), 1e-12, None)
    p = p / p.sum(axis=1, keepdims=True)  # float32 softmax rows sum to 1 only nearly
    return float(sk_log_loss(np.asarray(actual), p, labels=list(classes)))


def confusion(actual: np.ndarray, predicted: np.ndarray, classes: tuple[str, ...]) -> list[list[int]]:
    """Counts: row = actual class, column = predicted class, in the order of `classes`."""
    from sklearn.metrics import confusion_matrix

    return confusion_matrix(np.asarray(actual), np.asarray(predicted),
                            labels=list(classes)).tolist()


def smape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Symmetric MAPE in percent, 0-200 (M4's definition; a pair of zeros counts 0)."""
    a, p = np.asarray(actual, float), np.asarray(predicted, float)
    denom = np.abs(a) + np.abs(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(denom == 0, 0.0, 200.0 * np.abs(a - p) / denom)
    return float(np.mean(terms))


def seasonal_naive_mae(history: np.ndarray, season: int) -> float:
    """MASE's scale: the in-sample mean absolute error of the seasonal naive forecast
    (of the naive one when the history is not longer than a season). NaN in the history
    (a value not in the file) leaves out the errors it takes part in."""
    h = np.asarray(history, float)
    m = season if len(h) > season else 1
    errors = np.abs(h[m:] - h[:-m])
    if not np.isfinite(errors).any():
        return float("nan")
    return float(np.nanmean(errors))


def forecast_errors(actual: np.ndarray, predicted: np.ndarray, scale: float) -> dict[str, float]:
    """RMSE and MAE in the series' units, MASE (MAE over `scale`) and sMAPE."""
    err = mae(actual, predicted)
    return {"rmse": rmse(actual, predicted), "mae": err,
            "mase": err / scale if scale > 0 else float("inf"), "smape": smape(actual, predicted)}


FORECAST_METRICS = ("rmse", "mae", "mase", "smape")


RELIABILITY_BINS = 10


def reliability(actual: np.ndarray, proba: np.ndarray, classes: tuple[str, ...],
                bins: int = RELIABILITY_BINS) -> dict[str, object]:
    """How far a classifier's confidence is from its accuracy: the predicted class's
    probability in `bins` equal-width bins, each bin's count, mean confidence and accuracy,
    and the expected calibration error (Guo et al. 2017: the count-weighted mean gap)."""
    p = np.asarray(proba, dtype=float)
    confidence = p.max(axis=1)
    right = np.asarray(classes)[p.argmax(axis=1)] == np.asarray(actual).astype(str)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    rows, gap = [], 0.0
    for b in range(bins):
        inside = which == b
        n = int(inside.sum())
        conf = float(confidence[inside].mean()) if n else None
        acc = float(right[inside].mean()) if n else None
        if n:
            gap += n * abs(acc - conf)  # type: ignore[operator]
        rows.append({"low": round(float(edges[b]), 4), "high": round(float(edges[b + 1]), 4),
                     "count": n,
                     "confidence": conf, "accuracy": acc})
    return {"ece": gap / max(len(p), 1), "bins": rows}
