"""The baselines every model is compared with, on exactly the test points it is scored on.

Forecasts: persistence and seasonal naive (from observed data), and the statistical models
of `stats/models.py` (exponential smoothing, seasonal ARIMA). Classification: the majority
class of the training part and 1-nearest-neighbour (texts: TF-IDF + logistic regression). A tuned LSTM that loses to these is not
worth deploying, and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_tune.data.window import Dataset, Split
from lstm_tune.stats.linear import fit_on, resampled
from lstm_tune.stats.models import KINDS, model_name, statistical_forecasts
from lstm_tune.stats.residuals import leftover


@dataclass(frozen=True)
class Baseline:
    name: str
    method: str  # in words, for the report
    predicted: np.ndarray  # one per test point: data units, or class labels
    proba: np.ndarray | None = None  # classes: (n, classes) in the data's class order


def _label(value: Any) -> str:
    """A class as the user wrote it: 'fresh', not np.str_('fresh')."""
    return str(value.item() if hasattr(value, "item") else value)


def _paths(data: Dataset, split: Split) -> tuple[np.ndarray, np.ndarray]:
    """Every target's position (n, horizon) and its steps ahead of the origin (1..)."""
    positions = data.target_positions(split.target_idx)
    return positions, positions - (split.target_idx - data.steps_ahead)[:, None]


def _shaped(data: Dataset, values: np.ndarray) -> np.ndarray:
    """(n, horizon) predictions in the shape of the model's: (n,) for one step."""
    return values[:, 0] if data.horizon == 1 else values


def persistence(data: Dataset, split: Split) -> np.ndarray:
    """The last observed value, for every step ahead: y[origin]."""
    positions, ahead = _paths(data, split)
    return _shaped(data, data.table.target[positions - ahead])


def seasonal_lags(data: Dataset, ahead: np.ndarray) -> np.ndarray:
    """k seasons back for each step ahead, k the fewest that reach the origin or before."""
    return np.maximum(np.ceil(ahead / data.season), 1).astype(int) * data.season


def seasonal_naive(data: Dataset, split: Split) -> np.ndarray:
    """The value one season (or k seasons) earlier, from observed data."""
    positions, ahead = _paths(data, split)
    return _shaped(data, data.table.target[positions - seasonal_lags(data, ahead)])


def _reaches_back(data: Dataset, split: Split) -> bool:
    """Seasonal naive finds, for every target, a value in the target's own series."""
    positions, ahead = _paths(data, split)
    starts = {name: start for name, start, _ in data.table.parts}
    first = np.array([starts[data.series_names[s]] for s in split.series_index])
    return bool(np.all(positions - seasonal_lags(data, ahead) >= first[:, None]))


def naive_baselines(data: Dataset, split: Split) -> list[Baseline]:
    ahead = ("the same value for every step ahead" if data.horizon > 1 else
             f"{data.steps_ahead} step(s) before the target")
    out = [Baseline("persistence", f"the last observed value, {ahead}", persistence(data, split))]
    if data.season > 1 and _reaches_back(data, split):  # with no season it is persistence
        lag = (f"{data.season} steps (one season) earlier" if data.horizon <= data.season
               else "whole seasons earlier, reaching the origin or before")
        out.append(Baseline("seasonal_naive", f"the value {lag}", seasonal_naive(data, split)))
    return out


def _series_of(data: Dataset, split: Split
               ) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]]:
    """Each series with samples in `split`: its name, those samples' rows, its target,
    their target positions in it (a statistical model is fitted on each series alone) and
    which of its values were in the data (None unless data.missing carried some)."""
    spans = {name: (start, stop) for name, start, stop in data.table.parts}
    observed = data.table.observed
    out = []
    for i, name in enumerate(data.series_names):
        rows = np.flatnonzero(split.series_index == i)
        if len(rows):
            start, stop = spans[name]
            out.append((name, rows, data.table.target[start:stop],
                        split.target_idx[rows] - start,
                        None if observed is None else observed[start:stop]))
    return out


def forecast_baselines(data: Dataset, split: Split, statistical: bool = True) -> list[Baseline]:
    """Naive and (optionally) statistical forecasts of the split's targets: for a panel,
    fitted on each series alone; a statistical model that fails on any series is left out."""
    out = naive_baselines(data, split)
    if not statistical:
        return out
    fits = [(rows, {f.name: f for f in statistical_forecasts(
        y, targets, data.steps_ahead, data.season, data.horizon)})
        for _, rows, y, targets, _ in _series_of(data, split)]  # each model's, per series
    if not fits:
        return out
    common = [n for n in fits[0][1] if all(n in found for _, found in fits)]
    each = ", fitted on each series alone" if data.table.panel else ""
    for n in common:
        values = np.full((len(split), data.horizon), np.nan)
        for rows, found in fits:
            values[rows] = np.asarray(found[n].predicted).reshape(len(rows), -1)
        out.append(Baseline(n, fits[0][1][n].method + each, _shaped(data, values)))
    return out


def statistical_leftover(data: Dataset, split: Split) -> dict[str, dict[str, Any]]:
    """Per statistical model, fitted on each series' steps before `split` as its baseline
    is: its kind, the tests of its one-step errors there (at targets in the data, not
    carried ones), per series (`series`), and in how many of the series tested (`tested`)
    they cannot be told from noise (`noise`), with the inputs the model reads beside the
    target (`inputs`: what the tests do not cover)."""
    out: dict[str, dict[str, Any]] = {}
    series = _series_of(data, split)
    for kind in KINDS:
        per_series = {}
        for name, _, y, targets, observed in series:
            found = leftover(y, int(targets.min()), data.season, kind, observed)
            if found is not None:  # one series: named by its target
                per_series[name or data.table.target_name] = found.to_json()
        if per_series:
            out[model_name(kind, data.season)] = {
                "kind": kind, "series": per_series, "tested": len(per_series),
                "noise": sum(v["noise"] for v in per_series.values()),
                "inputs": list(data.table.feature_names)}
    return out


def flat_inputs(data: Any, split: Split) -> np.ndarray:
    """A split's samples as flat vectors for distance-based baselines: windows as they are,
    sequences of different lengths resampled (linearly, per channel) to the padded length."""
    if not getattr(data, "masked", False):
        return split.x.reshape(len(split), -1)
    return resampled([x[:n] for x, n in zip(split.x, data.lengths_at(split.target_idx))],
                     data.window)


def _majority(data: Any, split: Split) -> Baseline:
    """The training part's most frequent class, with the training part's class shares as
    its probabilities (so it has a log loss too)."""
    train = [_label(v) for v in data.actual(data.train)]
    majority = max(sorted(set(train)), key=train.count)
    shares = np.array([train.count(c) for c in data.classes], dtype=float) / len(train)
    return Baseline("majority_class", f"always the training part's most frequent class "
                    f"('{majority}'), with the training part's class shares as probabilities",
                    np.array([majority] * len(split)), np.tile(shares, (len(split), 1)))


def class_baselines(data: Any, split: Split) -> list[Baseline]:
    """The majority class, the linear classifier a combination uses (stats/linear.py:
    logistic regression on the flattened sequence, or on TF-IDF of words and word pairs)
    and, for sequences and windows, 1-nearest-neighbour (Euclidean); each fitted on the
    samples before `split` (training and validation: a baseline has nothing to select)."""
    seen = [data.train, data.val]
    out = [_majority(data, split)]
    linear = fit_on(data, seen)
    if linear is not None:
        proba = linear.proba(data.raw_samples(split.target_idx))
        out.append(Baseline(linear.name, linear.method + ", fitted on the training and "
                            "validation " + ("texts" if linear.kind == "texts" else
                                             "sequences"),
                            np.asarray(data.classes)[proba.argmax(axis=1)], proba))
    if data.framing == "tokens":
        return out
    from sklearn.neighbors import KNeighborsClassifier

    knn = KNeighborsClassifier(n_neighbors=1, algorithm="brute").fit(
        np.concatenate([flat_inputs(data, s) for s in seen]),
        np.concatenate([data.actual(s) for s in seen]))
    padded = " resampled to one length," if getattr(data, "masked", False) else ""
    return out + [
        Baseline("nearest_neighbour", "the class of the closest training or validation "
                 f"sample (1-NN, Euclidean distance on the scaled{padded} inputs)",
                 knn.predict(flat_inputs(data, split))),
    ]
